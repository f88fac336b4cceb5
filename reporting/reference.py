"""The reporting app's reference data: the measure catalogue, suggestion thresholds and cap rules.

Sources, all in ``reporting/data``:

- ``measures.csv``: the catalogue, copied unchanged from ``shared/data/measures.csv`` (see its
  README for how sure each column is). Units are mapped to ``Unit`` codes by
  ``UNIT_FROM_CSV``; ``national_target`` is read from ``target_text`` only when that is a
  plain number or percentage, optionally followed by one remark in brackets ("95%" → 95,
  "0 (eradication of 12h+ waits)" → 0); anything else ("6 to 8 minutes (median)", "75%
  (national target); ambition 80% by 2026") leaves it empty and keeps the text.
- ``measures_cy.csv``: a Welsh name for every code (``verified=no``: not yet checked by a
  translator).
- ``reference.json``: validity dates by measure code (the red 8-minute measure ended on 30 June
  2025; the median response measures began on 1 July 2025), the daily variants of the urgent
  and emergency care measures, the planning year, suggestion thresholds and cap rules.

Idempotent: a re-seed creates what is missing and fills blank fields, keeping administrators'
edits unless ``overwrite`` is asked for.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from oversight.errors import OversightError
from oversight.seeding import SeedReport, upsert

from .choices import Frequency, Unit
from .models import CapRule, Measure, SuggestionThreshold

DATA = Path(__file__).resolve().parent / "data"
MEASURES = DATA / "measures.csv"
MEASURES_CY = DATA / "measures_cy.csv"
REFERENCE = DATA / "reference.json"

UNIT_FROM_CSV = {
    "%": Unit.PERCENT,
    "count": Unit.COUNT,
    "minutes": Unit.MINUTES,
    "hours": Unit.HOURS,
    "rate per 100,000": Unit.RATE_PER_100000,
    "GBP (m)": Unit.GBP_MILLIONS,
    "boolean": Unit.YES_NO,
}

# A number, an optional per cent sign, and at most one remark in brackets: nothing else.
PLAIN_TARGET = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%?\s*(?:\([^()]*\))?\s*$")
PUBLISHED = re.compile(r"published (\w+)")


def parse_target(text: str) -> Decimal | None:
    """The number in a plain target ("95%" → 95, "0 (eradication…)" → 0), else None."""
    match = PLAIN_TARGET.match(text or "")
    return Decimal(match.group(1)) if match else None


def parse_frequency(text: str) -> tuple[str, str]:
    """(collected, published) from the CSV's text: "monthly (published quarterly)" →
    ("monthly", "quarterly"); "monthly (forecast) / annual (duty)" → ("monthly", "")."""
    words = (text or "").strip().lower()
    collected = words.split(" ", 1)[0] if words else ""
    if collected not in Frequency.values:
        raise OversightError(f"Unknown frequency {text!r} in the measure catalogue.", code="reference_data")
    published = PUBLISHED.search(words)
    published_value = published.group(1) if published and published.group(1) in Frequency.values else ""
    return collected, "" if published_value == collected else published_value


def _unit(text: str) -> str:
    try:
        return UNIT_FROM_CSV[text.strip()]
    except KeyError as error:
        raise OversightError(f"Unknown unit {text!r} in the measure catalogue.", code="reference_data") from error


def _date(value):
    return date.fromisoformat(value) if value else None


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def measure_values(row: dict, *, name_cy: str, validity: dict, planning_year: str, order: int) -> dict:
    """The ``Measure`` fields for one catalogue row (CSV columns, as in measures.csv)."""
    collected, published = parse_frequency(row["frequency"])
    dates = validity.get(row["code"], {})
    return {
        "name": row["name"].strip(),
        "name_cy": name_cy,
        "pillar": row["pillar"].strip(),
        "area": row["area"].strip(),
        "unit": _unit(row["unit"]),
        "direction": row["direction"].strip(),
        "target_text": row["target_text"].strip(),
        "national_target": parse_target(row["target_text"]),
        "target_verified": row["target_verified"].strip(),
        "frequency": collected,
        "published_frequency": published,
        "frequency_text": row["frequency"].strip(),
        "applies_to": row["applies_to"].strip(),
        "notes": (row.get("notes") or "").strip(),
        "valid_from": _date(dates.get("valid_from") or row.get("valid_from")),
        "valid_to": _date(dates.get("valid_to") or row.get("valid_to")),
        "planning_year": planning_year,
        "order": order,
    }


@transaction.atomic
def seed(*, overwrite: bool = False) -> SeedReport:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    welsh = {row["code"]: row["name_cy"].strip() for row in _read_csv(MEASURES_CY)}
    validity = data["validity"]
    planning_year = data["planning_year"]
    report = SeedReport()

    measures: dict[str, Measure] = {}
    rows = _read_csv(MEASURES)
    for index, row in enumerate(rows, start=1):
        code = row["code"].strip()
        measures[code] = upsert(
            Measure,
            lookup={"code": code},
            values=measure_values(
                row, name_cy=welsh.get(code, ""), validity=validity, planning_year=planning_year, order=index * 10
            ),
            report=report,
            label=f"measure {code}",
            overwrite=overwrite,
        )
    for index, row in enumerate(data["daily_measures"], start=len(rows) + 1):
        code = row["code"]
        values = measure_values(
            row, name_cy=row["name_cy"], validity=validity, planning_year=planning_year, order=index * 10
        )
        values["variant_of"] = measures[row["variant_of"]] if row["variant_of"] else None
        measures[code] = upsert(
            Measure, lookup={"code": code}, values=values, report=report, label=f"measure {code}", overwrite=overwrite
        )

    for row in data["suggestion_thresholds"]:
        upsert(
            SuggestionThreshold,
            lookup={"level": row["level"]},
            values={
                "max_average": Decimal(row["max_average"]) if row["max_average"] is not None else None,
                "note": row["note"],
            },
            report=report,
            label=f"suggestion threshold {row['level']}",
            overwrite=overwrite,
        )
    for row in data["cap_rules"]:
        upsert(
            CapRule,
            lookup={"code": row["code"]},
            values={
                "name": row["name"],
                "name_cy": row["name_cy"],
                "pillar": row["pillar"],
                "measure": measures[row["measure"]],
                "operator": row["operator"],
                "threshold": Decimal(row["threshold"]),
                "minimum_level": row["minimum_level"],
                "reference": row["reference"],
            },
            report=report,
            label=f"cap rule {row['code']}",
            overwrite=overwrite,
        )
    return report
