"""Reads for plans and accountability. Each starts from what the user may see and makes a fixed
number of queries however many plans, conditions, submissions or months there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access
from reporting import analytics, page_selectors, spc
from reporting.models import ChangePoint, Measure, Pack, PackValue

from . import rules
from .choices import ConditionStatus, SubmissionStatus
from .models import (
    AccountabilityCondition,
    ConditionEvidence,
    MinisterialPriority,
    Plan,
    PlanningCycle,
    PriorityMeasure,
    RequiredSubmission,
)

BREAK_EVEN_MEASURE = "F-BREAKEVEN"


# --- Cycles and plans -----------------------------------------------------------------------


def cycle_list() -> list[PlanningCycle]:
    return list(PlanningCycle.objects.order_by("-starts_on"))


def current_cycle(on: date, cycles: list[PlanningCycle] | None = None) -> PlanningCycle | None:
    """The cycle current on ``on`` (``plans.rules.current_cycle``): one query, or none when the
    cycles are passed in."""
    cycles = cycle_list() if cycles is None else cycles
    code = rules.current_cycle([(c.code, c.starts_on, c.ends_on) for c in cycles], on)
    return next((c for c in cycles if c.code == code), None)


def plan_list(*, user) -> QuerySet[Plan]:
    return access.restrict(
        Plan.objects.select_related("organisation", "cycle", "response", "recorded_by"), user
    ).order_by("organisation__name", "-cycle__starts_on", "-submitted_on", "-pk")


def plan_detail(*, user, pk) -> Plan:
    """One plan with its response, conditions and their evidence, or 404."""
    queryset = plan_list(user=user).prefetch_related(
        Prefetch(
            "response__conditions",
            queryset=AccountabilityCondition.objects.select_related("pillar", "status_changed_by").prefetch_related(
                Prefetch("evidence", queryset=ConditionEvidence.objects.select_related("attachment", "added_by"))
            ),
        )
    )
    try:
        return queryset.get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such plan, or it is not yours to see.") from error


def plan_facts(plan: Plan) -> rules.PlanFacts:
    return rules.PlanFacts(
        plan_type=plan.plan_type,
        financially_balanced=plan.financially_balanced,
        outcome=plan.outcome,
        submitted_on=plan.submitted_on,
        key=plan.pk or 0,
        outcome_on=plan.outcome_on,
    )


@dataclass(frozen=True)
class FinanceStatus:
    """An organisation's Finance flag for the current cycle (None: not flagged)."""

    cycle: PlanningCycle | None
    flag: rules.FinanceFlag | None
    plans: list[Plan]

    @property
    def flagged(self) -> bool:
        return self.flag is not None


def finance_status(organisation: Organisation, *, on: date, cycles: list[PlanningCycle] | None = None) -> FinanceStatus:
    """The Finance flag of ``organisation`` on ``on`` (``plans.rules.finance_flag``), in two
    queries (one with ``cycles`` given). Only organisations that hold levels are flagged; with no
    cycle running on that day nothing is."""
    cycle = current_cycle(on, cycles)
    if cycle is None or not organisation.holds_levels:
        return FinanceStatus(cycle=cycle, flag=None, plans=[])
    plans = list(
        Plan.objects.filter(organisation=organisation, cycle=cycle, submitted_on__lte=on).order_by("-submitted_on")
    )
    flag = rules.finance_flag([plan_facts(p) for p in plans], cycle=cycle.code, on=on)
    return FinanceStatus(cycle=cycle, flag=flag, plans=plans)


@dataclass
class OverviewRow:
    organisation: Organisation
    plans: list[Plan]
    flag: rules.FinanceFlag | None
    open_conditions: int = 0
    overdue_conditions: int = 0

    @property
    def latest(self) -> Plan | None:
        return self.plans[0] if self.plans else None

    # For exports.
    @property
    def flag_reason(self) -> str:
        return self.flag.reason if self.flag else ""


def plan_overview(*, user, cycle: PlanningCycle, on: date) -> list[OverviewRow]:
    """Every level-holding organisation the user may see, with its plans for ``cycle``, its
    Finance flag for that cycle, and its open and overdue conditions: three queries."""
    organisations = access.restrict(
        Organisation.objects.filter(statutory=True, active=True, kind__in=LEVEL_HOLDING_KINDS), user
    ).order_by("name")
    organisations = list(organisations)
    ids = [o.pk for o in organisations]
    by_organisation: dict[int, list[Plan]] = defaultdict(list)
    for plan in Plan.objects.filter(cycle=cycle, organisation_id__in=ids).order_by("-submitted_on", "-pk"):
        by_organisation[plan.organisation_id].append(plan)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for organisation_id, due_on in AccountabilityCondition.objects.filter(
        response__plan__organisation_id__in=ids, status=ConditionStatus.OPEN
    ).values_list("response__plan__organisation_id", "due_on"):
        counts[organisation_id][0] += 1
        if rules.condition_overdue(status=ConditionStatus.OPEN, due_on=due_on, today=on):
            counts[organisation_id][1] += 1
    rows = []
    for organisation in organisations:
        plans = by_organisation.get(organisation.pk, [])
        flag = rules.finance_flag([plan_facts(p) for p in plans], cycle=cycle.code, on=on)
        rows.append(
            OverviewRow(
                organisation=organisation,
                plans=plans,
                flag=flag,
                open_conditions=counts[organisation.pk][0],
                overdue_conditions=counts[organisation.pk][1],
            )
        )
    return rows


# --- Conditions -----------------------------------------------------------------------------


def condition_list(*, user) -> QuerySet[AccountabilityCondition]:
    return access.restrict(
        AccountabilityCondition.objects.select_related(
            "response__plan__organisation", "response__plan__cycle", "pillar", "pillar__era"
        ),
        user,
    ).order_by("due_on", "pk")


def condition_get(*, user, pk) -> AccountabilityCondition:
    try:
        return condition_list(user=user).get(pk=pk)
    except (AccountabilityCondition.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such condition, or it is not yours to see.") from error


def open_conditions(*, user, organisation: Organisation) -> list[AccountabilityCondition]:
    """The organisation's open conditions, soonest due first (one query)."""
    return list(
        condition_list(user=user).filter(response__plan__organisation=organisation, status=ConditionStatus.OPEN)
    )


# --- Submissions ----------------------------------------------------------------------------


def submission_list(*, user) -> QuerySet[RequiredSubmission]:
    return access.restrict(
        RequiredSubmission.objects.select_related("case", "case__organisation", "case__domain", "attachment"), user
    ).order_by("due_on", "kind", "pk")


def submission_get(*, user, pk) -> RequiredSubmission:
    try:
        return submission_list(user=user).get(pk=pk)
    except (RequiredSubmission.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such submission, or it is not yours to see.") from error


@dataclass
class SubmissionRow:
    submission: RequiredSubmission
    state: str  # plans.rules.submission_state


def organisation_submissions(
    *, user, organisation: Organisation, today: date, history_days: int = 183
) -> list[SubmissionRow]:
    """The organisation's required submissions still relevant: all those due or overdue, and
    those received or no longer required within ``history_days``, soonest due first."""
    since = today - timedelta(days=history_days)
    queryset = submission_list(user=user).filter(case__organisation=organisation)
    queryset = queryset.filter(Q(status=SubmissionStatus.DUE) | Q(due_on__gte=since))
    return [
        SubmissionRow(s, rules.submission_state(status=s.status, due_on=s.due_on, today=today))
        for s in queryset.exclude(status=SubmissionStatus.CANCELLED, due_on__lt=since)
    ]


# --- Break-even -----------------------------------------------------------------------------


def break_even(organisation: Organisation, *, on: date) -> rules.BreakEven:
    """The break-even duty over a rolling three years (``plans.rules.break_even``) from the
    organisation's released F-BREAKEVEN values: each month's latest released revision only, as
    ``reporting`` reads released numbers (one query)."""
    values = (
        PackValue.objects.filter(
            measure__code=BREAK_EVEN_MEASURE,
            value__isnull=False,
            pack__organisation=organisation,
            pack__in=Pack.objects.latest_released().values("pk"),
        )
        .values_list("pack__period", "value")
        .order_by("pack__period")
    )
    return rules.break_even([(period, float(value)) for period, value in values], on=on)


# --- Ministerial priorities -----------------------------------------------------------------

VARIATION_SIGNAL = {
    spc.VariationIcon.IMPROVING_HIGH: "improving",
    spc.VariationIcon.IMPROVING_LOW: "improving",
    spc.VariationIcon.CONCERNING_HIGH: "concerning",
    spc.VariationIcon.CONCERNING_LOW: "concerning",
    spc.VariationIcon.NEITHER_HIGH: "neither",
    spc.VariationIcon.NEITHER_LOW: "neither",
    spc.VariationIcon.COMMON_CAUSE: "common",
}


@dataclass
class MeasureProgress:
    measure: Measure
    period: date | None = None
    value: float | None = None
    result: spc.SpcResult | None = None
    target: spc.Status | None = None

    @property
    def display(self) -> str:
        return page_selectors.display_value(self.value, self.measure.unit)

    @property
    def variation_label(self) -> str:
        icon = self.result.variation_icon if self.result else None
        return str(page_selectors.VARIATION_LABELS[icon]) if icon else ""

    @property
    def target_label(self) -> str:
        return str(page_selectors.STATUS_LABELS[self.target]) if self.target else ""

    @property
    def state(self) -> rules.MeasureState:
        icon = self.result.variation_icon if self.result else None
        return rules.MeasureState(
            has_value=self.value is not None,
            target=str(self.target) if self.target else None,
            variation=VARIATION_SIGNAL.get(icon) if icon else None,
        )


@dataclass
class PriorityProgress:
    priority: MinisterialPriority
    measures: list[MeasureProgress] = field(default_factory=list)

    @property
    def status(self) -> str:
        return rules.priority_progress(m.state for m in self.measures)


def priorities_progress(organisation: Organisation, *, cycle: PlanningCycle | None) -> list[PriorityProgress]:
    """Each priority of ``cycle`` with the organisation's progress: for every linked measure that
    applies to it, the latest released value, its status against the target and its SPC
    variation, computed as the measure pages compute them (``reporting.analytics.chart``), in
    four queries however many priorities, measures and months."""
    if cycle is None:
        return []
    priorities = list(
        MinisterialPriority.objects.filter(cycle=cycle)
        .prefetch_related(Prefetch("links", queryset=PriorityMeasure.objects.select_related("measure")))
        .order_by("order", "code")
    )
    measures = {link.measure_id: link.measure for p in priorities for link in p.links.all()}
    points: dict[int, list[tuple[date, float]]] = defaultdict(list)
    change_points = []
    if measures:
        rows = (
            PackValue.objects.filter(
                measure_id__in=list(measures),
                value__isnull=False,
                pack__organisation=organisation,
                pack__in=Pack.objects.latest_released().values("pk"),
            )
            .values_list("measure_id", "pack__period", "value")
            .order_by("measure_id", "pack__period")
        )
        for measure_id, period, value in rows:
            points[measure_id].append((period, float(value)))
        change_points = list(
            ChangePoint.objects.filter(measure_id__in=list(measures)).filter(
                Q(organisation__isnull=True) | Q(organisation=organisation)
            )
        )
    found: dict[int, MeasureProgress] = {}
    for measure_id, measure in measures.items():
        series_points = points.get(measure_id)
        if not series_points:
            found[measure_id] = MeasureProgress(measure=measure)
            continue
        series = analytics.Series(
            organisation_id=organisation.pk,
            measure=measure,
            periods=tuple(p for p, _v in series_points),
            values=tuple(v for _p, v in series_points),
        )
        found[measure_id] = MeasureProgress(
            measure=measure,
            period=series.periods[-1],
            value=series.values[-1],
            result=analytics.chart(series, change_points=change_points),
            target=page_selectors.target_status(measure, series.values[-1]),
        )
    progress = []
    for priority in priorities:
        linked = [
            found[link.measure_id]
            for link in priority.links.all()
            if page_selectors.applies(link.measure, organisation) or found[link.measure_id].value is not None
        ]
        progress.append(PriorityProgress(priority=priority, measures=linked))
    return progress
