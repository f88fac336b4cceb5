"""Filters shared by the accountability list pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS

from .choices import AssessmentStatus, ObjectiveStatus, SynthesisStatus
from .models import ChairObjective, Flexibility, SystemSynthesis, WellLedAssessment


def _organisations():
    return Organisation.objects.filter(statutory=True, kind__in=LEVEL_HOLDING_KINDS).order_by("name")


# The years the accountability records may hold (the models' own check constraints): a filter
# outside them is a form error, not a query Python cannot build (``month__year=100000``).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # a whole year: 2026.5 is an error too


def _year_filter(**kwargs):
    return YearFilter(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


def _organisation_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=_organisations(), to_field_name="code", empty_label=_("Any organisation")
    )


class ObjectiveFilter(django_filters.FilterSet):
    organisation = _organisation_filter()
    year = _year_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ObjectiveStatus.choices, empty_label=_("Any status")
    )

    class Meta:
        model = ChairObjective
        fields = ["organisation", "year", "status"]


class FlexibilityFilter(django_filters.FilterSet):
    organisation = _organisation_filter()
    granted_after = django_filters.DateFilter(
        label=_("Granted on or after (YYYY-MM-DD)"), field_name="granted_on", lookup_expr="gte"
    )
    granted_before = django_filters.DateFilter(
        label=_("Granted on or before (YYYY-MM-DD)"), field_name="granted_on", lookup_expr="lte"
    )

    class Meta:
        model = Flexibility
        fields = ["organisation", "granted_after", "granted_before"]


class AssessmentFilter(django_filters.FilterSet):
    organisation = _organisation_filter()
    year = _year_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AssessmentStatus.choices, empty_label=_("Any status")
    )

    class Meta:
        model = WellLedAssessment
        fields = ["organisation", "year", "status"]


class SynthesisFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SynthesisStatus.choices, empty_label=_("Any status")
    )
    year = _year_filter(field_name="month", lookup_expr="year")

    class Meta:
        model = SystemSynthesis
        fields = ["status", "year"]
