"""The plans app's reference data, from plans/data/reference.json.

The planning cycles, the Ministerial priorities of each cycle with their delivery expectations
in summary (the product's own words, English and Welsh, with the source; administrators may
replace them with the official wording), the measures linked to each priority, and the
submissions each escalation level requires with their default frequencies (docs/decisions.md,
"Reporting in proportion to level"). A re-seed keeps administrators' edits unless
``overwrite`` is asked for; it never removes a link an administrator added.

Loaded after ``reporting``'s reference data (apps seed in dependency order), so the measures
exist; a link to a measure not in the catalogue is skipped.
"""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from oversight.seeding import SeedReport, upsert
from reporting.models import Measure

from .models import MinisterialPriority, PlanningCycle, PriorityMeasure, SubmissionRequirement

DATA = Path(__file__).resolve().parent / "data" / "reference.json"


@transaction.atomic
def seed(*, overwrite: bool = False) -> SeedReport:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    report = SeedReport()
    cycles = {}
    for row in data["cycles"]:
        cycles[row["code"]] = upsert(
            PlanningCycle,
            lookup={"code": row["code"]},
            values={
                "name": row["name"],
                "name_cy": row["name_cy"],
                "starts_on": date.fromisoformat(row["starts_on"]),
                "ends_on": date.fromisoformat(row["ends_on"]),
                "reference": row["reference"],
            },
            report=report,
            label=f"cycle {row['code']}",
            overwrite=overwrite,
        )
    measures = {m.code: m for m in Measure.objects.all()}
    for row in data["priorities"]:
        priority = upsert(
            MinisterialPriority,
            lookup={"cycle": cycles[row["cycle"]], "code": row["code"]},
            values={k: row[k] for k in ("order", "name", "name_cy", "expectations", "expectations_cy", "reference")},
            report=report,
            label=f"priority {row['cycle']}/{row['code']}",
            overwrite=overwrite,
        )
        for code in row["measures"]:
            if code in measures:
                upsert(
                    PriorityMeasure,
                    lookup={"priority": priority, "measure": measures[code]},
                    values={},
                    report=report,
                    label=f"priority measure {row['code']}/{code}",
                )
    for row in data["submission_requirements"]:
        upsert(
            SubmissionRequirement,
            lookup={"kind": row["kind"], "level": row["level"]},
            values={"interval_months": row["interval_months"], "reference": row["reference"]},
            report=report,
            label=f"submission {row['kind']}/{row['level']}",
            overwrite=overwrite,
        )
    return report
