"""Speed budget: a two-page letter renders to PDF in well under a second (issue 6, "Done when:
Speed").

Standalone: ``python benchmarks/bench_letter.py`` (``make bench`` runs every script here). It
renders the notification letter template (``reporting/documents/letter.html``) through
``reporting.pdf.render``, the same code path issuing uses, with a text long enough for two
pages: once to warm up (WeasyPrint's import and font loading), then 10 times, and prints the
median. Exits 1 if the letter is not two pages or the median is 0.5 seconds or more.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 0.5
RUNS = 10
PARAGRAPH = (
    "Welsh Government has considered the organisation's performance against the NHS Wales "
    "Oversight and Escalation Framework, including the latest released performance data, the "
    "views shared by Healthcare Inspectorate Wales and Audit Wales, and the organisation's own "
    "assessment of its plans and their delivery. "
)


def letter_context() -> dict:
    """The two-page notification letter's context (also rendered by ``bench_scale.py``)."""
    from reporting.documents import letter_blocks

    title = "Notification of escalation: Organisation A University Health Board"
    return {
        "title": title,
        "issued": True,
        "register_number": "OVS-2026-000123",
        "issued_on": date(2026, 11, 30),
        "addressee_name": "Dr Jane Jones",
        "addressee_role": "Chief Executive",
        "organisation_name": "Organisation A University Health Board",
        "scope": "Whole organisation",
        "level": 3,
        "level_name": "Enhanced monitoring",
        "signatory_name": "A Decision Maker",
        "signatory_role": "NHS Wales Chief Executive",
        "footer_text": "OVS-2026-000123",
        "parts": [{"language": "en", "title": title, "blocks": letter_blocks([PARAGRAPH * 2] * 6)}],
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from reporting.documents import LETTER_TEMPLATE
    from reporting.pdf import render

    context = letter_context()
    first = render(LETTER_TEMPLATE, context, language="en")  # warm up
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        rendered = render(LETTER_TEMPLATE, context, language="en")
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(
        f"two-page letter: {rendered.pages} pages, {len(rendered.data):,} bytes; median of {RUNS} renders "
        f"{median:.3f} s (best {min(timings):.3f} s, budget {BUDGET_SECONDS:.1f} s)"
    )
    if first.pages != 2:
        print(f"FAIL: expected a two-page letter, got {first.pages} pages")
        return 1
    if median >= BUDGET_SECONDS:
        print("FAIL: over budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
