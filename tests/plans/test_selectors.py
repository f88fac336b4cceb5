"""Break-even and Ministerial priorities from released pack values only."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from plans import reference as plans_reference
from plans import selectors
from plans.models import PlanningCycle
from reporting import reference as reporting_reference
from reporting.models import Measure, Pack, PackValue


@pytest.fixture
def catalogue(frameworks):
    reporting_reference.seed()
    plans_reference.seed()
    return PlanningCycle.objects.get(code="2025-28")


def release(organisation, code, values: dict, *, status="released"):
    """One pack per month with one value of measure ``code``; released unless told otherwise."""
    now = timezone.now()
    measure = Measure.objects.get(code=code)
    for period, value in values.items():
        pack, _ = Pack.objects.get_or_create(
            organisation=organisation,
            period=period,
            defaults={
                "status": status,
                "validated_at": now if status in ("validated", "released") else None,
                "released_at": now if status == "released" else None,
            },
        )
        PackValue.objects.create(pack=pack, measure=measure, value=value)


def test_break_even_reads_each_years_released_year_end_and_ignores_unreleased_packs(world, catalogue):
    release(world.org_a, "F-BREAKEVEN", {date(2024, 3, 1): -2, date(2025, 3, 1): 1, date(2026, 3, 1): 3})
    release(world.org_a, "F-BREAKEVEN", {date(2026, 9, 1): -40}, status="submitted")  # not released: not counted
    release(world.org_b, "F-BREAKEVEN", {date(2026, 3, 1): -99})  # another organisation's

    result = selectors.break_even(world.org_a, on=date(2026, 11, 30))

    assert [(y.label, y.value) for y in result.years] == [("2023-24", -2.0), ("2024-25", 1.0), ("2025-26", 3.0)]
    assert result.total == 2.0 and result.status == "pass"


def test_break_even_fails_when_the_three_years_are_in_deficit(world, catalogue):
    release(world.org_a, "F-BREAKEVEN", {date(2025, 3, 1): -20, date(2026, 3, 1): 5, date(2026, 10, 1): 10})
    release(world.org_a, "F-BREAKEVEN", {date(2024, 3, 1): 4})

    result = selectors.break_even(world.org_a, on=date(2026, 11, 30))

    assert [(y.label, y.value, y.forecast) for y in result.years] == [
        ("2024-25", -20.0, False),
        ("2025-26", 5.0, False),
        ("2026-27", 10.0, True),
    ]
    assert result.total == -5.0 and result.status == "fail"


def test_priority_progress_comes_from_released_values_of_the_linked_measures(world, catalogue):
    # Timely access: the 4-hour measure met (95% target) and improving; nothing else released.
    release(world.org_a, "UEC-ED4H", {date(2026, m, 1): 96 for m in range(1, 11)})
    release(world.org_a, "MH-P1A", {date(2025, m, 1): 50 for m in range(1, 11)}, status="submitted")

    progress = {p.priority.code: p for p in selectors.priorities_progress(world.org_a, cycle=catalogue)}

    assert list(progress) == [
        "timely-access",
        "population-health",
        "community-capacity",
        "mental-health-access",
        "womens-health",
    ]
    access = progress["timely-access"]
    ed4h = next(m for m in access.measures if m.measure.code == "UEC-ED4H")
    assert ed4h.value == 96.0 and ed4h.period == date(2026, 10, 1) and str(ed4h.target) == "met"
    assert access.status == "on_track"
    assert progress["mental-health-access"].status == "no_data"  # only an unreleased value
    assert progress["population-health"].measures == []


def test_priority_progress_is_a_fixed_number_of_queries(world, catalogue, django_assert_num_queries):
    release(world.org_a, "UEC-ED4H", {date(2026, m, 1): 80 + m for m in range(1, 11)})
    with django_assert_num_queries(4):
        selectors.priorities_progress(world.org_a, cycle=catalogue)
    release(world.org_a, "MH-P1A", {date(2026, m, 1): 70 for m in range(1, 11)})
    release(world.org_a, "UEC-POCD", {date(2026, m, 1): 300 for m in range(1, 11)})
    with django_assert_num_queries(4):
        selectors.priorities_progress(world.org_a, cycle=catalogue)


# --- The Finance flag on a day --------------------------------------------------------------------


def test_the_finance_flag_on_a_back_dated_day_ignores_an_outcome_decided_later(world, record_plan):
    """Approved by the Minister on 14 July 2025: on 13 July the plan was still awaiting the
    decision, so the flag stood then; from 14 July it is cleared. The overview agrees."""
    record_plan(outcome="approved", outcome_on=date(2025, 7, 14))
    official = world.personas["official"]

    before = selectors.finance_status(world.org_a, on=date(2025, 7, 13))
    assert before.flag is not None and before.flag.reason == "not_approved"
    assert before.flag.plan.outcome == ""  # the plan as it stood that day
    assert selectors.finance_status(world.org_a, on=date(2025, 7, 14)).flag is None
    assert selectors.finance_status(world.org_a, on=date(2026, 11, 30)).flag is None

    cycle = before.cycle
    rows = {row.organisation: row for row in selectors.plan_overview(user=official, cycle=cycle, on=date(2025, 7, 13))}
    assert rows[world.org_a].flag.reason == "not_approved"
    rows = {row.organisation: row for row in selectors.plan_overview(user=official, cycle=cycle, on=date(2025, 7, 14))}
    assert rows[world.org_a].flag is None
