"""Analytics over released pack data: SPC for each organisation and measure, and the early
warnings ("no surprises") that raise concerns in escalation's triage queue.

Only released numbers are used (the latest released revision of each pack), so everyone
sees the same results [issue "Performance packs and analytics"; ARCHITECTURE "Released and
public"]. A warning raises a concern through escalation's own service with a ``source_key``
naming the organisation, the measure, the month the episode began and the signal, so running
the analytics again never raises the same concern twice [ARCHITECTURE "Concern
de-duplication"].
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.urls import NoReverseMatch, reverse

from escalation import services as escalation_services
from escalation.models import Domain
from organisations.models import Organisation

from . import rules, spc
from .choices import ESCALATION_DOMAIN_FOR_PILLAR, SPC_DIRECTION, Direction, Frequency
from .models import ChangePoint, Measure, PackValue, Trajectory

TRAJECTORY_MISSED_MONTHS = 3  # a trajectory missed this many released months running is a warning


@dataclass(frozen=True)
class Series:
    organisation_id: int
    measure: Measure
    periods: tuple[date, ...]
    values: tuple[float, ...]


@dataclass
class WarningReport:
    raised: list[str] = field(default_factory=list)
    already_raised: int = 0
    series: int = 0

    def __str__(self):
        return f"{len(self.raised)} concerns raised, {self.already_raised} already raised, {self.series} series read"


def released_series(measure: Measure, *, organisation_ids=None) -> dict[int, Series]:
    """Each organisation's released monthly values of a measure, oldest first, in one query:
    from each pack's latest released revision only."""
    from .models import Pack

    values = (
        PackValue.objects.filter(
            measure=measure, value__isnull=False, pack__in=Pack.objects.latest_released().values("pk")
        )
        .values_list("pack__organisation_id", "pack__period", "value")
        .order_by("pack__organisation_id", "pack__period")
    )
    if organisation_ids is not None:
        values = values.filter(pack__organisation_id__in=organisation_ids)
    by_organisation: dict[int, list] = defaultdict(list)
    for organisation_id, period, value in values:
        by_organisation[organisation_id].append((period, float(value)))
    return {
        organisation_id: Series(
            organisation_id=organisation_id,
            measure=measure,
            periods=tuple(p for p, _v in rows),
            values=tuple(v for _p, v in rows),
        )
        for organisation_id, rows in by_organisation.items()
    }


def chart(series: Series, *, change_points=()) -> spc.SpcResult:
    """The SPC result for a series, rebased at the recorded change dates that apply to it (its
    measure's, for its organisation or for every organisation). Where the latest of them froze
    its limits after N points, every segment's limits are frozen after N points."""
    changes = sorted(
        (
            c
            for c in change_points
            if c.measure_id == series.measure.pk and c.organisation_id in (None, series.organisation_id)
        ),
        key=lambda c: c.changed_on,
    )
    target = float(series.measure.national_target) if series.measure.national_target is not None else None
    return spc.spc(
        series.values,
        direction=SPC_DIRECTION[series.measure.direction],
        dates=series.periods,
        change_dates=sorted({c.changed_on for c in changes}),
        baseline_points=changes[-1].baseline_points if changes else None,
        target=target,
    )


def concerning_episode_start(series: Series, result: spc.SpcResult) -> tuple[date, spc.Signal] | None:
    """When the latest point is a concerning special cause: the month the unbroken run of
    concerning points leading to it began, and the latest point's first signal."""
    if not result.sufficient or not result.points or result.points[-1].point_type != spc.PointType.CONCERN:
        return None
    index = len(result.points) - 1
    while index > 0 and result.points[index - 1].point_type == spc.PointType.CONCERN:
        index -= 1
    return series.periods[index], result.points[-1].signals[0]


def early_warnings(*, today: date, missed_months: int = TRAJECTORY_MISSED_MONTHS) -> WarningReport:
    """Raise a concern for each concerning SPC signal on the latest released month, and for
    each trajectory missed ``missed_months`` released months running."""
    report = WarningReport()
    organisations = {o.pk: o for o in Organisation.objects.filter(statutory=True)}
    domains = {d.code: d for d in Domain.objects.filter(era__code="2026")}
    change_points = list(ChangePoint.objects.all())
    measures = Measure.objects.in_force(today).filter(frequency=Frequency.MONTHLY).exclude(direction=Direction.NONE)
    for measure in measures.order_by("code"):
        domain = domains.get(ESCALATION_DOMAIN_FOR_PILLAR.get(measure.pillar, ""))
        series_by_organisation = released_series(measure)
        trajectories = _trajectories(measure)
        for organisation_id, series in series_by_organisation.items():
            organisation = organisations.get(organisation_id)
            if organisation is None:
                continue
            report.series += 1
            result = chart(series, change_points=change_points)
            episode = concerning_episode_start(series, result)
            if episode is not None:
                began, signal = episode
                _raise(
                    report,
                    organisation=organisation,
                    domain=domain,
                    key=f"spc:{organisation.code}:{measure.code}:{began:%Y-%m}:{signal.test}",
                    title=f"{measure.name[:120]}: special cause of concern",
                    description=(
                        f"The released figures for {measure.name} show a special cause of concern "
                        f"({signal.test.replace('_', ' ')}, {signal.side}) since {began:%B %Y}, most recently "
                        f"{series.values[-1]:g} in {series.periods[-1]:%B %Y}. "
                        "Raised automatically from the SPC analysis of released packs."
                        + _chart_link(measure, organisation)
                    ),
                    today=today,
                )
            missed_since = trajectory_missed_since(series, trajectories.get(organisation_id, {}), missed_months)
            if missed_since is not None:
                _raise(
                    report,
                    organisation=organisation,
                    domain=domain,
                    key=f"trajectory:{organisation.code}:{measure.code}:{missed_since:%Y-%m}:missed",
                    title=f"{measure.name[:120]}: trajectory missed {missed_months} months running",
                    description=(
                        f"The agreed trajectory for {measure.name} has been missed in every released month "
                        f"since {missed_since:%B %Y}, {missed_months} or more months running."
                        + _chart_link(measure, organisation)
                    ),
                    today=today,
                )
    return report


def _trajectories(measure: Measure) -> dict[int, dict[date, Trajectory]]:
    found: dict[int, dict[date, Trajectory]] = defaultdict(dict)
    for trajectory in Trajectory.objects.filter(measure=measure):
        found[trajectory.organisation_id][trajectory.period] = trajectory
    return found


def trajectory_missed_since(series: Series, trajectories: dict, months: int) -> date | None:
    """``rules.trajectory_missed_since`` for a series and its organisation's trajectories
    ({month: Trajectory}, or anything with ``value`` and ``tolerance``)."""
    agreed = {period: (float(t.value), float(t.tolerance or 0)) for period, t in trajectories.items()}
    return rules.trajectory_missed_since(
        series.periods, series.values, agreed, direction=SPC_DIRECTION[series.measure.direction], months=months
    )


def _raise(report, *, organisation, domain, key, title, description, today) -> None:
    _concern, new = escalation_services.concern_raise_automated(
        organisation=organisation,
        source_key=key,
        title=title[:200],
        description=description,
        on=today,
        domain=domain,
        severity="high",
    )
    if new:
        report.raised.append(key)
    else:
        report.already_raised += 1


def _chart_link(measure: Measure, organisation: Organisation) -> str:
    try:
        path = reverse("reporting:measure-detail", args=[measure.code])
    except NoReverseMatch:  # the measure pages are not built yet
        return ""
    return f" Chart: {path}?organisation={organisation.code}"
