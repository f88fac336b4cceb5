"""Filters for the reporting API's lists. Organisations and measures are named by their codes;
months as YYYY-MM (or the month's first day), days as YYYY-MM-DD."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .. import filters
from ..choices import PackStatus
from ..models import DailyValue, Pack, Trajectory

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _month(field_name: str, lookup_expr: str, label) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr=lookup_expr, input_formats=MONTH_FORMATS, label=label
    )


class MeasureFilter(filters.MeasureFilter):
    """The measure list page's filter, and the exact code."""

    code = django_filters.CharFilter(field_name="code", label=_("Measure code"))

    class Meta(filters.MeasureFilter.Meta):
        fields = [*filters.MeasureFilter.Meta.fields, "code"]


class TrajectoryFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__code", label=_("Organisation code"))
    measure = django_filters.CharFilter(field_name="measure__code", label=_("Measure code"))
    period = _month("period", "exact", _("Month (YYYY-MM)"))
    period_from = _month("period", "gte", _("From this month (YYYY-MM)"))
    period_to = _month("period", "lte", _("Up to this month (YYYY-MM)"))

    class Meta:
        model = Trajectory
        fields = ["organisation", "measure", "period", "period_from", "period_to"]


class PackFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__code", label=_("Organisation code"))
    period = _month("period", "exact", _("Month (YYYY-MM)"))
    period_from = _month("period", "gte", _("From this month (YYYY-MM)"))
    period_to = _month("period", "lte", _("Up to this month (YYYY-MM)"))
    status = django_filters.ChoiceFilter(choices=PackStatus.choices)

    class Meta:
        model = Pack
        fields = ["organisation", "period", "period_from", "period_to", "status"]


class DailyValueFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__code", label=_("Organisation code"))
    measure = django_filters.CharFilter(field_name="measure__code", label=_("Measure code"))
    day = django_filters.DateFilter(field_name="day", label=_("Day (YYYY-MM-DD)"))

    class Meta:
        model = DailyValue
        fields = ["organisation", "measure", "day"]


# "from" and "to" are Python keywords, so they cannot be declared in the class body.
DailyValueFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="day", lookup_expr="gte", label=_("From this day (YYYY-MM-DD)")
)
DailyValueFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="day", lookup_expr="lte", label=_("Up to this day (YYYY-MM-DD)")
)
