"""Every write to a meeting's record: the meeting and its life (planned → confirmed → agenda
issued → papers issued → held → minuted → closed, or cancelled), its agenda, papers,
attendance, declarations of interest, decisions and votes, minutes, actions and the letter
that follows it.

Each service checks the access policy first, runs in one transaction and records who made
the change, and why, in the record's history. The framework's arithmetic (deadlines, late
papers, quorum, votes) is in ``meetings.rules``; these services only call it. The planner's
writes are in ``meetings.planner``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisations.choices import OfficeholderRole
from organisations.models import Officeholder, Organisation
from oversight import access
from oversight.concurrency import change_reason, create_recorded, lock_at_version, save_new_version
from oversight.errors import ConflictError, OversightError, RuleRefused, from_validation_error
from oversight.errors import refuse as _refuse
from oversight.services import attachment_create

from . import rules, selectors
from .choices import (
    HELD_STATUSES,
    ActionStatus,
    AttendanceMark,
    DecisionMethod,
    DecisionOutcome,
    MeetingScope,
    MeetingStatus,
    MembershipKind,
    PaperKind,
    VoteChoice,
)
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

# A meeting's life, in order. Cancelled is reached only through ``meeting_cancel``.
STATUS_ORDER: tuple[str, ...] = (
    MeetingStatus.PLANNED,
    MeetingStatus.CONFIRMED,
    MeetingStatus.AGENDA_ISSUED,
    MeetingStatus.PAPERS_ISSUED,
    MeetingStatus.HELD,
    MeetingStatus.MINUTED,
    MeetingStatus.CLOSED,
)
# What may be changed by ``meeting_update``; the status moves only through its own services.
EDITABLE_FIELDS = frozenset(
    {"title", "starts_at", "ends_at", "online_link", "location", "chair", "secretariat", "letter_draft", "invited"}
)
TIMING_FIELDS = frozenset({"starts_at", "ends_at"})
# Papers judged against no pre-meeting deadline: they are written after it.
AFTER_THE_MEETING_KINDS = frozenset({PaperKind.MINUTES, PaperKind.LETTER})


LETTER_SENDER = "NHS Wales Chief Executive"
LETTER_RECIPIENT_FALLBACK = "Chief Executive"


def _source(section: int) -> str:
    """A citation of the committee terms of reference, which have sections, not paragraphs."""
    return f"({rules.SOURCE_003}, section {section})"


def _day(value: date) -> str:
    """A date as British English writes it: 15 July 2026."""
    return f"{value.day} {value:%B %Y}"


def _when(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{_day(local.date())} at {local:%H:%M}"


def _create(obj, *, actor, reason: str = ""):
    try:
        return create_recorded(obj, actor=actor, reason=change_reason(reason))
    except ValidationError as error:
        raise from_validation_error(error) from error


def _save(obj, *, actor, reason: str):
    try:
        return save_new_version(obj, actor=actor, reason=change_reason(reason))
    except ValidationError as error:
        obj.version -= 1
        raise from_validation_error(error) from error


def _aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise OversightError("Give a date and a time.", field=field, code="invalid_time")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _status_label(status: str) -> str:
    return MeetingStatus(status).label.lower()


def _lock_meeting(meeting: Meeting) -> Meeting:
    """The meeting, locked for this transaction, so a cancellation and a write to its
    record cannot cross."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _refuse_if_finished(meeting: Meeting, *, doing: str) -> None:
    """A cancelled or closed meeting's record is final."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ConflictError(
            f"This meeting was cancelled ({meeting.cancelled_reason}), so you cannot {doing}. "
            "Arrange a new meeting if it is still needed.",
            code="meeting_cancelled",
        )
    if meeting.status == MeetingStatus.CLOSED:
        raise ConflictError(
            f"This meeting is closed, so its record is final and you cannot {doing}. "
            "Record it against a later meeting instead.",
            code="meeting_closed",
        )


def _belongs_to(meeting: Meeting, agenda_item: AgendaItem | None) -> None:
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise OversightError(
            "That agenda item is on another meeting: choose an item from this meeting's agenda.",
            field="agenda_item",
            code="agenda_item_not_on_meeting",
        )


# --- Meetings --------------------------------------------------------------------------------------


def _with_whom(meeting_type, *, organisation, region, committee) -> None:
    """The meeting is with whom its type says [DOMAIN "Meetings"]."""
    scope = meeting_type.scope
    name = meeting_type.name
    if scope == MeetingScope.ORGANISATION and (organisation is None or region is not None or committee is not None):
        raise OversightError(
            f"A {name} is held with one organisation: choose the organisation (and no region or committee).",
            field="organisation",
            code="organisation_required",
        )
    if scope == MeetingScope.REGION and (region is None or organisation is not None or committee is not None):
        raise OversightError(
            f"A {name} is held with a region: choose the region (and no organisation or committee).",
            field="region",
            code="region_required",
        )
    if scope == MeetingScope.COMMITTEE:
        if committee is None or organisation is not None or region is not None:
            raise OversightError(
                f"A {name} is a meeting of a committee: choose the committee (and no organisation or region).",
                field="committee",
                code="committee_required",
            )
        if committee.meeting_type_id != meeting_type.pk:
            raise OversightError(
                f"{committee.name} holds meetings of the type “{committee.meeting_type.name}”, not “{name}”: "
                "choose that type.",
                field="meeting_type",
                code="committee_type_mismatch",
            )
    if scope == MeetingScope.SYSTEM and (organisation or region or committee):
        raise OversightError(
            f"A {name} is system-wide: leave the organisation, region and committee empty and invite "
            "the organisations that take part instead.",
            field="organisation",
            code="system_meeting",
        )


def _default_title(meeting_type, *, organisation, region, committee) -> str:
    if committee is not None:
        return committee.name
    party = organisation.short_name or organisation.name if organisation else (region.name if region else "")
    return f"{meeting_type.name}: {party}" if party else meeting_type.name


def _invite(meeting: Meeting, organisations: Iterable[Organisation], *, actor) -> None:
    existing = set(meeting.invitations.values_list("organisation_id", flat=True))
    for organisation in organisations:
        if organisation.pk in existing or organisation.pk == meeting.organisation_id:
            continue
        _create(MeetingInvitation(meeting=meeting, organisation=organisation), actor=actor, reason="Invited")
        existing.add(organisation.pk)


def _committee_organisations(committee) -> list[Organisation]:
    """A committee's host and member organisations: their people see its meetings."""
    found = {seat.organisation.pk: seat.organisation for seat in committee.members.select_related("organisation")}
    if committee.host_organisation is not None:
        found.setdefault(committee.host_organisation.pk, committee.host_organisation)
    return list(found.values())


@transaction.atomic
def meeting_create(
    *,
    actor,
    meeting_type,
    starts_at: datetime,
    ends_at: datetime | None = None,
    organisation=None,
    region=None,
    committee=None,
    tripartite_round=None,
    title: str = "",
    online_link: str = "",
    location: str = "",
    chair: str = "",
    secretariat=None,
    invited: Iterable[Organisation] = (),
) -> Meeting:
    """Arrange a meeting by hand. It lasts the type's usual length unless ``ends_at`` is
    given; a committee meeting invites the committee's host and member organisations as well
    as ``invited``, so their people see it."""
    meeting = Meeting(
        meeting_type=meeting_type,
        organisation=organisation,
        region=region,
        committee=committee,
        tripartite_round=tripartite_round,
    )
    access.require(actor, "meetings.manage", meeting)
    _with_whom(meeting_type, organisation=organisation, region=region, committee=committee)
    starts_at = _aware(starts_at, "starts_at")
    ends_at = (
        _aware(ends_at, "ends_at")
        if ends_at is not None
        else starts_at + timedelta(minutes=meeting_type.default_duration_minutes)
    )
    if ends_at <= starts_at:
        raise OversightError(
            "The meeting must end after it starts: check the end time.", field="ends_at", code="ends_before_start"
        )
    meeting_on = timezone.localdate(starts_at)
    if not meeting_type.in_force_on(meeting_on):
        raise OversightError(
            f"A {meeting_type.name} is not held on {_day(meeting_on)}: it is in use "
            + (f"from {_day(meeting_type.valid_from)}" if meeting_type.valid_from else "")
            + (" " if meeting_type.valid_from and meeting_type.valid_to else "")
            + (f"until {_day(meeting_type.valid_to)}" if meeting_type.valid_to else "")
            + ". Choose the type in force on that date.",
            field="meeting_type",
            code="meeting_type_not_in_force",
        )
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.title = (
        title.strip() or _default_title(meeting_type, organisation=organisation, region=region, committee=committee)
    )[:300]
    meeting.online_link = online_link.strip()
    meeting.location = location.strip()
    meeting.chair = chair.strip() or (committee.chair if committee is not None else "") or meeting_type.chair_role
    meeting.secretariat = secretariat
    _create(meeting, actor=actor, reason="Arranged by hand")
    guests = list(invited) + (_committee_organisations(committee) if committee is not None else [])
    _invite(meeting, guests, actor=actor)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, expected_version: int, **changes) -> Meeting:
    """Change a meeting's details: its title, times, link, location, chair, secretariat,
    draft letter or invited organisations (``invited``, the full list).

    A meeting may be rescheduled by hand whatever its status until it is held (the planner
    moves only planned meetings; a person may move a confirmed one); the change and the old
    time are recorded in its history. Moving ``starts_at`` alone keeps the meeting's length.
    """
    access.require(actor, "meetings.manage", meeting)
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise OversightError(
            f"{', '.join(unknown)} cannot be changed here. The status moves on with “advance” or “cancel”; "
            "who the meeting is with is fixed, so arrange a new meeting instead.",
            field=unknown[0],
            code="not_editable",
        )
    current = lock_at_version(Meeting, pk=meeting.pk, expected_version=expected_version)
    _refuse_if_finished(current, doing="change it")
    reasons: list[str] = []
    if TIMING_FIELDS & set(changes):
        starts_at = _aware(changes.get("starts_at") or current.starts_at, "starts_at")
        ends_at = (
            _aware(changes["ends_at"], "ends_at")
            if changes.get("ends_at") is not None
            else starts_at + (current.ends_at - current.starts_at)
        )
        if (starts_at, ends_at) != (current.starts_at, current.ends_at):
            if current.status in HELD_STATUSES:
                raise ConflictError(
                    f"This meeting was held on {_day(current.held_on)}; its time is a record and cannot move. "
                    "Arrange a new meeting instead.",
                    field="starts_at",
                    code="meeting_already_held",
                )
            if ends_at <= starts_at:
                raise OversightError(
                    "The meeting must end after it starts: check the end time.",
                    field="ends_at",
                    code="ends_before_start",
                )
            if starts_at != current.starts_at:
                reasons.append(f"Rescheduled by hand from {_when(current.starts_at)} to {_when(starts_at)}")
            else:
                reasons.append(f"End time changed to {_when(ends_at)}")
            current.starts_at, current.ends_at = starts_at, ends_at
    changed = []
    for field in ("title", "online_link", "location", "chair", "letter_draft"):
        if field in changes:
            value = (changes[field] or "").strip() if field != "letter_draft" else (changes[field] or "")
            if field == "title" and not value:
                raise OversightError("Give the meeting a title.", field="title", code="title_required")
            if value != getattr(current, field):
                setattr(current, field, value)
                changed.append(field)
    if "secretariat" in changes and getattr(changes["secretariat"], "pk", None) != current.secretariat_id:
        current.secretariat = changes["secretariat"]
        changed.append("secretariat")
    if changed:
        reasons.append("Changed: " + ", ".join(name.replace("_", " ") for name in changed))
    if reasons:
        _save(current, actor=actor, reason="; ".join(reasons))
    if "invited" in changes:
        wanted = {organisation.pk: organisation for organisation in changes["invited"] or ()}
        for invitation in current.invitations.exclude(organisation_id__in=list(wanted)):
            invitation._history_user = actor
            invitation._change_reason = "Invitation withdrawn"
            invitation.delete()
        _invite(current, wanted.values(), actor=actor)
    return current


@transaction.atomic
def meeting_advance(*, actor, meeting: Meeting, expected_version: int, to_status: str, on: date) -> Meeting:
    """Move a meeting forward in its life: planned → confirmed → agenda issued → papers
    issued → held → minuted → closed. Steps may be skipped going forward (a meeting with no
    papers goes from confirmed to held) but never taken backwards.

    "Held" records ``held_on`` as the meeting's own date, and is refused before that date.
    "Minuted" needs the minutes approved at a later meeting (``minutes_approve`` does this
    itself). "Minuted" and "closed" need the meeting held first.
    """
    access.require(actor, "meetings.manage", meeting)
    if to_status == MeetingStatus.CANCELLED:
        raise OversightError("To call a meeting off, cancel it and say why.", field="status", code="use_cancel")
    if to_status not in STATUS_ORDER:
        raise OversightError(f"Unknown status “{to_status}”.", field="status", code="invalid_status")
    current = lock_at_version(Meeting, pk=meeting.pk, expected_version=expected_version)
    _refuse_if_finished(current, doing="move it on")
    here, there = STATUS_ORDER.index(current.status), STATUS_ORDER.index(to_status)
    if there == here:
        raise ConflictError(
            f"This meeting is already {_status_label(current.status)}.", field="status", code="status_unchanged"
        )
    if there < here:
        raise OversightError(
            f"A meeting only moves forward: this one is {_status_label(current.status)}, so it cannot go back to "
            f"{_status_label(to_status)}. To move its date, change the meeting; to call it off, cancel it.",
            field="status",
            code="status_backwards",
        )
    if to_status == MeetingStatus.HELD:
        if on < current.meeting_on:
            raise OversightError(
                f"This meeting is on {_day(current.meeting_on)}: record it as held on or after that day, "
                "or change its date first if it was held earlier.",
                field="status",
                code="not_yet_happened",
            )
        current.held_on = current.meeting_on
    elif current.status not in HELD_STATUSES and to_status in HELD_STATUSES:
        raise OversightError(
            f"Record that the meeting was held before marking it {_status_label(to_status)}.",
            field="status",
            code="not_yet_held",
        )
    if (
        to_status == MeetingStatus.MINUTED
        and not Minutes.objects.filter(meeting=current, approved_at_meeting__isnull=False).exists()
    ):
        raise OversightError(
            "A meeting is minuted when its minutes are approved at a later meeting of the same body "
            f"{_source(5)}: record that approval, which marks this meeting minuted.",
            field="status",
            code="minutes_not_approved",
        )
    was = current.status
    current.status = to_status
    return _save(
        current, actor=actor, reason=f"{MeetingStatus(was).label} → {MeetingStatus(to_status).label} on {_day(on)}"
    )


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, expected_version: int, reason: str) -> Meeting:
    """Call a meeting off, saying why. A held meeting cannot be cancelled."""
    access.require(actor, "meetings.manage", meeting)
    if not (reason or "").strip():
        raise OversightError("Say why the meeting is cancelled.", field="reason", code="reason_required")
    current = lock_at_version(Meeting, pk=meeting.pk, expected_version=expected_version)
    if current.status == MeetingStatus.CANCELLED:
        raise ConflictError("This meeting is already cancelled.", code="meeting_cancelled")
    _refuse_if_finished(current, doing="cancel it")
    if current.status in HELD_STATUSES:
        raise ConflictError(
            f"This meeting was held on {_day(current.held_on)}, so it cannot be cancelled.",
            code="meeting_already_held",
        )
    current.status = MeetingStatus.CANCELLED
    current.cancelled_reason = reason.strip()
    return _save(current, actor=actor, reason=f"Cancelled: {reason.strip()}")


# --- Agenda ------------------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    case=None,
    domain=None,
    organisation=None,
    presenter: str = "",
    order: int | None = None,
    description: str = "",
    title_cy: str = "",
) -> AgendaItem:
    """Put an item on a meeting's agenda, linked to a case, a domain or pillar, or an
    organisation where relevant. A case must be about an organisation at the meeting.

    WG runs agendas; on a committee, members also submit items (agenda items are due two
    weeks before [003 §5]), so there the submitters and executives of the organisations
    taking part may add them too."""
    action = "meetings.paper.upload" if meeting.committee_id else "meetings.manage"
    access.require(actor, action, meeting)
    if not (title or "").strip():
        raise OversightError("Give the agenda item a title.", field="title", code="title_required")
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="add to its agenda")
    at_meeting = selectors.organisations_at(current)
    if case is not None:
        if at_meeting is not None and case.organisation_id not in at_meeting:
            raise OversightError(
                f"That case is about {case.organisation}, which is not at this meeting. Choose a case of an "
                "organisation at the meeting, or invite the organisation first.",
                field="case",
                code="case_not_at_meeting",
            )
        if domain is not None and case.domain_id is not None and domain.pk != case.domain_id:
            raise OversightError(
                f"That case is about {case.domain}, not {domain}: choose the case's own domain or pillar.",
                field="domain",
                code="domain_not_the_cases",
            )
        if organisation is not None and organisation.pk != case.organisation_id:
            raise OversightError(
                f"That case is about {case.organisation}, not {organisation}.",
                field="organisation",
                code="organisation_not_the_cases",
            )
        domain = domain or case.domain
        organisation = organisation or case.organisation
    if organisation is not None and at_meeting is not None and organisation.pk not in at_meeting:
        raise OversightError(
            f"{organisation} is not at this meeting: invite it first, or choose an organisation at the meeting.",
            field="organisation",
            code="organisation_not_at_meeting",
        )
    if order is None:
        last = current.agenda_items.order_by("-order").values_list("order", flat=True).first()
        order = 1 if last is None else last + 1
    item = AgendaItem(
        meeting=current,
        order=order,
        title=title.strip(),
        title_cy=(title_cy or "").strip(),
        description=description,
        case=case,
        domain=domain,
        organisation=organisation,
        presenter=(presenter or "").strip(),
        submitted_by=actor,
        submitted_on=timezone.localdate(),
    )
    return _create(item, actor=actor, reason="Added to the agenda")


# --- Papers ------------------------------------------------------------------------------------------


def _paper_due_on(meeting: Meeting, kind: str) -> date | None:
    """The deadline a paper is judged against: the agenda by the agenda deadline [000 §12],
    slides and papers by ``Meeting.due_on_for``; minutes and letters, written after the
    meeting, by none."""
    if kind in AFTER_THE_MEETING_KINDS:
        return None
    if kind == PaperKind.AGENDA:
        return meeting.agenda_due_on or meeting.due_on_for(kind)
    return meeting.due_on_for(kind)


def _paper_organisation(actor, meeting: Meeting):
    """Whose private data the file is: the meeting's organisation; for a meeting without one,
    the uploader's own invited organisation (so they may upload and see it), else none
    (system-wide material, seen by WG and NHS P&I)."""
    if meeting.organisation_id is not None:
        return meeting.organisation
    p = access.principal(actor)
    for invitation in meeting.invitations.select_related("organisation"):
        if p.is_member_of(invitation.organisation_id):
            return invitation.organisation
    return None


@transaction.atomic
def paper_submit(
    *,
    actor,
    meeting: Meeting,
    upload,
    kind: str = PaperKind.PAPER,
    agenda_item: AgendaItem | None = None,
    title: str = "",
    on: datetime | None = None,
) -> Paper:
    """Submit a paper for a meeting. The file goes through the shared attachment service
    (type checked by content, size limit, private storage). The paper's deadline is the
    meeting's for its kind, and whether it is late (``rules.is_late``, on the local date
    it was submitted) is decided now and stored. ``on`` is when it was submitted (now)."""
    access.require(actor, "meetings.paper.upload", meeting)
    if kind not in PaperKind.values:
        raise OversightError(f"Unknown kind of paper “{kind}”.", field="kind", code="invalid_kind")
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="submit papers to it")
    _belongs_to(current, agenda_item)
    submitted_at = _aware(on, "on") if on is not None else timezone.now()
    due_on = _paper_due_on(current, kind)
    late = Paper.is_late(submitted_at, due_on)
    attachment = attachment_create(
        actor=actor,
        upload=upload,
        organisation=_paper_organisation(actor, current),
        target=current,
        purpose=f"meeting {kind}"[:50],
    )
    paper = Paper(
        meeting=current,
        agenda_item=agenda_item,
        attachment=attachment,
        kind=kind,
        title=((title or "").strip() or attachment.original_name)[:300],
        submitted_by=actor,
        submitted_at=submitted_at,
        due_on=due_on,
        late=late,
    )
    reason = f"Submitted late: due by {_day(due_on)}" if late else "Submitted"
    return _create(paper, actor=actor, reason=reason)


# --- Attendance and declarations -------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor,
    meeting: Meeting,
    person=None,
    name: str = "",
    organisation=None,
    kind: str | None = None,
    mark: str = AttendanceMark.PRESENT,
    deputy_for: str = "",
    committee_member: CommitteeMember | None = None,
) -> Attendance:
    """Record who attended, once per person: a second record for the same person (or the
    same name and organisation) updates the first.

    On a committee, the seat (given, or found from the person as its representative or
    alternate) supplies the organisation and whether the member is core or an attendee;
    otherwise give both (``kind`` defaults to core). Only core members, or their alternates
    deputising, count towards a quorum and vote [003 §3, §6]."""
    access.require(actor, "meetings.manage", meeting)
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="record attendance")
    name = (name or "").strip()
    if person is None and not name:
        raise OversightError("Choose the person, or give their name.", field="person", code="person_required")
    if committee_member is None and person is not None and current.committee_id is not None:
        committee_member = (
            CommitteeMember.objects.filter(committee_id=current.committee_id)
            .filter(Q(representative=person) | Q(alternate=person))
            .first()
        )
    if committee_member is not None:
        if committee_member.committee_id != current.committee_id:
            raise OversightError(
                "That seat is on another committee: choose a seat of this meeting's committee.",
                field="committee_member",
                code="seat_not_on_committee",
            )
        organisation = organisation or committee_member.organisation
        kind = kind or committee_member.kind
    kind = kind or MembershipKind.CORE
    if organisation is None:
        raise OversightError(
            "Choose the organisation the person attends for.", field="organisation", code="organisation_required"
        )
    if kind not in MembershipKind.values:
        raise OversightError(f"Unknown kind of membership “{kind}”.", field="kind", code="invalid_kind")
    if mark not in AttendanceMark.values:
        raise OversightError(f"Unknown attendance mark “{mark}”.", field="mark", code="invalid_mark")
    deputy_for = (deputy_for or "").strip()
    if mark == AttendanceMark.DEPUTY and not deputy_for:
        raise OversightError(
            f"Name the member this person deputises for: a member's nominated alternate attends in their place "
            f"{_source(3)}.",
            field="deputy_for",
            code="deputy_for_required",
        )
    rows = Attendance.objects.select_for_update().filter(meeting=current)
    existing = (
        rows.filter(person=person).first()
        if person is not None
        else rows.filter(person__isnull=True, name=name, organisation=organisation).first()
    )
    values = {
        "name": name,
        "organisation": organisation,
        "kind": kind,
        "mark": mark,
        "deputy_for": deputy_for if mark == AttendanceMark.DEPUTY else "",
        "committee_member": committee_member,
    }
    if existing is None:
        return _create(Attendance(meeting=current, person=person, **values), actor=actor, reason="Attendance recorded")
    for field, value in values.items():
        setattr(existing, field, value)
    return _save(existing, actor=actor, reason=f"Attendance changed: {AttendanceMark(mark).label.lower()}")


@transaction.atomic
def declaration_record(
    *, actor, meeting: Meeting, person, interest: str, on: date, agenda_item: AgendaItem | None = None
) -> DeclarationOfInterest:
    """Record an interest declared at a meeting [003 §4], into the person's register. The
    secretariat records anyone's; a person who may see the meeting may declare their own."""
    if actor is not None and person is not None and actor.pk == person.pk:
        access.require(actor, "meetings.view", meeting)
    else:
        access.require(actor, "meetings.manage", meeting)
    if not (interest or "").strip():
        raise OversightError("Describe the interest declared.", field="interest", code="interest_required")
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="record a declaration")
    _belongs_to(current, agenda_item)
    declaration = DeclarationOfInterest(
        meeting=current, person=person, interest=interest.strip(), declared_on=on, agenda_item=agenda_item
    )
    return _create(declaration, actor=actor, reason="Interest declared")


# --- Decisions and votes ---------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor,
    meeting: Meeting,
    text: str,
    method: str = DecisionMethod.CONSENSUS,
    agenda_item: AgendaItem | None = None,
    outcome: str = "",
) -> MeetingDecision:
    """Record a decision. Decisions are by consensus [003 §6]: agreed unless ``outcome`` says
    deferred. A decision by vote is recorded without an outcome; ``vote_record`` counts it."""
    access.require(actor, "meetings.manage", meeting)
    if method not in DecisionMethod.values:
        raise OversightError(f"Unknown way of deciding “{method}”.", field="method", code="invalid_method")
    if not (text or "").strip():
        raise OversightError("Write the decision.", field="text", code="text_required")
    if method == DecisionMethod.CONSENSUS:
        outcome = outcome or DecisionOutcome.AGREED
        if outcome not in (DecisionOutcome.AGREED, DecisionOutcome.DEFERRED):
            raise OversightError(
                "A decision by consensus is agreed or deferred.", field="outcome", code="invalid_outcome"
            )
    elif outcome:
        raise OversightError(
            "A vote's outcome comes from the count: record the votes instead.", field="outcome", code="invalid_outcome"
        )
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="record a decision")
    _belongs_to(current, agenda_item)
    decision = MeetingDecision(
        meeting=current, agenda_item=agenda_item, text=text.strip(), method=method, outcome=outcome
    )
    return _create(decision, actor=actor, reason="Decided by vote (to count)" if outcome == "" else "Decided")


def _organisation_labels(organisations: Iterable[Organisation]) -> dict[int, str]:
    """How each voting organisation is named in the count: its name, with its code where
    two share a name."""
    organisations = {organisation.pk: organisation for organisation in organisations}
    names = [organisation.name for organisation in organisations.values()]
    return {
        pk: organisation.name if names.count(organisation.name) == 1 else f"{organisation.name} ({organisation.code})"
        for pk, organisation in organisations.items()
    }


@transaction.atomic
def vote_record(
    *,
    actor,
    decision: MeetingDecision,
    votes: Sequence[tuple[object, Organisation, str]],
    chair_casting_vote: str | None = None,
) -> MeetingDecision:
    """Count a vote on a decision and record it, each vote as ``(person, organisation, choice)``.

    The meeting must be quorate. Each voter must be recorded as attending, present or
    deputising, for the organisation they vote for; whether they are a core member or an
    attendee comes from that attendance record, and an attendee's vote is refused. The count
    is ``rules.vote_outcome``: one vote per core organisation however many of its members
    vote, and a tie decided by the chair's casting vote, which is recorded [003 §6]."""
    meeting = decision.meeting
    access.require(actor, "meetings.manage", meeting)
    current_meeting = _lock_meeting(meeting)
    _refuse_if_finished(current_meeting, doing="record a vote")
    current = MeetingDecision.objects.select_for_update().get(pk=decision.pk)
    if current.method != DecisionMethod.VOTE:
        raise OversightError(
            "This decision was recorded as reached by consensus. If a vote was held, record the decision as "
            "decided by vote, then the votes.",
            code="not_a_vote",
        )
    if current.votes.exists() or current.outcome:
        raise ConflictError(
            "The votes on this decision are already recorded. To correct them, record the decision again.",
            code="votes_already_recorded",
        )
    quorum = selectors.quorum_for(current_meeting)
    if quorum is None:
        raise OversightError(
            "Votes are counted under a committee's terms of reference (one vote for each core organisation, "
            f"with a quorum) {_source(6)}. This meeting has no committee: record the decision by consensus.",
            code="no_voting_rule",
        )
    if not quorum.met:
        raise RuleRefused(
            f"The meeting is not quorate, so no vote may be held: {quorum}. Only core members or their "
            f"alternates count; attendees do not {_source(6)}. Record the core members present, or defer the "
            "decision.",
            code="not_quorate",
        )
    casting = chair_casting_vote or None
    attendance = {row.person_id: row for row in current_meeting.attendance.select_related("person") if row.person_id}
    labels = _organisation_labels(organisation for _, organisation, _ in votes)
    counted: list[rules.Vote] = []
    seen: set[int] = set()
    for person, organisation, choice in votes:
        who = _person(person)
        if person.pk in seen:
            raise OversightError(f"{who} is listed twice: record one vote for each person.", code="voted_twice")
        seen.add(person.pk)
        if choice not in VoteChoice.values:
            raise OversightError(
                f"{who}'s vote must be for, against or abstain, not “{choice}”.", field="votes", code="invalid_vote"
            )
        row = attendance.get(person.pk)
        if row is None:
            raise OversightError(
                f"{who} is not recorded as attending this meeting: record their attendance before their vote.",
                field="votes",
                code="voter_not_attending",
            )
        if row.mark not in rules.COUNTING_MARKS:
            raise OversightError(
                f"{who} is recorded as {row.get_mark_display().lower()}, so cannot vote: only those present, or "
                "deputising for a member, vote.",
                field="votes",
                code="voter_not_present",
            )
        if row.organisation_id != organisation.pk:
            raise OversightError(
                f"{who} attends for {row.organisation}, not {organisation}: record the vote for {row.organisation}.",
                field="votes",
                code="voter_organisation_mismatch",
            )
        counted.append(rules.Vote(organisation=labels[organisation.pk], membership=row.kind, choice=choice))
    _refuse(rules.vote_refusal(votes=counted, chair_casting_vote=casting), field="votes")
    result = rules.vote_outcome(votes=counted, chair_casting_vote=casting)
    for person, organisation, choice in votes:
        _create(
            Vote(decision=current, organisation=organisation, person=person, choice=choice),
            actor=actor,
            reason="Vote recorded",
        )
    current.outcome = DecisionOutcome.from_rules(result.outcome)
    current.casting_vote = result.casting_vote or ""
    current.casting_vote_decided = result.decided_by_casting_vote
    reason = (
        f"{result.outcome.capitalize()}: {result.for_count} for, {result.against_count} against, "
        f"{result.abstain_count} abstaining, by organisation"
    )
    if result.decided_by_casting_vote:
        reason = f"{reason}; tied, chair's casting vote {result.casting_vote}"
    return _save(current, actor=actor, reason=reason)


# --- Minutes -------------------------------------------------------------------------------------------


@transaction.atomic
def minutes_draft(
    *,
    actor,
    meeting: Meeting,
    key_points: str,
    body: str,
    on: date,
    circulated_on: date | None = None,
    expected_version: int | None = None,
) -> Minutes:
    """Draft the combined minutes and actions of a meeting once it has been held [003 §5].

    A second draft revises the first and must send back the version it was made from
    (``expected_version``); approved minutes no longer change."""
    access.require(actor, "meetings.manage", meeting)
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="change its minutes")
    if current.status not in HELD_STATUSES:
        raise OversightError(
            f"Minutes are drafted after the meeting {_source(5)}: record that it was held first.",
            code="not_yet_held",
        )
    if on < current.held_on:
        raise OversightError(
            f"The meeting was held on {_day(current.held_on)}: the draft cannot be dated before it.",
            field="on",
            code="drafted_before_meeting",
        )
    if not (key_points or "").strip() and not (body or "").strip():
        raise OversightError("Write the key points or the minutes.", field="body", code="minutes_empty")
    existing = Minutes.objects.filter(meeting=current).first()
    if existing is None:
        minutes = Minutes(meeting=current)
        reason = "Drafted"
    else:
        if existing.approved:
            raise ConflictError(
                f"These minutes were approved on {_day(existing.approved_on)} and can no longer change.",
                code="minutes_approved",
            )
        if expected_version is None:
            raise ConflictError(
                f"The minutes are already drafted (version {existing.version}): open the draft and change that.",
                code="minutes_already_drafted",
            )
        minutes = lock_at_version(Minutes, pk=existing.pk, expected_version=expected_version)
        reason = "Draft revised"
    minutes.key_points = (key_points or "").strip()
    minutes.body = body or ""
    minutes.drafted_by = actor
    minutes.drafted_on = on
    minutes.circulated_on = circulated_on
    if existing is None:
        return _create(minutes, actor=actor, reason=reason)
    return _save(minutes, actor=actor, reason=reason)


def _same_body(one: Meeting, other: Meeting) -> bool:
    return (one.meeting_type_id, one.organisation_id, one.region_id, one.committee_id) == (
        other.meeting_type_id,
        other.organisation_id,
        other.region_id,
        other.committee_id,
    )


@transaction.atomic
def minutes_approve(*, actor, minutes: Minutes, at_meeting: Meeting, on: date) -> Minutes:
    """Record that a meeting's minutes were approved at a later, held meeting of the same
    body (the same type, with the same organisation, region or committee) [003 §5].

    The approval shows on both meetings: on the minutes (``approved_at_meeting``) and, by
    the reverse relation, on the approving meeting (``approved_minutes``). The meeting the
    minutes record moves from held to minuted."""
    access.require(actor, "meetings.manage", minutes)
    access.require(actor, "meetings.manage", at_meeting)
    current = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if current.approved:
        raise ConflictError(
            f"These minutes were already approved on {_day(current.approved_on)}.", code="minutes_approved"
        )
    minuted = _lock_meeting(current.meeting)
    approving = _lock_meeting(at_meeting)
    rule = f"Minutes are approved at a later meeting of the same body {_source(5)}"
    if approving.pk == minuted.pk:
        raise RuleRefused(
            f"{rule}, not at the meeting they record.", field="at_meeting", code="approved_at_own_meeting"
        )
    if not _same_body(minuted, approving):
        raise RuleRefused(
            f"{rule}: “{approving.title}” is not a meeting of the same body as “{minuted.title}”. "
            "Choose a later meeting of the same type with the same organisation, region or committee.",
            field="at_meeting",
            code="not_the_same_body",
        )
    if approving.starts_at <= minuted.starts_at:
        raise RuleRefused(
            f"{rule}: “{approving.title}” is not later than the meeting they record. Choose a later meeting.",
            field="at_meeting",
            code="not_a_later_meeting",
        )
    if approving.status not in HELD_STATUSES:
        raise RuleRefused(
            f"{rule}: “{approving.title}” is not yet recorded as held. Record it as held, then the approval.",
            field="at_meeting",
            code="approving_meeting_not_held",
        )
    if on < approving.held_on:
        raise OversightError(
            f"The approving meeting was held on {_day(approving.held_on)}: the approval cannot be dated before it.",
            field="on",
            code="approved_before_meeting",
        )
    current.approved_at_meeting = approving
    current.approved_on = on
    _save(current, actor=actor, reason=f"Approved on {_day(on)} at the meeting of {_day(approving.meeting_on)}")
    if minuted.status == MeetingStatus.HELD:
        minuted.status = MeetingStatus.MINUTED
        reason = f"Held → Minuted: minutes approved at the meeting of {_day(approving.meeting_on)}"
        _save(minuted, actor=actor, reason=reason)
    return current


# --- Actions ------------------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor,
    meeting: Meeting,
    title: str,
    organisation,
    due_on: date | None,
    owner=None,
    owner_name: str = "",
    case=None,
    agenda_item: AgendaItem | None = None,
    notes: str = "",
) -> Action:
    """Record an action from a meeting: who owns it, the organisation it falls to, when it is
    due and, where relevant, the case it serves."""
    access.require(actor, "meetings.manage", meeting)
    if not (title or "").strip():
        raise OversightError("Say what the action is.", field="title", code="title_required")
    owner_name = (owner_name or "").strip()
    if owner is None and not owner_name:
        raise OversightError("Say who owns the action.", field="owner", code="owner_required")
    if case is not None and case.organisation_id != organisation.pk:
        raise OversightError(
            f"That case is about {case.organisation}, not {organisation}: choose a case of the organisation "
            "the action falls to.",
            field="case",
            code="case_not_the_organisations",
        )
    current = _lock_meeting(meeting)
    _refuse_if_finished(current, doing="add an action")
    _belongs_to(current, agenda_item)
    at = selectors.organisations_at(current)
    if at is not None and organisation.pk not in at:
        raise OversightError(
            f"{organisation} is not at this meeting: an action falls to an organisation the meeting is with.",
            field="organisation",
            code="organisation_not_at_meeting",
        )
    action = Action(
        meeting=current,
        agenda_item=agenda_item,
        case=case,
        title=title.strip(),
        notes=notes or "",
        owner=owner,
        owner_name="" if owner is not None else owner_name,
        organisation=organisation,
        due_on=due_on,
    )
    return _create(action, actor=actor, reason="Action agreed")


@transaction.atomic
def action_update_status(*, actor, action: Action, expected_version: int, status: str, on: date) -> Action:
    """Move an action on (open, in progress, done, cancelled). Done records ``completed_on``;
    reopening clears it. WG, NHS P&I and the organisation's own staff may update it."""
    access.require(actor, "meetings.action.update", action)
    if status not in ActionStatus.values:
        raise OversightError(f"Unknown status “{status}”.", field="status", code="invalid_status")
    current = lock_at_version(Action, pk=action.pk, expected_version=expected_version)
    if current.status == status:
        raise ConflictError(
            f"This action is already {current.get_status_display().lower()}.", field="status", code="status_unchanged"
        )
    was = current.get_status_display()
    current.status = status
    current.completed_on = on if status == ActionStatus.DONE else None
    return _save(current, actor=actor, reason=f"{was} → {ActionStatus(status).label} on {_day(on)}")


# --- The letter after the meeting ----------------------------------------------------------------------


def _chief_executive(organisation, on: date) -> str:
    """The organisation's chief executive in post on ``on`` (or the latest recorded)."""
    holders = Officeholder.objects.filter(organisation=organisation, role=OfficeholderRole.CHIEF_EXECUTIVE)
    in_post = holders.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    holder = in_post.order_by("-start_date", "-pk").first() or holders.order_by("-start_date", "-pk").first()
    return holder.name if holder is not None else ""


def _bullet_lines(text: str) -> list[str]:
    lines = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-*•·").strip()
        if line:
            lines.append(line)
    return lines


def letter_text(*, meeting: Meeting, minutes: Minutes, actions: Sequence[Action], recipient: str) -> str:
    """The draft letter: from the NHS Wales Chief Executive to the organisation's chief
    executive, with the key discussion points and the actions from the meeting [000 §15]."""
    organisation = meeting.organisation
    held_on = meeting.held_on or meeting.meeting_on
    addressee = f"{recipient}, Chief Executive" if recipient else LETTER_RECIPIENT_FALLBACK
    lines = [
        f"From: {LETTER_SENDER}",
        f"To: {addressee}, {organisation.name}" if organisation else f"To: {addressee}",
        "",
        f"{meeting.meeting_type.name}, {_day(held_on)}",
        "",
        f"Dear {recipient or LETTER_RECIPIENT_FALLBACK},",
        "",
        f"Thank you for the {meeting.meeting_type.name} on {_day(held_on)}. This letter sets out the key points "
        "we discussed and the actions we agreed.",
        "",
        "Key points",
        "",
        *[f"- {point}" for point in _bullet_lines(minutes.key_points)],
        "",
        "Actions",
        "",
    ]
    if actions:
        for number, action in enumerate(actions, start=1):
            owner = action.owner_display or "to be confirmed"
            due = _day(action.due_on) if action.due_on else "no date set"
            lines.append(f"{number}. {action.title}. Owner: {owner} ({action.organisation}). Due: {due}.")
    else:
        lines.append("No actions were agreed.")
    lines += [
        "",
        "Please let us know if anything here does not match your understanding of the meeting.",
        "",
        "Yours sincerely,",
        "",
        LETTER_SENDER,
    ]
    return "\n".join(lines) + "\n"


@transaction.atomic
def letter_draft_generate(*, actor, meeting: Meeting, replace: bool = False) -> Meeting:
    """Draft the letter that follows a JET or CEO/Executive Review [000 §15] from the minutes'
    key points and the meeting's actions (owner and due date), and store it on the meeting,
    where it may be edited (``meeting_update(letter_draft=...)``). An existing draft, which
    may hold edits, is replaced only when asked."""
    access.require(actor, "meetings.manage", meeting)
    current = _lock_meeting(meeting)
    meeting_type = current.meeting_type
    if not meeting_type.letter_follows:
        raise OversightError(
            f"No letter follows a {meeting_type.name}: a letter follows JET meetings ({rules.SOURCE_000}, "
            "paragraph 15) and CEO/Executive Reviews, which replace them.",
            code="no_letter_for_type",
        )
    if current.status == MeetingStatus.CANCELLED:
        _refuse_if_finished(current, doing="draft its letter")
    minutes = Minutes.objects.filter(meeting=current).first()
    if minutes is None or not minutes.key_points.strip():
        raise OversightError(
            "The letter is drafted from the minutes' key points: draft the minutes, with their key points, first.",
            code="no_minutes",
        )
    if current.letter_draft.strip() and not replace:
        raise ConflictError(
            "This meeting already has a draft letter, which may have been edited. Edit that draft, or ask to "
            "replace it with a new one.",
            code="letter_already_drafted",
        )
    actions = list(
        current.actions.exclude(status=ActionStatus.CANCELLED)
        .select_related("owner", "organisation")
        .order_by("due_on", "pk")
    )
    held_on = current.held_on or current.meeting_on
    recipient = _chief_executive(current.organisation, held_on) if current.organisation else ""
    current.letter_draft = letter_text(meeting=current, minutes=minutes, actions=actions, recipient=recipient)
    return _save(current, actor=actor, reason="Letter drafted from the minutes and actions")
