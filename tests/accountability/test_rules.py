"""The accountability rules, table by table: expected answers written out by hand."""

from datetime import date
from fractions import Fraction

import pytest

from accountability import rules

TODAY = date(2026, 11, 15)
AREAS = rules.WELL_LED_AREAS


def ratings(*values):
    return dict(zip(AREAS, values, strict=True))


# --- Chair objectives ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "code"),
    [
        ("Lead a governance review", 2026, None),
        ("Lead a governance review", 2025, None),
        ("Lead a governance review", 2027, None),
        ("Lead a governance review", 2024, "objective_year"),
        ("Lead a governance review", 2028, "objective_year"),
        ("   ", 2026, "objective_text_required"),
    ],
)
def test_an_objective_needs_text_and_a_year_near_this_one(text, year, code):
    refusal = rules.objective_refusal(text=text, year=year, today=TODAY)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("current", "new", "note", "code"),
    [
        ("set", "on_track", "", None),
        ("set", "achieved", "", None),
        ("on_track", "at_risk", "", "objective_note_required"),
        ("on_track", "at_risk", "Savings behind plan", None),
        ("at_risk", "at_risk", "", None),  # no change of status: no new note needed
        ("on_track", "not_achieved", "", "objective_note_required"),
        ("set", "withdrawn", "Superseded", None),
        ("withdrawn", "on_track", "Back on", "objective_withdrawn"),
        ("set", "finished", "", "objective_status"),
    ],
)
def test_objective_status_changes(current, new, note, code):
    refusal = rules.objective_status_refusal(current=current, new=new, note=note)
    assert (refusal.code if refusal else None) == code


# --- Earned autonomy -------------------------------------------------------------------------

# The cadence data as seeded: CEO/Executive Review 1, 2, 3, 6, 6 months at levels 5 to 1
# [001 §6.3]; Chair's objectives review 1, 2, 3, 6, 12 (defaults); Whole Board every 3 months
# at level 5 only; Public Accountability Meeting yearly whatever the level.
POLICIES = {
    "ceo_review": {5: 1, 4: 2, 3: 3, 2: 6, 1: 6},
    "chair_review": {5: 1, 4: 2, 3: 3, 2: 6, 1: 12},
    "whole_board": {5: 3},
}
FIXED = {"public_accountability": 12}


@pytest.mark.parametrize(
    ("level", "total", "per_type"),
    [
        (1, 4, {"ceo_review": 2, "chair_review": 1, "public_accountability": 1}),
        (2, 5, {"ceo_review": 2, "chair_review": 2, "public_accountability": 1}),
        (3, 9, {"ceo_review": 4, "chair_review": 4, "public_accountability": 1}),
        (4, 13, {"ceo_review": 6, "chair_review": 6, "public_accountability": 1}),
        (5, 29, {"ceo_review": 12, "chair_review": 12, "whole_board": 4, "public_accountability": 1}),
    ],
)
def test_meeting_burden_at_each_level(level, total, per_type):
    burden = rules.meeting_burden(level=level, policies=POLICIES, fixed=FIXED)
    assert burden.total == total
    assert burden.per_type() == per_type


def test_the_burden_a_level_adds_over_routine_arrangements():
    current = rules.meeting_burden(level=4, policies=POLICIES, fixed=FIXED)
    routine = rules.meeting_burden(level=1, policies=POLICIES, fixed=FIXED)
    assert rules.burden_saving(current=current, routine=routine) == 9


@pytest.mark.parametrize(
    ("value", "text"), [(Fraction(12), "12"), (Fraction(12, 5), "2.4"), (Fraction(4, 3), "1.3"), (Fraction(0), "0")]
)
def test_numbers_of_meetings_are_written_whole_or_to_one_place(value, text):
    assert rules.as_number(value) == text


def test_meeting_intervals_and_levels_must_make_sense():
    with pytest.raises(ValueError):
        rules.meetings_per_year(0)
    with pytest.raises(ValueError):
        rules.meeting_burden(level=6, policies=POLICIES)


# --- Flexibilities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "reason", "granted_on", "code"),
    [
        ("Local pathway choice", "On plan three years", TODAY, None),
        ("Local pathway choice", "On plan three years", date(2026, 1, 1), None),
        ("", "On plan three years", TODAY, "flexibility_what_required"),
        ("Local pathway choice", " ", TODAY, "flexibility_reason_required"),
        ("Local pathway choice", "On plan three years", date(2026, 11, 16), "flexibility_date"),
    ],
)
def test_a_flexibility_says_what_why_and_when(what, reason, granted_on, code):
    refusal = rules.flexibility_refusal(what=what, reason=reason, granted_on=granted_on, today=TODAY)
    assert (refusal.code if refusal else None) == code


# --- Well-led --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "weak", "lowest", "below"),
    [
        # Every area effective or strong: not weak.
        (ratings(3, 3, 4, 3, 3, 4), False, 0, 0),
        # One area at the lowest point (1): weak, whatever the rest.
        (ratings(4, 4, 4, 4, 4, 1), True, 1, 1),
        # Three of six below the middle (2): not most, not weak.
        (ratings(2, 2, 2, 3, 3, 3), False, 0, 3),
        # Four of six below the middle: most, weak.
        (ratings(2, 2, 2, 2, 3, 3), True, 0, 4),
        # All at 2: weak.
        (ratings(2, 2, 2, 2, 2, 2), True, 0, 6),
        # Unrated areas do not count either way.
        (ratings(2, 2, 2, None, None, None), False, 0, 3),
        ({}, False, 0, 0),
    ],
)
def test_a_weak_assessment_has_an_area_at_the_bottom_or_most_below_the_middle(given, weak, lowest, below):
    result = rules.assessment_weak(given)
    assert result.weak is weak
    assert (len(result.lowest), len(result.below_middle)) == (lowest, below)


@pytest.mark.parametrize(
    ("status", "given", "code"),
    [
        ("draft", ratings(3, 3, 3, 3, 3, 3), None),
        ("draft", ratings(3, 3, 3, 3, 3, None), "assessment_incomplete"),
        ("submitted", ratings(3, 3, 3, 3, 3, 3), "assessment_submitted"),
        ("assessed", ratings(3, 3, 3, 3, 3, 3), "assessment_submitted"),
    ],
)
def test_a_self_assessment_is_submitted_once_with_every_area_rated(status, given, code):
    refusal = rules.submit_refusal(status=status, ratings=given)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("status", "given", "code"),
    [
        ("submitted", ratings(1, 2, 3, 4, 3, 2), None),
        ("assessed", ratings(1, 2, 3, 4, 3, 2), None),  # a revision
        ("draft", ratings(1, 2, 3, 4, 3, 2), "assessment_not_submitted"),
        ("submitted", ratings(1, 2, 3, 4, 3, None), "assessment_incomplete"),
    ],
)
def test_nhspi_assesses_a_submitted_self_assessment_rating_every_area(status, given, code):
    refusal = rules.review_refusal(status=status, ratings=given)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("rating", "code"), [(None, None), (1, None), (4, None), (0, "rating_range"), (5, "rating_range")]
)
def test_ratings_are_on_a_four_point_scale(rating, code):
    refusal = rules.rating_refusal(rating)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("year", "code"), [(2026, None), (2025, None), (2027, "assessment_year"), (2024, "assessment_year")]
)
def test_a_self_assessment_is_for_this_year_or_last(year, code):
    refusal = rules.assessment_year_refusal(year=year, today=TODAY)
    assert (refusal.code if refusal else None) == code


def test_the_weak_assessment_key_names_the_organisation_and_year():
    assert rules.weak_assessment_key(organisation_code="ORGA", year=2026) == "wellled:ORGA:2026:weak"


# --- The monthly synthesis -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2026, 11, 1), date(2026, 11, 1)),
        (date(2026, 11, 30), date(2026, 11, 1)),
        (date(2027, 1, 3), date(2027, 1, 1)),
    ],
)
def test_a_synthesis_is_for_the_month_it_is_assembled_in(today, month):
    assert rules.synthesis_month(today) == month


@pytest.mark.parametrize(
    ("month", "before"),
    [
        (date(2026, 11, 1), date(2027, 1, 1)),
        (date(2026, 12, 1), date(2027, 2, 1)),
        (date(2027, 1, 1), date(2027, 3, 1)),
    ],
)
def test_submissions_due_this_month_or_next_are_reported(month, before):
    assert rules.submissions_due_before(month) == before


@pytest.mark.parametrize(
    ("previous", "month", "since"),
    [
        (None, date(2026, 11, 1), date(2026, 10, 1)),
        (None, date(2027, 1, 1), date(2026, 12, 1)),
        (date(2026, 10, 2), date(2026, 11, 1), date(2026, 10, 2)),
    ],
)
def test_changes_of_level_are_reported_since_the_last_synthesis(previous, month, since):
    assert rules.changes_since(previous_assembled_on=previous, month=month) == since


@pytest.mark.parametrize(
    ("effective_from", "first", "inside"),
    [
        (date(2026, 10, 2), False, False),  # the day the last one was assembled: reported then
        (date(2026, 10, 3), False, True),
        (date(2026, 11, 2), False, True),  # today
        (date(2026, 11, 3), False, False),  # not yet in effect
        (date(2026, 10, 2), True, True),  # a first synthesis counts from its first day
    ],
)
def test_a_change_of_level_is_in_the_window(effective_from, first, inside):
    assert (
        rules.level_changed_in_window(
            effective_from=effective_from, since=date(2026, 10, 2), until=date(2026, 11, 2), first=first
        )
        is inside
    )


@pytest.mark.parametrize(
    ("facts", "reported"),
    [
        (rules.OrganisationFacts(), False),
        (rules.OrganisationFacts(improving_signals=3), False),  # improvement alone: the figures only
        (rules.OrganisationFacts(concerning_signals=1), True),
        (rules.OrganisationFacts(open_concerns=1), True),
        (rules.OrganisationFacts(open_cases=1), True),
        (rules.OrganisationFacts(overdue_items=1), True),
        (rules.OrganisationFacts(open_conditions=1), True),
        (rules.OrganisationFacts(due_submissions=1), True),
        (rules.OrganisationFacts(level_changes=1), True),
    ],
)
def test_which_organisations_get_a_section(facts, reported):
    assert rules.has_something_to_report(facts) is reported


@pytest.mark.parametrize(
    ("status", "unwritten", "code"),
    [
        ("draft", [], None),
        ("draft", ["Swansea Bay"], "synthesis_unwritten"),
        ("signed_off", [], "synthesis_signed_off"),
    ],
)
def test_a_synthesis_is_signed_off_once_with_every_organisation_written_up(status, unwritten, code):
    refusal = rules.signoff_refusal(status=status, unwritten=unwritten)
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("recommendation", "level", "current", "code"),
    [
        ("escalate", 3, 2, None),
        ("escalate", 5, 1, None),  # any level up [002]
        ("escalate", 2, 2, "recommendation_level"),
        ("escalate", None, 2, "recommendation_level_required"),
        ("de-escalate", 2, 3, None),
        ("de-escalate", 3, 3, "recommendation_level"),
        ("de-escalate", 6, 3, "recommendation_level"),
        ("maintain", None, 3, None),
        ("maintain", 3, 3, None),
        ("maintain", 4, 3, "recommendation_level"),
        ("abolish", 1, 3, "recommendation_unknown"),
    ],
)
def test_a_recommendation_names_a_level_that_moves_the_right_way(recommendation, level, current, code):
    refusal = rules.recommendation_refusal(
        recommendation=recommendation, recommended_level=level, current_level=current
    )
    assert (refusal.code if refusal else None) == code


@pytest.mark.parametrize(
    ("status", "recommendation", "started", "code"),
    [
        ("signed_off", "escalate", False, None),
        ("signed_off", "de-escalate", False, None),
        ("draft", "escalate", False, "synthesis_not_signed_off"),
        ("signed_off", "maintain", False, "nothing_to_draft"),
        ("signed_off", "escalate", True, "already_started"),
    ],
)
def test_a_decision_starts_from_a_signed_off_recommendation_to_move_once(status, recommendation, started, code):
    refusal = rules.start_decision_refusal(synthesis_status=status, recommendation=recommendation, started=started)
    assert (refusal.code if refusal else None) == code
