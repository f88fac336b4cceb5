"""Reads for the registry. Each starts from what the user may see and loads what its page needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from oversight import access

from .models import Membership, Organisation, Region


def organisation_list(*, user) -> QuerySet[Organisation]:
    """The register: every organisation's name, codes, kind and region. Any signed-in user."""
    return Organisation.objects.select_related("region", "hosted_by").order_by("name")


def organisation_get(*, user, pk) -> Organisation:
    """One organisation's register entry. Any signed-in user."""
    return get_object_or_404(organisation_list(user=user), pk=pk)


def organisation_private_get(*, user, pk) -> Organisation:
    """The organisation, only if the user may see its non-public data; otherwise 404."""
    return access.get_visible_or_404(organisation_list(user=user), user, pk=pk)


def region_list(*, user) -> QuerySet[Region]:
    return Region.objects.annotate(organisation_count=Count("organisations")).order_by("name")


def membership_list(*, user, organisation: Organisation | None = None) -> QuerySet[Membership]:
    """Memberships the user may see, optionally of one organisation."""
    queryset = access.restrict(Membership.objects.select_related("user", "organisation"), user)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("organisation__name", "user__last_name", "user__first_name", "role")


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    kind: str
    reason: str
    changes: list[Change]
    version: int


def organisation_history(*, user, organisation: Organisation) -> list[HistoryEntry]:
    """What changed, who changed it, when and why, newest first.

    A fixed number of queries however long the history: the records with their users, then
    one query per related table to name the regions and organisations that changed.
    """
    access.require(user, "organisation.view_private", organisation)
    records = list(organisation.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {f.name: str(f.verbose_name) for f in Organisation._meta.fields}
    deltas = [None] + [records[i].diff_against(records[i - 1]).changes for i in range(1, len(records))]

    related = {"region": Region, "hosted_by": Organisation}
    wanted: dict[str, set] = {name: set() for name in related}
    for changes in deltas[1:]:
        for c in changes:
            if c.field in related:
                wanted[c.field].update(v for v in (c.old, c.new) if v is not None)
    names = {
        name: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)} if ids else {}
        for (name, model), ids in zip(related.items(), wanted.values(), strict=True)
    }

    def shown(field, value):
        if value is None or value == "":
            return "–"
        if field in names:
            return names[field].get(value, f"#{value}")
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value

    entries = []
    for record, changes in zip(records, deltas, strict=True):
        user_obj = record.history_user
        who = (user_obj.get_full_name() or user_obj.get_username()) if user_obj else "System (reference data)"
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                kind=record.get_history_type_display(),
                reason=record.history_change_reason or "",
                changes=[
                    Change(labels.get(c.field, c.field), shown(c.field, c.old), shown(c.field, c.new))
                    for c in changes or []
                ],
                version=record.version,
            )
        )
    entries.reverse()
    return entries
