"""The escalation framework's reference data, from escalation/data/reference.json.

Three eras, the domains and pillars with their areas of enquiry, the legacy-to-pillar
mapping, a summary of each level's Annex 1 cells, and the decision-authority table. All of it
is held in the product's own words with paragraph references; administrators may replace
the summaries with the official wording, and a re-seed keeps their edits.
"""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from oversight.seeding import SeedReport, upsert

from .models import DecisionAuthority, Domain, DomainMapping, Era, LevelDescription

DATA = Path(__file__).resolve().parent / "data" / "reference.json"


def _date(value):
    return date.fromisoformat(value) if value else None


@transaction.atomic
def seed(*, overwrite: bool = False) -> SeedReport:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    report = SeedReport()
    eras = {}
    for row in data["eras"]:
        eras[row["code"]] = upsert(
            Era,
            lookup={"code": row["code"]},
            values={
                "name": row["name"],
                "name_cy": row["name_cy"],
                "starts_on": _date(row["starts_on"]),
                "ends_on": _date(row["ends_on"]),
                "legacy": row["legacy"],
                "levels": row["levels"],
                "reference": row["reference"],
            },
            report=report,
            label=f"era {row['code']}",
            overwrite=overwrite,
        )
    for row in data["authorities"]:
        upsert(
            DecisionAuthority,
            lookup={"era": eras[row["era"]], "level": row["level"]},
            values={k: row[k] for k in ("authority", "recommended_by", "reference")},
            report=report,
            label=f"authority {row['era']}/{row['level']}",
            overwrite=overwrite,
        )
    domains = {}
    for row in data["domains"]:
        domains[(row["era"], row["code"])] = upsert(
            Domain,
            lookup={"era": eras[row["era"]], "code": row["code"]},
            values={
                k: row.get(k, "") for k in ("kind", "order", "name", "name_cy", "summary", "summary_cy", "reference")
            },
            report=report,
            label=f"domain {row['era']}/{row['code']}",
            overwrite=overwrite,
        )
    for row in data["mappings"]:
        upsert(
            DomainMapping,
            lookup={"legacy_domain": domains[("2024", row["legacy"])], "pillar": domains[("2026", row["pillar"])]},
            values={"needs_choice": row["needs_choice"], "note": row["note"]},
            report=report,
            label=f"mapping {row['legacy']}->{row['pillar']}",
            overwrite=overwrite,
        )
    for row in data["levels"]:
        upsert(
            LevelDescription,
            lookup={"level": row["level"], "valid_from": _date(row["valid_from"])},
            values={
                k: row.get(k, "")
                for base in (
                    "description",
                    "wg_expectations",
                    "organisation_expectations",
                    "escalation_criteria",
                    "deescalation_criteria",
                )
                for k in (base, f"{base}_cy")
            }
            | {"reference": row["reference"]},
            report=report,
            label=f"level {row['level']}",
            overwrite=overwrite,
        )
    return report
