"""Demo accountability, so its pages have something to show. Demo mode only (``seed_demo``),
after the organisations, escalation, reporting and plans demo data.

The objectives, flexibilities and assessments are illustrative, marked "Demo data", and are not
any Chair's actual objectives or any organisation's actual self-assessment. The month's draft
system synthesis is assembled from the demo's own released packs, concerns, cases and plans.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from organisations.models import Organisation

from . import services, synthesis
from .models import ChairObjective

DEMO = "Demo data: "

# (organisation, objective, status, notes)
OBJECTIVES = [
    ("BCUHB", "Lead the board through a governance review and act on its findings within the year.", "on_track", ""),
    (
        "BCUHB",
        "Agree with the board a financial recovery plan that closes the gap to the control total.",
        "at_risk",
        "Savings schemes are behind plan at month six.",
    ),
    (
        "SBUHB",
        "Oversee the recovery of emergency department waits, with a trajectory the board monitors monthly.",
        "set",
        "",
    ),
    ("HDUHB", "Agree a clinical services strategy with the public and partners.", "on_track", ""),
    (
        "CAVUHB",
        "Strengthen the board's oversight of maternity and neonatal safety.",
        "achieved",
        "Board safety walkabouts and a maternity dashboard are in place.",
    ),
    ("PTHB", "Keep the board's focus on access to services across the county's borders.", "on_track", ""),
]

# (organisation, what, reason)
FLEXIBILITIES = [
    (
        "PTHB",
        "Choice of local pathway for planned orthopaedic care",
        "Consistently on plan across quality, workforce, finance and performance for three years.",
    ),
    (
        "CAVUHB",
        "Discretionary improvement funding to be focused locally",
        "Sustained improvement in ambulance handovers since the handover unit opened.",
    ),
]

# NHS P&I's ratings for the demo submitter's organisation: three of six areas below the middle,
# so not weak (a weak one would raise a concern, and the reporting demo's designed set of
# automated concerns would no longer be exactly its own).
SELF_RATINGS = {
    "direction_culture": 3,
    "governance_risk": 2,
    "data_insight": 3,
    "people_leadership": 3,
    "improvement": 2,
    "system_relationships": 3,
}
NHSPI_RATINGS = {
    "direction_culture": 3,
    "governance_risk": 2,
    "data_insight": 3,
    "people_leadership": 3,
    "improvement": 2,
    "system_relationships": 2,
}


def seed() -> list[str]:
    if ChairObjective.objects.filter(text__startswith=DEMO).exists():
        return []
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("official", "analyst", "submitter"))}
    official, analyst, submitter = users.get("official"), users.get("analyst"), users.get("submitter")
    if official is None or analyst is None:
        return []
    today = timezone.localdate()
    organisations = {
        o.code: o for o in Organisation.objects.filter(code__in={row[0] for row in OBJECTIVES + FLEXIBILITIES})
    }
    for code, text, status, notes in OBJECTIVES:
        organisation = organisations.get(code)
        if organisation is None:
            continue
        objective = services.objective_set(
            actor=official, organisation=organisation, year=today.year, text=DEMO + text, today=today
        )
        if status != "set":
            services.objective_update(
                actor=official,
                objective=objective,
                expected_version=objective.version,
                status=status,
                progress_notes=notes or "Demo data: discussed at the review with the Chair.",
            )
    for code, what, reason in FLEXIBILITIES:
        organisation = organisations.get(code)
        if organisation is not None:
            services.flexibility_grant(
                actor=official,
                organisation=organisation,
                what=what,
                reason=DEMO + reason,
                granted_on=today - timedelta(days=60),
                today=today,
            )
    if submitter is not None:
        _assessment(submitter, analyst, today)
    synthesis.synthesis_assemble(today=today)
    return []


def _assessment(submitter, analyst, today) -> None:
    membership = submitter.memberships.select_related("organisation").first()
    if membership is None or not membership.organisation.holds_levels:
        return
    assessment = services.assessment_start(
        actor=submitter, organisation=membership.organisation, year=today.year - 1, today=today
    )
    assessment = services.assessment_update_self(
        actor=submitter,
        assessment=assessment,
        expected_version=assessment.version,
        ratings={area: (rating, "Demo data: the board's own view.") for area, rating in SELF_RATINGS.items()},
        summary="Demo data: the board's self-assessment against the six areas.",
    )
    assessment = services.assessment_submit(
        actor=submitter, assessment=assessment, expected_version=assessment.version, today=today
    )
    services.assessment_review(
        actor=analyst,
        assessment=assessment,
        expected_version=assessment.version,
        ratings={area: (rating, "Demo data: NHS P&I's view.") for area, rating in NHSPI_RATINGS.items()},
        summary="Demo data: governance and improvement capability need attention.",
        today=today,
    )
