"""Demo escalation history, so the overview has something to show. Demo mode only.

The levels here are illustrative, marked "Demo data" in their source, and are not a record
of any organisation's actual status.
"""

from datetime import date

from django.contrib.auth import get_user_model

from organisations.models import Organisation

from . import services
from .models import Domain, EscalationDecision

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
    return []
