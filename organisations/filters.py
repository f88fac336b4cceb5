"""Filters shared by the registry's list pages and its API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oversight.forms import YesNoAny

from .choices import OrganisationKind, Role
from .models import Membership, Organisation, Region


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices, empty_label=_("Any kind"))
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.order_by("name"), to_field_name="code", empty_label=_("Any region")
    )
    statutory = django_filters.BooleanFilter(label=_("Statutory NHS organisation"), widget=YesNoAny)
    active = django_filters.BooleanFilter(label=_("Active"), widget=YesNoAny)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "statutory", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_cy__icontains=value)
            | Q(short_name__icontains=value)
            | Q(code__iexact=value)
            | Q(ods_code__iexact=value)
            | Q(ons_code__iexact=value)
        )


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=_("Any role"))
    organisation = django_filters.CharFilter(label=_("Organisation code"), field_name="organisation__code")

    class Meta:
        model = Membership
        fields = ["role", "organisation"]
