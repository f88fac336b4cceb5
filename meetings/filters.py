from datetime import date, datetime, time

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from oversight.forms import YesNoAny

from .choices import ActionStatus, MeetingStatus
from .models import PLAN_PERIOD, Action, Committee, DeclarationOfInterest, Meeting, MeetingType

LONDON_MIDNIGHT = time(0, 0)


def month_bounds(value: str) -> tuple[datetime, datetime]:
    """The first moment of a month given as YYYY-MM, and of the month after, in Europe/London."""
    year, month = (int(part) for part in value.split("-"))
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(first, LONDON_MIDNIGHT, tzinfo=zone),
        datetime.combine(following, LONDON_MIDNIGHT, tzinfo=zone),
    )


class MeetingFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Any organisation"),
        method="filter_organisation",
    )
    meeting_type = django_filters.ModelChoiceFilter(
        label=_("Type"),
        queryset=MeetingType.objects.order_by("order", "name"),
        to_field_name="code",
        empty_label=_("Any type"),
    )
    month = django_filters.CharFilter(
        label=_("Month (YYYY-MM)"), method="filter_month", validators=[PLAN_PERIOD], max_length=7
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MeetingStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = Meeting
        fields = ["organisation", "meeting_type", "month", "status"]

    def filter_organisation(self, queryset, name, value):
        """The organisation's own meetings and those it is invited to."""
        if not value:
            return queryset
        return queryset.filter(Q(organisation=value) | Q(invitations__organisation=value)).distinct()

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        start, end = month_bounds(value)
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices, empty_label=_("Any status"))
    overdue = django_filters.BooleanFilter(label=_("Overdue"), field_name="overdue", widget=YesNoAny)

    class Meta:
        model = Action
        fields = ["status", "overdue"]


class CommitteeFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")
    active = django_filters.BooleanFilter(label=_("Active"), widget=YesNoAny)

    class Meta:
        model = Committee
        fields = ["name", "active"]


class DeclarationFilter(django_filters.FilterSet):
    declared_after = django_filters.DateFilter(
        label=_("Declared on or after (YYYY-MM-DD)"), field_name="declared_on", lookup_expr="gte"
    )
    declared_before = django_filters.DateFilter(
        label=_("Declared on or before (YYYY-MM-DD)"), field_name="declared_on", lookup_expr="lte"
    )

    class Meta:
        model = DeclarationOfInterest
        fields = ["declared_after", "declared_before"]
