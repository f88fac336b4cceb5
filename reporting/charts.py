"""The SPC chart (an XmR chart, as NHS England's "Making Data Count" draws it), as SVG.

One function draws it for every page and document (the measure page, the pack page, the pack
PDF), from an ``spc.SpcResult`` and the series it was computed from, so they always show the
same picture. It uses ``oversight.charts``' figure and SVG conventions: a title and a
description for assistive technology, text kept as text, the same bytes for the same data.
The chart is a picture of a table the page shows beside it (``page_selectors.chart_rows``).

What it shows: the values joined by a line; each segment's mean (solid) and process limits
(dashed), restarting where the limits were recalculated (a rebase, marked by a vertical line);
special-cause points marked by colour *and* shape (improvement: blue square; concern: orange
diamond; neither: purple cross; common cause: small grey circle), each with a dark outline so
it stands out on white; a provisional (unreleased) last point drawn hollow; and the target as
a red dash-dot line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oversight import charts

from . import spc
from .analytics import Series
from .choices import Unit
from .page_selectors import display_value, is_provisional

VALUE_COLOUR = "#505a5f"
CENTRE_COLOUR = "#0b0c0c"
LIMIT_COLOUR = "#505a5f"
TARGET_COLOUR = "#d4351c"
REBASE_COLOUR = "#6f777b"
OUTLINE = "#0b0c0c"

# point type → (marker, colour, size, legend label); shapes differ so colour is never alone.
MARKERS = {
    spc.PointType.IMPROVEMENT: ("s", "#1d70b8", 8),
    spc.PointType.CONCERN: ("D", "#f47738", 8),
    spc.PointType.NEITHER_HIGH: ("X", "#4c2c92", 9),
    spc.PointType.NEITHER_LOW: ("X", "#4c2c92", 9),
}


def _marker_labels() -> dict[spc.PointType, str]:
    neither = _("Special cause: neither improving nor concerning")
    return {
        spc.PointType.IMPROVEMENT: _("Special cause: improvement"),
        spc.PointType.CONCERN: _("Special cause: concern"),
        spc.PointType.NEITHER_HIGH: neither,
        spc.PointType.NEITHER_LOW: neither,
    }


def _month(day: date) -> str:
    return date_format(day, "F Y")


def spc_chart(
    result: spc.SpcResult,
    series: Series,
    *,
    title: str,
    target: float | None = None,
    y_label: str = "",
    description: str | None = None,
) -> str:
    """The XmR chart of ``series`` as judged by ``result`` (from ``analytics.chart`` or
    ``page_selectors.pack_spc``), as inline SVG. With too few points it shows the values and
    the target only: no mean, limits or signals are guessed. An empty series draws nothing ("")."""
    if not series.values:
        return ""
    periods, values = list(series.periods), list(series.values)
    figure = charts.new_figure(height=4.0)
    axes = figure.add_subplot()
    axes.plot(periods, values, color=VALUE_COLOUR, linewidth=1.5, marker="o", markersize=3.5, label=_("Value"))

    if result.sufficient:
        _draw_limits(axes, result, periods)
        labels = _marker_labels()
        shown: set[str] = set()
        for point_type, (marker, colour, size) in MARKERS.items():
            chosen = [p for p in result.points if p.point_type == point_type]
            if not chosen:
                continue
            label = labels[point_type]
            axes.plot(
                [periods[p.index] for p in chosen],
                [p.value for p in chosen],
                linestyle="none",
                marker=marker,
                markersize=size,
                markerfacecolor=colour,
                markeredgecolor=OUTLINE,
                markeredgewidth=0.8,
                color=colour,
                label=None if label in shown else label,
                zorder=3,
            )
            shown.add(label)
    if is_provisional(result):
        axes.plot(
            [periods[-1]],
            [values[-1]],
            linestyle="none",
            marker="o",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor=OUTLINE,
            markeredgewidth=1.5,
            label=_("Provisional: not yet released"),
            zorder=4,
        )
    if target is not None:
        _draw_target(
            axes, target, label=_("Target (%(value)s)") % {"value": display_value(target, series.measure.unit)}
        )
    axes.grid(axis="y", color=charts.GRID, linewidth=0.5)
    if y_label:
        axes.set_ylabel(y_label)
    charts.date_axis(axes)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return charts.figure_svg(
        figure, title=title, description=description or spc_description(result, series, target=target)
    )


def _draw_target(axes, target: float, *, label: str) -> None:
    """The target as a line; or, when it lies so far from the values that drawing it would
    flatten them (e.g. a target of zero 12-hour waits beside 1,500 a month), named in the
    legend with where it lies, so the variation stays readable."""
    low, high = axes.get_ylim()
    span = high - low
    if low - span <= target <= high + span:
        axes.axhline(target, color=TARGET_COLOUR, linestyle="-.", linewidth=1.5, label=label)
        return
    where = _("below the chart") if target < low else _("above the chart")
    axes.plot([], [], color=TARGET_COLOUR, linestyle="-.", linewidth=1.5, label=f"{label}: {where}")


def _draw_limits(axes, result: spc.SpcResult, periods: Sequence[date]) -> None:
    for number, segment in enumerate(result.segments):
        span = [periods[segment.start], periods[segment.end - 1]]
        limits = segment.limits
        first = number == 0
        axes.plot(span, [limits.mean] * 2, color=CENTRE_COLOUR, linewidth=1.2, label=_("Mean") if first else None)
        axes.plot(
            span,
            [limits.upper] * 2,
            color=LIMIT_COLOUR,
            linewidth=1.2,
            linestyle="--",
            label=_("Process limits") if first else None,
        )
        axes.plot(span, [limits.lower] * 2, color=LIMIT_COLOUR, linewidth=1.2, linestyle="--")
        if not first:
            axes.axvline(
                periods[segment.start],
                color=REBASE_COLOUR,
                linestyle=":",
                linewidth=1.5,
                label=_("Limits recalculated") if number == 1 else None,
            )


def spc_description(result: spc.SpcResult, series: Series, *, target: float | None = None) -> str:
    """The chart in words, for its ``<desc>``: what it covers, the latest value, the mean and
    limits, how many points signal, and where to find every value."""
    unit = series.measure.unit
    limit_unit = Unit.COUNT if unit == Unit.YES_NO else unit  # a mean of yes/no values is a number
    parts = [
        _("%(count)s monthly values from %(first)s to %(last)s; the latest is %(value)s in %(month)s.")
        % {
            "count": len(series.values),
            "first": _month(series.periods[0]),
            "last": _month(series.periods[-1]),
            "value": display_value(series.values[-1], unit),
            "month": _month(series.periods[-1]),
        }
    ]
    if result.sufficient and result.latest_limits:
        limits = result.latest_limits
        parts.append(
            _("Mean %(mean)s; process limits %(lower)s to %(upper)s.")
            % {
                "mean": display_value(limits.mean, limit_unit),
                "lower": display_value(limits.lower, limit_unit),
                "upper": display_value(limits.upper, limit_unit),
            }
        )
        if len(result.segments) > 1:
            parts.append(_("The limits were recalculated %(count)s times.") % {"count": len(result.segments) - 1})
        improving = sum(1 for p in result.points if p.point_type == spc.PointType.IMPROVEMENT)
        concerning = sum(1 for p in result.points if p.point_type == spc.PointType.CONCERN)
        neither = sum(
            1 for p in result.points if p.point_type in (spc.PointType.NEITHER_HIGH, spc.PointType.NEITHER_LOW)
        )
        parts.append(
            _(
                "%(improving)s points show special cause improvement, %(concerning)s special cause concern "
                "and %(neither)s special cause neither improving nor concerning."
            )
            % {"improving": improving, "concerning": concerning, "neither": neither}
        )
    else:
        parts.append(_("Too few points to calculate process limits, so none are drawn."))
    if target is not None:
        parts.append(_("The target is %(target)s.") % {"target": display_value(target, unit)})
    if is_provisional(result):
        parts.append(_("The last point is provisional: it has not been released."))
    parts.append(_("The table with the chart gives every value, the mean, the limits and any signal."))
    return " ".join(parts)


def daily_chart(
    lines: Sequence[charts.Series],
    *,
    title: str,
    description: str,
    first_day: date,
    last_day: date,
    y_label: str = "",
    target: float | None = None,
    target_label: str = "",
) -> str:
    """Daily values over a short window (two or four weeks), one line per organisation, the
    x axis fitted to the window. Days without a value leave a gap."""
    from matplotlib.dates import DayLocator, num2date
    from matplotlib.ticker import FuncFormatter

    figure = charts.new_figure(height=3.4)
    axes = figure.add_subplot()
    for index, line in enumerate(lines):
        days = [day for day, _value in line.points]
        values = [float("nan") if value is None else value for _day, value in line.points]
        axes.plot(
            days,
            values,
            marker=DAILY_MARKERS[index % len(DAILY_MARKERS)],
            markersize=3.5,
            linewidth=1.5,
            label=line.label,
            color=charts.COLOURS[index % len(charts.COLOURS)],
        )
    if target is not None:
        axes.axhline(target, color=TARGET_COLOUR, linestyle="-.", linewidth=1.5, label=target_label or _("Target"))
    axes.set_xlim(first_day - timedelta(hours=12), last_day + timedelta(hours=12))
    span = (last_day - first_day).days
    axes.xaxis.set_major_locator(DayLocator(interval=7 if span > 14 else 2))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: date_format(num2date(x).date(), "j M")))
    axes.grid(axis="y", color=charts.GRID, linewidth=0.5)
    if y_label:
        axes.set_ylabel(y_label)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return charts.figure_svg(figure, title=title, description=description)


# Each organisation's line has its own marker as well as its own colour.
DAILY_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*", "h"]
