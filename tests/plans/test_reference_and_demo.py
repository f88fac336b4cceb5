"""The plans reference data (cycles, priorities, submission requirements) and the demo."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from organisations.models import Organisation
from plans import reference, selectors
from plans.models import (
    MinisterialPriority,
    Plan,
    PlanningCycle,
    PriorityMeasure,
    RequiredSubmission,
    SubmissionRequirement,
)
from reporting import reference as reporting_reference


def test_the_reference_data_loads_once_in_both_languages_and_keeps_an_administrators_edit(frameworks):
    reporting_reference.seed()
    first = reference.seed()
    cycle = PlanningCycle.objects.get(code="2025-28")
    priorities = list(MinisterialPriority.objects.filter(cycle=cycle).order_by("order"))
    assert [p.name for p in priorities] == [
        "Timely access to care",
        "Population health and prevention",
        "Building community capacity",
        "Mental health access",
        "Women's health",
    ]
    assert all(p.name_cy and p.expectations and p.expectations_cy and p.reference for p in priorities)
    assert set(
        PriorityMeasure.objects.filter(priority__code="mental-health-access").values_list("measure__code", flat=True)
    ) == {
        "MH-P1A",
        "MH-P1B",
        "MH-CAMHS-P1A",
        "MH-PSYT26",
    }
    required = {(r.kind, r.level): r.interval_months for r in SubmissionRequirement.objects.all()}
    assert required[("progress_update", 3)] == 3 and required[("milestone_review", 4)] == 2
    assert ("milestone_review", 3) not in required
    assert first.created

    priorities[0].expectations = "An administrator's wording"
    priorities[0].save()
    again = reference.seed()
    assert not again.created and not again.updated
    priorities[0].refresh_from_db()
    assert priorities[0].expectations == "An administrator's wording"


@pytest.mark.django_db
def test_the_demo_gives_the_plans_pages_something_to_show_and_loads_once(settings):
    settings.DEBUG = True
    call_command("seed_reference")
    call_command("seed_demo")
    call_command("seed_demo")

    today = timezone.localdate()
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=["PTHB", "CAVUHB", "ABUHB", "BCUHB"])}
    reasons = {code: selectors.finance_status(o, on=today).flag for code, o in by_code.items()}
    assert reasons["CAVUHB"] is None
    assert reasons["PTHB"].reason == "none_submitted"
    assert reasons["ABUHB"].reason == "not_balanced"
    assert reasons["BCUHB"].reason == "annual_only"
    assert Plan.objects.filter(summary__startswith="Demo data").count() == 11
    assert RequiredSubmission.objects.filter(status="received").exists()
    assert RequiredSubmission.objects.filter(case__organisation__code="BCUHB").exists()
