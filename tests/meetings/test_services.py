"""The meeting record's services and selectors, on a real database: meetings and their life,
agenda, papers and their deadlines, attendance and quorum, votes, declarations, minutes,
actions and the letter after the meeting. Expected values are written out by hand."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from escalation import services as escalation_services
from escalation.services import Scope
from meetings import selectors, services
from meetings.choices import ActionStatus, DecisionMethod, DecisionOutcome, MeetingStatus, MembershipKind
from meetings.models import Attendance, Committee, CommitteeMember, Meeting, MeetingType, Minutes, Paper, Vote
from meetings.services import RuleRefused
from oversight.errors import ConflictError, OversightError, PermissionRefused
from oversight.models import Attachment
from tests.factories import OfficeholderFactory, OrganisationFactory, UserFactory

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def pdf(name="paper.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a meeting paper\n")


@pytest.fixture
def types(frameworks):
    return {t.code: t for t in MeetingType.objects.all()}


@pytest.fixture
def official(world):
    return world.personas["official"]


@pytest.fixture
def review(world, types, official):
    """A CEO/Executive Review with organisation A on Wednesday 15 July 2026 at 10:00."""

    def _review(starts_at=None, organisation=None):
        return services.meeting_create(
            actor=official,
            meeting_type=types["ceo_review"],
            starts_at=starts_at or at(2026, 7, 15),
            organisation=organisation or world.org_a,
        )

    return _review


def advance(actor, meeting, to_status, on):
    return services.meeting_advance(
        actor=actor, meeting=meeting, expected_version=meeting.version, to_status=to_status, on=on
    )


def held(actor, meeting):
    return advance(actor, meeting, MeetingStatus.HELD, meeting.meeting_on)


# --- Meetings and their life -------------------------------------------------------------------


def test_a_meeting_lasts_its_types_usual_length_and_its_creation_is_recorded(world, review, official):
    meeting = review()
    assert meeting.ends_at == at(2026, 7, 15, 12)  # the CEO/Executive Review's 120 minutes
    assert meeting.title == "CEO/Executive Review: Org A"
    assert meeting.status == MeetingStatus.PLANNED
    created = meeting.history.get()
    assert (created.history_user, created.history_change_reason) == (official, "Arranged by hand")


def test_only_wg_arranges_meetings(world, types):
    arrange = {"meeting_type": types["ceo_review"], "starts_at": at(2026, 7, 15), "organisation": world.org_a}
    with pytest.raises(PermissionRefused):
        services.meeting_create(actor=world.personas["submitter_a"], **arrange)
    with pytest.raises(Http404):
        services.meeting_create(actor=world.personas["submitter_b"], **arrange)
    assert not Meeting.objects.exists()


def test_a_meeting_is_with_whom_its_type_says_and_only_while_the_type_is_in_force(world, types, official):
    with pytest.raises(OversightError) as refused:
        services.meeting_create(actor=official, meeting_type=types["ceo_review"], starts_at=at(2026, 7, 15))
    assert refused.value.code == "organisation_required"
    with pytest.raises(OversightError) as refused:
        services.meeting_create(
            actor=official, meeting_type=types["ceo_review"], starts_at=at(2026, 3, 20), organisation=world.org_a
        )
    assert refused.value.code == "meeting_type_not_in_force"
    assert "1 April 2026" in refused.value.message
    assert not Meeting.objects.exists()


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(review, official):
    meeting = review()
    services.meeting_update(actor=official, meeting=meeting, expected_version=1, title="Review with Org A")
    with pytest.raises(ConflictError):
        services.meeting_update(actor=official, meeting=meeting, expected_version=1, title="Someone else's title")
    with pytest.raises(ConflictError):
        advance(official, meeting, MeetingStatus.CONFIRMED, date(2026, 6, 1))  # ``meeting`` is still version 1
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version, meeting.status) == ("Review with Org A", 2, MeetingStatus.PLANNED)


def test_a_confirmed_meeting_may_be_rescheduled_by_hand_and_the_move_is_recorded(review, official):
    meeting = advance(official, review(), MeetingStatus.CONFIRMED, date(2026, 6, 1))
    moved = services.meeting_update(
        actor=official, meeting=meeting, expected_version=meeting.version, starts_at=at(2026, 7, 22, 14)
    )
    assert (moved.starts_at, moved.ends_at) == (at(2026, 7, 22, 14), at(2026, 7, 22, 16))
    assert moved.status == MeetingStatus.CONFIRMED
    assert moved.history.first().history_change_reason == (
        "Rescheduled by hand from 15 July 2026 at 10:00 to 22 July 2026 at 14:00"
    )


def test_a_meeting_moves_forward_only_and_held_records_the_day_it_was_held(review, official):
    meeting = advance(official, review(), MeetingStatus.AGENDA_ISSUED, date(2026, 6, 20))
    with pytest.raises(OversightError) as refused:
        advance(official, meeting, MeetingStatus.CONFIRMED, date(2026, 6, 21))
    assert refused.value.code == "status_backwards"
    assert "cannot go back to confirmed" in refused.value.message
    with pytest.raises(OversightError) as refused:
        advance(official, meeting, MeetingStatus.CLOSED, date(2026, 7, 20))
    assert refused.value.code == "not_yet_held"
    with pytest.raises(OversightError) as refused:
        advance(official, meeting, MeetingStatus.HELD, date(2026, 7, 14))
    assert refused.value.code == "not_yet_happened"
    meeting = advance(official, meeting, MeetingStatus.HELD, date(2026, 7, 16))
    assert (meeting.status, meeting.held_on) == (MeetingStatus.HELD, date(2026, 7, 15))
    with pytest.raises(OversightError) as refused:
        advance(official, meeting, MeetingStatus.MINUTED, date(2026, 7, 20))
    assert refused.value.code == "minutes_not_approved"
    with pytest.raises(ConflictError) as refused:
        services.meeting_cancel(actor=official, meeting=meeting, expected_version=meeting.version, reason="Oops")
    assert refused.value.code == "meeting_already_held"
    closed = advance(official, meeting, MeetingStatus.CLOSED, date(2026, 7, 20))
    with pytest.raises(ConflictError) as refused:
        advance(official, closed, MeetingStatus.MINUTED, date(2026, 7, 21))
    assert refused.value.code == "meeting_closed"


def test_a_cancelled_meeting_gives_its_reason_and_moves_no_further(review, official):
    meeting = review()
    with pytest.raises(OversightError) as refused:
        services.meeting_cancel(actor=official, meeting=meeting, expected_version=1, reason="  ")
    assert refused.value.code == "reason_required"
    cancelled = services.meeting_cancel(
        actor=official, meeting=meeting, expected_version=1, reason="The chief executive is unwell"
    )
    assert (cancelled.status, cancelled.cancelled_reason) == (MeetingStatus.CANCELLED, "The chief executive is unwell")
    with pytest.raises(ConflictError) as refused:
        advance(official, cancelled, MeetingStatus.CONFIRMED, date(2026, 7, 1))
    assert refused.value.code == "meeting_cancelled"
    assert "The chief executive is unwell" in refused.value.message


# --- Agenda -------------------------------------------------------------------------------------


def test_an_agenda_item_takes_a_case_only_of_an_organisation_at_the_meeting(world, review, official):
    case_a = escalation_services.case_open(
        actor=official, organisation=world.org_a, scope=Scope("organisation"), reason="Finance", on=date(2026, 5, 1)
    )
    case_b = escalation_services.case_open(
        actor=official, organisation=world.org_b, scope=Scope("organisation"), reason="Finance", on=date(2026, 5, 1)
    )
    meeting = review()
    with pytest.raises(OversightError) as refused:
        services.agenda_item_add(actor=official, meeting=meeting, title="Org B finances", case=case_b)
    assert refused.value.code == "case_not_at_meeting"
    assert not meeting.agenda_items.exists()
    first = services.agenda_item_add(actor=official, meeting=meeting, title="Escalation update", case=case_a)
    second = services.agenda_item_add(actor=official, meeting=meeting, title="Any other business")
    assert (first.order, first.organisation, first.case) == (1, world.org_a, case_a)
    assert second.order == 2


# --- Papers -------------------------------------------------------------------------------------


def test_a_paper_on_its_due_date_is_on_time_and_one_a_day_later_is_late(world, review):
    meeting = review()  # Wednesday 15 July; papers due ten days before, on 5 July
    submitter = world.personas["submitter_a"]
    with time_machine.travel(at(2026, 7, 5, 23, 30)):
        on_time = services.paper_submit(actor=submitter, meeting=meeting, upload=pdf("slides.pdf"), kind="slides")
    with time_machine.travel(at(2026, 7, 6, 0, 30)):
        late = services.paper_submit(actor=submitter, meeting=meeting, upload=pdf("finance.pdf"))
    assert (on_time.due_on, on_time.late) == (date(2026, 7, 5), False)
    assert (late.due_on, late.late) == (date(2026, 7, 5), True)
    assert late.history.get().history_change_reason == "Submitted late: due by 5 July 2026"
    assert on_time.attachment.organisation == world.org_a
    assert on_time.attachment.target_id == str(meeting.pk)
    assert on_time.submitted_by == submitter


def test_another_organisation_cannot_submit_a_paper_to_a_meeting_it_cannot_see(world, review):
    meeting = review()
    with pytest.raises(Http404):
        services.paper_submit(actor=world.personas["submitter_b"], meeting=meeting, upload=pdf())
    assert not Paper.objects.exists()
    assert not Attachment.objects.exists()
    paper = services.paper_submit(actor=world.personas["submitter_a"], meeting=meeting, upload=pdf())
    assert list(meeting.papers.all()) == [paper]


def test_papers_are_refused_for_a_cancelled_meeting(world, review, official):
    meeting = services.meeting_cancel(actor=official, meeting=review(), expected_version=1, reason="Rearranged")
    with pytest.raises(ConflictError) as refused:
        services.paper_submit(actor=world.personas["submitter_a"], meeting=meeting, upload=pdf())
    assert refused.value.code == "meeting_cancelled"
    assert not Paper.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused_and_no_paper_is_kept(world, review):
    with pytest.raises(OversightError) as refused:
        services.paper_submit(
            actor=world.personas["submitter_a"],
            meeting=review(),
            upload=SimpleUploadedFile("paper.pdf", b"MZ\x90\x00 a program"),
        )
    assert refused.value.field == "file"
    assert not Paper.objects.exists()


# --- Committees: attendance, quorum and votes -------------------------------------------------------


@pytest.fixture
def committee(world, types):
    """Three core organisations (A with two seats, B and C), a quorum of half the core
    organisations (2 of 3), and an attendee seat for B."""
    org_c = OrganisationFactory(code="ORGC", name="Organisation C NHS Trust", short_name="Org C")
    group = Committee.objects.create(
        name="Pan Cluster Planning Group",
        meeting_type=types["committee"],
        host_organisation=world.org_a,
        quorum_fraction_numerator=1,
        quorum_fraction_denominator=2,
        chair="Dr Chair",
    )
    people = {}
    for key, organisation, role, kind in (
        ("a1", world.org_a, "Cluster lead", MembershipKind.CORE),
        ("a2", world.org_a, "Primary care lead", MembershipKind.CORE),
        ("b", world.org_b, "Planning lead", MembershipKind.CORE),
        ("c", org_c, "Director", MembershipKind.CORE),
        ("observer", world.org_b, "Observer", MembershipKind.ATTENDEE),
    ):
        people[key] = UserFactory(username=f"member_{key}")
        CommitteeMember.objects.create(
            committee=group, organisation=organisation, role=role, kind=kind, representative=people[key]
        )
    group.people = people
    group.org_c = org_c
    return group


@pytest.fixture
def committee_meeting(committee, types, official):
    return services.meeting_create(
        actor=official, meeting_type=types["committee"], committee=committee, starts_at=at(2026, 6, 10, 14)
    )


def attend(official, meeting, person, mark="present"):
    return services.attendance_record(actor=official, meeting=meeting, person=person, mark=mark)


def vote(official, decision, votes, casting=None):
    return services.vote_record(actor=official, decision=decision, votes=votes, chair_casting_vote=casting)


def to_vote(official, meeting):
    return services.decision_record(
        actor=official, meeting=meeting, text="Adopt the cluster plan", method=DecisionMethod.VOTE
    )


def test_a_committee_meeting_invites_its_organisations_and_takes_seat_details_from_attendance(
    world, committee, committee_meeting, official
):
    assert set(committee_meeting.invited_organisations.all()) == {world.org_a, world.org_b, committee.org_c}
    row = attend(official, committee_meeting, committee.people["observer"])
    assert (row.organisation, row.kind) == (world.org_b, MembershipKind.ATTENDEE)


def test_attendance_is_recorded_once_per_person(committee, committee_meeting, official):
    attend(official, committee_meeting, committee.people["a1"])
    changed = attend(official, committee_meeting, committee.people["a1"], mark="apologies")
    assert Attendance.objects.filter(meeting=committee_meeting).count() == 1
    assert (changed.mark, changed.version) == ("apologies", 2)


def test_attendees_do_not_make_a_quorum(world, committee, committee_meeting, official):
    attend(official, committee_meeting, committee.people["a1"])
    attend(official, committee_meeting, committee.people["observer"])
    services.attendance_record(
        actor=official, meeting=committee_meeting, name="Guest speaker", organisation=committee.org_c, kind="attendee"
    )
    quorum = selectors.quorum_for(committee_meeting)
    assert (quorum.met, quorum.present, quorum.total, quorum.needed) == (False, 1, 3, 2)
    decision = to_vote(official, committee_meeting)
    with pytest.raises(RuleRefused) as refused:
        vote(official, decision, [(committee.people["a1"], world.org_a, "for")])
    assert refused.value.code == "not_quorate"
    assert "1 of 3 core organisations present; 2 needed" in refused.value.message
    assert not Vote.objects.exists()
    attend(official, committee_meeting, committee.people["b"])
    assert selectors.quorum_for(committee_meeting).met


def test_a_tie_is_decided_by_the_chairs_casting_vote(world, committee, committee_meeting, official):
    a1, b = committee.people["a1"], committee.people["b"]
    attend(official, committee_meeting, a1)
    attend(official, committee_meeting, b)
    decision = to_vote(official, committee_meeting)
    votes = [(a1, world.org_a, "for"), (b, world.org_b, "against")]
    with pytest.raises(RuleRefused) as refused:
        vote(official, decision, votes)
    assert refused.value.code == "casting_vote_required"
    assert not Vote.objects.exists()
    counted = vote(official, decision, votes, casting="against")
    assert (counted.outcome, counted.casting_vote, counted.casting_vote_decided) == (
        DecisionOutcome.NOT_CARRIED,
        "against",
        True,
    )
    assert counted.votes.count() == 2
    assert counted.history.first().history_change_reason == (
        "Not carried: 1 for, 1 against, 0 abstaining, by organisation; tied, chair's casting vote against"
    )


def test_two_members_of_one_organisation_cast_one_vote_between_them(world, committee, committee_meeting, official):
    people = committee.people
    for key in ("a1", "a2", "b", "c"):
        attend(official, committee_meeting, people[key])
    decision = to_vote(official, committee_meeting)
    # Counted by person this would be a 2-2 tie; counted by organisation A's two votes are one.
    counted = vote(
        official,
        decision,
        [
            (people["a1"], world.org_a, "for"),
            (people["a2"], world.org_a, "for"),
            (people["b"], world.org_b, "against"),
            (people["c"], committee.org_c, "against"),
        ],
    )
    assert (counted.outcome, counted.casting_vote_decided) == (DecisionOutcome.NOT_CARRIED, False)
    reason = counted.history.first().history_change_reason
    assert reason == "Not carried: 1 for, 2 against, 0 abstaining, by organisation"
    split = to_vote(official, committee_meeting)
    with pytest.raises(RuleRefused) as refused:
        vote(official, split, [(people["a1"], world.org_a, "for"), (people["a2"], world.org_a, "against")])
    assert refused.value.code == "organisation_vote_split"


def test_an_attendees_vote_is_refused(world, committee, committee_meeting, official):
    people = committee.people
    for key in ("a1", "b", "observer"):
        attend(official, committee_meeting, people[key])
    decision = to_vote(official, committee_meeting)
    with pytest.raises(RuleRefused) as refused:
        vote(
            official,
            decision,
            [(people["a1"], world.org_a, "for"), (people["observer"], world.org_b, "against")],
        )
    assert refused.value.code == "attendee_cannot_vote"
    assert not Vote.objects.exists()
    decision.refresh_from_db()
    assert decision.outcome == ""


def test_a_vote_by_someone_not_recorded_as_present_is_refused(world, committee, committee_meeting, official):
    people = committee.people
    attend(official, committee_meeting, people["a1"])
    attend(official, committee_meeting, people["b"])
    attend(official, committee_meeting, people["c"], mark="apologies")
    decision = to_vote(official, committee_meeting)
    with pytest.raises(OversightError) as refused:
        vote(official, decision, [(people["a1"], world.org_a, "for"), (people["c"], committee.org_c, "for")])
    assert refused.value.code == "voter_not_present"


# --- Declarations of interest -----------------------------------------------------------------------


def test_a_persons_register_lists_their_declarations_at_every_meeting_newest_first(world, review, official):
    april, july = review(at(2026, 4, 15)), review(at(2026, 7, 15))
    person, other = world.personas["submitter_a"], world.personas["analyst"]
    first = services.declaration_record(
        actor=official, meeting=april, person=person, interest="Trustee of a local hospice", on=date(2026, 4, 15)
    )
    services.declaration_record(
        actor=official, meeting=july, person=other, interest="Spouse works for the board", on=date(2026, 7, 15)
    )
    second = services.declaration_record(  # a person may declare their own interest
        actor=person, meeting=july, person=person, interest="Adviser to a supplier", on=date(2026, 7, 15)
    )
    assert list(selectors.declarations_register(person)) == [second, first]
    assert list(selectors.declarations_register(person, user=world.personas["submitter_b"])) == []


# --- Minutes ----------------------------------------------------------------------------------------


def test_minutes_are_drafted_only_once_the_meeting_is_held(review, official):
    with pytest.raises(OversightError) as refused:
        services.minutes_draft(actor=official, meeting=review(), key_points="x", body="y", on=date(2026, 7, 15))
    assert refused.value.code == "not_yet_held"
    assert not Minutes.objects.exists()


def test_minutes_are_approved_only_at_a_later_held_meeting_of_the_same_body_and_shown_on_both(world, review, official):
    earlier = held(official, review(at(2026, 4, 2)))
    april = held(official, review(at(2026, 4, 15)))
    july = review(at(2026, 7, 15))
    org_b_review = held(official, review(at(2026, 7, 16), organisation=world.org_b))
    minutes = services.minutes_draft(
        actor=official, meeting=april, key_points="Finance behind plan", body="Full minutes", on=date(2026, 4, 20)
    )

    def approve(at_meeting, on=date(2026, 7, 20)):
        with pytest.raises(OversightError) as refused:
            services.minutes_approve(actor=official, minutes=minutes, at_meeting=at_meeting, on=on)
        return refused.value.code

    assert approve(april) == "approved_at_own_meeting"
    assert approve(earlier) == "not_a_later_meeting"
    assert approve(org_b_review) == "not_the_same_body"
    assert approve(july) == "approving_meeting_not_held"
    july = held(official, july)
    assert approve(july, on=date(2026, 7, 14)) == "approved_before_meeting"
    assert not Minutes.objects.get(pk=minutes.pk).approved

    approved = services.minutes_approve(actor=official, minutes=minutes, at_meeting=july, on=date(2026, 7, 15))
    assert (approved.approved_at_meeting, approved.approved_on) == (july, date(2026, 7, 15))
    assert list(july.approved_minutes.all()) == [approved]
    april.refresh_from_db()
    assert april.status == MeetingStatus.MINUTED
    reason = april.history.first().history_change_reason
    assert reason == "Held → Minuted: minutes approved at the meeting of 15 July 2026"
    assert approved.history.first().history_change_reason == "Approved on 15 July 2026 at the meeting of 15 July 2026"
    with pytest.raises(ConflictError):
        services.minutes_approve(actor=official, minutes=approved, at_meeting=july, on=date(2026, 7, 16))


# --- Actions ----------------------------------------------------------------------------------------


@pytest.fixture
def actions(world, review, official):
    meeting = review()
    b_meeting = review(organisation=world.org_b)
    owner = world.personas["submitter_a"]

    def action(title, due_on, owner=owner, organisation=world.org_a):
        return services.action_create(
            actor=official,
            meeting=meeting if organisation == world.org_a else b_meeting,
            title=title,
            organisation=organisation,
            due_on=due_on,
            owner=owner,
        )

    found = {
        "overdue": action("Send the recovery plan", date(2026, 7, 1)),
        "later": action("Report waiting times", date(2026, 8, 1)),
        "done": action("Confirm the board date", date(2026, 6, 1)),
        "officials": action("Agree the support offer", date(2026, 6, 15), owner=official),
        "org_b": action("Share the benchmarking", date(2026, 6, 1), organisation=world.org_b),
    }
    found["done"] = services.action_update_status(
        actor=owner, action=found["done"], expected_version=1, status=ActionStatus.DONE, on=date(2026, 6, 30)
    )
    found["meeting"] = meeting
    return found


def test_my_actions_lists_open_ones_first_by_due_date_with_an_overdue_flag(world, actions):
    mine = selectors.my_actions(world.personas["submitter_a"], today=date(2026, 7, 10))
    assert [(a.title, a.overdue) for a in mine] == [
        ("Send the recovery plan", True),
        ("Report waiting times", False),
        ("Confirm the board date", False),  # done: never overdue
    ]


def test_an_organisations_actions_are_seen_only_by_those_who_see_the_organisation(world, actions):
    today = date(2026, 7, 10)
    assert selectors.organisation_actions(world.personas["submitter_b"], world.org_a, today=today) == []
    seen = selectors.organisation_actions(world.personas["official"], world.org_a, today=today)
    assert [(a.title, a.overdue) for a in seen] == [
        ("Agree the support offer", True),
        ("Send the recovery plan", True),
        ("Report waiting times", False),
        ("Confirm the board date", False),
    ]


def test_done_records_when_an_action_was_completed_and_only_its_organisation_updates_it(world, actions):
    assert (actions["done"].status, actions["done"].completed_on) == (ActionStatus.DONE, date(2026, 6, 30))
    later = actions["later"]
    with pytest.raises(Http404):
        services.action_update_status(
            actor=world.personas["submitter_b"], action=later, expected_version=1, status="done", on=date(2026, 7, 2)
        )
    started = services.action_update_status(
        actor=world.personas["submitter_a"], action=later, expected_version=1, status="in_progress", on=date(2026, 7, 2)
    )
    assert (started.status, started.completed_on) == (ActionStatus.IN_PROGRESS, None)
    with pytest.raises(ConflictError):
        services.action_update_status(
            actor=world.personas["official"], action=later, expected_version=1, status="done", on=date(2026, 7, 3)
        )


# --- The letter after the meeting --------------------------------------------------------------------


def test_the_draft_letter_carries_the_key_points_and_the_actions_to_the_chief_executive(world, review, official):
    OfficeholderFactory(organisation=world.org_a, role="chief_executive", name="Jane Jones")
    meeting = held(official, review())
    services.action_create(
        actor=official,
        meeting=meeting,
        title="Send the revised financial recovery plan",
        organisation=world.org_a,
        due_on=date(2026, 7, 31),
        owner_name="Director of Finance",
    )
    with pytest.raises(OversightError) as refused:
        services.letter_draft_generate(actor=official, meeting=meeting)
    assert refused.value.code == "no_minutes"
    services.minutes_draft(
        actor=official,
        meeting=meeting,
        key_points="- The financial deficit is growing against plan\n- Planned care waits are improving",
        body="Full minutes",
        on=date(2026, 7, 16),
    )
    drafted = services.letter_draft_generate(actor=official, meeting=meeting)
    letter = drafted.letter_draft
    assert letter.startswith("From: NHS Wales Chief Executive\nTo: Jane Jones, Chief Executive, Organisation A")
    assert "Dear Jane Jones," in letter
    assert "- The financial deficit is growing against plan\n- Planned care waits are improving" in letter
    assert (
        "1. Send the revised financial recovery plan. Owner: Director of Finance "
        "(Organisation A University Health Board). Due: 31 July 2026." in letter
    )
    assert Meeting.objects.get(pk=meeting.pk).letter_draft == letter
    with pytest.raises(ConflictError):  # an edited draft is not overwritten unasked
        services.letter_draft_generate(actor=official, meeting=drafted)


def test_without_a_chief_executive_on_record_the_letter_is_to_the_chief_executive(world, review, official):
    meeting = held(official, review(organisation=world.org_b))
    services.minutes_draft(actor=official, meeting=meeting, key_points="Good progress", body="", on=date(2026, 7, 15))
    letter = services.letter_draft_generate(actor=official, meeting=meeting).letter_draft
    assert "Dear Chief Executive," in letter
    assert "No actions were agreed." in letter


def test_no_letter_follows_a_committee_meeting(committee_meeting, official):
    with pytest.raises(OversightError) as refused:
        services.letter_draft_generate(actor=official, meeting=committee_meeting)
    assert refused.value.code == "no_letter_for_type"


# --- Selectors ---------------------------------------------------------------------------------------


def test_the_meeting_list_shows_only_the_meetings_the_user_may_see(world, review):
    a, b = review(at(2026, 7, 15)), review(at(2026, 7, 1), organisation=world.org_b)
    assert list(selectors.meeting_list(world.personas["official"])) == [b, a]
    assert list(selectors.meeting_list(world.personas["submitter_a"])) == [a]
    assert selectors.meeting_detail(world.personas["submitter_a"], a.pk) == a
    with pytest.raises(Http404):
        selectors.meeting_detail(world.personas["submitter_b"], a.pk)


def _read_everything(meeting):
    """Everything the meeting page shows."""
    shown = [meeting.meeting_type.name, meeting.committee.name, list(meeting.approved_minutes.all())]
    shown += [(i.case, i.domain, i.organisation) for i in meeting.agenda_items.all()]
    shown += [(p.attachment.original_name, p.submitted_by.username, p.agenda_item) for p in meeting.papers.all()]
    shown += [(a.display_name, a.organisation.name) for a in meeting.attendance.all()]
    shown += [(d.person.username, d.agenda_item) for d in meeting.declarations.all()]
    shown += [(v.person.username, v.organisation.name) for d in meeting.decisions.all() for v in d.votes.all()]
    shown += [(a.owner_display, a.organisation.name, a.case) for a in meeting.actions.all()]
    shown += [i.organisation.name for i in meeting.invitations.all()]
    shown.append(selectors.quorum_for(meeting))
    return shown


def test_the_meeting_page_needs_the_same_number_of_queries_however_long_the_record(
    world, committee, committee_meeting, official
):
    def grow(n):
        for i in range(n):
            person = UserFactory(username=f"guest{committee_meeting.pk}-{i}")
            services.attendance_record(
                actor=official, meeting=committee_meeting, person=person, organisation=world.org_b, kind="attendee"
            )
            services.paper_submit(actor=official, meeting=committee_meeting, upload=pdf(f"p{i}.pdf"))
            services.agenda_item_add(actor=official, meeting=committee_meeting, title=f"Item {i}")
            services.declaration_record(
                actor=official, meeting=committee_meeting, person=person, interest="x", on=date(2026, 6, 10)
            )
            services.action_create(
                actor=official,
                meeting=committee_meeting,
                title=f"Action {i}",
                organisation=world.org_b,
                due_on=date(2026, 8, 1),
                owner=person,
            )
            services.decision_record(actor=official, meeting=committee_meeting, text=f"Decision {i}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _read_everything(selectors.meeting_detail(official, committee_meeting.pk))
        return len(captured)

    grow(1)
    once = queries()
    grow(3)
    assert queries() == once


def test_an_action_falls_only_to_an_organisation_at_the_meeting(world, review, official):
    with pytest.raises(OversightError) as refused:
        services.action_create(
            actor=official,
            meeting=review(),
            title="Share the benchmarking",
            organisation=world.org_b,
            due_on=date(2026, 8, 1),
            owner_name="Director of Planning",
        )
    assert refused.value.code == "organisation_not_at_meeting"
