"""plans.rules, table by table: every expectation written out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from plans import rules
from plans.rules import Due, MeasureState, Pending, PlanFacts, Requirement

D = date


# --- Planning cycles ------------------------------------------------------------------------

CYCLES = [("2025-28", D(2025, 4, 1), D(2028, 3, 31)), ("2026-29", D(2026, 4, 1), D(2029, 3, 31))]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2025, 3, 31), None),
        (D(2025, 4, 1), "2025-28"),
        (D(2026, 3, 31), "2025-28"),
        (D(2026, 4, 1), "2026-29"),  # the later framework's cycle is current once it starts
        (D(2028, 6, 1), "2026-29"),
        (D(2029, 4, 1), None),
    ],
)
def test_the_current_cycle_is_the_latest_one_running(on, expected):
    assert rules.current_cycle(CYCLES, on) == expected


# --- Recording a plan and its outcome ---------------------------------------------------------

TODAY = D(2026, 6, 1)


@pytest.mark.parametrize(
    ("holds_levels", "submitted_on", "board_approved_on", "code"),
    [
        (True, D(2026, 3, 28), D(2026, 3, 20), None),
        (True, D(2026, 3, 28), None, None),
        (True, D(2026, 3, 28), D(2026, 3, 28), None),
        (False, D(2026, 3, 28), None, "organisation_does_not_plan"),
        (True, D(2026, 6, 2), None, "submitted_in_future"),
        (True, D(2026, 3, 28), D(2026, 3, 29), "board_after_submission"),
    ],
)
def test_plan_refusal(holds_levels, submitted_on, board_approved_on, code):
    refusal = rules.plan_refusal(
        holds_levels=holds_levels,
        organisation_name="Org",
        submitted_on=submitted_on,
        board_approved_on=board_approved_on,
        today=TODAY,
    )
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("plan_type", "outcome", "outcome_on", "code"),
    [
        ("imtp", "approved", D(2026, 5, 1), None),
        ("imtp", "not_approved", D(2026, 5, 1), None),
        ("imtp", "accepted_annual", D(2026, 5, 1), None),
        ("annual", "accepted_annual", D(2026, 5, 1), None),
        ("annual", "not_approved", D(2026, 5, 1), None),
        ("annual", "approved", D(2026, 5, 1), "annual_plan_not_approvable"),
        ("imtp", "", None, None),
        ("imtp", "", D(2026, 5, 1), "date_without_outcome"),
        ("imtp", "approved", None, "outcome_needs_date"),
        ("imtp", "approved", D(2026, 3, 27), "outcome_before_submission"),
        ("imtp", "approved", D(2026, 6, 2), "outcome_in_future"),
    ],
)
def test_outcome_refusal(plan_type, outcome, outcome_on, code):
    refusal = rules.outcome_refusal(
        plan_type=plan_type, outcome=outcome, outcome_on=outcome_on, submitted_on=D(2026, 3, 28), today=TODAY
    )
    assert (refusal.code if refusal else None) == code


# --- The Finance flag -----------------------------------------------------------------------


MARCH_2025 = D(2025, 3, 28)


FLAG_ON = D(2026, 11, 30)


def plan(plan_type="imtp", balanced=True, outcome="", submitted=MARCH_2025, key=1, outcome_on=None):
    return PlanFacts(
        plan_type=plan_type,
        financially_balanced=balanced,
        outcome=outcome,
        submitted_on=submitted,
        key=key,
        outcome_on=outcome_on,
    )


@pytest.mark.parametrize(
    ("plans", "reason"),
    [
        ([], "none_submitted"),
        ([plan(outcome="approved")], None),
        ([plan(balanced=False, outcome="approved")], "not_balanced"),
        ([plan(balanced=False)], "not_balanced"),
        ([plan(balanced=False, outcome="not_approved")], "not_balanced"),
        ([plan(outcome="not_approved")], "not_approved"),
        ([plan()], "not_approved"),  # awaiting the Minister: not (yet) approved
        ([plan(outcome="accepted_annual")], "annual_only"),
        ([plan(balanced=False, outcome="accepted_annual")], "annual_only"),
        ([plan("annual", balanced=False, outcome="accepted_annual")], "annual_only"),
        ([plan("annual", balanced=True)], "annual_only"),
        # An approved balanced IMTP clears the flag whatever else the cycle holds.
        ([plan(outcome="not_approved", key=1), plan(outcome="approved", submitted=D(2025, 9, 1), key=2)], None),
        ([plan(outcome="approved", key=1), plan("annual", outcome="accepted_annual", submitted=D(2025, 9, 1))], None),
        # Otherwise the latest submission says why.
        (
            [plan(balanced=False, outcome="not_approved"), plan("annual", submitted=D(2025, 9, 1), key=2)],
            "annual_only",
        ),
        (
            [plan("annual", outcome="accepted_annual"), plan(balanced=False, submitted=D(2025, 9, 1), key=2)],
            "not_balanced",
        ),
        # Two on the same day: the later record.
        ([plan(balanced=False, key=1), plan(key=2)], "not_approved"),
    ],
)
def test_finance_flag(plans, reason):
    flag = rules.finance_flag(plans, cycle="2025-28", on=FLAG_ON)
    assert (flag.reason if flag else None) == reason
    if flag:
        assert flag.cycle == "2025-28"


JULY_14 = D(2025, 7, 14)


@pytest.mark.parametrize(
    ("plans", "on", "reason"),
    [
        # Approved on 14 July: flagged (awaiting the Minister) the day before, cleared that day.
        ([plan(outcome="approved", outcome_on=JULY_14)], D(2025, 7, 13), "not_approved"),
        ([plan(outcome="approved", outcome_on=JULY_14)], JULY_14, None),
        ([plan(outcome="approved", outcome_on=JULY_14)], D(2026, 1, 1), None),
        # An outcome with no date recorded counts from the plan's submission.
        ([plan(outcome="approved")], D(2025, 4, 1), None),
        # Accepted only as an annual plan later: before that, awaiting (a balanced IMTP not yet approved).
        ([plan(outcome="accepted_annual", outcome_on=JULY_14)], D(2025, 6, 30), "not_approved"),
        ([plan(outcome="accepted_annual", outcome_on=JULY_14)], JULY_14, "annual_only"),
        # Not balanced whatever the outcome and whenever it came.
        ([plan(balanced=False, outcome="not_approved", outcome_on=JULY_14)], D(2025, 6, 30), "not_balanced"),
        # A later plan approved later does not clear the flag before its approval, nor count before submission.
        (
            [
                plan(outcome="not_approved", outcome_on=JULY_14, key=1),
                plan(outcome="approved", submitted=D(2025, 9, 1), outcome_on=D(2025, 10, 1), key=2),
            ],
            D(2025, 8, 1),
            "not_approved",
        ),
        (
            [
                plan("annual", outcome="accepted_annual", outcome_on=JULY_14, key=1),
                plan(outcome="approved", submitted=D(2025, 9, 1), outcome_on=D(2025, 10, 1), key=2),
            ],
            D(2025, 9, 15),
            "not_approved",
        ),
        (
            [
                plan("annual", outcome="accepted_annual", outcome_on=JULY_14, key=1),
                plan(outcome="approved", submitted=D(2025, 9, 1), outcome_on=D(2025, 10, 1), key=2),
            ],
            D(2025, 10, 1),
            None,
        ),
        # Submitted after the day: not yet submitted.
        (
            [plan(submitted=D(2025, 9, 1), outcome="approved", outcome_on=D(2025, 10, 1))],
            D(2025, 8, 1),
            "none_submitted",
        ),
    ],
)
def test_finance_flag_on_a_day_counts_only_the_outcomes_decided_by_then(plans, on, reason):
    flag = rules.finance_flag(plans, cycle="2025-28", on=on)
    assert (flag.reason if flag else None) == reason


# --- Conditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "has_evidence", "note", "code"),
    [
        ("open", "met", True, "", None),
        ("open", "met", False, "Seen at the review", None),
        ("open", "met", False, "  ", "met_needs_evidence"),
        ("open", "not_met", True, "", "not_met_needs_note"),
        ("open", "not_met", False, "Missed the date", None),
        ("met", "open", True, "", "reopen_needs_note"),
        ("met", "open", True, "New information", None),
        ("open", "open", False, "x", "status_unchanged"),
        ("not_met", "met", True, "", None),
    ],
)
def test_condition_status_refusal(current, new, has_evidence, note, code):
    refusal = rules.condition_status_refusal(current=current, new=new, has_evidence=has_evidence, note=note)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [("open", D(2026, 5, 31), True), ("open", D(2026, 6, 1), False), ("met", D(2026, 1, 1), False)],
)
def test_condition_overdue(status, due_on, expected):
    assert rules.condition_overdue(status=status, due_on=due_on, today=TODAY) is expected


@pytest.mark.parametrize(("era", "code"), [("2026", None), ("2024", "pillar_not_2026")])
def test_conditions_are_set_against_the_2026_pillars(era, code):
    refusal = rules.pillar_refusal(era_code=era, pillar_name="Finance")
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("has_file", "note", "code"),
    [(True, "", None), (False, "Minutes of the board", None), (False, " ", "evidence_empty")],
)
def test_evidence_needs_a_file_or_a_note(has_file, note, code):
    refusal = rules.evidence_refusal(has_file=has_file, note=note)
    assert (refusal.code if refusal else None) == code


# --- Break-even -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [(D(2025, 4, 1), 2025, "2025-26"), (D(2026, 3, 31), 2025, "2025-26"), (D(1999, 12, 1), 1999, "1999-00")],
)
def test_financial_years_run_april_to_march(day, year, label):
    assert rules.financial_year(day) == year
    assert rules.financial_year_label(year) == label


def _years(result):
    return [(y.label, y.value, y.forecast) for y in result.years]


@pytest.mark.parametrize(
    ("values", "on", "years", "total", "status"),
    [
        # Three year ends, together in surplus: met.
        (
            [(D(2024, 3, 1), -2.0), (D(2025, 3, 1), 1.5), (D(2026, 3, 1), 0.5)],
            D(2026, 6, 1),
            [("2023-24", -2.0, False), ("2024-25", 1.5, False), ("2025-26", 0.5, False)],
            0.0,
            "pass",
        ),
        # The same years with a deficit overall: not met.
        (
            [(D(2024, 3, 1), -2.0), (D(2025, 3, 1), 1.5), (D(2026, 3, 1), 0.4)],
            D(2026, 6, 1),
            [("2023-24", -2.0, False), ("2024-25", 1.5, False), ("2025-26", 0.4, False)],
            -0.1,
            "fail",
        ),
        # The current year without its year end: its latest month, as a forecast; the month
        # before ``on`` counts, the one after does not.
        (
            [(D(2024, 3, 1), 1.0), (D(2025, 3, 1), 1.0), (D(2025, 9, 1), -5.0), (D(2025, 10, 1), -3.0)],
            D(2025, 10, 15),
            [("2023-24", 1.0, False), ("2024-25", 1.0, False), ("2025-26", -3.0, True)],
            -1.0,
            "fail",
        ),
        (
            [(D(2024, 3, 1), 1.0), (D(2025, 3, 1), 1.0), (D(2025, 9, 1), -5.0), (D(2025, 10, 1), -3.0)],
            D(2025, 9, 30),
            [("2023-24", 1.0, False), ("2024-25", 1.0, False), ("2025-26", -5.0, True)],
            -3.0,
            "fail",
        ),
        # A missing year: not enough to judge; what there is is still summed.
        (
            [(D(2024, 3, 1), 1.0), (D(2026, 3, 1), 2.0)],
            D(2026, 6, 1),
            [("2023-24", 1.0, False), ("2024-25", None, False), ("2025-26", 2.0, False)],
            3.0,
            "insufficient",
        ),
        ([], D(2026, 6, 1), [], None, "insufficient"),
        # Older years beyond the three do not count.
        (
            [(D(2022, 3, 1), -50.0), (D(2023, 3, 1), 1.0), (D(2024, 3, 1), 1.0), (D(2025, 3, 1), 1.0)],
            D(2026, 1, 1),
            [("2022-23", 1.0, False), ("2023-24", 1.0, False), ("2024-25", 1.0, False)],
            3.0,
            "pass",
        ),
    ],
)
def test_break_even_over_a_rolling_three_years(values, on, years, total, status):
    result = rules.break_even(values, on=on)
    assert _years(result) == years
    assert result.total == total
    assert result.status == status


# --- Ministerial priorities -----------------------------------------------------------------


def state(target=None, variation=None, has_value=True):
    return MeasureState(has_value=has_value, target=target, variation=variation)


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], "no_data"),
        ([state(has_value=False)], "no_data"),
        ([state("met", "common")], "on_track"),
        ([state("missed", "improving")], "on_track"),
        ([state("within_tolerance")], "on_track"),
        ([state("missed", "common")], "of_concern"),
        ([state("met", "concerning")], "of_concern"),
        ([state("met"), state("missed")], "mixed"),
        ([state(None, "common")], "no_signal"),  # values, but no signal either way
        ([state(None, "neither"), state(has_value=False)], "no_signal"),
        ([state("met"), state(None, "neither"), state(has_value=False)], "on_track"),
    ],
)
def test_priority_progress(states, expected):
    assert rules.priority_progress(states) == expected


# --- Reporting in proportion to level ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 11, 15), 3, D(2027, 2, 15)),
        (D(2026, 5, 31), 6, D(2026, 11, 30)),
        (D(2026, 12, 1), 12, D(2027, 12, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("decisions", "on", "expected"),
    [
        ([], D(2026, 6, 1), (1, None)),
        ([(D(2026, 2, 10), 3)], D(2026, 6, 1), (3, D(2026, 2, 10))),
        ([(D(2026, 2, 10), 3)], D(2026, 2, 9), (1, None)),
        # A decision that maintains the level does not restart the count.
        ([(D(2025, 2, 10), 3), (D(2026, 2, 10), 3)], D(2026, 6, 1), (3, D(2025, 2, 10))),
        ([(D(2025, 2, 10), 3), (D(2026, 5, 15), 4)], D(2026, 6, 1), (4, D(2026, 5, 15))),
        ([(D(2025, 2, 10), 3), (D(2026, 5, 15), 4)], D(2026, 5, 14), (3, D(2025, 2, 10))),
        ([(D(2024, 1, 1), 2), (D(2025, 1, 1), 3), (D(2026, 1, 1), 2)], D(2026, 6, 1), (2, D(2026, 1, 1))),
    ],
)
def test_level_since(decisions, on, expected):
    assert rules.level_since(decisions, on=on) == expected


REQUIREMENTS = [
    Requirement("progress_update", 3, 3),
    Requirement("evidence_submission", 3, 3),
    Requirement("updated_action_plan", 3, 6),
    Requirement("progress_update", 4, 2),
    Requirement("evidence_submission", 4, 2),
    Requirement("updated_action_plan", 4, 3),
    Requirement("milestone_review", 4, 2),
]


def test_due_dates_at_level_3_run_from_the_escalation_to_the_first_one_to_come():
    due = rules.submission_due_dates(level=3, since=D(2026, 2, 10), today=D(2026, 5, 15), requirements=REQUIREMENTS)
    assert due == [
        Due("evidence_submission", D(2026, 5, 10)),
        Due("progress_update", D(2026, 5, 10)),
        Due("evidence_submission", D(2026, 8, 10)),
        Due("progress_update", D(2026, 8, 10)),
        Due("updated_action_plan", D(2026, 8, 10)),
    ]


def test_due_dates_at_level_4_follow_the_level_4_intervals_from_the_day_of_escalation():
    due = rules.submission_due_dates(level=4, since=D(2026, 5, 15), today=D(2026, 5, 15), requirements=REQUIREMENTS)
    assert due == [
        Due("evidence_submission", D(2026, 7, 15)),
        Due("milestone_review", D(2026, 7, 15)),
        Due("progress_update", D(2026, 7, 15)),
        Due("updated_action_plan", D(2026, 8, 15)),
    ]


@pytest.mark.parametrize(
    ("level", "since", "not_before", "expected"),
    [
        (1, D(2026, 1, 1), None, []),
        (2, D(2026, 1, 1), None, []),
        (3, None, None, []),
        # A level held for long: only what falls on or after ``not_before``, and the next to come.
        (
            3,
            D(2025, 1, 10),
            D(2026, 1, 1),
            [
                Due("evidence_submission", D(2026, 1, 10)),
                Due("progress_update", D(2026, 1, 10)),
                Due("updated_action_plan", D(2026, 1, 10)),
                Due("evidence_submission", D(2026, 4, 10)),
                Due("progress_update", D(2026, 4, 10)),
                Due("evidence_submission", D(2026, 7, 10)),
                Due("progress_update", D(2026, 7, 10)),
                Due("updated_action_plan", D(2026, 7, 10)),
            ],
        ),
    ],
)
def test_due_dates_edge_cases(level, since, not_before, expected):
    due = rules.submission_due_dates(
        level=level, since=since, today=D(2026, 5, 15), requirements=REQUIREMENTS, not_before=not_before
    )
    assert due == expected


def test_an_escalation_replaces_the_old_levels_submissions_still_to_come_but_keeps_those_already_due():
    pending = [
        Pending(1, "progress_update", 3, D(2026, 5, 10)),  # due before the escalation: still owed
        Pending(2, "progress_update", 3, D(2026, 8, 10)),  # after it: replaced
        Pending(3, "updated_action_plan", 3, D(2026, 8, 10)),
        Pending(4, "progress_update", 4, D(2026, 7, 15)),  # the new level's: kept
    ]
    schedule = [Due("progress_update", D(2026, 7, 15))]
    assert rules.submissions_to_cancel(
        pending=pending, schedule=schedule, level=4, since=D(2026, 5, 15), today=D(2026, 5, 15)
    ) == [2, 3]


def test_a_future_submission_the_schedule_no_longer_holds_is_dropped():
    pending = [Pending(1, "progress_update", 3, D(2026, 8, 10)), Pending(2, "progress_update", 3, D(2026, 5, 1))]
    assert rules.submissions_to_cancel(
        pending=pending, schedule=[], level=3, since=D(2026, 2, 10), today=D(2026, 5, 15)
    ) == [1]


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [
        ("due", D(2026, 5, 15), "due"),
        ("due", D(2026, 5, 14), "overdue"),
        ("received", D(2026, 1, 1), "received"),
        ("cancelled", D(2026, 1, 1), "cancelled"),
    ],
)
def test_submission_state(status, due_on, expected):
    assert rules.submission_state(status=status, due_on=due_on, today=D(2026, 5, 15)) == expected


@pytest.mark.parametrize(
    ("status", "received_on", "code"),
    [
        ("due", D(2026, 5, 15), None),
        ("due", D(2026, 5, 16), "received_in_future"),
        ("received", D(2026, 5, 15), "already_received"),
        ("cancelled", D(2026, 5, 15), "no_longer_required"),
    ],
)
def test_receive_refusal(status, received_on, code):
    refusal = rules.receive_refusal(status=status, received_on=received_on, today=D(2026, 5, 15))
    assert (refusal.code if refusal else None) == code
