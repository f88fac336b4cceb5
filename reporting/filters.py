"""Filters for the reporting pages, shared with the API where it lists the same things."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Direction, Frequency, Pillar
from .models import Measure


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Code, name or area contains"), method="search")
    pillar = django_filters.ChoiceFilter(label=_("Pillar"), choices=Pillar.choices, empty_label=_("Any pillar"))
    frequency = django_filters.ChoiceFilter(
        label=_("Collected"), choices=Frequency.choices, empty_label=_("Any frequency")
    )
    direction = django_filters.ChoiceFilter(
        label=_("Better when"), choices=Direction.choices, empty_label=_("Either, or context only")
    )
    in_force_on = django_filters.DateFilter(label=_("Collected on (YYYY-MM-DD)"), method="collected_on")

    class Meta:
        model = Measure
        fields = ["q", "pillar", "frequency", "direction", "in_force_on"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(name_cy__icontains=value) | Q(area__icontains=value)
        )

    def collected_on(self, queryset, name, value):
        return queryset.in_force(value)
