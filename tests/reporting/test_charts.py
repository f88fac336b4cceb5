"""The SPC chart keeps the variation readable when the target is far from the values."""

from datetime import date

from reporting import analytics, spc
from reporting.charts import spc_chart
from reporting.models import Measure


def _series(values):
    periods = tuple(date(2024 + (m // 12), m % 12 + 1, 1) for m in range(len(values)))
    measure = Measure(code="UEC-ED12H", name="12-hour waits", unit="count", direction="lower")
    return analytics.Series(organisation_id=1, measure=measure, periods=periods, values=tuple(values))


def _chart(values, target):
    series = _series(values)
    result = spc.spc(series.values, direction=spc.Direction.LOWER_IS_BETTER, dates=series.periods, target=target)
    return spc_chart(result, series, title="12-hour waits", target=target)


VALUES = [1200 + (37 * n) % 150 for n in range(24)]


def test_a_target_far_below_the_values_is_named_not_drawn_across_the_chart():
    svg = _chart(VALUES, target=0)
    assert "Target (0): below the chart" in svg


def test_a_target_near_the_values_is_drawn_as_a_line():
    svg = _chart(VALUES, target=1250)
    assert "Target (1,250)" in svg or "Target (1250)" in svg
    assert "below the chart" not in svg and "above the chart" not in svg
