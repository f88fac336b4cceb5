import django_filters
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from oversight.forms import YesNoAny

from .choices import (
    CasePhase,
    ConcernSource,
    ConcernStatus,
    DecisionStatus,
    IntelligenceKind,
    Level,
    Rag,
    ScopeKind,
    Severity,
)
from .models import (
    Concern,
    EscalationCase,
    EscalationDecision,
    InformationRequest,
    IntelligenceItem,
    TripartiteRound,
)


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


class ConcernFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statutory=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ConcernStatus.choices, empty_label=_("Any status"))
    source = django_filters.ChoiceFilter(label=_("Raised by"), choices=ConcernSource.choices, empty_label=_("Anyone"))
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices, empty_label=_("Any severity"))

    class Meta:
        model = Concern
        fields = ["organisation", "status", "source", "severity"]


class RequestFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statutory=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    answered = django_filters.BooleanFilter(
        label=_("Answered"), field_name="responded_on", lookup_expr="isnull", exclude=True, widget=YesNoAny
    )

    class Meta:
        model = InformationRequest
        fields = ["organisation", "answered"]


class IntelligenceFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(statutory=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IntelligenceKind.choices, empty_label=_("Any kind"))
    rag = django_filters.ChoiceFilter(label=_("RAG"), choices=Rag.choices, empty_label=_("Any"))

    class Meta:
        model = IntelligenceItem
        fields = ["organisation", "kind", "rag"]


class TripartiteRoundFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(label=_("Title contains"), lookup_expr="icontains")
    held_after = django_filters.DateFilter(
        label=_("Held on or after (YYYY-MM-DD)"), field_name="held_on", lookup_expr="gte"
    )
    held_before = django_filters.DateFilter(
        label=_("Held on or before (YYYY-MM-DD)"), field_name="held_on", lookup_expr="lte"
    )

    class Meta:
        model = TripartiteRound
        fields = ["title", "held_after", "held_before"]
