"""Speed budget: a 10,000-value CSV upload validates and stores in under 3 seconds on SQLite
(issue 5, "Done when: Imports").

Standalone: ``python benchmarks/bench_pack_import.py`` (``make bench`` runs every script here).
It builds a fresh on-disk SQLite database in a temporary folder, migrates it, loads the
reference data (organisations, the measure catalogue), signs up an NHS P&I analyst, writes a
CSV of 10,000 values across organisations and months, and times
``reporting.imports.values_import``. Exits 1 if the import takes 3 seconds or more.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 3.0
VALUES = 10_000


def main() -> int:
    folder = tempfile.mkdtemp(prefix="bench-pack-import-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from organisations.choices import Role
    from organisations.models import Membership, Organisation
    from reporting import imports, selectors
    from reporting.choices import Unit
    from reporting.models import PackValue

    call_command("migrate", verbosity=0)
    call_command("seed_reference", stdout=io.StringIO())

    analyst = get_user_model().objects.create_user(username="bench-analyst")
    Membership.objects.create(
        user=analyst, organisation=Organisation.objects.get(code="NHSPI"), role=Role.NHSPI_ANALYST
    )

    sample = {Unit.PERCENT: "81.5", Unit.YES_NO: "1", Unit.GBP_MILLIONS: "-2.25", Unit.COUNT: "120"}
    organisations = list(Organisation.objects.filter(kind__in=["health_board", "trust"]).order_by("code"))
    lines = ["organisation,period,measure,value,reason"]
    year, month = 2025, 7
    while len(lines) <= VALUES:
        period = date(year, month, 1)
        for organisation in organisations:
            for measure in selectors.pack_measures(organisation, period):
                if len(lines) > VALUES:
                    break
                lines.append(f"{organisation.code},{period:%Y-%m},{measure.code},{sample.get(measure.unit, '12.5')},")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    upload = ("\n".join(lines) + "\n").encode()

    started = time.perf_counter()
    report = imports.values_import(actor=analyst, upload=upload)
    elapsed = time.perf_counter() - started

    stored = PackValue.objects.count()
    print(
        f"values_import: {report.rows} values into {report.packs_created} new packs "
        f"({len(organisations)} organisations, up to {period:%B %Y}) in {elapsed:.2f} s "
        f"(budget {BUDGET_SECONDS:.0f} s); {stored} values stored"
    )
    if stored != VALUES or report.rows != VALUES:
        print(f"FAIL: expected {VALUES} values stored")
        return 1
    if elapsed >= BUDGET_SECONDS:
        print(f"FAIL: {elapsed:.2f} s is over the {BUDGET_SECONDS:.0f} s budget")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    code = main()
    shutil.rmtree(os.path.dirname(os.environ["DATABASE_URL"].removeprefix("sqlite:///")), ignore_errors=True)
    sys.exit(code)
