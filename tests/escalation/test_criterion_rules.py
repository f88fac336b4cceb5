"""Criteria that test themselves (``escalation.rules``), as tables typed out by hand: when an
official's status overrides what released data say, what status a bound criterion follows to,
and which criteria may be bound to a measure. No database."""

import pytest

from escalation import rules
from escalation.choices import ComputedStatus, CriterionStatus

STATUSES = ["proposed", "agreed", "in_progress", "met", "sustained"]
COMPUTED = ["", "met", "not_met", "no_data"]  # "": not bound to a measure

# (status, computed status) → (an official setting that status needs an override reason,
#                               the status the data lead to when no one has overridden them)
STATUS_TABLE = [
    # Not bound: the status is an official's alone.
    ("proposed", "", False, "proposed"),
    ("agreed", "", False, "agreed"),
    ("in_progress", "", False, "in_progress"),
    ("met", "", False, "met"),
    ("sustained", "", False, "sustained"),
    # Proposed: not yet agreed with the organisation, so the data say nothing of it.
    ("proposed", "met", False, "proposed"),
    ("proposed", "not_met", False, "proposed"),
    ("proposed", "no_data", False, "proposed"),
    # Agreed: met as soon as the data show it; otherwise it stays agreed.
    ("agreed", "met", False, "met"),
    ("agreed", "not_met", False, "agreed"),
    ("agreed", "no_data", False, "agreed"),
    # In progress: holding back a criterion the data show met is an override.
    ("in_progress", "met", True, "met"),
    ("in_progress", "not_met", False, "in_progress"),
    ("in_progress", "no_data", False, "in_progress"),
    # Met or sustained: claiming it against data that do not show it met is an override.
    ("met", "met", False, "met"),
    ("met", "not_met", True, "in_progress"),
    ("met", "no_data", True, "in_progress"),
    ("sustained", "met", False, "sustained"),  # sustained is an official's confirmation, never the data's
    ("sustained", "not_met", True, "in_progress"),
    ("sustained", "no_data", True, "in_progress"),
]


def test_the_status_table_covers_every_status_and_computed_status():
    assert sorted((status, computed) for status, computed, _r, _t in STATUS_TABLE) == sorted(
        (status, computed) for status in STATUSES for computed in COMPUTED
    )


@pytest.mark.parametrize(("status", "computed", "needs_reason", "takes"), STATUS_TABLE)
def test_when_a_status_overrides_the_data(status, computed, needs_reason, takes):
    assert rules.criterion_status_disagrees(status=status, computed_status=computed) is needs_reason


@pytest.mark.parametrize(("status", "computed", "needs_reason", "takes"), STATUS_TABLE)
def test_what_status_a_criterion_follows_to_when_not_overridden(status, computed, needs_reason, takes):
    assert rules.criterion_status_following(status=status, computed_status=computed) == takes


@pytest.mark.parametrize(("status", "computed"), [(s, c) for s in STATUSES for c in COMPUTED])
def test_a_status_the_data_lead_to_never_disagrees_with_them(status, computed):
    followed = rules.criterion_status_following(status=status, computed_status=computed)
    assert rules.criterion_status_disagrees(status=followed, computed_status=computed) is False


def test_the_rules_read_the_values_the_models_store():
    assert set(ComputedStatus.values) == {"met", "not_met", "no_data"}
    assert set(CriterionStatus.values) == set(STATUSES)
    assert set(CriterionStatus.values) >= rules.MET_STATUSES | rules.AGREEMENT_STATUSES


# (has a case, case phase, criterion status, already bound) → refusal code, or None
BINDING_TABLE = [
    (False, None, "proposed", False, "criterion_has_no_case"),
    (False, None, "agreed", True, "criterion_has_no_case"),
    (True, "closed", "agreed", False, "case_closed"),
    (True, "closed", "met", True, "case_closed"),
    (True, "active", "proposed", False, None),
    (True, "active", "agreed", False, None),
    (True, "sustainability", "proposed", False, None),
    (True, "sustainability", "agreed", False, None),
    (True, "active", "in_progress", False, "criterion_already_judged"),
    (True, "active", "met", False, "criterion_already_judged"),
    (True, "sustainability", "sustained", False, "criterion_already_judged"),
    # Already bound: its binding may be changed or removed at any stage of an open case.
    (True, "active", "proposed", True, None),
    (True, "active", "in_progress", True, None),
    (True, "active", "met", True, None),
    (True, "sustainability", "sustained", True, None),
]


@pytest.mark.parametrize(("has_case", "phase", "status", "bound", "code"), BINDING_TABLE)
def test_which_criteria_may_be_bound_to_a_measure(has_case, phase, status, bound, code):
    refusal = rules.criterion_binding_refusal(has_case=has_case, case_phase=phase, status=status, bound=bound)
    assert (refusal.code if refusal else None) == code


def test_refusing_to_bind_a_judged_criterion_says_what_to_do():
    refusal = rules.criterion_binding_refusal(has_case=True, case_phase="active", status="met", bound=False)
    assert "proposed or agreed" in refusal.message and "set it back to agreed" in refusal.message
