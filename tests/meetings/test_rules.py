"""The meeting rules, tested as tables of hand-worked answers.

Every expected date is typed out here, worked by hand from the sources: 001 §6.3 (review
cadence by level), 000 §10, §12, §16 (JET windows, lead times, ToR review), 002 §31, §37
(legacy and tripartite cadence), 003 §3, §5, §6, §8 (committee alternates, deadlines,
quorum and voting, ToR review), and ARCHITECTURE "Driving level for cadence" and "Where
the cadence counts from". No database: these are pure functions.
"""

from datetime import date
from fractions import Fraction

import pytest

from meetings import rules
from meetings.rules import Attendance, QuorumRule, Vote

# --- Calendar months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2027, 1, 31), 1, date(2027, 2, 28), id="31-jan-plus-1-clamps-to-28-feb"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="31-jan-plus-1-leap-year-29-feb"),
        pytest.param(date(2028, 2, 29), 1, date(2028, 3, 29), id="29-feb-plus-1"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="29-feb-plus-12-clamps"),
        pytest.param(date(2026, 8, 31), 6, date(2027, 2, 28), id="31-aug-plus-6"),
        pytest.param(date(2027, 8, 31), 6, date(2028, 2, 29), id="31-aug-plus-6-leap-year"),
        pytest.param(date(2026, 8, 30), 6, date(2027, 2, 28), id="30-aug-plus-6"),
        pytest.param(date(2027, 8, 30), 6, date(2028, 2, 29), id="30-aug-plus-6-leap-year"),
        pytest.param(date(2027, 3, 31), 1, date(2027, 4, 30), id="31-mar-plus-1-clamps-to-30-apr"),
        pytest.param(date(2026, 10, 31), 2, date(2026, 12, 31), id="31-oct-plus-2-keeps-31st"),
        pytest.param(date(2026, 11, 15), 3, date(2027, 2, 15), id="crosses-the-year"),
        pytest.param(date(2027, 2, 28), 1, date(2027, 3, 28), id="a-clamped-date-is-not-remembered"),
        pytest.param(date(2027, 3, 31), -1, date(2027, 2, 28), id="backwards-clamps-too"),
        pytest.param(date(2027, 1, 31), 0, date(2027, 1, 31), id="zero-months"),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


# --- Driving level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        pytest.param([], 1, id="no-scopes-routine-arrangements"),
        pytest.param([("organisation", 3)], 3, id="organisation-only"),
        pytest.param([("organisation", 2), ("domain", 4)], 4, id="domain-above-organisation"),
        pytest.param([("organisation", 4), ("domain", 2)], 4, id="organisation-above-domain"),
        pytest.param([("domain", 2), ("domain", 3), ("domain", 1)], 3, id="highest-of-several-domains"),
        pytest.param([("service", 5), ("domain", 2)], 2, id="service-never-sets-it"),
        pytest.param([("service", 5)], 1, id="only-a-service-is-routine"),
    ],
)
def test_driving_level(levels, expected):
    assert rules.driving_level(levels) == expected


# --- Review cadence ----------------------------------------------------------------------------


def test_the_2026_review_policy_is_the_section_6_3_table():
    assert rules.REVIEW_INTERVAL_MONTHS == {5: 1, 4: 2, 3: 3, 2: 6, 1: 6}


@pytest.mark.parametrize(
    ("level", "last_held_on", "expected"),
    [
        pytest.param(5, date(2027, 1, 15), date(2027, 2, 15), id="level-5-monthly"),
        pytest.param(4, date(2027, 1, 15), date(2027, 3, 15), id="level-4-every-two-months"),
        pytest.param(3, date(2027, 1, 15), date(2027, 4, 15), id="level-3-quarterly"),
        pytest.param(2, date(2027, 1, 15), date(2027, 7, 15), id="level-2-six-monthly"),
        pytest.param(1, date(2027, 1, 15), date(2027, 7, 15), id="level-1-six-monthly"),
        pytest.param(5, date(2027, 1, 31), date(2027, 2, 28), id="level-5-from-31-jan"),
        pytest.param(4, date(2027, 12, 31), date(2028, 2, 29), id="level-4-into-a-leap-february"),
        pytest.param(3, date(2026, 11, 30), date(2027, 2, 28), id="level-3-from-30-nov"),
        pytest.param(2, date(2026, 8, 31), date(2027, 2, 28), id="level-2-from-31-aug"),
        pytest.param(1, date(2027, 8, 31), date(2028, 2, 29), id="level-1-from-31-aug-leap"),
    ],
)
def test_review_due_counts_from_the_last_held_review(level, last_held_on, expected):
    due = rules.review_due(
        interval_months=rules.review_interval(level),
        last_held_on=last_held_on,
        level_effective_from=date(2026, 4, 1),  # ignored: a review has been held
    )
    assert due == expected


@pytest.mark.parametrize(
    ("level", "effective_from", "expected"),
    [
        pytest.param(5, date(2027, 1, 31), date(2027, 2, 28), id="level-5"),
        pytest.param(4, date(2027, 1, 31), date(2027, 3, 31), id="level-4"),
        pytest.param(3, date(2027, 1, 31), date(2027, 4, 30), id="level-3"),
        pytest.param(2, date(2027, 1, 31), date(2027, 7, 31), id="level-2"),
        pytest.param(1, date(2026, 4, 1), date(2026, 10, 1), id="level-1-from-the-2026-cutover"),
    ],
)
def test_review_due_with_none_held_counts_from_the_level_effective_date(level, effective_from, expected):
    due = rules.review_due(
        interval_months=rules.review_interval(level), last_held_on=None, level_effective_from=effective_from
    )
    assert due == expected


def test_a_cadence_policy_is_data():
    policy = {5: 1, 4: 1, 3: 2, 2: 4, 1: 12}
    assert rules.review_interval(2, policy) == 4
    assert rules.review_due(
        interval_months=rules.review_interval(1, policy), last_held_on=date(2027, 2, 28), level_effective_from=None
    ) == date(2028, 2, 28)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"interval_months": 3, "last_held_on": None, "level_effective_from": None}, id="no-start"),
        pytest.param(
            {"interval_months": 0, "last_held_on": date(2027, 1, 1), "level_effective_from": None}, id="zero-interval"
        ),
    ],
)
def test_review_due_needs_a_start_and_an_interval(kwargs):
    with pytest.raises(ValueError):
        rules.review_due(**kwargs)


def test_a_level_missing_from_the_policy_is_an_error():
    with pytest.raises(ValueError, match="level 6"):
        rules.review_interval(6)


# --- Scheduling an overdue meeting -------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "today", "grace_days", "expected"),
    [
        pytest.param(date(2027, 3, 15), date(2027, 3, 1), 14, date(2027, 3, 15), id="due-in-the-future"),
        pytest.param(date(2027, 3, 1), date(2027, 3, 1), 14, date(2027, 3, 1), id="due-today"),
        pytest.param(date(2027, 2, 28), date(2027, 3, 1), 14, date(2027, 3, 15), id="due-yesterday"),
        pytest.param(date(2027, 1, 1), date(2027, 12, 20), 14, date(2028, 1, 3), id="long-overdue-across-the-year"),
        pytest.param(date(2028, 2, 1), date(2028, 2, 20), 14, date(2028, 3, 5), id="overdue-across-29-feb"),
        pytest.param(date(2027, 3, 1), date(2027, 3, 10), 7, date(2027, 3, 17), id="a-shorter-grace"),
        pytest.param(date(2027, 3, 1), date(2027, 3, 10), 0, date(2027, 3, 10), id="no-grace-is-today"),
    ],
)
def test_schedule_on(due_on, today, grace_days, expected):
    assert rules.schedule_on(due_on=due_on, today=today, grace_days=grace_days) == expected


def test_schedule_on_defaults_to_14_days():
    assert rules.schedule_on(due_on=date(2027, 5, 3), today=date(2027, 5, 4)) == date(2027, 5, 18)


# --- Re-planning on a change of level ---------------------------------------------------------


@pytest.mark.parametrize(
    ("planned_on", "last_held_on", "effective_from", "old_level", "new_level", "today", "expected"),
    [
        pytest.param(
            date(2027, 7, 15),
            date(2027, 1, 15),
            date(2027, 3, 1),
            2,
            4,
            date(2027, 3, 1),
            date(2027, 3, 15),
            id="escalation-2-to-4-moves-15-jul-to-15-mar",
        ),
        pytest.param(
            date(2027, 7, 15),
            date(2027, 1, 15),
            date(2027, 3, 1),
            2,
            3,
            date(2027, 3, 1),
            date(2027, 4, 15),
            id="escalation-2-to-3-moves-to-15-apr",
        ),
        pytest.param(
            date(2027, 7, 15),
            date(2027, 1, 15),
            date(2027, 3, 20),
            2,
            4,
            date(2027, 3, 20),
            date(2027, 4, 3),
            id="escalation-new-due-already-past-goes-within-14-days",
        ),
        pytest.param(
            date(2027, 7, 15),
            date(2027, 1, 15),
            date(2027, 3, 1),
            2,
            5,
            date(2027, 3, 1),
            date(2027, 3, 15),
            id="escalation-to-5-due-15-feb-passed-goes-within-14-days",
        ),
        pytest.param(
            date(2027, 3, 1),
            date(2027, 1, 15),
            date(2027, 2, 20),
            2,
            3,
            date(2027, 2, 20),
            date(2027, 3, 1),
            id="escalation-never-moves-later",
        ),
        pytest.param(
            date(2027, 3, 25),
            date(2027, 1, 15),
            date(2027, 3, 20),
            2,
            4,
            date(2027, 3, 20),
            date(2027, 3, 25),
            id="escalation-overdue-but-already-planned-sooner",
        ),
        pytest.param(
            date(2027, 9, 1),
            None,
            date(2027, 3, 1),
            2,
            4,
            date(2027, 3, 1),
            date(2027, 5, 1),
            id="escalation-with-no-review-held-counts-from-the-new-level",
        ),
        pytest.param(
            date(2027, 4, 10),
            date(2027, 2, 10),
            date(2027, 3, 1),
            4,
            3,
            date(2027, 3, 1),
            date(2027, 5, 10),
            id="deescalation-4-to-3-moves-10-apr-to-10-may",
        ),
        pytest.param(
            date(2027, 5, 10),
            date(2027, 2, 10),
            date(2027, 3, 1),
            3,
            1,
            date(2027, 3, 1),
            date(2027, 8, 10),
            id="deescalation-3-to-1-moves-to-six-monthly",
        ),
        pytest.param(
            date(2027, 6, 1),
            date(2027, 2, 10),
            date(2027, 3, 1),
            4,
            3,
            date(2027, 3, 1),
            date(2027, 6, 1),
            id="deescalation-never-moves-earlier",
        ),
        pytest.param(
            date(2027, 2, 1),
            date(2027, 1, 1),
            date(2027, 3, 15),
            5,
            4,
            date(2027, 3, 15),
            date(2027, 3, 29),
            id="deescalation-new-due-already-past-goes-within-14-days",
        ),
        pytest.param(
            date(2027, 7, 15),
            date(2027, 1, 15),
            date(2027, 3, 1),
            1,
            2,
            date(2027, 3, 1),
            date(2027, 7, 15),
            id="escalation-1-to-2-same-interval-stays",
        ),
        pytest.param(
            date(2027, 7, 15),
            date(2027, 1, 15),
            date(2027, 3, 1),
            2,
            2,
            date(2027, 3, 1),
            date(2027, 7, 15),
            id="no-change-of-level-stays",
        ),
    ],
)
def test_replan_review(planned_on, last_held_on, effective_from, old_level, new_level, today, expected):
    moved = rules.replan_review(
        planned_on=planned_on,
        status="planned",
        last_held_on=last_held_on,
        level_effective_from=effective_from,
        old_level=old_level,
        new_level=new_level,
        today=today,
    )
    assert moved == expected


def test_replan_the_required_scenario_directly():
    # Last review 15 Jan 2027 at level 2 (six-monthly) plans 15 Jul 2027; escalation to
    # level 4 on 1 Mar 2027 makes it two-monthly: due 15 Mar 2027.
    assert rules.review_due(
        interval_months=rules.review_interval(2), last_held_on=date(2027, 1, 15), level_effective_from=None
    ) == date(2027, 7, 15)
    assert rules.replan(
        planned_on=date(2027, 7, 15),
        status="planned",
        new_due_on=date(2027, 3, 15),
        today=date(2027, 3, 1),
        old_level=2,
        new_level=4,
    ) == date(2027, 3, 15)


def test_replan_same_level_ignores_a_different_due_date():
    moved = rules.replan(
        planned_on=date(2027, 7, 15),
        status="planned",
        new_due_on=date(2027, 3, 15),
        today=date(2027, 3, 1),
        old_level=3,
        new_level=3,
    )
    assert moved == date(2027, 7, 15)


FIXED = ["confirmed", "agenda_issued", "papers_issued", "held", "minuted", "closed", "cancelled"]


def test_every_status_but_planned_is_fixed():
    assert frozenset(FIXED) == rules.FIXED_STATUSES
    assert frozenset({"planned"}) == rules.MOVABLE_STATUSES


@pytest.mark.parametrize("status", FIXED)
@pytest.mark.parametrize(
    ("planned_on", "new_due_on", "old_level", "new_level"),
    [
        pytest.param(date(2027, 7, 15), date(2027, 3, 15), 2, 4, id="escalation"),
        pytest.param(date(2027, 7, 15), date(2027, 2, 15), 2, 5, id="escalation-overdue"),
        pytest.param(date(2027, 4, 10), date(2027, 5, 10), 4, 3, id="deescalation"),
    ],
)
def test_a_meeting_past_planned_never_moves(status, planned_on, new_due_on, old_level, new_level):
    moved = rules.replan(
        planned_on=planned_on,
        status=status,
        new_due_on=new_due_on,
        today=date(2027, 3, 1),
        old_level=old_level,
        new_level=new_level,
    )
    assert moved == planned_on


def test_an_unknown_status_is_an_error():
    with pytest.raises(ValueError, match="postponed"):
        rules.replan(
            planned_on=date(2027, 7, 15),
            status="postponed",
            new_due_on=date(2027, 3, 15),
            today=date(2027, 3, 1),
            old_level=2,
            new_level=4,
        )


# --- Which meetings apply ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "item", "whole_board"),
    [
        pytest.param(1, False, False, id="level-1-system-only"),
        pytest.param(2, True, False, id="level-2"),
        pytest.param(3, True, False, id="level-3"),
        pytest.param(4, True, False, id="level-4"),
        pytest.param(5, True, True, id="level-5-whole-board"),
    ],
)
def test_meetings_by_level(level, item, whole_board):
    assert rules.has_organisation_item(level) is item
    assert rules.whole_board_meeting_applies(level) is whole_board


# --- Fixed cadences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "monthly", "six_monthly"),
    [
        pytest.param(date(2027, 1, 31), date(2027, 2, 28), date(2027, 7, 31), id="31-jan"),
        pytest.param(date(2026, 12, 15), date(2027, 1, 15), date(2027, 6, 15), id="across-the-year"),
        pytest.param(date(2027, 8, 31), date(2027, 9, 30), date(2028, 2, 29), id="31-aug-leap"),
        pytest.param(date(2026, 8, 30), date(2026, 9, 30), date(2027, 2, 28), id="30-aug"),
    ],
)
def test_monthly_and_six_monthly(after, monthly, six_monthly):
    assert rules.next_monthly(after) == monthly
    assert rules.next_six_monthly(after) == six_monthly


def test_fixed_intervals_from_the_sources():
    assert rules.FIXED_INTERVAL_MONTHS == {
        "wg_nhspi_oversight": 1,
        "regional": 6,
        "tripartite": 6,
        "iqpd": 1,
        "service_specific": 1,
        "quality_and_delivery_board": 1,
        "committee": 2,
    }


@pytest.mark.parametrize(
    ("on", "starts_on", "ends_on"),
    [
        pytest.param(date(2027, 1, 1), date(2027, 4, 1), date(2027, 5, 31), id="january-waits-for-april"),
        pytest.param(date(2027, 4, 15), date(2027, 4, 1), date(2027, 5, 31), id="inside-april-window"),
        pytest.param(date(2027, 5, 31), date(2027, 4, 1), date(2027, 5, 31), id="last-day-of-may"),
        pytest.param(date(2027, 6, 1), date(2027, 10, 1), date(2027, 11, 30), id="june-waits-for-october"),
        pytest.param(date(2027, 11, 30), date(2027, 10, 1), date(2027, 11, 30), id="last-day-of-november"),
        pytest.param(date(2027, 12, 1), date(2028, 4, 1), date(2028, 5, 31), id="december-waits-for-next-april"),
    ],
)
def test_jet_window_for_a_date(on, starts_on, ends_on):
    window = rules.window_for(on=on)
    assert (window.starts_on, window.ends_on) == (starts_on, ends_on)
    assert (on in window) is (starts_on <= on)


@pytest.mark.parametrize(
    ("after", "starts_on", "ends_on"),
    [
        pytest.param(date(2027, 4, 20), date(2027, 10, 1), date(2027, 11, 30), id="held-april-next-october"),
        pytest.param(date(2027, 4, 1), date(2027, 10, 1), date(2027, 11, 30), id="held-1-april-next-october"),
        pytest.param(date(2027, 3, 31), date(2027, 4, 1), date(2027, 5, 31), id="held-late-march-next-april"),
        pytest.param(date(2027, 9, 30), date(2027, 10, 1), date(2027, 11, 30), id="held-late-september"),
        pytest.param(date(2027, 11, 15), date(2028, 4, 1), date(2028, 5, 31), id="held-november-next-april"),
        pytest.param(date(2027, 12, 31), date(2028, 4, 1), date(2028, 5, 31), id="held-31-december"),
    ],
)
def test_next_jet_window(after, starts_on, ends_on):
    window = rules.next_in_fixed_months(after=after)
    assert (window.starts_on, window.ends_on) == (starts_on, ends_on)


def test_fixed_months_are_data():
    window = rules.next_in_fixed_months(after=date(2027, 3, 10), windows=((3,), (9,)))
    assert (window.starts_on, window.ends_on) == (date(2027, 9, 1), date(2027, 9, 30))
    window = rules.window_for(on=date(2028, 2, 10), windows=((2,), (8,)))
    assert (window.starts_on, window.ends_on) == (date(2028, 2, 1), date(2028, 2, 29))


@pytest.mark.parametrize(
    "windows", [((5, 4),), ((12, 1),), ((4, 6),), ((),)], ids=["reversed", "wraps", "gap", "empty"]
)
def test_a_window_is_a_run_of_months(windows):
    with pytest.raises(ValueError):
        rules.next_in_fixed_months(after=date(2027, 1, 1), windows=windows)


# --- Lead times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_on", "agenda", "slides"),
    [
        pytest.param(date(2027, 5, 11), date(2027, 4, 20), date(2027, 5, 1), id="may-jet"),
        pytest.param(date(2027, 1, 5), date(2026, 12, 15), date(2026, 12, 26), id="across-the-year"),
        pytest.param(date(2028, 3, 10), date(2028, 2, 18), date(2028, 2, 29), id="slides-on-29-feb"),
    ],
)
def test_jet_agenda_three_weeks_and_slides_ten_days_before(meeting_on, agenda, slides):
    assert rules.agenda_due(meeting_on) == agenda
    assert rules.slides_due(meeting_on) == slides


@pytest.mark.parametrize(
    ("meeting_on", "expected"),
    [
        pytest.param(date(2027, 3, 10), date(2027, 2, 24), id="march"),
        pytest.param(date(2028, 3, 14), date(2028, 2, 29), id="onto-29-feb"),
    ],
)
def test_committee_agenda_items_two_weeks_before(meeting_on, expected):
    assert rules.agenda_items_due(meeting_on) == expected


@pytest.mark.parametrize(
    ("meeting_on", "expected"),
    [
        pytest.param(date(2026, 6, 15), date(2026, 6, 12), id="monday"),
        pytest.param(date(2026, 6, 16), date(2026, 6, 12), id="tuesday"),
        pytest.param(date(2026, 6, 17), date(2026, 6, 12), id="wednesday"),
        pytest.param(date(2026, 6, 18), date(2026, 6, 12), id="thursday"),
        pytest.param(date(2026, 6, 19), date(2026, 6, 12), id="friday-the-week-before"),
        pytest.param(date(2026, 6, 20), date(2026, 6, 19), id="saturday-the-day-before"),
        pytest.param(date(2026, 6, 21), date(2026, 6, 19), id="sunday"),
        pytest.param(date(2026, 7, 1), date(2026, 6, 26), id="across-the-month"),
    ],
)
def test_papers_by_the_friday_preceding_the_meeting(meeting_on, expected):
    assert rules.papers_due(meeting_on) == expected


@pytest.mark.parametrize(
    ("held_on", "kwargs", "expected"),
    [
        pytest.param(date(2027, 3, 10), {}, date(2027, 3, 24), id="default-14-days"),
        pytest.param(date(2027, 3, 10), {"days": 7}, date(2027, 3, 17), id="seven-days"),
        pytest.param(
            date(2027, 3, 10), {"next_meeting_on": date(2027, 3, 22)}, date(2027, 3, 19), id="by-next-meetings-papers"
        ),
        pytest.param(
            date(2027, 3, 10), {"next_meeting_on": date(2027, 5, 12)}, date(2027, 3, 24), id="next-meeting-far-off"
        ),
        pytest.param(
            date(2027, 3, 10), {"next_meeting_on": date(2027, 3, 12)}, date(2027, 3, 10), id="never-before-the-meeting"
        ),
    ],
)
def test_minutes_draft_due(held_on, kwargs, expected):
    assert rules.minutes_draft_due(held_on, **kwargs) == expected


@pytest.mark.parametrize(
    ("submitted_on", "today", "late"),
    [
        pytest.param(date(2027, 4, 19), None, False, id="early"),
        pytest.param(date(2027, 4, 20), None, False, id="on-the-day"),
        pytest.param(date(2027, 4, 21), None, True, id="a-day-late"),
        pytest.param(None, date(2027, 4, 20), False, id="not-yet-due"),
        pytest.param(None, date(2027, 4, 21), True, id="missing-after-due"),
        pytest.param(date(2027, 4, 19), date(2027, 5, 1), False, id="submitted-in-time-stays-on-time"),
    ],
)
def test_is_late(submitted_on, today, late):
    assert rules.is_late(submitted_on, date(2027, 4, 20), today) is late


def test_is_late_needs_today_when_nothing_submitted():
    with pytest.raises(ValueError):
        rules.is_late(None, date(2027, 4, 20))


@pytest.mark.parametrize(
    ("last_reviewed_on", "kind", "expected"),
    [
        pytest.param(date(2023, 8, 31), "jet", date(2025, 8, 31), id="jet-every-two-years"),
        pytest.param(date(2028, 2, 29), "jet", date(2030, 2, 28), id="jet-from-29-feb"),
        pytest.param(date(2026, 6, 15), "committee", date(2027, 6, 15), id="committee-annually"),
        pytest.param(date(2028, 2, 29), "committee", date(2029, 2, 28), id="committee-from-29-feb"),
    ],
)
def test_tor_review_due(last_reviewed_on, kind, expected):
    assert rules.tor_review_due(last_reviewed_on, kind) == expected


def test_tor_review_of_an_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        rules.tor_review_due(date(2027, 1, 1), "board")


# --- Quorum ------------------------------------------------------------------------------------

CORE_ORGS = ["Local Authority", "Health Board", "Public Health Wales", "Third Sector", "CHC", "RPB"]


def seats(*marks, attendees=()):
    """Core seats, one per organisation in CORE_ORGS order, plus attendee rows."""
    rows = [Attendance(org, "core", mark) for org, mark in zip(CORE_ORGS, marks, strict=True)]
    return rows + [Attendance(org, "attendee", mark) for org, mark in attendees]


P, D, A, X = "present", "deputy", "apologies", "absent"
FOUR = QuorumRule(minimum=4)


@pytest.mark.parametrize(
    ("rule", "attendance", "met", "present", "total", "needed"),
    [
        pytest.param(FOUR, seats(P, P, P, P, A, A), True, 4, 6, 4, id="four-of-six-met"),
        pytest.param(FOUR, seats(P, P, P, A, A, X), False, 3, 6, 4, id="three-of-six-not-met"),
        pytest.param(FOUR, seats(P, P, P, D, A, A), True, 4, 6, 4, id="a-deputy-counts"),
        pytest.param(
            FOUR,
            seats(P, P, P, A, A, A, attendees=[("Local Authority", P), ("Health Board", P), ("Third Sector", P)]),
            False,
            3,
            6,
            4,
            id="attendees-never-count",
        ),
        pytest.param(
            FOUR,
            seats(P, P, P, A, A, A, attendees=[("Third Sector", P)]),
            False,
            3,
            6,
            4,
            id="an-attendee-does-not-stand-in-for-a-core-member",
        ),
        pytest.param(
            FOUR,
            [*seats(P, P, A, A, A, A), Attendance("Health Board", "core", P), Attendance("Health Board", "core", D)],
            False,
            2,
            6,
            4,
            id="three-seats-of-one-organisation-count-once",
        ),
        pytest.param(
            QuorumRule(fraction=Fraction(1, 2)), seats(P, P, P, A, A, A), True, 3, 6, 3, id="half-of-six-is-three"
        ),
        pytest.param(
            QuorumRule(fraction=Fraction(1, 2)),
            seats(P, P, A, A, A, A),
            False,
            2,
            6,
            3,
            id="two-is-short-of-half",
        ),
        pytest.param(
            QuorumRule(fraction=Fraction(1, 2)),
            seats(P, P, A, A, A, A)[:5],
            False,
            2,
            5,
            3,
            id="half-of-five-rounds-up-to-three",
        ),
        pytest.param(
            QuorumRule(fraction=Fraction(2, 3)), seats(P, P, D, P, A, A), True, 4, 6, 4, id="two-thirds-of-six"
        ),
        pytest.param(
            QuorumRule(minimum=5, fraction=Fraction(1, 2)),
            seats(P, P, P, P, A, A),
            False,
            4,
            6,
            5,
            id="the-larger-of-minimum-and-share",
        ),
        pytest.param(FOUR, [], False, 0, 0, 4, id="no-one-there"),
    ],
)
def test_quorum(rule, attendance, met, present, total, needed):
    result = rules.quorum_met(rule=rule, attendance=attendance)
    assert (result.met, result.present, result.total, result.needed) == (met, present, total, needed)


def test_quorum_by_members_counts_seats():
    attendance = [
        *seats(P, P, A, A, A, A),
        Attendance("Health Board", "core", P),
        Attendance("Health Board", "core", D),
        Attendance("Health Board", "attendee", P),
    ]
    result = rules.quorum_met(rule=QuorumRule(minimum=4, counts="members"), attendance=attendance)
    assert (result.met, result.present, result.total, result.needed) == (True, 4, 8, 4)
    assert str(result) == "4 of 8 core members present; 4 needed"


def test_quorum_reads_as_a_sentence():
    result = rules.quorum_met(rule=FOUR, attendance=seats(P, P, P, D, A, A))
    assert str(result) == "4 of 6 core organisations present; 4 needed"


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({}, id="neither-minimum-nor-share"),
        pytest.param({"minimum": -1}, id="negative"),
        pytest.param({"fraction": Fraction(0)}, id="zero-share"),
        pytest.param({"fraction": Fraction(3, 2)}, id="more-than-everyone"),
        pytest.param({"minimum": 3, "counts": "people"}, id="unknown-count"),
    ],
)
def test_a_quorum_rule_must_make_sense(kwargs):
    with pytest.raises(ValueError):
        QuorumRule(**kwargs)


@pytest.mark.parametrize(
    ("membership", "mark"), [pytest.param("observer", P, id="membership"), pytest.param("core", "late", id="mark")]
)
def test_attendance_rejects_unknown_values(membership, mark):
    with pytest.raises(ValueError):
        Attendance("Health Board", membership, mark)


# --- Votes -------------------------------------------------------------------------------------


def core(org, choice):
    return Vote(org, "core", choice)


LA, HB, PHW, TS, CHC = "Local Authority", "Health Board", "Public Health Wales", "Third Sector", "CHC"


@pytest.mark.parametrize(
    ("votes", "casting", "outcome", "counts", "decided_by_casting"),
    [
        pytest.param(
            [core(LA, "for"), core(HB, "for"), core(PHW, "for"), core(TS, "against"), core(CHC, "against")],
            None,
            "carried",
            (3, 2, 0),
            False,
            id="majority-for",
        ),
        pytest.param(
            [core(LA, "for"), core(HB, "against"), core(PHW, "against"), core(TS, "abstain")],
            None,
            "not carried",
            (1, 2, 1),
            False,
            id="majority-against",
        ),
        pytest.param(
            [core(LA, "for"), core(HB, "for"), core(PHW, "against"), core(TS, "against"), core(CHC, "abstain")],
            "for",
            "carried",
            (2, 2, 1),
            True,
            id="tie-casting-vote-for",
        ),
        pytest.param(
            [core(LA, "for"), core(HB, "against")],
            "against",
            "not carried",
            (1, 1, 0),
            True,
            id="tie-casting-vote-against",
        ),
        pytest.param(
            [core(LA, "abstain"), core(HB, "abstain")],
            "for",
            "carried",
            (0, 0, 2),
            True,
            id="all-abstain-is-a-tie",
        ),
        pytest.param(
            [core(HB, "for"), core(HB, "for"), core(LA, "against"), core(PHW, "against")],
            None,
            "not carried",
            (1, 2, 0),
            False,
            id="two-members-of-one-organisation-one-vote",
        ),
        pytest.param(
            [core(HB, "for"), core(HB, "for"), core(HB, "for"), core(LA, "for"), core(PHW, "against")],
            None,
            "carried",
            (2, 1, 0),
            False,
            id="three-members-of-one-organisation-one-vote",
        ),
    ],
)
def test_vote_outcome(votes, casting, outcome, counts, decided_by_casting):
    assert rules.vote_refusal(votes=votes, chair_casting_vote=casting) is None
    result = rules.vote_outcome(votes=votes, chair_casting_vote=casting)
    assert result.outcome == outcome
    assert (result.for_count, result.against_count, result.abstain_count) == counts
    assert result.decided_by_casting_vote is decided_by_casting
    assert result.casting_vote == casting


def test_the_vote_names_each_organisation_once():
    result = rules.vote_outcome(
        votes=[core(HB, "for"), core(HB, "for"), core(LA, "for"), core(PHW, "against"), core(TS, "abstain")]
    )
    assert result.for_organisations == (HB, LA)
    assert result.against_organisations == (PHW,)
    assert result.abstaining_organisations == (TS,)
    assert str(result) == "Carried: 2 for, 1 against, 1 abstaining (one vote per core organisation)"


def test_a_casting_vote_is_recorded_in_the_result():
    result = rules.vote_outcome(votes=[core(LA, "for"), core(HB, "against")], chair_casting_vote="against")
    assert str(result) == (
        "Not carried: 1 for, 1 against, 0 abstaining (one vote per core organisation); "
        "tied, decided by the chair's casting vote against"
    )


@pytest.mark.parametrize(
    ("votes", "casting", "code", "says"),
    [
        pytest.param(
            [core(LA, "for"), core(HB, "against")], None, "casting_vote_required", "tied (1 for, 1 against)", id="tie"
        ),
        pytest.param(
            [core(LA, "for"), core(HB, "for"), core(PHW, "against"), core(TS, "against"), Vote(CHC, "attendee", "for")],
            None,
            "attendee_cannot_vote",
            "attendee from CHC",
            id="attendee-vote-would-break-a-tie",
        ),
        pytest.param(
            [core(LA, "for"), Vote(HB, "attendee", "against")],
            None,
            "attendee_cannot_vote",
            "attendee from Health Board",
            id="attendee-vote",
        ),
        pytest.param(
            [core(HB, "for"), core(HB, "against"), core(LA, "for")],
            None,
            "organisation_vote_split",
            "Members of Health Board voted differently (against, for)",
            id="split-within-one-organisation",
        ),
        pytest.param(
            [core(HB, "for"), core(HB, "abstain"), core(LA, "for")],
            None,
            "organisation_vote_split",
            "(abstain, for)",
            id="split-for-and-abstain",
        ),
        pytest.param(
            [core(LA, "for"), core(HB, "for"), core(PHW, "against")],
            "against",
            "casting_vote_not_needed",
            "not tied (2 for, 1 against)",
            id="casting-vote-without-a-tie",
        ),
        pytest.param(
            [core(LA, "for"), core(HB, "against")],
            "abstain",
            "casting_vote_invalid",
            "cannot abstain",
            id="casting-abstain",
        ),
        pytest.param([], None, "no_votes", "No votes", id="no-votes"),
    ],
)
def test_vote_refusals(votes, casting, code, says):
    refusal = rules.vote_refusal(votes=votes, chair_casting_vote=casting)
    assert refusal is not None
    assert refusal.code == code
    assert says in refusal.message
    assert "committee terms of reference" in refusal.message
    assert "section 6" in refusal.message
    with pytest.raises(rules.VoteRefused) as raised:
        rules.vote_outcome(votes=votes, chair_casting_vote=casting)
    assert raised.value.refusal == refusal


@pytest.mark.parametrize(
    ("membership", "choice"), [pytest.param("guest", "for", id="membership"), pytest.param("core", "yes", id="choice")]
)
def test_vote_rejects_unknown_values(membership, choice):
    with pytest.raises(ValueError):
        Vote(LA, membership, choice)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 12, date(2026, 12, 8)),  # the 1st is a Tuesday
        (2027, 1, date(2027, 1, 12)),  # the 1st is a Friday
        (2027, 6, date(2027, 6, 8)),  # the 1st is a Tuesday
        (2027, 8, date(2027, 8, 10)),  # the 1st is a Sunday
        (2027, 3, date(2027, 3, 9)),  # the 1st is a Monday
    ],
    ids=["1st-tuesday", "1st-friday", "1st-tuesday-june", "1st-sunday", "1st-monday"],
)
def test_the_oversight_meeting_is_on_the_second_tuesday(year, month, expected):
    assert rules.oversight_meeting_day(year, month) == expected


@pytest.mark.parametrize(
    ("due_on", "cancelled_on", "today", "expected"),
    [
        (date(2027, 3, 1), None, date(2027, 2, 1), date(2027, 3, 1)),  # nothing cancelled
        (date(2027, 3, 1), date(2027, 3, 1), date(2027, 2, 20), date(2027, 3, 15)),  # called off: a fortnight on
        (date(2027, 3, 1), date(2027, 1, 10), date(2027, 2, 1), date(2027, 3, 1)),  # an earlier meeting's cancellation
        (date(2027, 3, 1), date(2027, 3, 1), date(2027, 4, 1), date(2027, 4, 15)),  # both past: within 14 days
    ],
    ids=["none", "called-off", "older-cancellation", "all-past"],
)
def test_a_slot_after_a_cancellation(due_on, cancelled_on, today, expected):
    assert rules.schedule_after_cancellation(due_on=due_on, cancelled_on=cancelled_on, today=today) == expected
