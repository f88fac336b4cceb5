"""Demo plans and accountability, so the plans pages have something to show. Demo mode only.

The plans, outcomes and conditions here are illustrative, marked "Demo data", and are not a
record of any organisation's actual plan or Welsh Government's actual response.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from escalation.models import Domain
from organisations.models import Organisation

from . import reference, services, submissions
from .choices import SubmissionStatus
from .models import Plan, PlanningCycle, RequiredSubmission

SUMMARY = "Demo data: an illustrative plan."

# (organisation, plan type, submitted on, balanced, outcome, outcome on)
PLANS = [
    ("BCUHB", "imtp", date(2025, 3, 28), False, "accepted_annual", date(2025, 7, 14)),
    ("ABUHB", "imtp", date(2025, 3, 28), False, "not_approved", date(2025, 7, 14)),
    ("HDUHB", "annual", date(2025, 3, 31), False, "accepted_annual", date(2025, 7, 14)),
    ("CTMUHB", "imtp", date(2025, 3, 28), True, "", None),
    ("CAVUHB", "imtp", date(2025, 3, 27), True, "approved", date(2025, 7, 14)),
    ("SBUHB", "imtp", date(2025, 3, 27), True, "approved", date(2025, 7, 14)),
    ("WAST", "imtp", date(2025, 3, 26), True, "approved", date(2025, 7, 14)),
    ("VUNHST", "imtp", date(2025, 3, 26), True, "approved", date(2025, 7, 14)),
    ("PHW", "imtp", date(2025, 3, 26), True, "approved", date(2025, 7, 14)),
    ("DHCW", "imtp", date(2025, 3, 25), True, "approved", date(2025, 7, 14)),
    ("HEIW", "imtp", date(2025, 3, 25), True, "approved", date(2025, 7, 14)),
]
# Powys has no plan recorded: it shows the "none submitted" flag.

# (organisation, response summary, [(condition, pillar, due on, owner)])
RESPONSES = [
    (
        "BCUHB",
        "Demo data: the plan is accepted as an annual plan for 2025-26 only, with conditions on financial "
        "recovery and governance.",
        [
            (
                "Agree a financial recovery plan that closes the gap to the control total.",
                "finance",
                date(2025, 10, 31),
                "Director of Finance",
            ),
            (
                "Board approval of a revised three-year plan that is financially balanced.",
                "finance",
                date(2026, 3, 31),
                "Chief Executive",
            ),
            (
                "Reduce waits over 104 weeks for planned care to zero.",
                "delivery",
                date(2026, 12, 31),
                "Chief Operating Officer",
            ),
            (
                "Complete the board effectiveness review and act on its findings.",
                "leadership",
                date(2026, 6, 30),
                "Chair",
            ),
        ],
    ),
    (
        "ABUHB",
        "Demo data: the plan is not approved because it does not balance; the organisation is asked to "
        "resubmit with a credible savings programme.",
        [
            (
                "Submit a savings programme with named schemes worth the forecast deficit.",
                "finance",
                date(2026, 1, 31),
                "Director of Finance",
            ),
            (
                "Agree urgent and emergency care trajectories with NHS Performance and Improvement.",
                "delivery",
                date(2027, 2, 28),
                "Chief Operating Officer",
            ),
        ],
    ),
    (
        "CAVUHB",
        "Demo data: the plan is approved, with conditions on workforce and quality.",
        [
            (
                "Reduce agency spend in line with the workforce plan.",
                "workforce",
                date(2026, 3, 31),
                "Director of Workforce",
            ),
            (
                "Report maternity staffing against the safe staffing levels each quarter.",
                "quality",
                date(2027, 3, 31),
                "Director of Nursing",
            ),
        ],
    ),
]


def seed() -> list[str]:
    if Plan.objects.filter(summary=SUMMARY).exists():
        return []
    if not PlanningCycle.objects.exists():  # seed_reference loads it; this is a fallback
        reference.seed()
    cycle = PlanningCycle.objects.filter(code="2025-28").first()
    User = get_user_model()
    analyst = User.objects.filter(username="analyst").first()
    if cycle is None or analyst is None:
        return []
    today = timezone.localdate()
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=[row[0] for row in PLANS])}
    plans = {}
    for code, plan_type, submitted_on, balanced, outcome, outcome_on in PLANS:
        organisation = organisations.get(code)
        if organisation is None:
            continue
        plan = services.plan_record(
            actor=analyst,
            organisation=organisation,
            cycle=cycle,
            plan_type=plan_type,
            submitted_on=submitted_on,
            board_approved_on=submitted_on - timedelta(days=5),
            financially_balanced=balanced,
            summary=SUMMARY,
            today=today,
        )
        if outcome:
            plan = services.plan_record_outcome(
                actor=analyst,
                plan=plan,
                expected_version=plan.version,
                outcome=outcome,
                outcome_on=outcome_on,
                today=today,
            )
        plans[code] = plan
    pillars = {d.code: d for d in Domain.objects.filter(era__code="2026")}
    for code, summary, conditions in RESPONSES:
        plan = plans.get(code)
        if plan is None:
            continue
        response = services.response_record(
            actor=analyst, plan=plan, issued_on=plan.outcome_on or today, summary=summary, today=today
        )
        for text, pillar, due_on, owner in conditions:
            condition = services.condition_add(
                actor=analyst, response=response, text=text, pillar=pillars[pillar], due_on=due_on, owner=owner
            )
            if due_on < today - timedelta(days=180):
                services.condition_set_status(
                    actor=analyst,
                    condition=condition,
                    expected_version=condition.version,
                    status="met",
                    note="Demo data: confirmed at the review meeting.",
                    on=due_on,
                )
    _submissions(today, analyst)
    return []


def _submissions(today: date, analyst) -> None:
    """Schedule what the demo cases owe, and mark all as received on time but the latest one of
    each case already due, which stays overdue so that the pages show what overdue looks like."""
    submissions.submissions_schedule(today=today)
    kept: set[int] = set()
    for row in RequiredSubmission.objects.filter(status=SubmissionStatus.DUE, due_on__lt=today).order_by("-due_on"):
        if row.case_id not in kept:
            kept.add(row.case_id)
            continue
        row.status, row.received_on, row.received_by = SubmissionStatus.RECEIVED, row.due_on, analyst
        row.note = "Demo data: received on time."
        row.version += 1
        row._change_reason = "Received"
        row.save()
