"""Filters for the shared list pages: the access log of sensitive reads."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .models import SensitiveRead


def _organisations(request):
    return apps.get_model("organisations", "Organisation").objects.order_by("name")


class SensitiveReadFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=_organisations,
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    user = django_filters.CharFilter(
        label=_("User name"), field_name="username", lookup_expr="iexact", help_text=_("The exact user name.")
    )
    kind = django_filters.ChoiceFilter(
        label=_("What was read"), choices=SensitiveRead.Kind.choices, empty_label=_("Anything")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=SensitiveRead.Action.choices, empty_label=_("Viewed or downloaded")
    )
    date_from = django_filters.DateFilter(label=_("From date (YYYY-MM-DD)"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("To date (YYYY-MM-DD)"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = SensitiveRead
        fields = ["organisation", "user", "kind", "action", "date_from", "date_to"]
