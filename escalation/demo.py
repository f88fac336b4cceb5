"""Demo escalation history, so the overview has something to show. Demo mode only.

The levels here are illustrative, marked "Demo data" in their source, and are not a record
of any organisation's actual status.
"""

from datetime import date

from django.contrib.auth import get_user_model

from organisations.models import Organisation

from . import services
from .models import Domain, EscalationCase, EscalationDecision

SOURCE = "Demo data"

# (organisation, era of the domain, domain code or "" for organisation-wide or a service name,
#  steps of (decided on, level))
HISTORY = [
    ("BCUHB", "", "", [(date(2024, 2, 1), 4), (date(2025, 3, 3), 5)]),
    ("BCUHB", "2026", "finance", [(date(2026, 5, 5), 4)]),
    ("CTMUHB", "", "Maternity and neonatal services", [(date(2024, 3, 4), 4), (date(2025, 9, 1), 3)]),
    ("CTMUHB", "2026", "delivery", [(date(2026, 6, 1), 3)]),
    ("SBUHB", "2026", "delivery", [(date(2026, 4, 20), 3)]),
    ("HDUHB", "2026", "finance", [(date(2026, 4, 20), 3)]),
    ("HDUHB", "2026", "leadership", [(date(2026, 7, 6), 2)]),
    ("ABUHB", "2026", "quality", [(date(2026, 9, 7), 2)]),
    ("CAVUHB", "2026", "finance", [(date(2026, 4, 20), 3), (date(2026, 10, 5), 2)]),
    ("WAST", "", "Emergency response times", [(date(2024, 5, 6), 3)]),
]


def seed() -> list[str]:
    if EscalationDecision.objects.filter(source=SOURCE).exists():
        return []
    User = get_user_model()
    analyst, decider = User.objects.get(username="analyst"), User.objects.get(username="decision")
    for code, era, target, steps in HISTORY:
        organisation = Organisation.objects.get(code=code)
        if era:
            scope = services.Scope("domain", Domain.objects.get(era__code=era, code=target))
        elif target:
            scope = services.Scope("service", service_name=target)
        else:
            scope = services.Scope("organisation")
        for decided_on, level in steps:
            draft = services.decision_draft(
                actor=analyst,
                organisation=organisation,
                scope=scope,
                to_level=level,
                rationale=f"Demo data: an illustrative move to level {level}.",
                planned_on=decided_on,
                source=SOURCE,
            )
            services.decision_decide(
                actor=decider,
                decision=draft,
                expected_version=draft.version,
                decided_on=decided_on,
                minister_decided_on=decided_on,
                notified_on=decided_on,
                override_rationale="Demo data: criteria treated as sustained.",
            )
    _support(analyst)
    return []


# Illustrative maturity scores (1-5) for the demo targeted-support plan, by assessment date.
MATURITY = {
    "Board governance": [(date(2025, 4, 1), 1), (date(2025, 10, 1), 2), (date(2026, 4, 1), 3)],
    "Financial grip and control": [(date(2025, 4, 1), 2), (date(2025, 10, 1), 2), (date(2026, 4, 1), 3)],
    "Culture and speaking up": [(date(2025, 4, 1), 1), (date(2026, 4, 1), 2)],
}


def _support(analyst) -> None:
    """Targeted support for the demo special-measures case, with criteria, milestones and a
    maturity matrix."""
    case = EscalationCase.objects.get(organisation__code="BCUHB", scope_key="organisation", phase="active")
    plan = services.support_plan_create(
        actor=analyst,
        case=case,
        kind="targeted_support",
        started_on=date(2025, 3, 10),
        senior_responsible_officer="Board Secretary",
        risk_and_impact="Demo data: high, across governance and finance.",
    )
    services.intervention_add(
        actor=analyst,
        plan=plan,
        kind="independent_adviser",
        lead="NHS Performance and Improvement",
        starts_on=date(2025, 4, 1),
    )
    services.milestone_add(
        actor=analyst,
        plan=plan,
        title="Board development programme in place",
        owner="Chair",
        due_on=date(2025, 9, 30),
        rag="green",
    )
    services.milestone_add(
        actor=analyst,
        plan=plan,
        title="Three-year financial plan approved",
        owner="Director of Finance",
        due_on=date(2026, 3, 31),
        rag="amber",
    )
    for area, scores in MATURITY.items():
        for assessed_on, score in scores:
            services.maturity_score_record(
                actor=analyst, plan=plan, area_name=area, assessed_on=assessed_on, score=score
            )
    for text in (
        "An independent review of board effectiveness finds the board cohesive and well led.",
        "A balanced financial plan is approved by the board and delivered for two quarters.",
    ):
        services.criterion_propose(actor=analyst, case=case, text=text, owner="Chief Executive")
