"""The meetings app's reference data, from meetings/data/reference.json.

Every meeting type of DOMAIN.md's "Meetings" table, English and Welsh, with its cadence, lead
times and the dates it is in force (the 2024 framework's types until 31 March 2026, the 2026
types from 1 April 2026 [001 §6, §11]), and the cadence policy by level for the level-driven
types. Summaries are in the product's own words with paragraph references; administrators
may replace them, and a re-seed keeps their edits unless ``overwrite`` is asked for.

Not reference data, so not seeded: which regions are under Ministerial Direction (the
``Region.under_ministerial_direction`` flag, seeded by ``organisations``), committees (each
has its own terms of reference) and organisations' public accountability settings (an
organisation without one holds one meeting a year).
"""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from oversight.seeding import SeedReport, upsert

from .models import CadencePolicy, MeetingType

DATA = Path(__file__).resolve().parent / "data" / "reference.json"

MEETING_TYPE_FIELDS = (
    "order",
    "scope",
    "name",
    "name_cy",
    "purpose",
    "purpose_cy",
    "participants",
    "participants_cy",
    "chair_role",
    "chair_role_cy",
    "default_duration_minutes",
    "is_public",
    "cadence_rule",
    "interval_months",
    "months",
    "agenda_lead_days",
    "slides_lead_days",
    "agenda_items_lead_days",
    "papers_rule",
    "papers_lead_days",
    "letter_follows",
    "tor_kind",
    "reference",
)
DATE_FIELDS = ("tor_last_reviewed_on", "valid_from", "valid_to")


def _date(value):
    return date.fromisoformat(value) if value else None


@transaction.atomic
def seed(*, overwrite: bool = False) -> SeedReport:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    report = SeedReport()
    types = {}
    for row in data["meeting_types"]:
        types[row["code"]] = upsert(
            MeetingType,
            lookup={"code": row["code"]},
            values={k: row[k] for k in MEETING_TYPE_FIELDS} | {k: _date(row[k]) for k in DATE_FIELDS},
            report=report,
            label=f"meeting type {row['code']}",
            overwrite=overwrite,
        )
    for row in data["cadence_policies"]:
        upsert(
            CadencePolicy,
            lookup={
                "meeting_type": types[row["meeting_type"]],
                "level": row["level"],
                "valid_from": _date(row["valid_from"]),
            },
            values={"interval_months": row["interval_months"], "reference": row["reference"]},
            report=report,
            label=f"cadence {row['meeting_type']}/{row['level']}/{row['valid_from']}",
            overwrite=overwrite,
        )
    return report
