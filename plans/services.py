"""Every write to plans and accountability: recording and editing plans and the Minister's
outcome, Welsh Government's response and its conditions, evidence against conditions, and the
receipt of required submissions. Keyword-only, atomic, with an explicit actor; each checks the
access policy and ``plans.rules``, and a stale version is a conflict (409)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from escalation.models import Domain
from oversight import access
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import ConflictError, OversightError, refuse
from oversight.services import attachment_create

from . import rules
from .choices import ConditionStatus, Outcome, SubmissionStatus
from .models import (
    AccountabilityCondition,
    ConditionEvidence,
    Plan,
    PlanningCycle,
    PlanResponse,
    RequiredSubmission,
)

# Fields of a plan its edit form may change; the organisation and the outcome have their own paths.
PLAN_EDITABLE_FIELDS = ("cycle", "plan_type", "submitted_on", "board_approved_on", "financially_balanced", "summary")


def _check_plan(*, organisation, submitted_on: date, board_approved_on: date | None, today: date) -> None:
    refuse(
        rules.plan_refusal(
            holds_levels=organisation.holds_levels,
            organisation_name=organisation.name,
            submitted_on=submitted_on,
            board_approved_on=board_approved_on,
            today=today,
        ),
        field="board_approved_on" if board_approved_on and board_approved_on > submitted_on else "submitted_on",
    )


@transaction.atomic
def plan_record(
    *,
    actor,
    organisation,
    cycle: PlanningCycle,
    plan_type: str,
    submitted_on: date,
    financially_balanced: bool,
    board_approved_on: date | None = None,
    summary: str = "",
    today: date,
) -> Plan:
    """Record a plan an organisation has submitted for a cycle."""
    access.require(actor, "plans.plan.manage", Plan(organisation=organisation))
    _check_plan(organisation=organisation, submitted_on=submitted_on, board_approved_on=board_approved_on, today=today)
    plan = Plan(
        organisation=organisation,
        cycle=cycle,
        plan_type=plan_type,
        submitted_on=submitted_on,
        board_approved_on=board_approved_on,
        financially_balanced=financially_balanced,
        summary=summary.strip(),
        recorded_by=actor,
    )
    return create_recorded(plan, actor=actor, reason="Plan recorded")


@transaction.atomic
def plan_update(
    *, actor, plan: Plan, expected_version: int | None, changes: dict, today: date, reason: str = ""
) -> Plan:
    """Change a plan's details; a stale version is a conflict."""
    access.require(actor, "plans.plan.manage", plan)
    unknown = set(changes) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise OversightError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
    current = lock_at_version(Plan, pk=plan.pk, expected_version=expected_version)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _check_plan(
        organisation=current.organisation,
        submitted_on=current.submitted_on,
        board_approved_on=current.board_approved_on,
        today=today,
    )
    refuse(
        rules.outcome_refusal(
            plan_type=current.plan_type,
            outcome=current.outcome,
            outcome_on=current.outcome_on,
            submitted_on=current.submitted_on,
            today=today,
        ),
        field="plan_type",
    )
    return save_new_version(current, actor=actor, reason=reason or "Plan details changed")


@transaction.atomic
def plan_record_outcome(
    *, actor, plan: Plan, expected_version: int | None, outcome: str, outcome_on: date | None, today: date
) -> Plan:
    """Record the Minister's outcome (approved, accepted as an annual plan, not approved) and
    its date. Approving a balanced three-year plan clears the Finance flag."""
    access.require(actor, "plans.plan.manage", plan)
    current = lock_at_version(Plan, pk=plan.pk, expected_version=expected_version)
    refusal = rules.outcome_refusal(
        plan_type=current.plan_type,
        outcome=outcome,
        outcome_on=outcome_on,
        submitted_on=current.submitted_on,
        today=today,
    )
    refuse(refusal, field="outcome_on" if refusal and "date" in refusal.code else "outcome")
    current.outcome, current.outcome_on = outcome, outcome_on
    label = Outcome(outcome).label if outcome else "awaiting the Minister's decision"
    return save_new_version(current, actor=actor, reason=f"Outcome: {label}")


def _response_exists() -> ConflictError:
    return ConflictError(
        _(
            "Welsh Government's response to this plan has already been recorded, by someone else while you were "
            "writing yours: yours has not been saved. Read the response now recorded, then change it if you need to."
        ),
        code="response_exists",
    )


@transaction.atomic
def response_record(
    *, actor, plan: Plan, issued_on: date, summary: str, expected_version: int | None = None, today: date
) -> PlanResponse:
    """Record Welsh Government's response to a plan, or change it (with its version). A plan has
    one response: its row is locked before looking for it, so two recording the first response at
    once make one, and the second (sent with no version, as a first response is) is a conflict."""
    access.require(actor, "plans.condition.manage", plan)
    if issued_on > today:
        raise OversightError("A response cannot be issued on a date still to come.", field="issued_on")
    if issued_on < plan.submitted_on:
        raise OversightError("The response cannot come before the plan was submitted.", field="issued_on")
    Plan.objects.select_for_update().get(pk=plan.pk)
    existing = PlanResponse.objects.filter(plan=plan).first()
    if existing is None:
        response = PlanResponse(plan=plan, issued_on=issued_on, summary=summary.strip(), recorded_by=actor)
        try:
            with transaction.atomic():
                return create_recorded(response, actor=actor, reason="Response recorded")
        except (IntegrityError, ValidationError) as error:  # recorded meanwhile, past the lock
            if not PlanResponse.objects.filter(plan=plan).exists():
                raise
            raise _response_exists() from error
    if expected_version is None:
        raise _response_exists()
    current = lock_at_version(PlanResponse, pk=existing.pk, expected_version=expected_version)
    current.issued_on, current.summary = issued_on, summary.strip()
    return save_new_version(current, actor=actor, reason="Response changed")


@transaction.atomic
def condition_add(
    *, actor, response: PlanResponse, text: str, pillar: Domain, due_on: date, owner: str
) -> AccountabilityCondition:
    """Add an accountability condition to Welsh Government's response, against a 2026 pillar."""
    access.require(actor, "plans.condition.manage", response)
    refuse(rules.pillar_refusal(era_code=pillar.era.code, pillar_name=pillar.name), field="pillar")
    condition = AccountabilityCondition(
        response=response, text=text.strip(), pillar=pillar, due_on=due_on, owner=owner.strip()
    )
    return create_recorded(condition, actor=actor, reason="Condition added")


@transaction.atomic
def condition_set_status(
    *, actor, condition: AccountabilityCondition, expected_version: int | None, status: str, note: str, on: date
) -> AccountabilityCondition:
    """Mark a condition met, not met or open again (WG and NHS P&I)."""
    access.require(actor, "plans.condition.manage", condition)
    current = lock_at_version(AccountabilityCondition, pk=condition.pk, expected_version=expected_version)
    refusal = rules.condition_status_refusal(
        current=current.status, new=status, has_evidence=current.evidence.exists(), note=note
    )
    refuse(refusal, field="note" if refusal and refusal.code != "status_unchanged" else "status")
    current.status = status
    current.status_note = note.strip()
    current.status_changed_on = on
    current.status_changed_by = actor
    return save_new_version(current, actor=actor, reason=f"Status: {ConditionStatus(status).label}")


@transaction.atomic
def condition_evidence_add(
    *, actor, condition: AccountabilityCondition, upload=None, note: str = ""
) -> ConditionEvidence:
    """File evidence against a condition: a file (through the one attachment service), a note,
    or both. Only the organisation's own submitters and executives."""
    access.require(actor, "plans.condition.evidence", condition)
    refuse(rules.evidence_refusal(has_file=upload is not None, note=note), field="file")
    organisation = condition.response.plan.organisation
    attachment = None
    if upload is not None:
        purpose = (note.strip() or "condition evidence")[:50]
        attachment = attachment_create(
            actor=actor, upload=upload, organisation=organisation, target=condition, purpose=purpose
        )
    evidence = ConditionEvidence(condition=condition, attachment=attachment, note=note.strip(), added_by=actor)
    return create_recorded(evidence, actor=actor, reason="Evidence filed")


@transaction.atomic
def submission_receive(
    *,
    actor,
    submission: RequiredSubmission,
    expected_version: int | None,
    received_on: date,
    today: date,
    upload=None,
    note: str = "",
) -> RequiredSubmission:
    """Record a required submission as received, with its file: by the organisation's own staff
    (uploading it) or by WG and NHS P&I (who received it another way)."""
    access.require(actor, "plans.submission.receive", submission)
    current = lock_at_version(RequiredSubmission, pk=submission.pk, expected_version=expected_version)
    refusal = rules.receive_refusal(status=current.status, received_on=received_on, today=today)
    refuse(refusal, field="received_on" if refusal and refusal.code == "received_in_future" else None)
    if upload is not None:
        current.attachment = attachment_create(
            actor=actor,
            upload=upload,
            organisation=current.case.organisation,
            target=current,
            purpose=current.get_kind_display()[:50],
        )
    current.status = SubmissionStatus.RECEIVED
    current.received_on = received_on
    current.received_by = actor
    current.note = note.strip()
    return save_new_version(current, actor=actor, reason="Received")
