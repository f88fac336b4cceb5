"""The cutover to the 2026 pillars [001 §9.2; ARCHITECTURE "Cutover to the 2026 pillars"].

Every open 2024 domain status is carried over to its pillar through the mapping, as a
recorded re-scoping entry with no change of level; open cases move with it. Fragile services
go to Quality or Delivery/Performance by the nature of the risk, so a person chooses. History
keeps its original scopes: the 2024 decisions are untouched, and the 2024 scope is marked as
re-scoped from the cutover date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from oversight import access
from oversight.concurrency import save_new_version

from . import selectors
from .choices import Authority, CasePhase, DecisionStatus
from .models import DomainMapping, EscalationCase, EscalationDecision, EscalationStatus, scope_key
from .services import RuleRefused, _refresh_status

CUTOVER = date(2026, 4, 1)


@dataclass
class CutoverReport:
    rescoped: list[str] = field(default_factory=list)
    unchanged: int = 0


def _open_legacy_statuses(on: date):
    """2024 domain scopes still above level 1 on the cutover date, or with an open case."""
    statuses = EscalationStatus.objects.filter(
        scope_kind="domain", domain__era__code="2024", retired_on__isnull=True
    ).select_related("organisation", "domain")
    for status in statuses:
        level = selectors.level_of(organisation_id=status.organisation_id, scope_key=status.scope_key, on=on)
        has_case = EscalationCase.objects.filter(
            organisation_id=status.organisation_id, scope_key=status.scope_key
        ).exclude(phase=CasePhase.CLOSED)
        if level > 1 or has_case.exists():
            yield status, level


@transaction.atomic
def cutover_rescope(*, actor, on: date = CUTOVER, choices: dict[tuple[str, str], str] | None = None) -> CutoverReport:
    """Carry open 2024 domain statuses over to the 2026 pillars. Idempotent.

    ``choices`` maps (organisation code, legacy domain code) to the pillar code a person
    chose where the mapping offers more than one (fragile services)."""
    access.require(actor, "escalation.decide")
    choices = choices or {}
    mappings: dict[int, list[DomainMapping]] = {}
    for mapping in DomainMapping.objects.select_related("pillar", "legacy_domain"):
        mappings.setdefault(mapping.legacy_domain_id, []).append(mapping)
    report = CutoverReport()
    pending, needs_choice = [], []
    for status, level in _open_legacy_statuses(on):
        targets = mappings.get(status.domain_id, [])
        if len(targets) == 1:
            pillar = targets[0].pillar
        else:
            chosen = choices.get((status.organisation.code, status.domain.code))
            pillar = next((m.pillar for m in targets if m.pillar.code == chosen), None)
            if pillar is None:
                options = " or ".join(m.pillar.code for m in targets)
                needs_choice.append(f"{status.organisation.code} {status.domain.name}: choose {options}")
                continue
        pending.append((status, level, pillar))
    if needs_choice:
        raise RuleRefused(
            "A person must choose the pillar for these scopes, by the nature of the risk (001 §9.2): "
            + "; ".join(needs_choice),
            code="pillar_choice_needed",
        )
    for status, level, pillar in pending:
        _rescope(status=status, level=level, pillar=pillar, on=on, actor=actor)
        report.rescoped.append(f"{status.organisation.code}: {status.domain.name} → {pillar.name} (level {level})")
    return report


def _rescope(*, status: EscalationStatus, level: int, pillar, on: date, actor) -> None:
    legacy_decision = selectors.latest_effective_decision(
        organisation_id=status.organisation_id, scope_key=status.scope_key, on=on
    )
    new_key = scope_key(scope_kind="domain", domain_id=pillar.pk)
    current = selectors.level_of(organisation_id=status.organisation_id, scope_key=new_key, on=on)
    era = selectors.era_on(on)
    entry = EscalationDecision(
        organisation_id=status.organisation_id,
        scope_kind="domain",
        domain=pillar,
        scope_key=new_key,
        era=era,
        from_level=current,
        to_level=max(level, current),
        status=DecisionStatus.DECIDED,
        rationale=f"Re-scoped at the 2026 cutover from “{status.domain.name}” to “{pillar.name}” with no change of "
        f"level (001 §9.2).",
        authority=Authority.WELSH_GOVERNMENT,
        drafted_by=actor,
        decided_by=actor,
        decided_on=on,
        effective_from=on,
        notified_on=on,
        rescoped_from=legacy_decision,
        source="Cutover to the 2026 pillars",
    )
    entry._history_user = actor
    case = (
        EscalationCase.objects.select_for_update()
        .filter(organisation_id=status.organisation_id, scope_key=status.scope_key)
        .exclude(phase=CasePhase.CLOSED)
        .first()
    )
    if case is not None:
        target_case = (
            EscalationCase.objects.filter(organisation_id=status.organisation_id, scope_key=new_key)
            .exclude(phase=CasePhase.CLOSED)
            .first()
        )
        if target_case is None:
            case.domain, case.scope_key = pillar, new_key
            save_new_version(case, actor=actor, reason=f"Re-scoped at the 2026 cutover to {pillar.name}")
            target_case = case
        entry.case = target_case
    entry.full_clean()
    entry.save()
    status.retired_on = on
    status.version += 1
    status._history_user = actor
    status.save()
    _refresh_status(organisation_id=status.organisation_id, scope_key_value=new_key, actor=actor)
