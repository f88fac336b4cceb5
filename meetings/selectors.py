"""Reads for meetings: the lists and the meeting page (restricted to what the user may see),
quorum, a person's register of interests and the action lists.

Every list starts from the user's visible rows (``oversight.access``); a meeting the user
may not see is answered as if it did not exist (``Http404``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from oversight import access

from . import rules
from .choices import OPEN_ACTION_STATUSES, MembershipKind
from .models import (
    Action,
    AgendaItem,
    Attendance,
    CommitteeMember,
    DeclarationOfInterest,
    Meeting,
    MeetingDecision,
    MeetingInvitation,
    Minutes,
    Paper,
    Vote,
)

# --- Meetings ------------------------------------------------------------------------------------


def meeting_list(user) -> QuerySet[Meeting]:
    """Every meeting the user may see, earliest first, with what a list row shows."""
    return access.restrict_meetings(
        Meeting.objects.select_related("meeting_type", "organisation", "region", "committee"), user
    ).order_by("starts_at", "pk")


def meeting_detail(user, pk) -> Meeting:
    """One meeting with its whole record, in a fixed number of queries however long the
    record is; ``Http404`` when it does not exist or the user may not see it."""
    queryset = access.restrict_meetings(
        Meeting.objects.select_related(
            "meeting_type",
            "organisation",
            "region",
            "committee",
            "secretariat",
            "tripartite_round",
            "minutes",
            "minutes__drafted_by",
            "minutes__approved_at_meeting",
        ).prefetch_related(
            Prefetch("invitations", queryset=MeetingInvitation.objects.select_related("organisation")),
            Prefetch(
                "committee__members",
                queryset=CommitteeMember.objects.select_related("organisation", "representative", "alternate"),
            ),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("case", "domain", "organisation")),
            Prefetch("papers", queryset=Paper.objects.select_related("attachment", "submitted_by", "agenda_item")),
            Prefetch("attendance", queryset=Attendance.objects.select_related("person", "organisation")),
            Prefetch("declarations", queryset=DeclarationOfInterest.objects.select_related("person", "agenda_item")),
            Prefetch(
                "decisions",
                queryset=MeetingDecision.objects.select_related("agenda_item").prefetch_related(
                    Prefetch("votes", queryset=Vote.objects.select_related("person", "organisation"))
                ),
            ),
            Prefetch("actions", queryset=Action.objects.select_related("owner", "organisation", "case")),
            Prefetch("approved_minutes", queryset=Minutes.objects.select_related("meeting", "meeting__meeting_type")),
        ),
        user,
    )
    try:
        return queryset.get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such meeting, or it is not yours to see.") from exc


# --- Quorum --------------------------------------------------------------------------------------


def quorum_for(meeting: Meeting) -> rules.QuorumResult | None:
    """The meeting's quorum by its committee's rule [003 §6], or None for a meeting with no
    committee (and so no quorum rule).

    Only core members, or their alternates deputising, count; attendees never do. A core
    seat of the committee with no attendance recorded counts as absent, so the total is the
    committee's whole core membership, as ``rules.quorum_met`` expects. Uses ``.all()``
    throughout, so a meeting from ``meeting_detail`` needs no further queries.
    """
    committee = meeting.committee
    if committee is None:
        return None
    attendance = list(meeting.attendance.all())
    rows = [row.as_rules() for row in attendance]
    seen_seats = {row.committee_member_id for row in attendance if row.committee_member_id}
    people = {row.person_id for row in attendance if row.person_id}
    for seat in committee.members.all():
        if seat.kind != MembershipKind.CORE or seat.pk in seen_seats:
            continue
        if {seat.representative_id, seat.alternate_id} & people - {None}:
            continue
        rows.append(rules.Attendance(organisation=str(seat.organisation_id), membership=rules.CORE, mark="absent"))
    return rules.quorum_met(rule=committee.quorum_rule, attendance=rows)


# --- Declarations of interest --------------------------------------------------------------------


def declarations_register(person, *, user=None) -> QuerySet[DeclarationOfInterest]:
    """A person's register of interests: every declaration they made, at any meeting,
    newest first [003 §4]. With ``user``, only declarations at meetings that user may see."""
    queryset = DeclarationOfInterest.objects.filter(person=person).select_related(
        "meeting", "meeting__meeting_type", "meeting__organisation", "agenda_item"
    )
    if user is not None:
        queryset = access.restrict_meetings(queryset, user, through="meeting__")
    return queryset.order_by("-declared_on", "-meeting__starts_at", "-pk")


# --- Actions -------------------------------------------------------------------------------------


def _open_first(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.annotate(
        _closed=Case(
            When(status__in=OPEN_ACTION_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("_closed", F("due_on").asc(nulls_last=True), "pk")


def _with_overdue(actions, today: date) -> list[Action]:
    found = list(actions)
    for action in found:
        action.overdue = action.is_overdue(today)
    return found


def _actions():
    return Action.objects.select_related("meeting", "meeting__meeting_type", "organisation", "owner", "case")


def my_actions(user, *, today: date | None = None) -> list[Action]:
    """The actions the user owns: open ones first, each group by due date (undated last),
    each with ``overdue`` set by ``Action.is_overdue``."""
    today = today or timezone.localdate()
    queryset = access.restrict(_actions().filter(owner_id=user.pk), user)
    return _with_overdue(_open_first(queryset), today)


def organisation_actions(user, organisation, *, today: date | None = None) -> list[Action]:
    """The actions falling to an organisation, as far as the user may see them (nothing for
    someone who does not see the organisation), open first, with ``overdue`` set."""
    today = today or timezone.localdate()
    queryset = access.restrict(_actions().filter(organisation=organisation), user)
    return _with_overdue(_open_first(queryset), today)


# --- What of a meeting's record a user may see -----------------------------------------------


@dataclass
class VisibleRecord:
    """A meeting's record as one user may see it. On a meeting with several organisations, an
    agenda item about one organisation is for that organisation's people (and WG and NHS P&I)
    only; so are the papers, decisions and declarations on it. A paper is shown only to those
    who may open its file; an action only to those who see the organisation it falls to."""

    agenda_items: list
    papers: list
    decisions: list
    declarations: list
    actions: list
    hidden_items: set


def record_for_organisation(meeting: Meeting, organisation_id: int) -> VisibleRecord:
    """What of a meeting's record may go into a document addressed to one organisation (its
    post-meeting letter, its agenda pack): the items, papers, decisions and actions about no
    organisation in particular or about that one — never those about another organisation
    invited to the same meeting. The same rule as ``visible_record``, for the addressee."""

    def ours(organisation) -> bool:
        return organisation is None or organisation == organisation_id

    agenda_items, hidden = [], set()
    for item in meeting.agenda_items.all():
        (agenda_items.append(item) if ours(item.organisation_id) else hidden.add(item.pk))

    def shown(record) -> bool:
        return record.agenda_item_id is None or record.agenda_item_id not in hidden

    papers = [
        paper
        for paper in meeting.papers.select_related("attachment")
        if shown(paper) and ours(paper.attachment.organisation_id)
    ]
    return VisibleRecord(
        agenda_items=sorted(agenda_items, key=lambda item: (item.order, item.pk)),
        papers=papers,
        decisions=sorted((d for d in meeting.decisions.all() if shown(d)), key=lambda d: d.pk),
        declarations=[d for d in meeting.declarations.all() if shown(d)],
        actions=[action for action in meeting.actions.all() if ours(action.organisation_id)],
        hidden_items=hidden,
    )


def visible_record(user, meeting: Meeting) -> VisibleRecord:
    """From a meeting loaded by ``meeting_detail`` (no further queries)."""
    sees = access.can_see_organisation
    agenda_items, hidden = [], set()
    for item in meeting.agenda_items.all():
        if item.organisation_id is None or sees(user, item.organisation_id):
            agenda_items.append(item)
        else:
            hidden.add(item.pk)

    def shown(record) -> bool:
        return record.agenda_item_id is None or record.agenda_item_id not in hidden

    papers = [
        paper
        for paper in meeting.papers.all()
        if shown(paper) and (paper.attachment.organisation_id is None or sees(user, paper.attachment.organisation_id))
    ]
    return VisibleRecord(
        agenda_items=sorted(agenda_items, key=lambda item: (item.order, item.pk)),
        papers=sorted(papers, key=lambda paper: (paper.submitted_at, paper.pk)),
        decisions=[decision for decision in meeting.decisions.all() if shown(decision)],
        declarations=[declaration for declaration in meeting.declarations.all() if shown(declaration)],
        actions=[action for action in meeting.actions.all() if sees(user, action.organisation_id)],
        hidden_items=hidden,
    )


def organisations_at(meeting: Meeting) -> set[int] | None:
    """Ids of the organisations a meeting is about: its own, those invited and, for a
    regional meeting, the region's. None for a system-wide meeting, which oversees them all."""
    from organisations.models import Organisation

    if meeting.organisation_id is None and meeting.region_id is None and meeting.committee_id is None:
        return None
    ids = {invitation.organisation_id for invitation in meeting.invitations.all()}
    if meeting.organisation_id is not None:
        ids.add(meeting.organisation_id)
    if meeting.region_id is not None:
        ids |= set(Organisation.objects.filter(region_id=meeting.region_id).values_list("pk", flat=True))
    return ids
