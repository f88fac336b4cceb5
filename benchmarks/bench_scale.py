"""Proof under pressure: the main pages, API lists, import, planner and PDFs at 1× and 10× data.

``make bench`` runs it (with the other ``bench_*.py``); standalone::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oversight_bench python benchmarks/bench_scale.py
    python benchmarks/bench_scale.py                    # SQLite files in var/bench/

For each scale (``BENCH_SCALES``, default ``1,10``) a fresh database is built in a child
process (PostgreSQL: ``<name>_1x``, ``<name>_10x`` made with CREATE DATABASE, the name taken
from ``DATABASE_URL`` when it starts with ``oversight_bench``; SQLite: ``var/bench/bench-Nx.sqlite3``):
migrate, ``seed_reference``, ``benchmarks/generate.py`` (timed). The child then measures, with
``DEBUG`` off:

* the meeting planner's first run and an idempotent re-run (time, and the re-run's writes);
* p50/p95 server time (``django.test.Client``, in-process, after warm-up, ``BENCH_REQUESTS``
  requests each, default 50) and the query count (``CaptureQueriesContext``) of the main pages
  and API lists, signed in as a Welsh Government official, beside a trivial page and a trivial
  API view through the same middleware (``benchmarks/urlconf.py``);
* pack import throughput through ``reporting.imports.values_import`` beside a bare COPY
  (PostgreSQL) or ``bulk_create`` (SQLite) of the same rows into the same table;
* the two-page letter and a performance pack rendered to PDF beside bare WeasyPrint on the
  same HTML;
* load: gunicorn (2 workers) on loopback and ``wrk`` for ``BENCH_LOAD_SECONDS`` (default 20)
  over three main pages with a signed-in session; skipped, loudly, when wrk is missing.

The parent compares query counts across scales, writes ``bench/results/<date>.md`` (one
section per database) and exits 1 when a budget is missed. Budgets (docs/decisions.md,
"Performance benchmark"): query counts identical at every scale and zero writes on the planner
re-run and zero load errors, always; the time budgets only on PostgreSQL at 10× or more.
``BENCH_REUSE=1`` keeps an existing benchmark database (for iterating; the planner's "first"
run is then not a first run).
"""

# ruff: noqa: S603 - runs this script, gunicorn and wrk, with arguments it builds itself
from __future__ import annotations

import csv
import io
import json
import logging
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"

PAGE_P95_MS = 150
API_P95_MS = 100
IMPORT_VALUES_PER_S = 20_000
PLANNER_RERUN_S = 2.0
LETTER_S = 1.0
IMPORT_VALUES = int(os.environ.get("BENCH_IMPORT_VALUES", "10000"))
PDF_RUNS = 5
WARM_UP = 3


# --- The parent: one child per scale, then the table --------------------------------------------


def database_url(base: str | None, scale: int) -> str:
    if not base:
        return f"sqlite:///{VAR}/bench-{scale}x.sqlite3"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench_scale: DATABASE_URL must be PostgreSQL (or unset, for SQLite)")
    name = parts.path.lstrip("/")
    stem = name if name.startswith("oversight_bench") else "oversight_bench"
    return urlunsplit(parts._replace(path=f"/{stem}_{scale}x"))


def main() -> int:
    if "--worker" in sys.argv:
        return worker(int(sys.argv[sys.argv.index("--worker") + 1]))
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(",") if s.strip()]
    base = os.environ.get("DATABASE_URL")
    VAR.mkdir(parents=True, exist_ok=True)
    runs = []
    for scale in scales:
        out = VAR / f"result-{scale}x.json"
        out.unlink(missing_ok=True)
        env = {**os.environ, "DATABASE_URL": database_url(base, scale), "BENCH_OUT": str(out), "DEBUG": "False"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
        print(f"== scale {scale}×: {env['DATABASE_URL']}", flush=True)
        code = subprocess.call([sys.executable, __file__, "--worker", str(scale)], env=env, cwd=ROOT)
        if code != 0 or not out.exists():
            print(f"FAIL: the {scale}× run stopped (exit {code})")
            return 1
        runs.append(json.loads(out.read_text()))
    rows, failures = evaluate(runs)
    table = markdown(runs, rows)
    path = write_results(runs[0]["facts"], table)
    print(table)
    print(f"Results written to {path.relative_to(ROOT)}")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


def evaluate(runs):
    """The table's rows and the budgets missed."""
    rows, failures = [], []
    counts: dict[str, set] = {}
    for run in runs:
        for item in run["requests"]:
            counts.setdefault(item["name"], set()).add(item["queries"])
    for run in runs:
        scale, enforce = run["scale"], run["facts"]["vendor"] == "postgresql" and run["scale"] >= 10
        baselines = {item["kind"]: item for item in run["baselines"]}
        for item in run["requests"]:
            limit = PAGE_P95_MS if item["kind"] == "page" else API_P95_MS
            same = len(counts[item["name"]]) == 1
            ok_time = item["p95_ms"] <= limit
            ok = same and item["status_ok"] and (ok_time or not enforce)
            base = baselines[item["kind"]]
            budget = f"p95 ≤ {limit} ms{'' if enforce else ' (10× PG)'}; queries same at every scale"
            rows.append(
                [
                    item["name"],
                    f"{scale}×",
                    f"{item['p50_ms']:.1f} ms",
                    f"{item['p95_ms']:.1f} ms",
                    str(item["queries"]),
                    f"{base['p50_ms']:.1f} / {base['p95_ms']:.1f} ms, {base['queries']} q",
                    budget,
                    verdict(ok, enforce or not same or not item["status_ok"]),
                ]
            )
            if not same:
                failures.append(f"{item['name']}: query counts differ across scales {sorted(counts[item['name']])}")
            elif not item["status_ok"]:
                failures.append(f"{item['name']} at {scale}×: answered {item['status']}")
            elif enforce and not ok_time:
                failures.append(f"{item['name']} at {scale}×: p95 {item['p95_ms']:.1f} ms > {limit} ms")
        imp = run["import"]
        ok = imp["values_per_s"] >= IMPORT_VALUES_PER_S
        rows.append(
            [
                f"Pack import ({imp['values']:,} values, values_import)",
                f"{scale}×",
                f"{imp['values_per_s']:,.0f} values/s",
                f"{imp['seconds']:.2f} s",
                str(imp["queries"]),
                f"{imp['baseline_label']}: {imp['baseline_values_per_s']:,.0f} values/s",
                f"≥ {IMPORT_VALUES_PER_S:,} values/s{'' if enforce else ' (10× PG)'}",
                verdict(ok, enforce),
            ]
        )
        if enforce and not ok:
            failures.append(f"pack import at {scale}×: {imp['values_per_s']:,.0f} values/s < {IMPORT_VALUES_PER_S:,}")
        plan = run["planner"]
        rows.append(
            [
                f"Meeting planner, first run ({plan['first_created']} planned)",
                f"{scale}×",
                f"{plan['first_s']:.2f} s",
                "–",
                str(plan["first_queries"]),
                "–",
                "reported",
                "–",
            ]
        )
        ok_writes, ok_time = plan["rerun_writes"] == 0, plan["rerun_s"] <= PLANNER_RERUN_S
        rows.append(
            [
                f"Meeting planner, re-run ({plan['rerun_writes']} writes)",
                f"{scale}×",
                f"{plan['rerun_s']:.2f} s",
                "–",
                str(plan["rerun_queries"]),
                "–",
                f"≤ {PLANNER_RERUN_S:.0f} s{'' if enforce else ' (10× PG)'}; zero writes",
                verdict(ok_writes and (ok_time or not enforce), True),
            ]
        )
        if not ok_writes:
            failures.append(f"planner re-run at {scale}×: {plan['rerun_writes']} writes")
        if enforce and not ok_time:
            failures.append(f"planner re-run at {scale}×: {plan['rerun_s']:.2f} s > {PLANNER_RERUN_S} s")
        for pdf in run["pdfs"]:
            limit = LETTER_S if pdf["name"].startswith("Letter") else None
            ok = limit is None or pdf["p95_s"] <= limit
            rows.append(
                [
                    pdf["name"],
                    f"{scale}×",
                    f"{pdf['p50_s']:.3f} s",
                    f"{pdf['p95_s']:.3f} s",
                    str(pdf["queries"]),
                    f"bare WeasyPrint {pdf['baseline_p50_s']:.3f} s",
                    f"≤ {limit:.0f} s{'' if enforce else ' (10× PG)'}" if limit else "reported",
                    verdict(ok, enforce and limit is not None),
                ]
            )
            if enforce and not ok:
                failures.append(f"{pdf['name']} at {scale}×: {pdf['p95_s']:.3f} s > {limit} s")
        load = run.get("load")
        if load is None or "skipped" in load:
            rows.append(
                [
                    "Load (wrk, gunicorn)",
                    f"{scale}×",
                    "SKIPPED",
                    "",
                    "",
                    "",
                    "zero errors",
                    (load or {}).get("skipped", "not run"),
                ]
            )
        else:
            errors = load["non2xx"] + load["socket_errors"]
            rows.append(
                [
                    f"Load: {load['requests_per_s']:.1f} req/s, {load['requests']:,} requests in "
                    f"{load['seconds']:.0f} s ({load['pages']}), {errors} errors",
                    f"{scale}×",
                    f"{load['p50_ms']:.1f} ms",
                    f"{load['p95_ms']:.1f} ms (p99 {load['p99_ms']:.1f})",
                    "–",
                    f"/healthz {load['baseline_requests_per_s']:.1f} req/s, p95 {load['baseline_p95_ms']:.1f} ms",
                    "zero errors; throughput reported",
                    verdict(errors == 0, True),
                ]
            )
            if errors:
                failures.append(f"load at {scale}×: {errors} errors (non-2xx or socket)")
    return rows, failures


def verdict(ok: bool, enforced: bool) -> str:
    if ok:
        return "pass" if enforced else "pass (info)"
    return "FAIL" if enforced else "over (info)"


def markdown(runs, rows) -> str:
    facts = runs[0]["facts"]
    lines = [
        f"### {facts['database']} — {facts['date']}",
        "",
        f"- Machine: {facts['cpus']} CPUs ({facts['machine']}), load average at start "
        + ", ".join(f"{r['scale']}×: {r['facts']['loadavg']}" for r in runs)
        + " (shared with other work: timings are noisier than on a quiet machine)",
        f"- Database: {facts['database']}; Python {facts['python']}, Django {facts['django']}, "
        f"WeasyPrint {facts['weasyprint']}, gunicorn {facts['gunicorn']}, {facts['wrk']}",
        "- Data: " + "; ".join(f"{r['scale']}×: {r['data']} (generated in {r['generate_s']:.1f} s)" for r in runs),
        f"- {facts['requests']} timed requests per page after {WARM_UP} warm-up requests, in-process "
        "(django.test.Client, DEBUG off), signed in as a Welsh Government official. Baseline for pages: a "
        "trivial login-required view; for API lists: a trivial DRF view; both through the same middleware.",
        "",
        "| measure | scale | p50 | p95 | queries | baseline | budget | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_results(facts, table: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{facts['date']}.md"
    start, end = f"<!-- bench:{facts['vendor']} -->", f"<!-- /bench:{facts['vendor']} -->"
    section = f"{start}\n{table}{end}\n"
    header = "# Benchmark results\n\nWritten by `make bench` (benchmarks/bench_scale.py).\n\n"
    text = path.read_text() if path.exists() else header
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    return path


# --- The child: one scale -----------------------------------------------------------------------


def fresh_database(url: str, reuse: bool) -> bool:
    """Create the benchmark database; True if it was (re)built, False if reused."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path)
        if reuse and path.exists():
            return False
        path.unlink(missing_ok=True)
        return True
    import psycopg2

    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if reuse and exists:
            admin.close()
            return False
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return True


def worker(scale: int) -> int:
    sys.path.insert(0, str(ROOT))
    reuse = os.environ.get("BENCH_REUSE") == "1"
    built = fresh_database(os.environ["DATABASE_URL"], reuse)

    import django

    django.setup()
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    import generate
    from django.core.management import call_command

    result = {"scale": scale, "facts": facts()}
    if built:
        print(f"   migrating and seeding the {scale}× database", flush=True)
        call_command("migrate", verbosity=0)
        call_command("seed_reference", stdout=io.StringIO())
        started = time.perf_counter()
        report = generate.generate(scale)
        result["generate_s"] = time.perf_counter() - started
        result["data"] = str(report)
    else:
        result["generate_s"], result["data"] = 0.0, "reused database"
    print(f"   data: {result['data']} in {result['generate_s']:.1f} s", flush=True)
    users = generate.personas()
    result["planner"] = measure_planner()
    print(f"   planner: {result['planner']}", flush=True)
    import oversight.wsgi  # noqa: F401 - as a web worker starts: the application loaded, start-up objects frozen

    result["requests"], result["baselines"], targets = measure_requests(users)
    for item in result["requests"] + result["baselines"]:
        print(f"   {item['name']}: p50 {item['p50_ms']:.1f} ms, p95 {item['p95_ms']:.1f} ms, {item['queries']} queries")
    result["import"] = measure_import(users["bench-analyst"])
    print(f"   import: {result['import']}", flush=True)
    result["pdfs"] = measure_pdfs(users["bench-analyst"], targets["pack"])
    print(f"   pdfs: {result['pdfs']}", flush=True)
    result["load"] = measure_load(users["bench-official"], targets, scale)
    print(f"   load: {result['load']}", flush=True)
    Path(os.environ["BENCH_OUT"]).write_text(json.dumps(result, indent=1, default=str))
    return 0


def facts() -> dict:
    import django
    import weasyprint
    from django.db import connection

    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("select sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    wrk = shutil.which("wrk")
    wrk_version = "wrk absent"
    if wrk:
        probe = subprocess.run([wrk, "--version"], capture_output=True, text=True)
        wrk_version = (probe.stdout or probe.stderr).strip().splitlines()[0].split(" [")[0]
    from importlib.metadata import version

    return {
        "date": f"{date.today():%Y-%m-%d}",
        "time": f"{datetime.now():%H:%M}",
        "vendor": vendor,
        "database": database,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "loadavg": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "gunicorn": version("gunicorn"),
        "wrk": wrk_version,
        "requests": int(os.environ.get("BENCH_REQUESTS", "50")),
    }


def writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"})


def measure_planner() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from meetings import planner

    today = timezone.localdate()
    with CaptureQueriesContext(connection) as first_queries:
        started = time.perf_counter()
        first = planner.plan_meetings(today=today)
        first_s = time.perf_counter() - started
    with CaptureQueriesContext(connection) as rerun_queries:
        started = time.perf_counter()
        planner.plan_meetings(today=today)
        rerun_s = time.perf_counter() - started
    return {
        "first_s": first_s,
        "first_queries": len(first_queries),
        "first_writes": writes(first_queries.captured_queries),
        "first_created": len(first.created),
        "rerun_s": rerun_s,
        "rerun_queries": len(rerun_queries),
        "rerun_writes": writes(rerun_queries.captured_queries),
    }


def login_backend() -> str:
    from django.conf import settings
    from django.contrib.auth import load_backend
    from django.contrib.auth.backends import ModelBackend

    for path in settings.AUTHENTICATION_BACKENDS:
        if isinstance(load_backend(path), ModelBackend):
            return path
    return settings.AUTHENTICATION_BACKENDS[-1]


def percentile(values, pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_gets(client, items, n: int) -> list[dict]:
    """Warm each URL up and count its queries, then time ``n`` rounds, each round requesting
    every URL once: a burst of load from elsewhere on the machine falls on all of them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for name, kind, url in items:
        statuses = [client.get(url).status_code for _ in range(WARM_UP)]
        # Each request empties the query log as it starts (django.db.reset_queries); empty it first
        # so that the capture does not subtract what an earlier measurement left there.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # now: the capture reads the log lazily, and the next request empties it
        results.append({"name": name, "kind": kind, "url": url, "queries": count, "statuses": statuses, "ms": []})
    for _ in range(n):
        for result in results:
            started = time.perf_counter()
            response = client.get(result["url"])
            result["ms"].append((time.perf_counter() - started) * 1000)
            result["statuses"].append(response.status_code)
    for result in results:
        timings, statuses = result.pop("ms"), set(result.pop("statuses"))
        result["status"] = ", ".join(str(x) for x in sorted(statuses))
        result["status_ok"] = statuses == {200}
        result["p50_ms"] = statistics.median(timings)
        result["p95_ms"] = percentile(timings, 95)
    return results


def measure_requests(users):
    from django.test import Client, override_settings
    from django.urls import reverse

    from escalation.models import EscalationCase
    from organisations.models import Organisation
    from reporting.models import Pack

    n = int(os.environ.get("BENCH_REQUESTS", "50"))
    organisation = Organisation.objects.get(code="BCUHB")  # a real health board: the same rows at every scale
    case = EscalationCase.objects.filter(organisation=organisation).order_by("-opened_on").first()
    packs = Pack.objects.filter(organisation=organisation, status="released", is_current=True)
    pack = packs.order_by("-period").first()
    targets = {
        "organisation": organisation,
        "pack": pack,
        "pages": [
            reverse("escalation:overview"),
            reverse("reporting:pack-detail", args=[pack.pk]),
            reverse("meetings:meeting-calendar"),
        ],
    }
    pages = [
        ("System overview", reverse("escalation:overview")),
        ("Organisation page", reverse("organisations:detail", args=[organisation.pk])),
        ("Organisation escalation page", reverse("escalation:organisation", args=[organisation.pk])),
        ("Case page", reverse("escalation:case-detail", args=[case.pk])),
        ("Pack page", reverse("reporting:pack-detail", args=[pack.pk])),
        ("Measure page (SPC chart)", reverse("reporting:measure-detail", args=["UEC-ED4H"]) + "?organisation=BCUHB"),
        ("Meetings calendar", reverse("meetings:meeting-calendar")),
    ]
    apis = [
        ("API organisations", reverse("api:organisation-list")),
        ("API escalation decisions", reverse("api:escalation-decision-list")),
        ("API escalation levels", reverse("api:escalation-level-list")),
        ("API escalation cases", reverse("api:escalation-case-list")),
        ("API packs", reverse("api:reporting-pack-list")),
        ("API meetings", reverse("api:meeting-list")),
    ]
    client = Client()
    client.force_login(users["bench-official"], backend=login_backend())
    items = [(name, "page", url) for name, url in pages] + [(name, "api", url) for name, url in apis]
    items += [
        ("Trivial page (baseline)", "page", "/__bench__/page/"),
        ("Trivial API view (baseline)", "api", "/__bench__/api/"),
    ]
    with override_settings(ROOT_URLCONF="benchmarks.urlconf"):  # the real URLs plus the two trivial views
        measured = time_gets(client, items, n)
    return measured[:-2], measured[-2:], targets


def import_csv(today: date) -> tuple[bytes, int]:
    """``IMPORT_VALUES`` rows for months before the generated history (new draft packs)."""
    import generate

    from organisations.models import Organisation
    from reporting import selectors
    from reporting.models import Measure

    measures = list(Measure.objects.exclude(frequency="daily").order_by("order", "code"))
    organisations = list(Organisation.objects.filter(kind__in=generate.PACK_KINDS, statutory=True).order_by("code"))
    sample = {"percent": "81.5", "yes_no": "1", "gbp_millions": "-2.25", "count": "120"}
    lines = ["organisation,period,measure,value,reason"]
    period = generate.month_add(date(today.year, today.month, 1), -generate.PACK_MONTHS - 1)
    while len(lines) <= IMPORT_VALUES:
        for organisation in organisations:
            for measure in selectors.pack_measures(organisation, period, measures=measures):
                if len(lines) > IMPORT_VALUES:
                    break
                lines.append(f"{organisation.code},{period:%Y-%m},{measure.code},{sample.get(measure.unit, '12.5')},")
        period = generate.month_add(period, -1)
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def measure_import(analyst) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reporting import imports
    from reporting.models import PackValue

    upload, count = import_csv(timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = imports.values_import(actor=analyst, upload=upload)
        seconds = time.perf_counter() - started
    if report.rows != count:
        raise RuntimeError(f"values_import stored {report.rows} values, not {count}")
    # The baseline: the same rows, written bare into the same table (indexes and constraints).
    stored = PackValue.objects.filter(source="upload")
    rows = list(stored.values_list("pack_id", "measure_id", "value", "not_available_reason", "source", "comment"))
    with transaction.atomic():
        stored.delete()
        now = timezone.now()
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow([now.isoformat(), now.isoformat(), 1, *("" if v is None else v for v in row)])
            buffer.seek(0)
            label = "bare COPY"
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY {PackValue._meta.db_table} (created_at, updated_at, version, pack_id, measure_id, value, "
                    "not_available_reason, source, comment) FROM STDIN "
                    "WITH (FORMAT csv, FORCE_NOT_NULL (not_available_reason, comment))",
                    buffer,
                )
            baseline_s = time.perf_counter() - started
        else:
            objects = [
                PackValue(pack_id=p, measure_id=m, value=v, not_available_reason=r, source=s, comment=c)
                for p, m, v, r, s, c in rows
            ]
            label = "bare bulk_create"
            started = time.perf_counter()
            PackValue.objects.bulk_create(objects, batch_size=2000)
            baseline_s = time.perf_counter() - started
    return {
        "values": count,
        "packs_created": report.packs_created,
        "seconds": seconds,
        "values_per_s": count / seconds,
        "queries": len(queries),
        "baseline_label": label,
        "baseline_s": baseline_s,
        "baseline_values_per_s": len(rows) / baseline_s,
    }


def bare_weasyprint(render_call):
    """Render once through the product, catching its HTML; then time WeasyPrint alone on it."""
    from unittest import mock

    from weasyprint import HTML

    from reporting import pdf

    captured = []
    original = pdf.render_to_string

    def capture(*args, **kwargs):
        captured.append(original(*args, **kwargs))
        return captured[-1]

    with mock.patch.object(pdf, "render_to_string", capture):
        render_call()
    html = captured[-1]
    timings = []
    for _ in range(PDF_RUNS):
        started = time.perf_counter()
        HTML(string=html, base_url=None).render().write_pdf(io.BytesIO(), pdf_variant=pdf.PDF_VARIANT)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def time_pdf(name: str, render_call) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    render_call()  # warm up (imports, fonts, charts into the cache)
    with CaptureQueriesContext(connection) as queries:
        rendered = render_call()
    timings = []
    for _ in range(PDF_RUNS):
        started = time.perf_counter()
        render_call()
        timings.append(time.perf_counter() - started)
    return {
        "name": f"{name} ({rendered.pages} pages)",
        "p50_s": statistics.median(timings),
        "p95_s": max(timings),
        "queries": len(queries),
        "baseline_p50_s": bare_weasyprint(render_call),
    }


def measure_pdfs(analyst, pack) -> list[dict]:
    from bench_letter import letter_context

    from reporting import compositions
    from reporting.documents import LETTER_TEMPLATE
    from reporting.pdf import render

    context = letter_context()
    document = compositions.performance_pack_draft(actor=analyst, pack=pack, language="en")
    return [
        time_pdf("Letter PDF, two pages", lambda: render(LETTER_TEMPLATE, context, language="en")),
        time_pdf(
            "Pack PDF, issued after preview",
            lambda: compositions.render_performance_pack(document, issued=True),
        ),
    ]


LUA = """
local paths = {%(paths)s}
counter = 0
non2xx = 0
threads = {}
wrk.headers["Cookie"] = "%(cookie)s"
function setup(thread) table.insert(threads, thread) end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('BENCH_JSON {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "socket_errors": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n', summary.requests, summary.duration, bad, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_wrk(wrk: str, port: int, paths: list[str], cookie: str, seconds: int, name: str) -> dict:
    script = VAR / f"{name}.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "cookie": cookie})
    out = subprocess.run(
        [wrk, "-t2", "-c4", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {out.stdout} {out.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "requests": data["requests"],
        "seconds": data["duration_us"] / 1e6,
        "requests_per_s": data["requests"] / (data["duration_us"] / 1e6),
        "non2xx": data["non2xx"],
        "socket_errors": data["socket_errors"],
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
    }


def measure_load(official, targets, scale: int) -> dict:
    import urllib.request

    from django.conf import settings
    from django.test import Client

    wrk = shutil.which("wrk")
    if wrk is None:
        message = "wrk is not installed (apt-get install -y wrk): the load test was NOT run"
        print(f"!! {message}", flush=True)
        return {"skipped": message}
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    client = Client()
    client.force_login(official, backend=login_backend())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    log = open(VAR / f"gunicorn-{scale}x.log", "w")  # noqa: SIM115 - closed below
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "oversight.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}{targets['pages'][0]}"
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(url, headers={"Cookie": cookie})
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        for path in targets["pages"]:  # warm both workers
            for _ in range(4):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
                urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 - loopback
        baseline = run_wrk(wrk, port, ["/healthz"], cookie, max(5, seconds // 4), f"load-baseline-{scale}x")
        result = run_wrk(wrk, port, targets["pages"], cookie, seconds, f"load-{scale}x")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    result["pages"] = "overview, pack page, calendar; 2 gunicorn workers, wrk 2 threads × 4 connections"
    result["baseline_requests_per_s"] = baseline["requests_per_s"]
    result["baseline_p95_ms"] = baseline["p95_ms"]
    return result


if __name__ == "__main__":
    sys.exit(main())
