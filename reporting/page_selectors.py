"""The data behind the measure pages, the pillar and system dashboards, and the SPC shown on a
pack's page.

Only released numbers are read (the latest released revision of each pack, through
``Pack.objects.latest_released``), so every signed-in user sees the same figures; released
is not public, so the views ask for a signed-in user. The one exception is ``pack_spc`` for
an unreleased pack: its page is seen only by those who may see the pack, and its own values
are added to the released history as a provisional last point (see there).

Every function runs a fixed number of queries however many organisations, measures and
months there are; the SPC itself is ``reporting.analytics.chart`` (``reporting.spc``) over
each series, so every page and document computes it the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access

from . import analytics, rules, spc
from .choices import Direction, Frequency, Pillar, Unit
from .models import ChangePoint, DailyValue, Measure, Pack, PackValue

# In ``SpcResult.notes`` of a ``pack_spc`` result whose last point is the pack's own value,
# not yet released.
PROVISIONAL = "provisional: the last point is the pack's own value, not yet released"

DAILY_WINDOWS = (14, 28)

VARIATION_LABELS = {
    spc.VariationIcon.COMMON_CAUSE: gettext_lazy("Common cause variation"),
    spc.VariationIcon.IMPROVING_HIGH: gettext_lazy("Special cause: improving, high values"),
    spc.VariationIcon.IMPROVING_LOW: gettext_lazy("Special cause: improving, low values"),
    spc.VariationIcon.CONCERNING_HIGH: gettext_lazy("Special cause: concerning, high values"),
    spc.VariationIcon.CONCERNING_LOW: gettext_lazy("Special cause: concerning, low values"),
    spc.VariationIcon.NEITHER_HIGH: gettext_lazy("Special cause: neither improving nor concerning, high values"),
    spc.VariationIcon.NEITHER_LOW: gettext_lazy("Special cause: neither improving nor concerning, low values"),
}
ASSURANCE_LABELS = {
    spc.AssuranceIcon.CONSISTENTLY_PASSING: gettext_lazy("Consistently passing the target"),
    spc.AssuranceIcon.CONSISTENTLY_FAILING: gettext_lazy("Consistently failing the target"),
    spc.AssuranceIcon.HIT_AND_MISS: gettext_lazy("Hit and miss: the target lies within the process limits"),
}
POINT_LABELS = {
    spc.PointType.COMMON_CAUSE: gettext_lazy("Common cause"),
    spc.PointType.IMPROVEMENT: gettext_lazy("Special cause: improvement"),
    spc.PointType.CONCERN: gettext_lazy("Special cause: concern"),
    spc.PointType.NEITHER_HIGH: gettext_lazy("Special cause: neither (high)"),
    spc.PointType.NEITHER_LOW: gettext_lazy("Special cause: neither (low)"),
}
STATUS_LABELS = {
    spc.Status.MET: gettext_lazy("Met"),
    spc.Status.WITHIN_TOLERANCE: gettext_lazy("Within tolerance"),
    spc.Status.MISSED: gettext_lazy("Missed"),
}


def _test_label(test: spc.SpecialCause) -> str:
    r = spc.DEFAULT_RULES
    return {
        spc.SpecialCause.BEYOND_LIMITS: _("outside the process limits"),
        spc.SpecialCause.TREND: _("%(n)s points in a row rising or falling") % {"n": r.trend_length},
        spc.SpecialCause.TWO_OF_THREE: _("%(k)s of %(n)s points near a process limit")
        % {"k": r.near_limit_count, "n": r.near_limit_window},
        spc.SpecialCause.SHIFT: _("%(n)s points in a row on one side of the mean") % {"n": r.shift_length},
    }[test]


# --- Shared pieces ----------------------------------------------------------------------------


def level_holding_organisations() -> list[Organisation]:
    """The statutory NHS organisations that hold escalation levels and return packs, by name
    (one query)."""
    return list(Organisation.objects.filter(statutory=True, active=True, kind__in=LEVEL_HOLDING_KINDS).order_by("name"))


def applies(measure: Measure, organisation: Organisation) -> bool:
    return rules.measure_applies(applies_to=measure.applies_to, kind=organisation.kind, code=organisation.code)


def display_value(value: float | None, unit: str) -> str:
    """A value as people read it: at most two decimal places, thousands grouped, the unit's
    sign ("72.5%", "£-3.2m", "Yes")."""
    if value is None:
        return "–"
    if unit == Unit.YES_NO:
        return _("Yes") if value >= 0.5 else _("No")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.GBP_MILLIONS:
        return f"-£{text[1:]}m" if text.startswith("-") else f"£{text}m"
    return text


def target_of(measure: Measure) -> float | None:
    return float(measure.national_target) if measure.national_target is not None else None


def target_status(measure: Measure, value: float | None) -> spc.Status | None:
    """Met or missed against the national target; None without a value, a target or a
    direction (a context-only measure)."""
    target = target_of(measure)
    if value is None or target is None or measure.direction == Direction.NONE:
        return None
    status = spc.value_status(value, target=target, direction=measure.spc_direction)
    return getattr(status, "target", None)


def is_provisional(result: spc.SpcResult | None) -> bool:
    """Is the last point of this (``pack_spc``) result an unreleased value?"""
    return result is not None and PROVISIONAL in result.notes


def _released_values(
    measure_ids: Iterable[int] | None = None, *, organisation_id: int | None = None, before: date | None = None
):
    """(measure id, organisation id, month, value) of the released numbers, oldest first, in
    one query: each pack's latest released revision only, values recorded as missing left out;
    for the given measures (default: every measure a pack holds), one organisation and the
    months before ``before`` if asked."""
    queryset = PackValue.objects.filter(
        value__isnull=False, pack__in=Pack.objects.latest_released().values("pk")
    ).exclude(measure__frequency=Frequency.DAILY)
    if measure_ids is not None:
        queryset = queryset.filter(measure_id__in=list(measure_ids))
    if organisation_id is not None:
        queryset = queryset.filter(pack__organisation_id=organisation_id)
    if before is not None:
        queryset = queryset.filter(pack__period__lt=before)
    return queryset.values_list("measure_id", "pack__organisation_id", "pack__period", "value").order_by(
        "measure_id", "pack__organisation_id", "pack__period"
    )


def _series_by_measure_and_organisation(measures: Sequence[Measure], rows) -> dict[tuple[int, int], analytics.Series]:
    by_id = {m.pk: m for m in measures}
    points: dict[tuple[int, int], list[tuple[date, float]]] = defaultdict(list)
    for measure_id, organisation_id, period, value in rows:
        points[(measure_id, organisation_id)].append((period, float(value)))
    return {
        key: analytics.Series(
            organisation_id=key[1],
            measure=by_id[key[0]],
            periods=tuple(p for p, _v in found),
            values=tuple(v for _p, v in found),
        )
        for key, found in points.items()
    }


# --- The SPC chart's data table ---------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    """One point of an SPC chart, as the table beside the chart shows it."""

    period: date
    value: float
    display: str
    mean: float | None
    lower: float | None
    upper: float | None
    point_type: str
    signal: str
    rebased: bool = False
    provisional: bool = False

    @property
    def mean_display(self) -> str:
        return _round(self.mean)

    @property
    def lower_display(self) -> str:
        return _round(self.lower)

    @property
    def upper_display(self) -> str:
        return _round(self.upper)


def _round(value: float | None) -> str:
    return "–" if value is None else display_value(value, Unit.COUNT)


def chart_rows(result: spc.SpcResult, series: analytics.Series) -> list[ChartRow]:
    """Period, value, mean, process limits and signal of every point, oldest first. With too
    few points there are no limits and no signals, only the values."""
    unit = series.measure.unit
    provisional = is_provisional(result)
    rows = []
    last = len(series.values) - 1
    if not result.sufficient:
        for index, (period, value) in enumerate(zip(series.periods, series.values, strict=True)):
            rows.append(
                ChartRow(
                    period=period,
                    value=value,
                    display=display_value(value, unit),
                    mean=None,
                    lower=None,
                    upper=None,
                    point_type="",
                    signal="",
                    provisional=provisional and index == last,
                )
            )
        return rows
    starts = {segment.start for segment in result.segments[1:]}
    for point in result.points:
        limits = result.segments[point.segment].limits
        signal = str(POINT_LABELS[point.point_type])
        if point.signals:
            tests = ", ".join(dict.fromkeys(_test_label(s.test) for s in point.signals))
            signal = f"{signal} ({tests})"
        rows.append(
            ChartRow(
                period=series.periods[point.index],
                value=point.value,
                display=display_value(point.value, unit),
                mean=limits.mean,
                lower=limits.lower,
                upper=limits.upper,
                point_type=str(point.point_type),
                signal=signal,
                rebased=point.index in starts,
                provisional=provisional and point.index == last,
            )
        )
    return rows


# --- The measure page: every organisation's latest released value ---------------------------


@dataclass
class ComparisonRow:
    organisation: Organisation
    applies: bool
    series: analytics.Series | None
    result: spc.SpcResult | None
    rank: int | None = None
    tied: bool = False
    status: spc.Status | None = None

    @property
    def period(self) -> date | None:
        return self.series.periods[-1] if self.series else None

    @property
    def value(self) -> float | None:
        return self.series.values[-1] if self.series else None

    @property
    def display(self) -> str:
        return display_value(self.value, self.series.measure.unit) if self.series else "–"

    @property
    def points(self) -> int:
        return len(self.series.values) if self.series else 0

    # For exports.
    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else ""

    @property
    def variation_label(self) -> str:
        icon = self.result.variation_icon if self.result else None
        return str(VARIATION_LABELS[icon]) if icon else ""

    @property
    def assurance_label(self) -> str:
        icon = self.result.assurance_icon if self.result else None
        return str(ASSURANCE_LABELS[icon]) if icon else ""

    @property
    def spc_reason(self) -> str:
        return self.result.reason if self.result and not self.result.sufficient else ""


@dataclass
class Comparison:
    measure: Measure
    rows: list[ComparisonRow]
    latest_period: date | None
    ranked: bool

    def row_for(self, code: str) -> ComparisonRow | None:
        return next((row for row in self.rows if row.organisation.code == code), None)


def competition_ranks(values: Sequence[float], *, higher_is_better: bool) -> list[tuple[int, bool]]:
    """(rank, tied) for each value, 1 best: standard competition ranking ("1, 2, 2, 4"), so
    equal values share a rank and the next rank is skipped."""
    ranks = []
    for value in values:
        better = sum(1 for other in values if (other > value if higher_is_better else other < value))
        ranks.append((better + 1, sum(1 for other in values if other == value) > 1))
    return ranks


def measure_comparison(measure: Measure) -> Comparison:
    """Every level-holding organisation's latest released value of ``measure`` with its
    status against the target, its SPC (variation and assurance) and its rank, in four
    queries.

    Ranks follow the measure's direction (1 is best) and use standard competition ranking for
    ties. Only organisations whose latest released month is the latest month any organisation
    has released are ranked, so that a rank never compares different months; context-only
    measures are not ranked at all. Organisations the measure does not apply to are listed only
    if they have released values for it.
    """
    organisations = level_holding_organisations()
    change_points = list(ChangePoint.objects.filter(measure=measure))
    series = analytics.released_series(measure, organisation_ids=[o.pk for o in organisations])
    rows = []
    for organisation in organisations:
        found = series.get(organisation.pk)
        relevant = applies(measure, organisation)
        if found is None and not relevant:
            continue
        result = analytics.chart(found, change_points=change_points) if found else None
        rows.append(
            ComparisonRow(
                organisation=organisation,
                applies=relevant,
                series=found,
                result=result,
                status=target_status(measure, found.values[-1]) if found else None,
            )
        )
    latest = max((row.period for row in rows if row.period), default=None)
    ranked = measure.direction != Direction.NONE and latest is not None
    if ranked:
        contenders = [row for row in rows if row.period == latest]
        ranks = competition_ranks([row.value for row in contenders], higher_is_better=measure.direction == "higher")
        for row, (rank, tied) in zip(contenders, ranks, strict=True):
            row.rank, row.tied = rank, tied
    return Comparison(measure=measure, rows=rows, latest_period=latest, ranked=ranked)


# --- The pillar dashboard ---------------------------------------------------------------------


@dataclass
class MatrixCell:
    organisation: Organisation
    applies: bool
    series: analytics.Series | None
    result: spc.SpcResult | None
    status: spc.Status | None

    @property
    def period(self) -> date | None:
        return self.series.periods[-1] if self.series else None

    @property
    def value(self) -> float | None:
        return self.series.values[-1] if self.series else None

    @property
    def display(self) -> str:
        return display_value(self.value, self.series.measure.unit) if self.series else "–"


@dataclass
class MatrixRow:
    measure: Measure
    cells: list[MatrixCell]


@dataclass
class PillarMatrix:
    pillar: str
    organisations: list[Organisation]
    rows: list[MatrixRow]
    latest_period: date | None = None

    @property
    def export_rows(self) -> list[tuple[Measure, MatrixCell]]:
        return [(row.measure, cell) for row in self.rows for cell in row.cells if cell.series or cell.applies]


def pillar_matrix(pillar: str, *, on: date) -> PillarMatrix:
    """For every level-holding organisation and every monthly measure of ``pillar`` in force
    on ``on``: the latest released value, its status against the target and its SPC, in four
    queries."""
    pillar = Pillar(pillar)
    measures = list(
        Measure.objects.in_force(on).filter(pillar=pillar, frequency=Frequency.MONTHLY).order_by("order", "code")
    )
    organisations = level_holding_organisations()
    ids = {o.pk for o in organisations}
    change_points = list(ChangePoint.objects.filter(measure__in=measures)) if measures else []
    rows_found = _released_values([m.pk for m in measures]) if measures else []
    series = {k: v for k, v in _series_by_measure_and_organisation(measures, rows_found).items() if k[1] in ids}
    rows = []
    for measure in measures:
        points = [c for c in change_points if c.measure_id == measure.pk]
        cells = []
        for organisation in organisations:
            found = series.get((measure.pk, organisation.pk))
            cells.append(
                MatrixCell(
                    organisation=organisation,
                    applies=applies(measure, organisation),
                    series=found,
                    result=analytics.chart(found, change_points=points) if found else None,
                    status=target_status(measure, found.values[-1]) if found else None,
                )
            )
        rows.append(MatrixRow(measure=measure, cells=cells))
    # Only the organisations some measure of the pillar applies to, or that have released values.
    shown = [i for i, _o in enumerate(organisations) if any(r.cells[i].applies or r.cells[i].series for r in rows)]
    for row in rows:
        row.cells = [row.cells[i] for i in shown]
    latest = max((s.periods[-1] for s in series.values()), default=None)
    return PillarMatrix(pillar=pillar, organisations=[organisations[i] for i in shown], rows=rows, latest_period=latest)


# --- The daily system dashboard ---------------------------------------------------------------


@dataclass
class DailyCell:
    day: date | None
    value: float | None
    display: str
    status: spc.Status | None


@dataclass
class DailyOrganisationRow:
    organisation: Organisation
    latest: list[DailyCell]  # one per measure, in the dashboard's measure order


@dataclass
class DailyMeasure:
    measure: Measure
    organisations: list[Organisation]  # those with a value in the window
    days: list[date]  # every day of the window, oldest first
    table: list[tuple[date, list[str]]]  # (day, displayed value per organisation)
    points: dict[int, list[tuple[date, float | None]]]  # organisation id → (day, value)


@dataclass
class DailyDashboard:
    latest_day: date | None
    days: int
    first_day: date | None
    measures: list[Measure]
    organisations: list[DailyOrganisationRow] = field(default_factory=list)
    charts: list[DailyMeasure] = field(default_factory=list)
    values: list[DailyValue] = field(default_factory=list)  # the window's values, for exports

    @property
    def empty(self) -> bool:
        return self.latest_day is None


def daily_dashboard(user, *, days: int = 28) -> DailyDashboard:
    """The daily system reporting: for each daily measure, every organisation's latest day in
    the ``days`` days up to the latest day anyone reported, and each day's value in that
    window, in three queries. Organisations without a value in the window are left out."""
    measures = list(Measure.objects.filter(frequency=Frequency.DAILY).order_by("order", "code"))
    visible = access.restrict_daily_values(DailyValue.objects.all(), user)
    latest_day = visible.filter(measure__frequency=Frequency.DAILY).aggregate(latest=Max("day"))["latest"]
    if latest_day is None or not measures:
        return DailyDashboard(latest_day=None, days=days, first_day=None, measures=measures)
    first_day = latest_day - timedelta(days=days - 1)
    values = list(
        visible.filter(measure__in=measures, day__gte=first_day, day__lte=latest_day)
        .select_related("organisation", "measure")
        .order_by("organisation__name", "measure__order", "measure__code", "day")
    )
    organisations = {value.organisation_id: value.organisation for value in values}
    by: dict[tuple[int, int], dict[date, float]] = defaultdict(dict)
    for value in values:
        by[(value.measure_id, value.organisation_id)][value.day] = float(value.value)
    reporting = sorted(organisations, key=lambda pk: organisations[pk].name)  # those with a value
    window = [first_day + timedelta(days=n) for n in range(days)]
    dashboard = DailyDashboard(latest_day=latest_day, days=days, first_day=first_day, measures=measures, values=values)
    for pk in reporting:
        cells = []
        for measure in measures:
            found = by.get((measure.pk, pk), {})
            day = max(found, default=None)
            value = found[day] if day else None
            cells.append(
                DailyCell(
                    day=day,
                    value=value,
                    display=display_value(value, measure.unit),
                    status=target_status(measure, value),
                )
            )
        dashboard.organisations.append(DailyOrganisationRow(organisation=organisations[pk], latest=cells))
    for measure in measures:
        present = [pk for pk in reporting if (measure.pk, pk) in by]
        if not present:
            continue
        dashboard.charts.append(
            DailyMeasure(
                measure=measure,
                organisations=[organisations[pk] for pk in present],
                days=window,
                table=[
                    (day, [display_value(by[(measure.pk, pk)].get(day), measure.unit) for pk in present])
                    for day in window
                ],
                points={pk: [(day, by[(measure.pk, pk)].get(day)) for day in window] for pk in present},
            )
        )
    return dashboard


# --- The pack page ----------------------------------------------------------------------------


def pack_spc(pack: Pack) -> dict[int, spc.SpcResult]:
    """measure id → the SPC result for the pack's organisation up to and including the pack's
    month, in four queries however many measures and months.

    The months before the pack's are the released numbers (each month's latest released
    revision). The pack's own month is the pack's own values, whatever its revision: for a
    released pack these are released numbers; for a pack not yet released (or a correction
    being prepared) they are added as a provisional last point and ``PROVISIONAL`` is put in
    the result's ``notes`` (test with ``is_provisional(result)``). The provisional point is
    treated like any other, so the limits and the variation icon include it: the page shows
    what the SPC would say if the pack were released as it stands. A measure with no value at
    all has no entry; a value recorded as missing adds no point; change points (rebases) apply
    as on the measure pages. The measure pages never call this: they show released numbers
    only.
    """
    return {measure_id: result for measure_id, (_series, result) in pack_spc_charts(pack).items()}


def pack_spc_charts(pack: Pack) -> dict[int, tuple[analytics.Series, spc.SpcResult]]:
    """``pack_spc`` with the series each result was computed from, for drawing the charts
    (``reporting.charts.spc_chart(result, series, ...)``), in the same four queries."""
    own = dict(pack.values.filter(value__isnull=False).values_list("measure_id", "value"))
    history = list(_history_values(pack))
    ids = set(own) | {measure_id for measure_id, _period, _value in history}
    if not ids:
        return {}
    measures = {m.pk: m for m in Measure.objects.filter(pk__in=ids).exclude(frequency=Frequency.DAILY)}
    change_points = list(
        ChangePoint.objects.filter(measure_id__in=ids).filter(
            Q(organisation__isnull=True) | Q(organisation_id=pack.organisation_id)
        )
    )
    points: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for measure_id, period, value in history:
        points[measure_id].append((period, float(value)))
    provisional = not pack.is_released
    charts = {}
    for measure_id, measure in measures.items():
        found = points.get(measure_id, [])
        if measure_id in own:
            found = [*found, (pack.period, float(own[measure_id]))]
        if not found:
            continue
        series = analytics.Series(
            organisation_id=pack.organisation_id,
            measure=measure,
            periods=tuple(p for p, _v in found),
            values=tuple(v for _p, v in found),
        )
        result = analytics.chart(series, change_points=[c for c in change_points if c.measure_id == measure_id])
        if provisional and measure_id in own:
            result = replace(result, notes=(*result.notes, PROVISIONAL))
        charts[measure_id] = (series, result)
    return charts


def _history_values(pack: Pack):
    """(measure id, month, value) of the organisation's released numbers before the pack's month."""
    return (
        (measure_id, period, value)
        for measure_id, _organisation_id, period, value in _released_values(
            organisation_id=pack.organisation_id, before=pack.period
        )
    )
