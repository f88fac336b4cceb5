"""Reads the meetings pages need that ``meetings.selectors`` does not give in the shape a page
needs: filterable querysets for the action lists (``selectors.my_actions`` and
``selectors.organisation_actions`` return lists, which a filtered, paginated, exportable list
cannot take), committees (no selector yet), the meetings a set of minutes may be approved at,
and a meeting's whole history (the meeting and every record of it).

Every read starts from what the user may see (``oversight.access``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BooleanField, Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from oversight import access

from .choices import OPEN_ACTION_STATUSES
from .models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    DeclarationOfInterest,
    Meeting,
    MeetingDecision,
    MeetingInvitation,
    Minutes,
    Paper,
    Vote,
)

# --- Actions ---------------------------------------------------------------------------------


def action_list(user, *, today: date, owner=None, organisation=None) -> QuerySet[Action]:
    """The actions the user may see, of one owner or one organisation: open ones first, each
    group by due date (undated last), annotated with ``overdue`` (open and past its due date,
    as ``Action.is_overdue``), so the list can be filtered on it."""
    queryset = access.restrict(
        Action.objects.select_related("meeting", "meeting__meeting_type", "organisation", "owner", "case"), user
    )
    if owner is not None:
        queryset = queryset.filter(owner_id=owner.pk)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.annotate(
        _closed=Case(
            When(status__in=OPEN_ACTION_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        overdue=Case(
            When(status__in=OPEN_ACTION_STATUSES, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("_closed", F("due_on").asc(nulls_last=True), "pk")


def action_get(user, pk) -> Action:
    """One action the user may see (by its organisation); ``Http404`` otherwise."""
    return access.get_visible_or_404(Action.objects.select_related("meeting", "organisation"), user, pk=pk)


# --- Committees ------------------------------------------------------------------------------


def _restrict_committees(queryset: QuerySet[Committee], user) -> QuerySet[Committee]:
    """Every committee for WG, NHS P&I and administrators; otherwise those hosted by, or with a
    seat for, one of the user's organisations (as ``Committee`` asks of the access policy)."""
    ids = access.visible_organisation_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(Q(host_organisation__in=ids) | Q(members__organisation__in=ids)).distinct()


def committee_list(user) -> QuerySet[Committee]:
    return _restrict_committees(
        Committee.objects.select_related("meeting_type", "host_organisation", "chair_organisation"), user
    ).order_by("name")


def committee_detail(user, pk) -> Committee:
    """One committee with its membership; ``Http404`` when it does not exist or is not the
    user's to see."""
    queryset = _restrict_committees(
        Committee.objects.select_related(
            "meeting_type", "host_organisation", "chair_organisation", "vice_chair_organisation"
        ).prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("organisation", "representative", "alternate"),
            )
        ),
        user,
    )
    try:
        return queryset.get(pk=pk)
    except (Committee.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such committee, or it is not yours to see.") from exc


def committee_meetings(user, committee: Committee) -> QuerySet[Meeting]:
    return access.restrict_meetings(
        Meeting.objects.filter(committee=committee).select_related("meeting_type"), user
    ).order_by("-starts_at", "-pk")


# --- Minutes ---------------------------------------------------------------------------------


def approving_meetings(user, meeting: Meeting) -> QuerySet[Meeting]:
    """The meetings a meeting's minutes may be approved at: later meetings of the same body
    (the same type, with the same organisation, region or committee) that the user may see.
    Whether each has been held yet is for ``services.minutes_approve`` to say."""
    return access.restrict_meetings(
        Meeting.objects.filter(
            meeting_type_id=meeting.meeting_type_id,
            organisation_id=meeting.organisation_id,
            region_id=meeting.region_id,
            committee_id=meeting.committee_id,
            starts_at__gt=meeting.starts_at,
        ).exclude(status="cancelled"),
        user,
    ).order_by("starts_at", "pk")


# --- History ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    what: str
    change: str
    reason: str
    user: object


def meeting_history(meeting: Meeting, *, record=None, limit: int = 50) -> list[HistoryEntry]:
    """The meeting's history and its records' (agenda, papers, attendance, declarations,
    decisions, votes, minutes, actions, invitations), newest first: one query for each kind
    of record, however long the record. With ``record`` (``selectors.visible_record``), only
    the history of what that user may see."""
    hidden = record.hidden_items if record else set()
    sources = [
        (Meeting.history.filter(id=meeting.pk), Meeting),
        (MeetingInvitation.history.filter(meeting_id=meeting.pk), MeetingInvitation),
        (AgendaItem.history.filter(meeting_id=meeting.pk).exclude(id__in=hidden), AgendaItem),
        (Paper.history.filter(meeting_id=meeting.pk), Paper),
        (Attendance.history.filter(meeting_id=meeting.pk), Attendance),
        (
            DeclarationOfInterest.history.filter(meeting_id=meeting.pk).exclude(agenda_item_id__in=hidden),
            DeclarationOfInterest,
        ),
        (MeetingDecision.history.filter(meeting_id=meeting.pk).exclude(agenda_item_id__in=hidden), MeetingDecision),
        (Vote.history.filter(decision__meeting_id=meeting.pk).exclude(decision__agenda_item_id__in=hidden), Vote),
        (Minutes.history.filter(meeting_id=meeting.pk), Minutes),
        (Action.history.filter(meeting_id=meeting.pk), Action),
    ]
    if record is not None:
        sources[3] = (Paper.history.filter(meeting_id=meeting.pk, id__in=[p.pk for p in record.papers]), Paper)
        sources[9] = (Action.history.filter(meeting_id=meeting.pk, id__in=[a.pk for a in record.actions]), Action)
    entries = []
    for queryset, model in sources:
        for record in queryset.select_related("history_user").order_by("-history_date")[:limit]:
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    what=str(model._meta.verbose_name),
                    change=record.get_history_type_display(),
                    reason=record.history_change_reason or "",
                    user=record.history_user,
                )
            )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:limit]
