"""Filters shared by the plans list pages and the API."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalation.models import Domain
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight.forms import YesNoAny

from . import rules
from .choices import ConditionStatus, Outcome, PlanType, SubmissionKind, SubmissionStatus
from .models import AccountabilityCondition, Plan, PlanningCycle, RequiredSubmission


def _organisations():
    return Organisation.objects.filter(statutory=True, kind__in=LEVEL_HOLDING_KINDS).order_by("name")


class ConditionFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="response__plan__organisation",
        queryset=_organisations(),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    cycle = django_filters.ModelChoiceFilter(
        label=_("Planning cycle"),
        field_name="response__plan__cycle",
        queryset=PlanningCycle.objects.order_by("-starts_on"),
        to_field_name="code",
        empty_label=_("Any cycle"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ConditionStatus.choices, empty_label=_("Any status")
    )
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        queryset=Domain.objects.filter(era__code=rules.PILLAR_ERA).order_by("order"),
        to_field_name="code",
        empty_label=_("Any pillar"),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue", widget=YesNoAny)
    due_before = django_filters.DateFilter(
        label=_("Due on or before (YYYY-MM-DD)"), field_name="due_on", lookup_expr="lte"
    )

    class Meta:
        model = AccountabilityCondition
        fields = ["organisation", "cycle", "status", "pillar", "overdue", "due_before"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"status": ConditionStatus.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class PlanFilter(django_filters.FilterSet):
    """For the plans API."""

    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=_organisations(), to_field_name="code", empty_label=_("Any organisation")
    )
    cycle = django_filters.ModelChoiceFilter(
        label=_("Planning cycle"),
        queryset=PlanningCycle.objects.order_by("-starts_on"),
        to_field_name="code",
        empty_label=_("Any cycle"),
    )
    plan_type = django_filters.ChoiceFilter(label=_("Type of plan"), choices=PlanType.choices)
    outcome = django_filters.ChoiceFilter(label=_("Minister's outcome"), choices=Outcome.choices)

    class Meta:
        model = Plan
        fields = ["organisation", "cycle", "plan_type", "outcome"]


class SubmissionFilter(django_filters.FilterSet):
    """For the submissions API."""

    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="case__organisation",
        queryset=_organisations(),
        to_field_name="code",
        empty_label=_("Any organisation"),
    )
    kind = django_filters.ChoiceFilter(label=_("Submission"), choices=SubmissionKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SubmissionStatus.choices)
    due_after = django_filters.DateFilter(label=_("Due on or after"), field_name="due_on", lookup_expr="gte")
    due_before = django_filters.DateFilter(label=_("Due on or before"), field_name="due_on", lookup_expr="lte")

    class Meta:
        model = RequiredSubmission
        fields = ["organisation", "kind", "status", "due_after", "due_before"]


class OverviewForm(forms.Form):
    """The filters of the system page of plan status (a fixed list of organisations, not a queryset)."""

    cycle = forms.ModelChoiceField(
        label=_("Planning cycle"),
        queryset=PlanningCycle.objects.order_by("-starts_on"),
        to_field_name="code",
        required=False,
        empty_label=_("Current cycle"),
    )
    flagged = forms.NullBooleanField(label=_("Finance flag"), widget=YesNoAny, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("Any kind"))]
        + [(k, label) for k, label in OrganisationKind.choices if k in LEVEL_HOLDING_KINDS],
        required=False,
    )
