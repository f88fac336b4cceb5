"""The pack's pure rules, as tables."""

from datetime import date
from decimal import Decimal as D

import pytest

from reporting import rules
from reporting.choices import PackStatus as S
from reporting.choices import Unit

SUB, AN = {rules.SUBMITTER}, {rules.ANALYST}


@pytest.mark.parametrize(
    ("status", "to", "roles", "comment", "code"),
    [
        (S.DRAFT, S.SUBMITTED, SUB, "", None),
        (S.DRAFT, S.SUBMITTED, AN, "", "pack_role"),
        (S.SUBMITTED, S.RETURNED, AN, "Check RTT", None),
        (S.SUBMITTED, S.RETURNED, AN, "  ", "pack_return_comment"),
        (S.SUBMITTED, S.RETURNED, SUB, "x", "pack_role"),
        (S.SUBMITTED, S.VALIDATED, AN, "", None),
        (S.SUBMITTED, S.VALIDATED, SUB, "", "pack_role"),
        (S.RETURNED, S.SUBMITTED, SUB, "", None),
        (S.VALIDATED, S.RELEASED, AN, "", None),
        (S.VALIDATED, S.RELEASED, SUB, "", "pack_role"),
        (S.DRAFT, S.RELEASED, AN, "", "pack_transition"),
        (S.DRAFT, S.VALIDATED, AN, "", "pack_transition"),
        (S.RELEASED, S.DRAFT, AN, "", "pack_released"),
        (S.RELEASED, S.RETURNED, AN, "x", "pack_released"),
    ],
)
def test_pack_transitions(status, to, roles, comment, code):
    refusal = rules.pack_transition_refusal(status=status, to_status=to, roles=roles, comment=comment)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("status", "editable"),
    [(S.DRAFT, True), (S.RETURNED, True), (S.SUBMITTED, False), (S.VALIDATED, False), (S.RELEASED, False)],
)
def test_editable_only_while_draft_or_returned(status, editable):
    assert (rules.pack_editable_refusal(status=status) is None) is editable


@pytest.mark.parametrize(
    ("unit", "value", "ok"),
    [
        (Unit.PERCENT, D("0"), True),
        (Unit.PERCENT, D("100"), True),
        (Unit.PERCENT, D("100.01"), False),
        (Unit.PERCENT, D("-1"), False),
        (Unit.COUNT, D("12"), True),
        (Unit.COUNT, D("12.0"), True),
        (Unit.COUNT, D("12.5"), False),
        (Unit.COUNT, D("-1"), False),
        (Unit.YES_NO, D("1"), True),
        (Unit.YES_NO, D("0"), True),
        (Unit.YES_NO, D("2"), False),
        (Unit.GBP_MILLIONS, D("-12.3"), True),
        (Unit.RATE_PER_100000, D("0"), True),
        (Unit.RATE_PER_100000, D("-0.1"), False),
        (Unit.MINUTES, D("-3"), False),
        (Unit.PERCENT, D("50.12345"), False),
        (Unit.GBP_MILLIONS, D("1e13"), False),
        (Unit.PERCENT, None, True),
    ],
)
def test_value_ranges(unit, value, ok):
    refusal = rules.value_refusal(unit=unit, value=value, measure="UEC-ED4H")
    assert (refusal is None) is ok
    if refusal:
        assert "UEC-ED4H" in refusal.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", D("12.5")),
        (" 7 ", D("7")),
        ("", None),
        (None, None),
        (3, D("3")),
        (95.123456, D("95.1235")),
        (1e24, D("1e24")),  # too large to round: kept, for the unit's range to refuse by name
    ],
)
def test_parse_value(text, expected):
    assert rules.parse_value(text) == expected


def test_a_huge_spreadsheet_number_is_refused_by_its_units_range_not_an_error():
    refusal = rules.value_refusal(unit=Unit.COUNT, value=rules.parse_value(1e24), measure="UEC-ED12H")
    assert refusal is not None and "UEC-ED12H" in refusal.message


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1,000", True, float("inf"), float("nan")])
def test_parse_value_refuses(text):
    with pytest.raises(ValueError):
        rules.parse_value(text)


def test_missing_value_needs_reason():
    assert rules.missing_value_refusal(value=None, reason="", measure="X").code == "value_missing_reason"
    assert rules.missing_value_refusal(value=None, reason="Not yet validated", measure="X") is None
    assert rules.missing_value_refusal(value=D(1), reason="", measure="X") is None


@pytest.mark.parametrize(
    ("applies_to", "kind", "code", "applies"),
    [
        ("HBs", "health_board", "ABUHB", True),
        ("HBs", "trust", "WAST", False),
        ("WAST", "trust", "WAST", True),
        ("WAST (reported by HB area)", "health_board", "ABUHB", False),
        ("HBs, Velindre", "trust", "VUNHST", True),
        ("HBs, Velindre", "trust", "PHW", False),
        ("HBs, trusts", "trust", "PHW", True),
        ("all NHS bodies", "special_health_authority", "DHCW", True),
        ("all NHS bodies", "government", "WG", False),
        ("", "trust", "PHW", True),
    ],
)
def test_measure_applies(applies_to, kind, code, applies):
    assert rules.measure_applies(applies_to=applies_to, kind=kind, code=code) is applies


@pytest.mark.parametrize(
    ("period", "due"),
    [
        (date(2026, 5, 1), date(2026, 6, 12)),  # June 2026 starts on a Monday
        (date(2026, 1, 1), date(2026, 2, 13)),  # February 2026 starts on a Sunday
        (date(2025, 12, 1), date(2026, 1, 14)),  # across the year end
    ],
)
def test_pack_due_on_is_tenth_working_day(period, due):
    assert rules.pack_due_on(period) == due


@pytest.mark.parametrize(
    ("submitted", "today", "late"),
    [
        (date(2026, 6, 12), date(2026, 7, 1), False),
        (date(2026, 6, 13), date(2026, 7, 1), True),
        (None, date(2026, 6, 12), False),
        (None, date(2026, 6, 13), True),
    ],
)
def test_pack_late(submitted, today, late):
    assert rules.pack_late(date(2026, 6, 12), submitted, today) is late
    assert rules.pack_late(None, submitted, today) is False


@pytest.mark.parametrize(
    ("value", "target", "direction", "score"),
    [
        (D("95"), D("95"), "higher", 1),
        (D("92"), D("95"), "higher", 2),  # 3.2% short
        (D("85"), D("95"), "higher", 3),  # 10.5% short
        (D("70"), D("95"), "higher", 4),
        (D("90"), D("100"), "lower", 1),
        (D("104"), D("100"), "lower", 2),
        (D("115"), D("100"), "lower", 3),
        (D("116"), D("100"), "lower", 4),
        (D("0"), D("0"), "lower", 1),
        (D("1"), D("0"), "lower", 4),
        (D("50"), D("95"), "none", None),
        (None, D("95"), "higher", None),
        (D("50"), None, "higher", None),
    ],
)
def test_measure_score(value, target, direction, score):
    assert rules.measure_score(value=value, target=target, direction=direction) == score


def test_pillar_average_ignores_unscored():
    assert rules.pillar_average([1, 2, None, 4]) == D("2.33")
    assert rules.pillar_average([None]) is None


@pytest.mark.parametrize(
    ("average", "level"),
    [(D("1"), 1), (D("1.75"), 1), (D("1.76"), 2), (D("2.5"), 2), (D("3.25"), 3), (D("3.26"), 4), (D("4"), 4)],
)
def test_suggested_level_defaults(average, level):
    assert rules.suggested_level(average) == level


def test_suggested_level_thresholds_are_data_and_never_five():
    assert rules.suggested_level(D("2"), [D("2"), D("3"), D("3.5")]) == 1
    assert rules.suggested_level(D("9")) == 4
    assert rules.suggested_level(None) is None


@pytest.mark.parametrize(
    ("level", "caps", "result"), [(1, [3], 3), (4, [3], 4), (2, [], 2), (1, [2, 3], 3), (None, [3], None)]
)
def test_apply_caps(level, caps, result):
    assert rules.apply_caps(level, caps) == result


def test_cap_applies():
    assert rules.cap_applies(value=D("0"), operator="eq", threshold=D("0"))
    assert not rules.cap_applies(value=None, operator="eq", threshold=D("0"))


@pytest.mark.parametrize(
    ("values", "op", "threshold", "months", "met"),
    [
        ([D(600), D(500), D(450), D(400)], "le", D(500), 3, True),
        ([D(400), D(501), D(450), D(400)], "le", D(500), 3, False),
        ([D(400), D(450)], "le", D(500), 3, False),  # too few released months
        ([D(400), None, D(450), D(400)], "le", D(500), 3, False),  # a gap breaks the run
        ([D(96)], "ge", D(95), 1, True),
    ],
)
def test_criterion_met(values, op, threshold, months, met):
    assert rules.criterion_met(values=values, operator=op, threshold=threshold, months=months) is met


# --- Early warnings: a trajectory missed months running ---------------------------------------


def _months(count, first=date(2026, 1, 1)):
    return [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1) for n in range(count)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Monthly values from January 2026; the trajectory is 80 each month, tolerance 1.
        ([90, 90, 90, 70, 70], None),  # two months missed: not yet a warning
        ([90, 90, 70, 70, 70], date(2026, 3, 1)),  # three running: since March
        ([90, 70, 70, 70, 70], date(2026, 2, 1)),  # four running: since February, one episode
        ([70, 70, 70, 70, 70], date(2026, 1, 1)),
        ([70, 70, 70, 90, 70], None),  # the latest run is one month long
        ([90, 70, 70, 79.5, 70, 70], None),  # 79.5 is within tolerance: it breaks the run
        ([90, 70, 79.5, 70, 70, 70], date(2026, 4, 1)),
    ],
)
def test_a_trajectory_miss_that_goes_on_is_one_episode(values, expected):
    periods = _months(len(values))
    agreed = dict.fromkeys(periods, (80.0, 1.0))
    found = rules.trajectory_missed_since(periods, values, agreed, direction="higher_is_better", months=3)
    assert found == expected


def test_a_month_without_a_released_value_or_a_trajectory_breaks_the_run():
    periods = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 4, 1), date(2026, 5, 1)]
    agreed = dict.fromkeys(periods, (80.0, 0.0))
    kwargs = {"direction": "higher_is_better"}
    assert rules.trajectory_missed_since(periods, [70] * 4, agreed, months=3, **kwargs) is None
    assert rules.trajectory_missed_since(periods, [70] * 4, agreed, months=2, **kwargs) == date(2026, 4, 1)
    del agreed[date(2026, 4, 1)]
    assert rules.trajectory_missed_since(periods, [70] * 4, agreed, months=2, **kwargs) is None


# --- Letters of concern and post-meeting letters (issue 6) -------------------------------------


@pytest.mark.parametrize(
    ("level", "code"),
    [
        (1, None),
        (2, None),
        (3, "letter_of_concern_level"),
        (4, "letter_of_concern_level"),
        (5, "letter_of_concern_level"),
        (None, "letter_of_concern_level"),
    ],
)
def test_a_letter_of_concern_is_for_levels_1_and_2_only(level, code):
    found = rules.letter_of_concern_refusal(level=level)
    assert (found.code if found else None) == code


def test_a_letter_of_concern_refused_at_level_3_points_to_the_notification_letter():
    assert "notification letter" in rules.letter_of_concern_refusal(level=3).message


@pytest.mark.parametrize(
    ("sent_on", "due"),
    [(date(2026, 11, 2), date(2026, 11, 30)), (date(2026, 12, 15), date(2027, 1, 12))],
)
def test_a_letter_of_concern_asks_for_a_reply_within_four_weeks(sent_on, due):
    assert rules.letter_of_concern_reply_due(sent_on) == due


@pytest.mark.parametrize(
    ("held", "follows", "organisation", "existing", "code"),
    [
        (True, True, True, None, None),
        (False, True, True, None, "meeting_not_held"),
        (True, False, True, None, "no_letter_for_type"),
        (True, True, False, None, "no_letter_for_type"),
        (True, True, True, "OVS-2026-000007", "letter_exists"),
        (True, True, True, "a draft", "letter_exists"),
        (False, False, True, "OVS-2026-000007", "no_letter_for_type"),
    ],
)
def test_one_letter_follows_a_held_meeting_of_a_type_a_letter_follows(held, follows, organisation, existing, code):
    found = rules.post_meeting_letter_refusal(
        held=held, letter_follows=follows, has_organisation=organisation, existing=existing
    )
    assert (found.code if found else None) == code
    if code == "letter_exists":
        assert existing in found.message


# --- Who approves the composed documents (agenda pack, pack PDF, public summary) ----------------
@pytest.mark.parametrize(
    ("kind", "roles", "own", "code"),
    [
        ("agenda_pack", {"wg_secretariat"}, False, None),
        ("agenda_pack", {"wg_official"}, False, None),
        ("agenda_pack", {"wg_secretariat"}, True, "document_own_draft"),
        ("agenda_pack", {"wg_decision_maker"}, False, "document_approver"),
        ("agenda_pack", {"nhspi_analyst"}, False, "document_approver"),
        ("performance_pack", {"nhspi_analyst"}, False, None),
        ("performance_pack", {"wg_official"}, False, None),
        ("performance_pack", {"nhspi_analyst"}, True, "document_own_draft"),
        ("performance_pack", {"wg_secretariat"}, False, "document_approver"),
        ("performance_pack", {"wg_decision_maker"}, False, "document_approver"),
        ("public_summary", {"wg_official"}, False, None),
        ("public_summary", {"wg_decision_maker"}, True, None),
        ("public_summary", {"nhspi_analyst"}, False, "document_approver"),
        ("public_summary", {"wg_secretariat"}, False, "document_approver"),
        ("public_summary", {"org_submitter"}, False, "document_approver"),
    ],
)
def test_each_composed_document_is_approved_by_those_who_answer_for_it(kind, roles, own, code):
    found = rules.document_transition_refusal(
        status="draft", to_status="approved", kind=kind, level=None, roles=roles, drafted_by_self=own
    )
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("kind", "level", "approvers"),
    [
        ("agenda_pack", None, {"wg_secretariat", "wg_official"}),
        ("performance_pack", None, {"nhspi_analyst", "wg_official"}),
        ("public_summary", None, {"wg_official", "wg_decision_maker"}),
        ("escalation_notification", 4, {"wg_decision_maker"}),
        ("post_meeting_letter", None, {"wg_official", "wg_decision_maker"}),
    ],
)
def test_document_approver_roles(kind, level, approvers):
    assert rules.document_approver_roles(kind=kind, level=level) == approvers
