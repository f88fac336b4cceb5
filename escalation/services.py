"""Every write to escalation: drafting, recommending, deciding, notifying, withdrawing and
superseding decisions, keeping each scope's current level in step in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from oversight import access
from oversight.concurrency import lock_at_version, save_new_version
from oversight.errors import ConflictError, OversightError

from . import rules, selectors
from .choices import DecisionStatus, ScopeKind
from .models import Domain, EscalationDecision, EscalationStatus, scope_key


class RuleRefused(OversightError):
    """An action the framework's rules refuse. Its code names the rule."""

    status = 400


def _refuse(refusal: rules.Refusal | None, *, field: str | None = None) -> None:
    if refusal is not None:
        raise RuleRefused(refusal.message, code=refusal.code, field=field)


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
) -> EscalationDecision:
    """Draft a decision for ``scope``; its from-level is the scope's level now."""
    access.require(actor, "escalation.draft", organisation)
    scope.validate()
    _refuse(rules.holds_levels_refusal(holds_levels=organisation.holds_levels, organisation_name=organisation.name))
    if not rationale.strip():
        raise OversightError("Give the reasons for this decision.", field="rationale", code="rationale_required")
    era = selectors.era_on(planned_on)
    _check_scope_in_era(scope, era)
    from_level = selectors.level_of(organisation_id=organisation.pk, scope_key=scope.key)
    _refuse(rules.transition_refusal(from_level=from_level, to_level=to_level, era=era.as_rules()), field="to_level")
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
    decision._history_user = actor
    decision.full_clean()
    decision.save()
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
    correction._history_user = actor
    correction._change_reason = f"Supersedes decision {original.pk}"
    correction.full_clean()
    correction.save()
    _refresh_status(organisation_id=original.organisation_id, scope_key_value=original.scope_key, actor=actor)
    return correction
