"""plans.services: what each write does, refuses and records."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from oversight.errors import ConflictError, PermissionRefused, RuleRefused
from plans import selectors, services
from plans.models import ConditionEvidence, Plan, PlanResponse
from tests.plans.conftest import pdf

TODAY = date(2026, 11, 30)


def test_a_recorded_plan_is_in_its_history_with_who_recorded_it(world, record_plan):
    plan = record_plan(balanced=False)

    assert plan.recorded_by == world.personas["analyst"]
    assert plan.history.count() == 1
    assert plan.history.first().history_user == world.personas["analyst"]


def test_an_organisations_own_submitter_cannot_record_its_plan(world, cycle):
    with pytest.raises(PermissionRefused):
        services.plan_record(
            actor=world.personas["submitter_a"],
            organisation=world.org_a,
            cycle=cycle,
            plan_type="imtp",
            submitted_on=date(2025, 3, 28),
            financially_balanced=True,
            today=TODAY,
        )


def test_another_organisations_submitter_is_told_it_does_not_exist(world, cycle):
    with pytest.raises(Http404):
        services.plan_record(
            actor=world.personas["submitter_b"],
            organisation=world.org_a,
            cycle=cycle,
            plan_type="imtp",
            submitted_on=date(2025, 3, 28),
            financially_balanced=True,
            today=TODAY,
        )


def test_a_plan_is_not_recorded_for_a_body_that_does_not_plan(world, cycle):
    with pytest.raises(RuleRefused) as refused:
        services.plan_record(
            actor=world.personas["analyst"],
            organisation=world.hiw,
            cycle=cycle,
            plan_type="imtp",
            submitted_on=date(2025, 3, 28),
            financially_balanced=True,
            today=TODAY,
        )
    assert refused.value.code == "organisation_does_not_plan"


def test_a_board_approval_after_submission_is_refused_on_its_field(world, cycle):
    with pytest.raises(RuleRefused) as refused:
        services.plan_record(
            actor=world.personas["analyst"],
            organisation=world.org_a,
            cycle=cycle,
            plan_type="imtp",
            submitted_on=date(2025, 3, 28),
            board_approved_on=date(2025, 4, 2),
            financially_balanced=True,
            today=TODAY,
        )
    assert refused.value.code == "board_after_submission"
    assert refused.value.field == "board_approved_on"


def test_an_edit_against_a_stale_version_is_a_conflict_and_changes_nothing(world, record_plan):
    plan = record_plan(balanced=False)
    services.plan_update(
        actor=world.personas["official"],
        plan=plan,
        expected_version=plan.version,
        changes={"financially_balanced": True},
        today=TODAY,
    )

    with pytest.raises(ConflictError) as conflict:
        services.plan_update(
            actor=world.personas["analyst"],
            plan=plan,
            expected_version=plan.version,  # the version before the official's edit
            changes={"summary": "Mine"},
            today=TODAY,
        )
    assert conflict.value.status == 409
    plan.refresh_from_db()
    assert plan.financially_balanced is True and plan.summary == "" and plan.version == 2


def test_the_outcome_of_an_annual_plan_cannot_be_approval(world, record_plan):
    plan = record_plan(plan_type="annual")

    with pytest.raises(RuleRefused) as refused:
        services.plan_record_outcome(
            actor=world.personas["analyst"],
            plan=plan,
            expected_version=plan.version,
            outcome="approved",
            outcome_on=date(2025, 7, 14),
            today=TODAY,
        )
    assert refused.value.code == "annual_plan_not_approvable"


def test_changing_an_approved_plan_to_an_annual_plan_is_refused(world, record_plan):
    plan = record_plan(outcome="approved")

    with pytest.raises(RuleRefused) as refused:
        services.plan_update(
            actor=world.personas["analyst"],
            plan=plan,
            expected_version=plan.version,
            changes={"plan_type": "annual"},
            today=TODAY,
        )
    assert refused.value.code == "annual_plan_not_approvable"


def test_approving_a_balanced_plan_clears_the_finance_flag(world, record_plan):
    plan = record_plan(balanced=True)
    assert selectors.finance_status(world.org_a, on=TODAY).flag.reason == "not_approved"

    services.plan_record_outcome(
        actor=world.personas["official"],
        plan=plan,
        expected_version=plan.version,
        outcome="approved",
        outcome_on=date(2025, 7, 14),
        today=TODAY,
    )

    assert selectors.finance_status(world.org_a, on=TODAY).flag is None


def test_without_any_plan_an_organisation_is_flagged_none_submitted(world, cycle):
    status = selectors.finance_status(world.org_a, on=TODAY)
    assert status.flag.reason == "none_submitted" and status.cycle == cycle


def test_a_body_that_holds_no_level_is_never_flagged(world, cycle):
    assert selectors.finance_status(world.hiw, on=TODAY).flag is None


def test_no_cycle_running_means_no_flag(world, cycle):
    assert selectors.finance_status(world.org_a, on=date(2024, 1, 1)).flag is None


def test_a_condition_is_set_against_a_2026_pillar_only(world, record_plan, condition_of, frameworks):
    from escalation.models import Domain

    plan = record_plan()
    condition = condition_of(plan)
    legacy = Domain.objects.get(era__code="2024", code="finance")

    with pytest.raises(RuleRefused) as refused:
        services.condition_add(
            actor=world.personas["analyst"],
            response=condition.response,
            text="t",
            pillar=legacy,
            due_on=date(2026, 1, 1),
            owner="o",
        )
    assert refused.value.code == "pillar_not_2026"


def test_the_organisations_submitter_files_evidence_and_an_official_may_not(world, record_plan, condition_of):
    condition = condition_of(record_plan())

    evidence = services.condition_evidence_add(
        actor=world.personas["submitter_a"], condition=condition, upload=pdf(), note="Board minutes"
    )

    assert evidence.attachment.organisation == world.org_a
    assert evidence.attachment.target == condition
    assert evidence.attachment.uploaded_by == world.personas["submitter_a"]
    with pytest.raises(PermissionRefused):
        services.condition_evidence_add(actor=world.personas["official"], condition=condition, note="x")
    with pytest.raises(Http404):
        services.condition_evidence_add(actor=world.personas["submitter_b"], condition=condition, note="x")


def test_evidence_needs_a_file_or_a_note(world, record_plan, condition_of):
    condition = condition_of(record_plan())
    with pytest.raises(RuleRefused):
        services.condition_evidence_add(actor=world.personas["submitter_a"], condition=condition, note=" ")
    assert not ConditionEvidence.objects.exists()


def test_a_wrong_file_type_is_refused_and_nothing_is_filed(world, record_plan, condition_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oversight.errors import UploadRefused

    condition = condition_of(record_plan())
    with pytest.raises(UploadRefused):
        services.condition_evidence_add(
            actor=world.personas["submitter_a"],
            condition=condition,
            upload=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert not ConditionEvidence.objects.exists()


def test_marking_a_condition_met_needs_evidence_or_a_note_and_is_recorded(world, record_plan, condition_of):
    condition = condition_of(record_plan())
    analyst = world.personas["analyst"]
    with pytest.raises(RuleRefused) as refused:
        services.condition_set_status(
            actor=analyst, condition=condition, expected_version=condition.version, status="met", note="", on=TODAY
        )
    assert refused.value.code == "met_needs_evidence"

    services.condition_evidence_add(actor=world.personas["submitter_a"], condition=condition, upload=pdf())
    met = services.condition_set_status(
        actor=analyst, condition=condition, expected_version=condition.version, status="met", note="", on=TODAY
    )

    assert met.status == "met" and met.status_changed_by == analyst and met.status_changed_on == TODAY
    assert met.history.first().history_change_reason == "Status: Met"


def test_a_submitter_cannot_set_a_conditions_status(world, record_plan, condition_of):
    condition = condition_of(record_plan())
    with pytest.raises(PermissionRefused):
        services.condition_set_status(
            actor=world.personas["submitter_a"],
            condition=condition,
            expected_version=condition.version,
            status="met",
            note="Done",
            on=TODAY,
        )


def test_a_response_is_changed_with_its_version(world, record_plan):
    plan = record_plan()
    analyst = world.personas["analyst"]
    response = services.response_record(
        actor=analyst, plan=plan, issued_on=date(2025, 7, 20), summary="First", today=TODAY
    )
    changed = services.response_record(
        actor=analyst,
        plan=plan,
        issued_on=date(2025, 7, 21),
        summary="Second",
        expected_version=response.version,
        today=TODAY,
    )
    assert changed.pk == response.pk and changed.summary == "Second" and changed.version == 2
    with pytest.raises(ConflictError):
        services.response_record(
            actor=analyst, plan=plan, issued_on=date(2025, 7, 22), summary="Third", expected_version=1, today=TODAY
        )


def test_a_second_first_response_is_a_clear_conflict(world, record_plan):
    """Two people record the first response to a plan (neither was shown one, so neither sends a
    version): the second is refused as a conflict saying so, and the first stands."""
    plan = record_plan()
    first = services.response_record(
        actor=world.personas["analyst"], plan=plan, issued_on=date(2025, 7, 20), summary="First", today=TODAY
    )
    with pytest.raises(ConflictError) as refused:
        services.response_record(
            actor=world.personas["official"], plan=plan, issued_on=date(2025, 7, 21), summary="Second", today=TODAY
        )
    assert refused.value.code == "response_exists" and refused.value.status == 409
    assert "already been recorded" in refused.value.message
    assert PlanResponse.objects.get(plan=plan) == first and PlanResponse.objects.get(plan=plan).summary == "First"


def test_a_first_response_recorded_meanwhile_is_the_same_conflict_not_a_500(world, record_plan, monkeypatch):
    """Recorded by someone else after the look for one (as on PostgreSQL, past the check): the
    one-to-one constraint's validation error becomes the conflict."""
    from django.db.models import QuerySet

    plan = record_plan()
    services.response_record(
        actor=world.personas["analyst"], plan=plan, issued_on=date(2025, 7, 20), summary="First", today=TODAY
    )
    first = QuerySet.first

    def unseen(queryset):  # the look for an existing response misses the one just recorded
        return None if queryset.model is PlanResponse else first(queryset)

    monkeypatch.setattr(QuerySet, "first", unseen)
    with pytest.raises(ConflictError) as refused:
        services.response_record(
            actor=world.personas["official"], plan=plan, issued_on=date(2025, 7, 21), summary="Second", today=TODAY
        )
    assert refused.value.code == "response_exists"
    assert PlanResponse.objects.filter(plan=plan).count() == 1


def test_recording_a_response_locks_the_plan_first(world, record_plan, monkeypatch):
    from django.db.models import QuerySet

    plan = record_plan()
    locked = []
    select_for_update = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        locked.append(queryset.model)
        return select_for_update(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    services.response_record(
        actor=world.personas["analyst"], plan=plan, issued_on=date(2025, 7, 20), summary="First", today=TODAY
    )
    assert locked[:1] == [Plan]


def test_plans_list_holds_only_what_the_user_may_see(world, record_plan):
    record_plan(world.org_a)
    record_plan(world.org_b)

    assert {p.organisation for p in selectors.plan_list(user=world.personas["submitter_a"])} == {world.org_a}
    assert selectors.plan_list(user=world.personas["partner"]).count() == 0
    assert selectors.plan_list(user=world.personas["official"]).count() == 2
    assert Plan.objects.count() == 2
