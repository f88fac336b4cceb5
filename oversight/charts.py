"""Charts drawn as SVG with Matplotlib, for pages and for PDFs alike.

Every chart is a picture of a table the page also shows, so the table stays the accessible
version: the SVG carries a title and a description for assistive technology, and its text
stays text (not outlines), so a PDF made from it can be searched and extracted. The output
is deterministic for the same data (no timestamps, fixed element ids), so documents built
from it are reproducible.

Matplotlib is imported on first use, through its object-oriented API (no pyplot and no
global figure state), so charts are safe to draw from several threads at once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape

# GOV.UK Frontend's palette, so charts sit with the rest of the page.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#912b88", "#85994b", "#505a5f"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH_INCHES, HEIGHT_INCHES = 9.0, 3.6


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, float | None]]


def _figure(height: float = HEIGHT_INCHES):
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text
            "svg.hashsalt": "oversight",  # stable ids
            "font.family": "sans-serif",
            "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans"],
            "font.size": 10,
            "axes.edgecolor": GRID,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
        }
    )
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_INCHES, height), layout="constrained")


def _svg(figure, *, title: str, description: str) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype inside HTML
    svg = re.sub(r'\swidth="[^"]*pt"\s+height="[^"]*pt"', ' width="100%"', svg, count=1)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{_id(title)}-title {_id(title)}-desc" class="app-chart" ',
        1,
    )
    head = (
        f'<title id="{_id(title)}-title">{escape(title)}</title>'
        f'<desc id="{_id(title)}-desc">{escape(description)}</desc>'
    )
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, svg, count=1)
    # No <style> element (the Content Security Policy refuses inline style sheets): matplotlib's
    # one rule, round line joins, becomes an attribute of the chart that its lines inherit.
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def _id(text: str) -> str:
    return "chart-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x")


def step_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    until: date,
    y_values: Sequence[int] = (1, 2, 3, 4, 5),
    y_label: str = "",
) -> str:
    """Levels over time as steps: each series holds (date a level took effect, level), in
    date order, and holds its last level until ``until``."""
    figure = _figure()
    axes = figure.add_subplot()
    for index, line in enumerate(series):
        points = [(day, value) for day, value in line.points if value is not None]
        if not points:
            continue
        days = [day for day, _ in points] + [max(until, points[-1][0])]
        values = [value for _, value in points] + [points[-1][1]]
        offset = (index - (len(series) - 1) / 2) * 0.06  # lines on the same level stay apart
        axes.step(
            days,
            [v + offset for v in values],
            where="post",
            label=line.label,
            color=COLOURS[index % len(COLOURS)],
            linewidth=2,
        )
    axes.set_yticks(list(y_values))
    axes.set_ylim(min(y_values) - 0.5, max(y_values) + 0.5)
    axes.grid(axis="y", color=GRID, linewidth=0.5)
    if y_label:
        axes.set_ylabel(y_label)
    _date_axis(axes)
    if series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return _svg(figure, title=title, description=description)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_values: Sequence[int] | None = None,
    y_label: str = "",
) -> str:
    """Values over time as lines with markers, joining the dates that have a value. Lines on
    the same values are drawn a hair apart so that none hides another."""
    figure = _figure()
    axes = figure.add_subplot()
    for index, line in enumerate(series):
        points = [(day, value) for day, value in line.points if value is not None]
        offset = (index - (len(series) - 1) / 2) * 0.05 if y_values is not None else 0
        axes.plot(
            [day for day, _ in points],
            [value + offset for _, value in points],
            marker="o",
            label=line.label,
            color=COLOURS[index % len(COLOURS)],
            linewidth=2,
        )
    if y_values is not None:
        axes.set_yticks(list(y_values))
        axes.set_ylim(min(y_values) - 0.5, max(y_values) + 0.5)
    axes.grid(axis="y", color=GRID, linewidth=0.5)
    if y_label:
        axes.set_ylabel(y_label)
    _date_axis(axes)
    if series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return _svg(figure, title=title, description=description)


def _date_axis(axes) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    low, high = axes.dataLim.intervalx
    if high - low < 60:  # a single date, or nearly: give it room either side (x is in days)
        axes.set_xlim(low - 45, high + 45)
    locator = AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def pad_until(last: date, today: date) -> date:
    """Where a timeline ends: today, or a little after the last change when that is later."""
    return max(today, last + timedelta(days=30))


# --- Building blocks for charts drawn elsewhere (e.g. ``reporting.charts``) ---------------------
# The same figure, SVG and date-axis conventions as the charts above, so that every chart in the
# service looks alike and carries its title and description.


def new_figure(height: float = HEIGHT_INCHES):
    """An empty Matplotlib figure with the service's fonts, colours and size."""
    return _figure(height)


def figure_svg(figure, *, title: str, description: str) -> str:
    """The figure as inline SVG with ``role="img"``, a ``<title>`` and a ``<desc>``."""
    return _svg(figure, title=title, description=description)


def date_axis(axes) -> None:
    """Concise date ticks on the x axis, with room either side of a single date."""
    _date_axis(axes)
