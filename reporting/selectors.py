"""Reads of performance packs, restricted by the access policy, and the released numbers the
analytics and charts use."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from oversight import access

from . import rules
from .choices import Frequency, PackStatus
from .models import Measure, Pack, PackValue


def pack_measures(organisation, period: date, *, measures=None) -> list[Measure]:
    """The measures a pack holds: in force in that month, applicable to the organisation, and
    not daily (daily values are reported separately). ``measures`` may be a list already
    loaded (one query for a whole upload)."""
    if measures is None:
        measures = Measure.objects.exclude(frequency=Frequency.DAILY).order_by("order", "code")
    return [
        m
        for m in measures
        if m.frequency != Frequency.DAILY
        and m.in_force_on(period)
        and rules.measure_applies(applies_to=m.applies_to, kind=organisation.kind, code=organisation.code)
    ]


def _latest_released_or_current() -> Q:
    """The working version of each pack, and the released version everyone else sees (the
    highest released revision: a released pack whose correction is not yet released)."""
    latest_released = Q(status=PackStatus.RELEASED) & (
        Q(corrected_by__isnull=True) | ~Q(corrected_by__status=PackStatus.RELEASED)
    )
    return Q(is_current=True) | latest_released


def pack_list(user, *, organisation=None, period: date | None = None, all_versions: bool = False) -> QuerySet:
    """The packs the user may see: their own organisation's at every stage, everyone's
    released ones. By default each month shows its current version and, while a correction
    is being prepared, the released version it will replace; ``all_versions`` shows every one."""
    queryset = Pack.objects.select_related("organisation")
    if not all_versions:
        queryset = queryset.filter(_latest_released_or_current())
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if period is not None:
        queryset = queryset.filter(period=period)
    return access.restrict_packs(queryset, user).order_by("-period", "organisation__name", "-revision")


def pack_detail(user, pk) -> Pack:
    """One pack with its contents, or ``Http404`` if it does not exist or is not the user's
    to see (another organisation's unreleased pack)."""
    queryset = access.restrict_packs(
        Pack.objects.select_related(
            "organisation", "corrects", "submitted_by", "returned_by", "validated_by", "released_by"
        ).prefetch_related(
            Prefetch("values", queryset=PackValue.objects.select_related("measure")),
            "narratives",
            "risks",
            "deep_dives",
        ),
        user,
    )
    try:
        return queryset.get(pk=pk)
    except (Pack.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such pack, or it is not yours to see.") from error


def pack_versions(user, pack: Pack) -> QuerySet:
    """Every version of the pack's month the user may see, newest first."""
    return access.restrict_packs(
        Pack.objects.filter(organisation_id=pack.organisation_id, period=pack.period), user
    ).order_by("-revision")


def released_values(*, measure, organisations=None, since: date | None = None) -> QuerySet:
    """One measure's values from the latest released revision of each pack (the released
    numbers), oldest month first, in one query. ``measure`` is a ``Measure`` or its code;
    values recorded as missing (with a reason) come back with ``value`` None."""
    queryset = PackValue.objects.filter(pack__status=PackStatus.RELEASED).exclude(
        pack__corrected_by__status=PackStatus.RELEASED
    )
    by = {"measure__code": measure} if isinstance(measure, str) else {"measure": measure}
    queryset = queryset.filter(**by)
    if organisations is not None:
        queryset = queryset.filter(pack__organisation__in=organisations)
    if since is not None:
        queryset = queryset.filter(pack__period__gte=since)
    return queryset.select_related("pack", "pack__organisation", "measure").order_by(
        "pack__organisation__name", "pack__period"
    )
