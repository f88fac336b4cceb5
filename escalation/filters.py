import django_filters
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from .choices import CasePhase, DecisionStatus, Level, ScopeKind
from .models import EscalationCase, EscalationDecision


class DecisionFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statutory=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DecisionStatus.choices, empty_label=_("Any status"))
    scope_kind = django_filters.ChoiceFilter(label=_("Scope"), choices=ScopeKind.choices, empty_label=_("Any scope"))
    to_level = django_filters.ChoiceFilter(label=_("To level"), choices=Level.choices, empty_label=_("Any level"))
    decided_after = django_filters.DateFilter(
        label=_("Decided on or after (YYYY-MM-DD)"), field_name="decided_on", lookup_expr="gte"
    )
    decided_before = django_filters.DateFilter(
        label=_("Decided on or before (YYYY-MM-DD)"), field_name="decided_on", lookup_expr="lte"
    )

    class Meta:
        model = EscalationDecision
        fields = ["organisation", "status", "scope_kind", "to_level", "decided_after", "decided_before"]


class CaseFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statutory=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=CasePhase.choices, empty_label=_("Any phase"))
    scope_kind = django_filters.ChoiceFilter(label=_("Scope"), choices=ScopeKind.choices, empty_label=_("Any scope"))

    class Meta:
        model = EscalationCase
        fields = ["organisation", "phase", "scope_kind"]
