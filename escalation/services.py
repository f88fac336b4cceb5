"""Every write to escalation: drafting, recommending, deciding, notifying, withdrawing and
superseding decisions, keeping each scope's current level in step in the same transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction

from oversight import access
from oversight.concurrency import create_recorded, lock_at_version, save_new_version
from oversight.errors import ConflictError, OversightError
from oversight.errors import RuleRefused as RuleRefused  # raised through _refuse; callers catch it here
from oversight.errors import refuse as _refuse
from oversight.services import attachment_create

from . import rules, selectors, signals
from .choices import (
    CasePhase,
    ComputedStatus,
    ConcernSource,
    ConcernStatus,
    CriterionStatus,
    DecisionStatus,
    ScopeKind,
)
from .models import (
    Concern,
    DeescalationCriterion,
    Domain,
    EscalationCase,
    EscalationDecision,
    EscalationStatus,
    InformationRequest,
    IntelligenceItem,
    MaturityArea,
    MaturityScore,
    Milestone,
    SupportIntervention,
    SupportPlan,
    TripartiteRound,
    TripartiteView,
    scope_key,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    kind: str
    domain: Domain | None = None
    service_name: str = ""

    @property
    def key(self) -> str:
        return scope_key(
            scope_kind=self.kind, domain_id=self.domain.pk if self.domain else None, service_name=self.service_name
        )

    def validate(self) -> None:
        if self.kind not in ScopeKind.values:
            raise OversightError(f"Unknown scope “{self.kind}”.", field="scope_kind", code="invalid_scope")
        if self.kind == ScopeKind.DOMAIN and self.domain is None:
            raise OversightError(
                "Choose the domain or pillar this level applies to.", field="domain", code="invalid_scope"
            )
        if self.kind == ScopeKind.SERVICE and not self.service_name.strip():
            raise OversightError(
                "Name the service or site this level applies to.", field="service_name", code="invalid_scope"
            )


def _roles(actor) -> frozenset[str]:
    return access.principal(actor).roles


def _check_scope_in_era(scope: Scope, era) -> None:
    if scope.domain is not None:
        _refuse(
            rules.domain_era_refusal(
                domain_era=scope.domain.era.code, era=era.as_rules(), domain_name=scope.domain.name
            ),
            field="domain",
        )


@transaction.atomic
def decision_draft(
    *,
    actor,
    organisation,
    scope: Scope,
    to_level: int,
    rationale: str,
    evidence: str = "",
    planned_on: date,
    effective_from: date | None = None,
    source: str = "",
    legacy: bool = False,
) -> EscalationDecision:
    """Draft a decision for ``scope``; its from-level is the scope's level now.

    ``legacy`` (historical imports with a recorded override only) skips the check of the move,
    which is made again, and recorded, when the decision is decided."""
    access.require(actor, "escalation.draft", organisation)
    scope.validate()
    _refuse(rules.holds_levels_refusal(holds_levels=organisation.holds_levels, organisation_name=organisation.name))
    if not rationale.strip():
        raise OversightError("Give the reasons for this decision.", field="rationale", code="rationale_required")
    era = selectors.era_on(planned_on)
    _check_scope_in_era(scope, era)
    from_level = selectors.level_of(organisation_id=organisation.pk, scope_key=scope.key)
    if not legacy:
        _refuse(
            rules.transition_refusal(from_level=from_level, to_level=to_level, era=era.as_rules()), field="to_level"
        )
    decision = EscalationDecision(
        organisation=organisation,
        scope_kind=scope.kind,
        domain=scope.domain,
        service_name=scope.service_name.strip(),
        scope_key=scope.key,
        era=era,
        from_level=from_level,
        to_level=to_level,
        rationale=rationale.strip(),
        evidence=evidence,
        drafted_by=actor,
        effective_from=effective_from,
        source=source,
    )
    create_recorded(decision, actor=actor)
    return decision


def _lock_open(decision: EscalationDecision, expected_version: int | None) -> EscalationDecision:
    current = lock_at_version(EscalationDecision, pk=decision.pk, expected_version=expected_version)
    if current.status not in (DecisionStatus.DRAFT, DecisionStatus.RECOMMENDED):
        raise ConflictError(
            f"This decision is already {current.get_status_display().lower()} and can no longer change. "
            "A correction to a decided decision is a new decision that supersedes it.",
            code="decision_closed",
        )
    return current


@transaction.atomic
def decision_recommend(*, actor, decision: EscalationDecision, expected_version: int, on: date) -> EscalationDecision:
    access.require(actor, "escalation.recommend", decision)
    current = _lock_open(decision, expected_version)
    if current.status != DecisionStatus.DRAFT:
        raise ConflictError("This decision has already been recommended.", code="already_recommended")
    current.status = DecisionStatus.RECOMMENDED
    current.recommended_by = actor
    current.recommended_on = on
    return save_new_version(current, actor=actor, reason="Recommended")


def _check_decidable(
    *,
    actor,
    decision: EscalationDecision,
    era,
    from_level: int,
    decided_on: date,
    effective_from: date,
    notified_on: date | None,
    minister_decided_on: date | None,
    override_rationale: str,
    legacy: bool = False,
    corrects_decision_of: date | None = None,
) -> str:
    """Apply every rule for deciding (``rules.decision_refusal``); returns the authority."""
    era_rules = era.as_rules()
    refusal = rules.decision_refusal(
        from_level=from_level,
        to_level=decision.to_level,
        era=era_rules,
        roles=_roles(actor),
        decided_on=decided_on,
        effective_from=effective_from,
        notified_on=notified_on,
        minister_decided_on=minister_decided_on,
        criteria_statuses=selectors.criteria_statuses(
            organisation_id=decision.organisation_id, scope_key=decision.scope_key
        ),
        override_rationale=override_rationale,
        legacy_override=legacy,
        corrects_decision_of=corrects_decision_of,
    )
    if refusal is not None:
        _refuse(refusal, field=rules.REFUSAL_FIELDS.get(refusal.code))
    return rules.required_authority(from_level=from_level, to_level=decision.to_level, era=era_rules)


def _refresh_status(*, organisation_id: int, scope_key_value: str, actor=None) -> None:
    """Keep the scope's status row in step with its latest effective decision."""
    latest = selectors.latest_effective_decision(organisation_id=organisation_id, scope_key=scope_key_value)
    status = (
        EscalationStatus.objects.select_for_update()
        .filter(organisation_id=organisation_id, scope_key=scope_key_value)
        .first()
    )
    if latest is None:
        return
    if status is None:
        status = EscalationStatus(
            organisation_id=organisation_id,
            scope_kind=latest.scope_kind,
            domain=latest.domain,
            service_name=latest.service_name,
            scope_key=scope_key_value,
        )
    elif status.decision_id == latest.pk:
        return
    else:
        status.version += 1
    status.level = latest.to_level
    status.effective_from = latest.effective_from
    status.decision = latest
    status.scope_kind, status.domain = latest.scope_kind, latest.domain
    if actor is not None:
        status._history_user = actor
    status.save()
    transaction.on_commit(partial(_announce_level_change, organisation_id))


def _announce_level_change(organisation_id: int) -> None:
    """Tell the apps that follow levels (the meeting planner). A listener's failure is logged,
    never undoes or hides the decision that has just been recorded."""
    for receiver, outcome in signals.level_changed.send_robust(
        sender=EscalationStatus, organisation_id=organisation_id
    ):
        if isinstance(outcome, Exception):
            logger.error("A listener to level changes failed: %r: %s", receiver, outcome, exc_info=outcome)


@transaction.atomic
def decision_decide(
    *,
    actor,
    decision: EscalationDecision,
    expected_version: int,
    decided_on: date,
    effective_from: date | None = None,
    notified_on: date | None = None,
    minister_decided_on: date | None = None,
    override_rationale: str = "",
    legacy_override: str = "",
) -> EscalationDecision:
    """Record the decision. The scope's from-level is re-read now, every rule is applied, and
    the scope's current level is updated in the same transaction. Nothing is half-saved."""
    access.require(actor, "escalation.decide", decision)
    current = _lock_open(decision, expected_version)
    effective_from = effective_from or decided_on
    era = selectors.era_on(decided_on)
    scope = Scope(current.scope_kind, current.domain, current.service_name)
    legacy = bool(legacy_override.strip())
    if not legacy:
        _check_scope_in_era(scope, era)
    from_level = selectors.level_of(
        organisation_id=current.organisation_id, scope_key=current.scope_key, on=effective_from
    )
    authority = _check_decidable(
        actor=actor,
        decision=current,
        era=era,
        from_level=from_level,
        decided_on=decided_on,
        effective_from=effective_from,
        notified_on=notified_on,
        minister_decided_on=minister_decided_on,
        override_rationale=override_rationale,
        legacy=legacy,
    )
    current.era = era
    current.from_level = from_level
    current.status = DecisionStatus.DECIDED
    current.decided_by = actor
    current.decided_on = decided_on
    current.effective_from = effective_from
    current.notified_on = notified_on
    current.minister_decided_on = minister_decided_on if authority == "minister" else None
    current.authority = authority
    current.override_rationale = override_rationale.strip()
    current.legacy_override = legacy_override.strip()
    current.case = _sync_case(decision=current, actor=actor)
    save_new_version(current, actor=actor, reason="Decided")
    _refresh_status(organisation_id=current.organisation_id, scope_key_value=current.scope_key, actor=actor)
    return current


@transaction.atomic
def decision_record_notification(
    *, actor, decision: EscalationDecision, expected_version: int, notified_on: date
) -> EscalationDecision:
    """Record when the organisation was told. A fact, not a gate: the level applies regardless."""
    access.require(actor, "escalation.notify", decision)
    current = lock_at_version(EscalationDecision, pk=decision.pk, expected_version=expected_version)
    if current.status != DecisionStatus.DECIDED:
        raise OversightError("Only a decided decision is notified.", code="not_decided")
    if current.notified_on is not None:
        raise ConflictError(
            f"The organisation was already recorded as notified on {current.notified_on:%d %B %Y}.",
            code="already_notified",
        )
    _refuse(
        rules.dates_refusal(
            decided_on=current.decided_on, effective_from=current.effective_from, notified_on=notified_on
        ),
        field="notified_on",
    )
    current.notified_on = notified_on
    return save_new_version(current, actor=actor, reason="Notification recorded")


@transaction.atomic
def decision_withdraw(*, actor, decision: EscalationDecision, expected_version: int, reason: str) -> EscalationDecision:
    access.require(actor, "escalation.recommend", decision)
    current = _lock_open(decision, expected_version)
    if not reason.strip():
        raise OversightError("Say why the decision is withdrawn.", field="reason", code="reason_required")
    current.status = DecisionStatus.WITHDRAWN
    current.withdrawn_reason = reason.strip()
    return save_new_version(current, actor=actor, reason="Withdrawn")


@transaction.atomic
def decision_supersede(
    *,
    actor,
    decision: EscalationDecision,
    to_level: int,
    rationale: str,
    decided_on: date,
    effective_from: date | None = None,
    minister_decided_on: date | None = None,
    override_rationale: str = "",
) -> EscalationDecision:
    """Correct a decided decision: a new decided decision that supersedes it. Both stay visible."""
    access.require(actor, "escalation.decide", decision)
    original = EscalationDecision.objects.select_for_update().get(pk=decision.pk)
    if original.status != DecisionStatus.DECIDED:
        raise OversightError(
            "Only a decided decision can be superseded; change or withdraw a draft instead.", code="not_decided"
        )
    if EscalationDecision.objects.filter(supersedes=original).exists():
        raise ConflictError(
            "This decision has already been superseded: correct the decision that replaced it.",
            code="already_superseded",
        )
    if not rationale.strip():
        raise OversightError("Give the reasons for the correction.", field="rationale", code="rationale_required")
    effective_from = effective_from or original.effective_from
    era = selectors.era_on(decided_on)
    correction = EscalationDecision(
        organisation=original.organisation,
        scope_kind=original.scope_kind,
        domain=original.domain,
        service_name=original.service_name,
        scope_key=original.scope_key,
        era=era,
        from_level=original.from_level,
        to_level=to_level,
        rationale=rationale.strip(),
        drafted_by=actor,
        supersedes=original,
        source=original.source,
    )
    authority = _check_decidable(
        actor=actor,
        decision=correction,
        era=era,
        from_level=original.from_level,
        decided_on=decided_on,
        effective_from=effective_from,
        notified_on=None,
        minister_decided_on=minister_decided_on,
        override_rationale=override_rationale,
        corrects_decision_of=original.decided_on,
    )
    correction.status = DecisionStatus.DECIDED
    correction.decided_by = actor
    correction.decided_on = decided_on
    correction.effective_from = effective_from
    correction.minister_decided_on = minister_decided_on
    correction.authority = authority
    correction.override_rationale = override_rationale.strip()
    correction.case = original.case
    create_recorded(correction, actor=actor, reason=f"Supersedes decision {original.pk}")
    _refresh_status(organisation_id=original.organisation_id, scope_key_value=original.scope_key, actor=actor)
    return correction


# --- Cases ------------------------------------------------------------------------------------


def open_case(*, organisation_id: int, scope_key_value: str) -> EscalationCase | None:
    return (
        EscalationCase.objects.select_for_update()
        .filter(organisation_id=organisation_id, scope_key=scope_key_value)
        .exclude(phase=CasePhase.CLOSED)
        .first()
    )


def _sync_case(*, decision: EscalationDecision, actor) -> EscalationCase | None:
    """Open, move to sustainability or reactivate the scope's case, as the decided move requires."""
    case = open_case(organisation_id=decision.organisation_id, scope_key_value=decision.scope_key)
    step = rules.case_transition(phase=case.phase if case else None, to_level=decision.to_level)
    if step == "open":
        case = EscalationCase(
            organisation_id=decision.organisation_id,
            scope_kind=decision.scope_kind,
            domain=decision.domain,
            service_name=decision.service_name,
            scope_key=decision.scope_key,
            opened_on=decision.effective_from,
            opened_by=actor,
            opening_reason=decision.rationale,
        )
        create_recorded(case, actor=actor)
    elif step == "sustain":
        case.phase = CasePhase.SUSTAINABILITY
        case.sustainability_from = decision.effective_from
        save_new_version(case, actor=actor, reason="Back at level 1: sustainability phase")
    elif step == "reactivate":
        case.phase = CasePhase.ACTIVE
        case.sustainability_from = None
        save_new_version(case, actor=actor, reason="Escalated again")
    return case


@transaction.atomic
def case_open(
    *, actor, organisation, scope: Scope, reason: str, on: date, improvement_timeframe: str = ""
) -> EscalationCase:
    """Open a case by hand, for example for a level 1 letter of concern."""
    access.require(actor, "escalation.case.open", organisation)
    scope.validate()
    _refuse(rules.holds_levels_refusal(holds_levels=organisation.holds_levels, organisation_name=organisation.name))
    if not reason.strip():
        raise OversightError("Say why the case is opened.", field="reason", code="reason_required")
    if open_case(organisation_id=organisation.pk, scope_key_value=scope.key):
        raise ConflictError("A case is already open for this organisation and scope.", code="case_already_open")
    case = EscalationCase(
        organisation=organisation,
        scope_kind=scope.kind,
        domain=scope.domain,
        service_name=scope.service_name.strip(),
        scope_key=scope.key,
        opened_on=on,
        opened_by=actor,
        opening_reason=reason.strip(),
        improvement_timeframe=improvement_timeframe,
    )
    create_recorded(case, actor=actor)
    return case


@transaction.atomic
def case_close(*, actor, case: EscalationCase, expected_version: int, reason: str, on: date) -> EscalationCase:
    """A decision maker closes a case whose scope is back at level 1, giving the reason."""
    access.require(actor, "escalation.case.close", case)
    current = lock_at_version(EscalationCase, pk=case.pk, expected_version=expected_version)
    level = selectors.level_of(organisation_id=current.organisation_id, scope_key=current.scope_key, on=on)
    _refuse(rules.case_close_refusal(phase=current.phase, current_level=level, reason=reason), field="reason")
    return _close(current, actor=actor, reason=reason.strip(), on=on)


def _close(case: EscalationCase, *, actor, reason: str, on: date) -> EscalationCase:
    case.phase = CasePhase.CLOSED
    case.closed_on = on
    case.closed_by = actor
    case.closing_reason = reason
    return save_new_version(case, actor=actor, reason="Closed")


# --- De-escalation and sustainability criteria ----------------------------------------------


@transaction.atomic
def criterion_propose(*, actor, case: EscalationCase, text: str, owner: str = "") -> DeescalationCriterion:
    access.require(actor, "escalation.criteria.manage", case)
    if not text.strip():
        raise OversightError("Write the criterion.", field="text", code="text_required")
    criterion = DeescalationCriterion(
        organisation_id=case.organisation_id,
        scope_kind=case.scope_kind,
        domain=case.domain,
        service_name=case.service_name,
        scope_key=case.scope_key,
        case=case,
        decision=case.decisions.filter(status=DecisionStatus.DECIDED).order_by("-effective_from").first(),
        text=text.strip(),
        owner=owner,
    )
    create_recorded(criterion, actor=actor)
    return criterion


# Criteria bound to a measure (reporting.CriterionBinding) are evaluated from released pack
# data by reporting.criteria, which records the result here. When a status overrides the data,
# and what status the data lead to, are rules: rules.criterion_status_disagrees and
# rules.criterion_status_following.


def _close_if_all_sustained(criterion: DeescalationCriterion, *, actor, on: date) -> None:
    if criterion.case_id:
        case = EscalationCase.objects.select_for_update().get(pk=criterion.case_id)
        statuses = case.criteria.values_list("status", flat=True)
        if rules.case_closes_itself(phase=case.phase, criteria_statuses=statuses):
            _close(case, actor=actor, reason="Every sustainability criterion is sustained.", on=on)


@transaction.atomic
def criterion_set_status(
    *,
    actor,
    criterion: DeescalationCriterion,
    expected_version: int,
    status: str,
    on: date,
    override_reason: str = "",
) -> DeescalationCriterion:
    """Move a criterion on (proposed → agreed → in progress → met → sustained). A case in its
    sustainability phase closes itself when every criterion is sustained.

    For a criterion bound to a measure, a status that contradicts the status computed from
    released data (``rules.criterion_status_disagrees``) is an override and needs
    ``override_reason``; it then stands, shown beside the computed status, until an official
    sets the status again. A status that agrees with the data clears any earlier override,
    and the status follows the data again (an agreed criterion the data show met is met)."""
    access.require(actor, "escalation.criteria.manage", criterion)
    if status not in CriterionStatus.values:
        raise OversightError(f"Unknown status “{status}”.", field="status", code="invalid_status")
    current = lock_at_version(DeescalationCriterion, pk=criterion.pk, expected_version=expected_version)
    reason = (override_reason or "").strip()
    reasons = [f"Status: {status}"]
    if rules.criterion_status_disagrees(status=status, computed_status=current.computed_status):
        if not reason:
            computed = ComputedStatus(current.computed_status).label.lower()
            raise OversightError(
                f"The released data show this criterion as “{computed}”. Say why its status should be "
                f"“{CriterionStatus(status).label.lower()}”: an override needs a reason, shown beside the "
                "computed status.",
                field="override_reason",
                code="override_reason_required",
            )
        current.status = status
        current.override_reason, current.overridden_by, current.overridden_on = reason, actor, on
        reasons.append(f"overrides the released data: {reason}")
    else:
        current.override_reason, current.overridden_by, current.overridden_on = "", None, None
        current.status = rules.criterion_status_following(status=status, computed_status=current.computed_status)
        if current.status != status:
            reasons.append(f"{current.status} according to the released data")
    if current.status != CriterionStatus.PROPOSED and current.agreed_on is None:
        current.agreed_on = on
    save_new_version(current, actor=actor, reason="; ".join(reasons))
    _close_if_all_sustained(current, actor=actor, on=on)
    return current


def _computed_summary(status: str, evidence: dict) -> str:
    """A short account for the history, e.g. "Released data: met (UEC-ED12H ≤ 500, 3 months to 2026-10)"."""
    measure = (evidence.get("measure") or {}).get("code", "")
    months = evidence.get("months") or []
    to = f" to {months[-1]['period'][:7]}" if months else ""
    rule = f"{measure} {evidence.get('operator', '')} {evidence.get('threshold', '')}".strip()
    required = evidence.get("months_required")
    detail = f" ({rule}, {required} months{to})" if rule and required else ""
    return f"Released data: {ComputedStatus(status).label.lower()}{detail}"


@transaction.atomic
def criterion_record_computed(
    *, criterion: DeescalationCriterion, met: bool | None, evidence: dict, on: date
) -> tuple[DeescalationCriterion, bool]:
    """Record what released pack data say of a bound criterion: ``met`` True or False, or None
    when there are not enough released data to say. ``evidence`` is plain data (shape in
    ``DeescalationCriterion``'s docstring). Returns the criterion and whether anything changed.

    Called by the evaluation of bound criteria (``reporting.criteria``), never by a person, so
    it takes no actor; its history entry says it came from released data. Idempotent: the
    same result again writes nothing (no new version, no history row). The status follows
    the computed one (``rules.criterion_status_following``) unless an official has overridden it;
    an override is never changed here, only shown beside the new computed status."""
    computed = {None: ComputedStatus.NO_DATA, True: ComputedStatus.MET, False: ComputedStatus.NOT_MET}[met]
    evidence = dict(evidence or {})
    current = DeescalationCriterion.objects.select_for_update().get(pk=criterion.pk)
    status = current.status
    if not current.override_reason:
        status = rules.criterion_status_following(status=current.status, computed_status=computed)
    if current.computed_status == computed and current.computed_evidence == evidence and current.status == status:
        return current, False
    reason = _computed_summary(computed, evidence)
    if status != current.status:
        reason += f"; status {status}"
    if current.computed_status != computed or current.computed_evidence != evidence:
        current.computed_on = on
    current.computed_status, current.computed_evidence, current.status = computed, evidence, status
    save_new_version(current, reason=reason)
    return current, True


@transaction.atomic
def criterion_forget_computed(*, criterion: DeescalationCriterion, actor=None) -> tuple[DeescalationCriterion, bool]:
    """The criterion is no longer bound to a measure: drop its computed status and evidence and
    any override of them. Its status stays as it is, now an official's alone. ``actor`` is
    the person who removed the binding, when a person did (the history names them); the
    daily evaluation tidying up after a binding removed some other way passes none."""
    current = DeescalationCriterion.objects.select_for_update().get(pk=criterion.pk)
    if not current.computed_status and not current.override_reason:
        return current, False
    current.computed_status, current.computed_evidence, current.computed_on = "", {}, None
    current.override_reason, current.overridden_by, current.overridden_on = "", None, None
    save_new_version(current, actor=actor, reason="No longer bound to a measure")
    return current, True


def criterion_evidence_add(*, actor, criterion: DeescalationCriterion, upload, note: str = ""):
    """File evidence against a criterion: by WG, NHS P&I or the organisation's own staff."""
    access.require(actor, "escalation.criteria.evidence", criterion)
    return attachment_create(
        actor=actor,
        upload=upload,
        organisation=criterion.organisation,
        target=criterion,
        purpose=(note.strip() or "criterion evidence")[:50],
    )


# --- Concerns ---------------------------------------------------------------------------------

# A concern's source follows the standing of whoever raises it [002 §28, §39].
SOURCE_FOR_STANDING = {
    "member": ConcernSource.SELF_REFERRAL,
    "wg": ConcernSource.WELSH_GOVERNMENT,
    "nhspi": ConcernSource.NHS_PI,
    "inspectorate": ConcernSource.HIW,
    "auditor": ConcernSource.AUDIT_WALES,
    "citizen_voice": ConcernSource.LLAIS,
}


def _concern_source(actor, organisation) -> str:
    return SOURCE_FOR_STANDING.get(access.standing(actor, organisation), ConcernSource.WELSH_GOVERNMENT)


@transaction.atomic
def concern_raise(
    *,
    actor,
    organisation,
    title: str,
    description: str,
    on: date,
    domain: Domain | None = None,
    severity: str = "medium",
    upload=None,
) -> Concern:
    """Raise a concern, with an evidence file if there is one. An organisation's own staff
    raising one about it is a self-referral [002 §39]. The concern and its file are saved
    together or not at all."""
    access.require(actor, "escalation.concern.raise", organisation)
    if not title.strip() or not description.strip():
        raise OversightError(
            "Give the concern a title and a description.", field="description", code="description_required"
        )
    concern = Concern(
        organisation=organisation,
        domain=domain,
        source=_concern_source(actor, organisation),
        severity=severity,
        title=title.strip(),
        description=description.strip(),
        raised_by=actor,
        raised_on=on,
    )
    create_recorded(concern, actor=actor)
    if upload is not None:
        attachment_create(actor=actor, upload=upload, organisation=organisation, target=concern, purpose="evidence")
    return concern


def concern_raise_automated(
    *,
    organisation,
    source_key: str,
    title: str,
    description: str,
    on: date,
    domain: Domain | None = None,
    severity: str = "medium",
) -> tuple[Concern, bool]:
    """Raise a concern from an automated signal, at most once per ``source_key``."""
    try:
        with transaction.atomic():
            concern = Concern.objects.create(
                organisation=organisation,
                domain=domain,
                source=ConcernSource.AUTOMATED,
                source_key=source_key,
                severity=severity,
                title=title,
                description=description,
                raised_on=on,
            )
    except IntegrityError:
        return Concern.objects.get(source_key=source_key), False
    return concern, True


@transaction.atomic
def concern_triage(
    *, actor, concern: Concern, expected_version: int, case: EscalationCase | None = None, close_reason: str = ""
) -> Concern:
    """Triage a concern: link it to a case, close it with a reason, or mark it triaged."""
    access.require(actor, "escalation.concern.triage", concern)
    current = lock_at_version(Concern, pk=concern.pk, expected_version=expected_version)
    if current.status in (ConcernStatus.CLOSED, ConcernStatus.LINKED):
        raise ConflictError(f"This concern is already {current.get_status_display().lower()}.", code="concern_done")
    if case is not None:
        if case.organisation_id != current.organisation_id:
            raise OversightError(
                "A concern links only to a case of the same organisation.", field="case", code="case_other_organisation"
            )
        current.status, current.case = ConcernStatus.LINKED, case
    elif close_reason.strip():
        current.status, current.closed_reason = ConcernStatus.CLOSED, close_reason.strip()
    else:
        current.status = ConcernStatus.TRIAGED
    return save_new_version(current, actor=actor, reason=f"Triage: {current.status}")


# --- Requests for information ---------------------------------------------------------------


@transaction.atomic
def request_send(
    *,
    actor,
    organisation,
    question: str,
    sent_on: date,
    due_on: date,
    addressee: str = "",
    case: EscalationCase | None = None,
) -> InformationRequest:
    access.require(actor, "escalation.request.send", organisation)
    if due_on < sent_on:
        raise OversightError(
            "The due date cannot be before the request is sent.", field="due_on", code="due_before_sent"
        )
    request = InformationRequest(
        organisation=organisation,
        case=case,
        addressee=addressee.strip(),
        question=question.strip(),
        sent_on=sent_on,
        due_on=due_on,
        requested_by=actor,
    )
    create_recorded(request, actor=actor)
    return request


@transaction.atomic
def request_answer(
    *, actor, request: InformationRequest, expected_version: int, response: str, on: date, upload=None
) -> InformationRequest:
    """Record the answer, with a file if there is one: by the organisation's own staff, or by
    WG or NHS P&I for a third party. The answer and its file are saved together or not at all."""
    access.require(actor, "escalation.request.answer", request)
    current = lock_at_version(InformationRequest, pk=request.pk, expected_version=expected_version)
    if current.responded_on:
        raise ConflictError("This request has already been answered.", code="already_answered")
    if not response.strip():
        raise OversightError("Write the response.", field="response", code="response_required")
    current.response, current.responded_on, current.answered_by = response.strip(), on, actor
    save_new_version(current, actor=actor, reason="Answered")
    if upload is not None:
        attachment_create(
            actor=actor, upload=upload, organisation=current.organisation, target=current, purpose="response"
        )
    return current


# --- Improvement plans and targeted support --------------------------------------------------


def _case_level(case: EscalationCase, on: date) -> int:
    return selectors.level_of(organisation_id=case.organisation_id, scope_key=case.scope_key, on=on)


@transaction.atomic
def support_plan_create(*, actor, case: EscalationCase, kind: str, started_on: date, **assessment) -> SupportPlan:
    """Start an improvement plan (levels 2-3) or targeted support (levels 4-5) for a case."""
    access.require(actor, "escalation.support.manage", case)
    _refuse(rules.plan_refusal(kind=kind, level=_case_level(case, started_on)), field="kind")
    plan = SupportPlan(case=case, kind=kind, started_on=started_on, **assessment)
    create_recorded(plan, actor=actor)
    return plan


@transaction.atomic
def intervention_add(
    *,
    actor,
    plan: SupportPlan,
    kind: str,
    lead: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
) -> SupportIntervention:
    access.require(actor, "escalation.support.manage", plan)
    _refuse(rules.intervention_refusal(kind=kind, level=_case_level(plan.case, starts_on)), field="kind")
    intervention = SupportIntervention(
        plan=plan, kind=kind, lead=lead, starts_on=starts_on, ends_on=ends_on, description=description
    )
    intervention.full_clean()
    intervention.save()
    return intervention


@transaction.atomic
def milestone_add(*, actor, plan: SupportPlan, title: str, owner: str, due_on: date, rag: str = "amber") -> Milestone:
    access.require(actor, "escalation.support.manage", plan)
    milestone = Milestone(plan=plan, title=title, owner=owner, due_on=due_on, rag=rag)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def maturity_score_record(
    *, actor, plan: SupportPlan, area_name: str, assessed_on: date, score: int, note: str = ""
) -> MaturityScore:
    """Record one area's maturity score on a date; a second score for that date replaces the first."""
    access.require(actor, "escalation.support.manage", plan)
    _refuse(rules.maturity_score_refusal(score), field="score")
    area, _created = MaturityArea.objects.get_or_create(
        plan=plan, name=area_name.strip(), defaults={"order": plan.maturity_areas.count()}
    )
    record, _created = MaturityScore.objects.update_or_create(
        area=area, assessed_on=assessed_on, defaults={"score": score, "note": note}
    )
    return record


# --- Intelligence and tripartite rounds ------------------------------------------------------


@transaction.atomic
def intelligence_add(
    *, actor, organisation, body, kind: str, dated: date, summary: str, rag: str, domain: Domain | None = None
) -> IntelligenceItem:
    """Record intelligence from a body; a tripartite partner records its own body's only."""
    item = IntelligenceItem(
        organisation=organisation,
        body=body,
        kind=kind,
        dated=dated,
        summary=summary.strip(),
        rag=rag,
        domain=domain,
        created_by=actor,
    )
    access.require(actor, "escalation.intelligence.add", item)
    return create_recorded(item, actor=actor)


@transaction.atomic
def intelligence_share(*, actor, item: IntelligenceItem, expected_version: int) -> IntelligenceItem:
    """Welsh Government shares an item with the tripartite partners."""
    access.require(actor, "escalation.intelligence.share", item)
    current = lock_at_version(IntelligenceItem, pk=item.pk, expected_version=expected_version)
    current.shared_with_partners = True
    return save_new_version(current, actor=actor, reason="Shared with the tripartite partners")


@transaction.atomic
def tripartite_round_create(*, actor, held_on: date, title: str, participants=()) -> TripartiteRound:
    access.require(actor, "escalation.tripartite.manage")
    round_ = create_recorded(TripartiteRound(held_on=held_on, title=title.strip()), actor=actor)
    round_.participants.set(participants)
    return round_


@transaction.atomic
def tripartite_view_record(
    *,
    actor,
    round_: TripartiteRound,
    organisation,
    shared_view: str,
    recommendation: str,
    recommended_level: int | None = None,
    domain: Domain | None = None,
) -> TripartiteView:
    access.require(actor, "escalation.tripartite.manage")
    if recommendation != "maintain" and recommended_level is None:
        raise OversightError("Give the level the round recommends.", field="recommended_level", code="level_required")
    view = TripartiteView(
        round=round_,
        organisation=organisation,
        domain=domain,
        shared_view=shared_view.strip(),
        recommendation=recommendation,
        recommended_level=recommended_level,
    )
    return create_recorded(view, actor=actor)


@transaction.atomic
def tripartite_view_start_decision(*, actor, view: TripartiteView, planned_on: date) -> EscalationDecision:
    """Start a draft decision from a round's recommendation, citing the round as evidence."""
    if view.decision_id:
        raise ConflictError("A decision has already been started from this recommendation.", code="already_started")
    if view.recommendation == "maintain":
        raise OversightError(
            "The round recommends maintaining the level: there is no move to draft.", code="nothing_to_draft"
        )
    scope = Scope("domain", view.domain) if view.domain else Scope("organisation")
    decision = decision_draft(
        actor=actor,
        organisation=view.organisation,
        scope=scope,
        to_level=view.recommended_level,
        rationale=view.shared_view,
        evidence=f"Tripartite round: {view.round.title} ({view.round.held_on:%d %B %Y})",
        planned_on=planned_on,
    )
    view.decision = decision
    view.save(update_fields=["decision"])
    return decision
