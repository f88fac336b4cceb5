"""The measure catalogue, each measure's page (its SPC chart for an organisation and the
comparison across organisations), the pillar dashboard and the daily system dashboard.

Released numbers only, for every signed-in user: released is not public, so anonymous users
are sent to sign in [ARCHITECTURE "Released and public"]. Every page can be downloaded as CSV
or Excel (``?export=csv|xlsx``) with the rows it shows.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight import charts as oversight_charts
from oversight.exports import FORMATS, Column, export_response
from oversight.views import OversightListView

from .. import page_selectors
from ..charts import daily_chart, spc_chart
from ..choices import Direction, Frequency, Pillar
from ..filters import MeasureFilter
from ..models import Measure
from ..page_selectors import STATUS_LABELS, VARIATION_LABELS


class MeasureListView(OversightListView):
    """The measure catalogue."""

    filterset_class = MeasureFilter
    template_name = "reporting/measure_list.html"
    export_filename = "measures"
    paginate_by = 50
    export_columns = [
        Column(gettext_lazy("Code"), "code"),
        Column(gettext_lazy("Name"), "display_name"),
        Column(gettext_lazy("Pillar"), "get_pillar_display"),
        Column(gettext_lazy("Area"), "area"),
        Column(gettext_lazy("Unit"), "get_unit_display"),
        Column(gettext_lazy("Better when"), "get_direction_display"),
        Column(gettext_lazy("Target, as stated"), "target_text"),
        Column(
            gettext_lazy("National target"),
            lambda m: float(m.national_target) if m.national_target is not None else None,
        ),
        Column(gettext_lazy("Collected"), "get_frequency_display"),
        Column(gettext_lazy("Published"), "get_published_frequency_display"),
        Column(gettext_lazy("Collected from"), "valid_from"),
        Column(gettext_lazy("Collected until"), "valid_to"),
        Column(gettext_lazy("Applies to"), "applies_to"),
    ]

    def get_queryset(self):
        return Measure.objects.order_by("order", "code")


COMPARISON_COLUMNS = [
    Column(gettext_lazy("Organisation code"), "organisation.code"),
    Column(gettext_lazy("Organisation"), "organisation.display_name"),
    Column(gettext_lazy("Month"), "period"),
    Column(gettext_lazy("Value"), "value"),
    Column(gettext_lazy("Rank"), "rank"),
    Column(gettext_lazy("Tied"), lambda row: row.tied if row.rank else None),
    Column(gettext_lazy("Against the target"), "status_label"),
    Column(gettext_lazy("Variation"), "variation_label"),
    Column(gettext_lazy("Assurance"), "assurance_label"),
    Column(gettext_lazy("Released months"), "points"),
    Column(gettext_lazy("Why there is no SPC"), "spc_reason"),
]


@login_required
def measure_detail(request, code):
    """A measure's definition and target; every organisation's latest released value, ranked;
    and, with ``?organisation=<code>``, that organisation's SPC chart with its data table."""
    measure = get_object_or_404(Measure.objects.select_related("variant_of"), code=code)
    comparison = page_selectors.measure_comparison(measure)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return export_response(
            rows=comparison.rows, columns=COMPARISON_COLUMNS, filename=f"measure-{measure.code}", fmt=fmt
        )
    selected_code = request.GET.get("organisation", "")
    selected = comparison.row_for(selected_code) if selected_code else None
    if selected_code and selected is None:
        raise Http404("No organisation with that code has this measure.")
    chart = rows = ""
    if selected is not None and selected.series is not None:
        chart = spc_chart(
            selected.result,
            selected.series,
            title=_("%(measure)s: %(organisation)s")
            % {"measure": measure.display_name, "organisation": selected.organisation.display_short_name},
            target=page_selectors.target_of(measure),
            y_label=measure.get_unit_display(),
        )
        rows = page_selectors.chart_rows(selected.result, selected.series)
    context = {
        "measure": measure,
        "comparison": comparison,
        "selected": selected,
        "chart": chart,
        "chart_rows": rows,
        "daily": measure.frequency == Frequency.DAILY,
    }
    return render(request, "reporting/measure_detail.html", context)


def _pillar_columns():
    return [
        Column(gettext_lazy("Measure code"), lambda pair: pair[0].code),
        Column(gettext_lazy("Measure"), lambda pair: pair[0].display_name),
        Column(gettext_lazy("Organisation code"), lambda pair: pair[1].organisation.code),
        Column(gettext_lazy("Organisation"), lambda pair: pair[1].organisation.display_name),
        Column(gettext_lazy("Month"), lambda pair: pair[1].period),
        Column(gettext_lazy("Value"), lambda pair: pair[1].value),
        Column(gettext_lazy("Against the target"), lambda pair: STATUS_LABELS.get(pair[1].status, "")),
        Column(
            gettext_lazy("Variation"),
            lambda pair: VARIATION_LABELS.get(pair[1].result.variation_icon, "") if pair[1].result else "",
        ),
        Column(gettext_lazy("Applies"), lambda pair: pair[1].applies),
    ]


@login_required
def pillar_dashboard(request):
    """One pillar's monthly measures for every organisation that holds a level: the latest
    released value, its status against the target and its SPC variation."""
    pillar = request.GET.get("pillar") or Pillar.values[0]
    if pillar not in Pillar.values:
        raise Http404("No such pillar.")
    matrix = page_selectors.pillar_matrix(pillar, on=timezone.localdate())
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return export_response(
            rows=matrix.export_rows, columns=_pillar_columns(), filename=f"dashboard-{pillar}", fmt=fmt
        )
    context = {
        "matrix": matrix,
        "pillar": pillar,
        "pillar_label": Pillar(pillar).label,
        "pillars": Pillar.choices,
    }
    return render(request, "reporting/dashboard.html", context)


DAILY_COLUMNS = [
    Column(gettext_lazy("Organisation code"), "organisation.code"),
    Column(gettext_lazy("Organisation"), "organisation.display_name"),
    Column(gettext_lazy("Measure code"), "measure.code"),
    Column(gettext_lazy("Measure"), "measure.display_name"),
    Column(gettext_lazy("Day"), "day"),
    Column(gettext_lazy("Value"), lambda v: float(v.value)),
]


@login_required
def system_dashboard(request):
    """Daily system reporting: every organisation's latest day and the last 14 or 28 days of
    each daily measure, as a chart across Wales with its table."""
    try:
        days = int(request.GET.get("days", page_selectors.DAILY_WINDOWS[-1]))
    except ValueError:
        days = page_selectors.DAILY_WINDOWS[-1]
    if days not in page_selectors.DAILY_WINDOWS:
        days = page_selectors.DAILY_WINDOWS[-1]
    dashboard = page_selectors.daily_dashboard(request.user, days=days)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return export_response(rows=dashboard.values, columns=DAILY_COLUMNS, filename="daily-system", fmt=fmt)
    charts = []
    for daily in dashboard.charts:
        measure = daily.measure
        target = page_selectors.target_of(measure) if measure.direction != Direction.NONE else None
        svg = daily_chart(
            [
                oversight_charts.Series(organisation.display_short_name, daily.points[organisation.pk])
                for organisation in daily.organisations
            ],
            title=_("%(measure)s: the last %(days)s days across Wales")
            % {"measure": measure.display_name, "days": days},
            description=_(
                "One line for each organisation, from %(first)s to %(last)s; the table with the chart gives "
                "every value."
            )
            % {"first": date_format(dashboard.first_day, "j F Y"), "last": date_format(dashboard.latest_day, "j F Y")},
            first_day=dashboard.first_day,
            last_day=dashboard.latest_day,
            y_label=measure.get_unit_display(),
            target=target,
            target_label=_("Target (%(value)s)") % {"value": page_selectors.display_value(target, measure.unit)}
            if target is not None
            else "",
        )
        charts.append((daily, svg))
    context = {
        "dashboard": dashboard,
        "charts": charts,
        "days": days,
        "windows": page_selectors.DAILY_WINDOWS,
    }
    return render(request, "reporting/system_dashboard.html", context)
