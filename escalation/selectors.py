"""Reads for escalation: eras, current levels and levels "as at" any date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access

from . import rules
from .choices import Authority, DecisionStatus
from .models import (
    Concern,
    DeescalationCriterion,
    Domain,
    Era,
    EscalationCase,
    EscalationDecision,
    EscalationStatus,
    InformationRequest,
    IntelligenceItem,
    LevelDescription,
    SupportPlan,
    TripartiteRound,
)


def era_on(on: date) -> Era:
    """The era whose rules apply on a date, with its authority table loaded."""
    eras = list(Era.objects.prefetch_related("authorities"))
    code = rules.era_for(on, [(e.code, e.starts_on, e.ends_on) for e in eras])
    return next(e for e in eras if e.code == code)


def effective_decisions() -> QuerySet[EscalationDecision]:
    """Decided decisions that have not been superseded by a correction."""
    return EscalationDecision.objects.filter(status=DecisionStatus.DECIDED, superseded_by__isnull=True)


def latest_effective_decision(*, organisation_id: int, scope_key: str, on: date | None = None):
    queryset = effective_decisions().filter(organisation_id=organisation_id, scope_key=scope_key)
    if on is not None:
        queryset = queryset.filter(effective_from__lte=on)
    return queryset.order_by("-effective_from", "-decided_on", "-created_at").first()


def level_of(*, organisation_id: int, scope_key: str, on: date | None = None) -> int:
    """A scope's level on a date (or its latest decided level); routine arrangements when none."""
    decision = latest_effective_decision(organisation_id=organisation_id, scope_key=scope_key, on=on)
    return decision.to_level if decision else 1


def levels_as_at(*, user, on: date) -> QuerySet[EscalationStatus]:
    """Every scope the user may see, annotated with ``level_on``: its level on ``on``.

    One query however long the history: a correlated subquery picks, for each scope, the
    latest effective decision with ``effective_from`` on or before the date. Scopes with no
    decision yet in force on that date have ``level_on`` None.
    """
    latest = (
        effective_decisions()
        .filter(organisation_id=OuterRef("organisation_id"), scope_key=OuterRef("scope_key"), effective_from__lte=on)
        .order_by("-effective_from", "-decided_on", "-created_at")
    )
    return (
        access.restrict(EscalationStatus.objects.all(), user)
        .select_related("organisation", "domain", "domain__era")
        .annotate(level_on=Subquery(latest.values("to_level")[:1]))
    )


@dataclass(frozen=True)
class DrivingLevel:
    """What sets an organisation's oversight cadence on a date [ARCHITECTURE "Driving level"]."""

    level: int  # the highest organisation-wide or domain/pillar level; 1 with none
    since: date | None  # the earliest date from which a scope at that level has held it
    organisation_level: int  # the organisation-wide scope's own level
    organisation_level_since: date | None


def driving_levels(*, on: date) -> dict[int, DrivingLevel]:
    """Every organisation's driving level on a date, by organisation id, in one query.
    Service and site scopes do not count; an organisation with no decisions is absent (level 1)."""
    latest = (
        effective_decisions()
        .filter(organisation_id=OuterRef("organisation_id"), scope_key=OuterRef("scope_key"), effective_from__lte=on)
        .order_by("-effective_from", "-decided_on", "-created_at")
    )
    rows = (
        EscalationStatus.objects.filter(scope_kind__in=("organisation", "domain"))
        .exclude(retired_on__lte=on)
        .annotate(level_on=Subquery(latest.values("to_level")[:1]), since=Subquery(latest.values("effective_from")[:1]))
        .filter(level_on__isnull=False)
        .values_list("organisation_id", "scope_kind", "level_on", "since")
    )
    by_organisation: dict[int, list] = {}
    for organisation_id, kind, level, since in rows:
        by_organisation.setdefault(organisation_id, []).append((kind, level, since))
    found = {}
    for organisation_id, scopes in by_organisation.items():
        level = rules.driving_level((kind, lvl) for kind, lvl, _since in scopes)
        whole = next(((lvl, since) for kind, lvl, since in scopes if kind == "organisation"), (1, None))
        found[organisation_id] = DrivingLevel(
            level=level,
            since=min((since for _kind, lvl, since in scopes if lvl == level), default=None),
            organisation_level=whole[0],
            organisation_level_since=whole[1],
        )
    return found


def criteria_statuses(*, organisation_id: int, scope_key: str) -> list[str]:
    return list(
        DeescalationCriterion.objects.filter(organisation_id=organisation_id, scope_key=scope_key).values_list(
            "status", flat=True
        )
    )


def level_description(*, level: int, on: date) -> LevelDescription | None:
    return (
        LevelDescription.objects.filter(level=level, valid_from__lte=on).order_by("-valid_from").first()
        or LevelDescription.objects.filter(level=level).order_by("valid_from").first()
    )


def decision_list(*, user) -> QuerySet[EscalationDecision]:
    return access.restrict(
        EscalationDecision.objects.select_related("organisation", "domain", "era", "decided_by", "superseded_by"),
        user,
    ).order_by("-decided_on", "-created_at")


def decisions_awaiting_notification(*, user) -> QuerySet[EscalationDecision]:
    return decision_list(user=user).filter(Q(status=DecisionStatus.DECIDED) & Q(notified_on__isnull=True))


@dataclass
class OverviewCell:
    domain: object
    level: int | None


@dataclass
class OverviewRow:
    organisation: object
    whole: int | None
    cells: list
    services: list  # (service name, level)

    @property
    def highest(self) -> int:
        levels = [c.level for c in self.cells if c.level] + ([self.whole] if self.whole else [])
        return max(levels, default=1)


def system_overview(*, user, on: date, era: Era, region: str = "", kind: str = "") -> tuple[list, list[OverviewRow]]:
    """Organisations × domains or pillars of ``era``, with each scope's level on ``on``.

    A fixed number of queries whatever the length of history: the organisations, the era's
    domains, and one query for every scope's level on the date.
    """
    organisations = access.restrict(
        Organisation.objects.filter(statutory=True, kind__in=LEVEL_HOLDING_KINDS).select_related("region"), user
    ).order_by("name")
    if region:
        organisations = organisations.filter(region__code=region)
    if kind:
        organisations = organisations.filter(kind=kind)
    organisations = list(organisations)
    domains = list(Domain.objects.filter(era=era).order_by("order"))
    levels: dict[tuple[int, str], int] = {}
    services: dict[int, list] = {}
    for status in levels_as_at(user=user, on=on).filter(organisation__in=organisations):
        if status.level_on is None:
            continue
        levels[(status.organisation_id, status.scope_key)] = status.level_on
        if status.scope_kind == "service" and status.level_on > 1:
            services.setdefault(status.organisation_id, []).append((status.service_name, status.level_on))
    rows = [
        OverviewRow(
            organisation=organisation,
            whole=levels.get((organisation.pk, "organisation")),
            cells=[OverviewCell(domain, levels.get((organisation.pk, f"domain:{domain.pk}"))) for domain in domains],
            services=sorted(services.get(organisation.pk, [])),
        )
        for organisation in organisations
    ]
    return domains, rows


@dataclass
class MaturityMatrix:
    dates: list
    rows: list  # (area name, [score or None for each date])


def maturity_matrix(*, plan) -> MaturityMatrix:
    """Areas × assessment dates, for the table beside the progression chart. Two queries."""
    areas = list(plan.maturity_areas.prefetch_related("scores"))
    dates = sorted({score.assessed_on for area in areas for score in area.scores.all()})
    rows = []
    for area in areas:
        by_date = {score.assessed_on: score.score for score in area.scores.all()}
        rows.append((area.name, [by_date.get(d) for d in dates]))
    return MaturityMatrix(dates=dates, rows=rows)


def case_list(*, user) -> QuerySet:
    return access.restrict(
        EscalationCase.objects.select_related("organisation", "domain", "domain__era"), user
    ).order_by("-opened_on", "-pk")


def case_detail(*, user, pk):
    """A case with what its page shows, in a fixed number of queries."""
    case = access.get_visible_or_404(
        case_list(user=user).prefetch_related(
            Prefetch(
                "decisions",
                queryset=EscalationDecision.objects.select_related("domain", "era", "decided_by").order_by(
                    "effective_from", "created_at"
                ),
            ),
            Prefetch("criteria", queryset=DeescalationCriterion.objects.select_related("overridden_by")),
            "concerns",
            "requests",
            Prefetch("support_plans", queryset=SupportPlan.objects.prefetch_related("interventions", "milestones")),
        ),
        user,
        pk=pk,
    )
    return case


def intelligence_list(*, user, organisation=None) -> QuerySet:
    queryset = access.restrict_intelligence(
        IntelligenceItem.objects.select_related("organisation", "body", "domain"), user
    )
    return queryset.filter(organisation=organisation) if organisation is not None else queryset


def tripartite_round_list(*, user) -> QuerySet:
    return access.restrict_tripartite_rounds(TripartiteRound.objects.prefetch_related("participants"), user)


@dataclass
class LeadershipContext:
    levels: list  # (domain, level)
    concerns: list


def leadership_context(*, user, decision) -> LeadershipContext | None:
    """The organisation's Leadership (Well-led) levels and open leadership concerns, shown beside
    a pillar decision [001 §9]. None when the decision is not about a pillar or domain."""
    return leadership_for(
        organisation_id=decision.organisation_id,
        scope_kind=decision.scope_kind,
        domain=decision.domain,
        era=decision.era,
        on=decision.decided_on or decision.effective_from or decision.created_at.date(),
    )


def leadership_for(*, organisation_id: int, scope_kind: str, domain, era: Era, on: date) -> LeadershipContext | None:
    codes = rules.leadership_domains_to_show(
        scope_kind=scope_kind, domain_kind=domain.kind if domain is not None else None, era=era.code
    )
    if not codes:
        return None
    domains = list(Domain.objects.filter(era=era, code__in=codes).order_by("order"))
    levels = [
        (leader, level_of(organisation_id=organisation_id, scope_key=f"domain:{leader.pk}", on=on))
        for leader in domains
    ]
    concerns = list(
        Concern.objects.filter(organisation_id=organisation_id, domain__in=domains)
        .exclude(status="closed")
        .order_by("-raised_on")
    )
    return LeadershipContext(levels=levels, concerns=concerns)


@dataclass
class DecisionPreview:
    """What the decision form shows before it is submitted: the move, the rule that would
    refuse it, who decides it, what the proposed level means and the leadership context."""

    from_level: int
    to_level: int
    kind: str  # escalate, de-escalate or maintain
    refusal: rules.Refusal | None
    authority: str | None
    authority_reference: str
    description: LevelDescription | None
    leadership: LeadershipContext | None

    @property
    def authority_label(self) -> str:
        return str(dict(Authority.choices).get(self.authority, self.authority or ""))


def decision_preview(
    *, organisation, scope_kind: str, scope_key_value: str, domain, to_level: int, on: date
) -> DecisionPreview:
    era = era_on(on)
    era_rules = era.as_rules()
    from_level = level_of(organisation_id=organisation.pk, scope_key=scope_key_value)
    refusal = rules.holds_levels_refusal(holds_levels=organisation.holds_levels, organisation_name=organisation.name)
    if refusal is None and domain is not None:
        refusal = rules.domain_era_refusal(domain_era=domain.era.code, era=era_rules, domain_name=domain.name)
    if refusal is None:
        refusal = rules.transition_refusal(from_level=from_level, to_level=to_level, era=era_rules)
    authority, reference = None, ""
    if to_level in era_rules.levels and from_level in era_rules.levels:
        authority = rules.required_authority(from_level=from_level, to_level=to_level, era=era_rules)
        row = next((a for a in era.authorities.all() if a.level == max(from_level, to_level)), None)
        reference = row.reference if row else ""
    return DecisionPreview(
        from_level=from_level,
        to_level=to_level,
        kind=rules.decision_kind(from_level=from_level, to_level=to_level),
        refusal=refusal,
        authority=authority,
        authority_reference=reference,
        description=level_description(level=to_level, on=on),
        leadership=leadership_for(
            organisation_id=organisation.pk, scope_kind=scope_kind, domain=domain, era=era, on=on
        ),
    )


@dataclass
class OrganisationEscalation:
    levels: list  # statuses annotated with level_on (today)
    decisions: list
    open_cases: list
    requests: list  # (request, overdue)


def organisation_escalation(*, user, organisation, on: date) -> OrganisationEscalation:
    """One organisation's levels by scope, decision timeline, open cases and requests due.
    A fixed number of queries however long its history."""
    levels = [s for s in levels_as_at(user=user, on=on).filter(organisation=organisation) if s.level_on is not None]
    decisions = list(
        effective_decisions()
        .filter(organisation=organisation)
        .select_related("domain", "era")
        .order_by("effective_from", "created_at")
    )
    open_cases = list(
        case_list(user=user).filter(organisation=organisation).exclude(phase="closed").order_by("opened_on")
    )
    requests = [
        (r, rules.request_overdue(due_on=r.due_on, responded_on=r.responded_on, today=on))
        for r in access.restrict(InformationRequest.objects.filter(organisation=organisation), user).filter(
            responded_on__isnull=True
        )
    ]
    return OrganisationEscalation(levels=levels, decisions=decisions, open_cases=open_cases, requests=requests)


def support_plan_list(*, user) -> QuerySet:
    """Support plans the user may see, with everything the API shows, in a fixed number of queries."""
    return access.restrict(
        SupportPlan.objects.select_related("case__organisation").prefetch_related(
            "interventions", "milestones", "maturity_areas__scores__area"
        ),
        user,
    ).order_by("-started_on", "pk")


def concern_list(*, user) -> QuerySet:
    return access.restrict(Concern.objects.select_related("organisation", "domain"), user).order_by("-raised_on")


def request_list(*, user) -> QuerySet:
    return access.restrict(InformationRequest.objects.select_related("organisation"), user).order_by("due_on")


def criterion_list(*, user) -> QuerySet:
    return access.restrict(
        DeescalationCriterion.objects.select_related("organisation", "domain", "domain__era"), user
    ).order_by("organisation__name", "scope_key", "created_at")
