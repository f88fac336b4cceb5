"""The meetings tables: the choices agree with ``meetings.rules``, the constraints that make
the planner idempotent hold in the database, and the computed deadlines follow the rules."""

import re
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from escalation.models import TripartiteRound
from meetings import reference, rules
from meetings.choices import (
    HELD_STATUSES,
    UPCOMING_STATUSES,
    ActionStatus,
    AttendanceMark,
    DecisionMethod,
    DecisionOutcome,
    MeetingStatus,
    MembershipKind,
    PaperKind,
    TorKind,
    VoteChoice,
)
from meetings.models import (
    Action,
    Attendance,
    CalendarFeed,
    Committee,
    CommitteeMember,
    Meeting,
    MeetingDecision,
    MeetingInvitation,
    MeetingType,
    Minutes,
    Paper,
    PublicAccountabilitySetting,
    Vote,
)
from tests.factories import RegionFactory, UserFactory

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    reference.seed()
    return {t.code: t for t in MeetingType.objects.all()}


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def meeting(meeting_type, *, starts_at=None, **values):
    starts_at = starts_at or at(2026, 7, 15)
    values.setdefault("title", str(meeting_type))
    return Meeting.objects.create(
        meeting_type=meeting_type, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **values
    )


# A unique constraint as SQLite reports it (by its columns); PostgreSQL names the constraint.
UNIQUE_COLUMNS = {
    "meeting_one_upcoming_per_plan_key": "meetings_meeting.plan_key",
    "meeting_one_per_type_and_period": "meetings_meeting.meeting_type_id, meetings_meeting.plan_period",
    "meeting_invitation_once": "meetings_meetinginvitation.meeting_id, meetings_meetinginvitation.organisation_id",
    "committee_member_unique_seat": "meetings_committeemember.committee_id",
    "attendance_once_per_person": "meetings_attendance.meeting_id, meetings_attendance.person_id",
    "vote_once_per_person": "meetings_vote.decision_id, meetings_vote.person_id",
    "public_accountability_once_or_twice_a_year": "",
}


def refused(name):
    """The database refuses the write because of the constraint ``name``."""
    columns = UNIQUE_COLUMNS.get(name)
    pattern = re.escape(name) + (f"|UNIQUE constraint failed: {re.escape(columns)}" if columns else "")
    return pytest.raises(IntegrityError, match=pattern)


# --- The choices and the rules agree -------------------------------------------------------------


def test_choices_spell_the_rules_values():
    assert set(MeetingStatus.values) == rules.STATUSES
    assert set(UPCOMING_STATUSES) | set(HELD_STATUSES) | {MeetingStatus.CANCELLED} == rules.STATUSES
    assert set(UPCOMING_STATUSES) >= rules.MOVABLE_STATUSES
    assert set(MembershipKind.values) == rules.MEMBERSHIP_KINDS
    assert set(AttendanceMark.values) == rules.ATTENDANCE_MARKS
    assert set(VoteChoice.values) == rules.VOTE_CHOICES
    assert set(TorKind.values) == set(rules.TOR_REVIEW_MONTHS)
    assert DecisionOutcome.from_rules(rules.CARRIED) == DecisionOutcome.CARRIED
    assert DecisionOutcome.from_rules(rules.NOT_CARRIED) == DecisionOutcome.NOT_CARRIED


# --- The planner's constraints ---------------------------------------------------------------------


def test_a_second_upcoming_meeting_in_the_same_planner_slot_is_refused(world, types):
    first = meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA")
    with refused("meeting_one_upcoming_per_plan_key"), transaction.atomic():
        meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA", starts_at=at(2026, 8, 1))
    # Other slots, and meetings made by hand, are unaffected.
    meeting(types["ceo_review"], organisation=world.org_b, plan_key="review:ORGB")
    meeting(types["ceo_review"], organisation=world.org_a)
    meeting(types["ceo_review"], organisation=world.org_a)
    # Each upcoming status holds the slot.
    for status in UPCOMING_STATUSES:
        Meeting.objects.filter(pk=first.pk).update(status=status)
        with refused("meeting_one_upcoming_per_plan_key"), transaction.atomic():
            meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA", starts_at=at(2026, 8, 1))


def test_the_next_meeting_in_a_slot_may_be_planned_once_the_last_is_held(world, types):
    first = meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA")
    first.status, first.held_on = MeetingStatus.HELD, date(2026, 7, 15)
    first.save()
    second = meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA", starts_at=at(2026, 8, 15))
    assert Meeting.objects.filter(plan_key="review:ORGA").upcoming().get() == second


def test_the_next_meeting_in_a_slot_may_be_planned_once_the_last_is_cancelled(world, types):
    first = meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA")
    first.status, first.cancelled_reason = MeetingStatus.CANCELLED, "Moved at the organisation's request"
    first.save()
    meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA", starts_at=at(2026, 7, 22))
    assert Meeting.objects.filter(plan_key="review:ORGA").count() == 2


def test_a_monthly_system_meeting_is_planned_once_per_month_even_after_it_is_held(types):
    oversight = types["wg_nhspi_oversight"]
    december = meeting(oversight, starts_at=at(2026, 12, 9), plan_key="oversight:2026-12", plan_period="2026-12")
    december.status, december.held_on = MeetingStatus.HELD, date(2026, 12, 9)
    december.save()
    with refused("meeting_one_per_type_and_period"), transaction.atomic():
        meeting(oversight, starts_at=at(2026, 12, 16), plan_key="oversight:2026-12", plan_period="2026-12")
    meeting(oversight, starts_at=at(2027, 1, 13), plan_key="oversight:2027-01", plan_period="2027-01")
    # Another type may use the same month.
    meeting(types["quality_and_delivery_board"], starts_at=at(2026, 12, 9), plan_period="2026-12")


def test_a_cancelled_monthly_meeting_may_be_replaced_by_hand(types):
    oversight = types["wg_nhspi_oversight"]
    cancelled = meeting(oversight, starts_at=at(2026, 12, 9), plan_key="oversight:2026-12", plan_period="2026-12")
    cancelled.status, cancelled.cancelled_reason = MeetingStatus.CANCELLED, "Clashed with a Senedd debate"
    cancelled.save()
    meeting(oversight, starts_at=at(2026, 12, 16), plan_key="oversight:2026-12", plan_period="2026-12")


def test_a_month_keyed_meeting_is_system_wide_and_its_month_well_formed(world, types):
    with refused("meeting_period_only_for_system_meetings"), transaction.atomic():
        meeting(types["ceo_review"], organisation=world.org_a, plan_period="2026-12")
    bad = Meeting(
        meeting_type=types["wg_nhspi_oversight"],
        title="Oversight",
        starts_at=at(2026, 12, 9),
        ends_at=at(2026, 12, 9, 12),
        plan_period="2026-13",
    )
    with pytest.raises(ValidationError, match="YYYY-MM"):
        bad.full_clean()


def test_full_clean_reports_the_planner_slot_clash(world, types):
    meeting(types["ceo_review"], organisation=world.org_a, plan_key="review:ORGA")
    clash = Meeting(
        meeting_type=types["ceo_review"],
        organisation=world.org_a,
        title="Review",
        starts_at=at(2026, 8, 1),
        ends_at=at(2026, 8, 1, 12),
        plan_key="review:ORGA",
    )
    with pytest.raises(ValidationError):
        clash.full_clean()


# --- A meeting's own rules ------------------------------------------------------------------------


def test_a_meeting_cancelled_without_a_reason_or_held_without_a_date_is_refused(world, types):
    planned = meeting(types["ceo_review"], organisation=world.org_a)
    with refused("meeting_cancelled_has_reason"), transaction.atomic():
        Meeting.objects.filter(pk=planned.pk).update(status=MeetingStatus.CANCELLED)
    for status in HELD_STATUSES:
        with refused("meeting_held_has_date"), transaction.atomic():
            Meeting.objects.filter(pk=planned.pk).update(status=status)
    with refused("meeting_ends_after_it_starts"), transaction.atomic():
        Meeting.objects.filter(pk=planned.pk).update(ends_at=planned.starts_at)


def test_a_meeting_is_with_an_organisation_or_a_region_not_both(world, types):
    region = RegionFactory(code="south-west-wales", name="South West Wales")
    meeting(types["regional"], region=region, plan_key="regional:south-west-wales")
    with refused("meeting_organisation_or_region"), transaction.atomic():
        meeting(types["regional"], region=region, organisation=world.org_a)


def test_jet_deadlines_count_back_from_the_meeting_date(world, types):
    # Thursday 16 October 2025, 10:00 BST.
    jet = meeting(types["jet"], organisation=world.org_a, starts_at=at(2025, 10, 16))
    assert jet.agenda_due_on == date(2025, 9, 25)  # three weeks before [000 §12]
    assert jet.slides_due_on == date(2025, 10, 6)  # ten days before [000 §12]
    assert jet.papers_due_on is None
    assert jet.due_on_for(PaperKind.SLIDES) == jet.due_on_for(PaperKind.PAPER) == date(2025, 10, 6)
    assert jet.letter_due_on is None  # the sources set no deadline for the letter


def test_committee_deadlines_and_the_local_date_across_midnight(world, types):
    # 00:30 on Wednesday 10 June 2026 in London is still 9 June in UTC.
    committee_meeting = meeting(types["committee"], starts_at=at(2026, 6, 10, 0, 30))
    assert committee_meeting.meeting_on == date(2026, 6, 10)
    assert committee_meeting.agenda_items_due_on == date(2026, 5, 27)  # two weeks before [003 §5]
    assert committee_meeting.papers_due_on == date(2026, 6, 5)  # the Friday preceding [003 §5]
    assert committee_meeting.agenda_due_on is None


def test_the_review_takes_its_lead_times_from_jet(world, types):
    review = meeting(types["ceo_review"], organisation=world.org_a, starts_at=at(2026, 3, 15))
    assert (review.agenda_due_on, review.slides_due_on, review.papers_due_on) == (
        date(2026, 2, 22),
        date(2026, 3, 5),
        date(2026, 3, 5),
    )


def test_a_meeting_records_history_and_its_invitations(world, types):
    oversight = meeting(types["wg_nhspi_oversight"], starts_at=at(2026, 5, 13))
    MeetingInvitation.objects.create(meeting=oversight, organisation=world.org_a)
    with refused("meeting_invitation_once"), transaction.atomic():
        MeetingInvitation.objects.create(meeting=oversight, organisation=world.org_a)
    assert list(oversight.invited_organisations.all()) == [world.org_a]
    assert oversight.history.count() == 1
    assert Meeting.access_organisation_field == "organisation"
    assert Meeting.access_invited_organisations_field == "invited_organisations"


def test_a_meeting_points_at_its_tripartite_round(types):
    round_ = TripartiteRound.objects.create(held_on=date(2026, 5, 20), title="Tripartite round, May 2026")
    tripartite = meeting(types["tripartite"], starts_at=at(2026, 5, 20), tripartite_round=round_)
    assert list(round_.meetings.all()) == [tripartite]


# --- Committees, attendance and votes ----------------------------------------------------------------


def test_a_committee_quorum_becomes_the_rules_value(types):
    committee = Committee.objects.create(
        name="Cardiff Pan Cluster Planning Group",
        meeting_type=types["committee"],
        quorum_minimum=3,
        quorum_fraction_numerator=1,
        quorum_fraction_denominator=2,
        tor_last_reviewed_on=date(2026, 1, 20),
    )
    assert committee.quorum_rule == rules.QuorumRule(minimum=3, fraction=Fraction(1, 2), counts="organisations")
    assert committee.tor_review_due_on == date(2027, 1, 20)  # annually [003 §8]
    assert committee.interval_months == 2  # every two months [003 §5]


def test_a_committee_without_a_quorum_or_with_a_share_above_one_is_refused(types):
    with refused("committee_quorum_given"), transaction.atomic():
        Committee.objects.create(name="No quorum", meeting_type=types["committee"])
    with refused("committee_quorum_fraction_valid"), transaction.atomic():
        Committee.objects.create(
            name="Too many",
            meeting_type=types["committee"],
            quorum_fraction_numerator=3,
            quorum_fraction_denominator=2,
        )


def test_a_committee_seat_is_unique_per_organisation_and_role(world, types):
    committee = Committee.objects.create(name="PCPG", meeting_type=types["committee"], quorum_minimum=3)
    CommitteeMember.objects.create(
        committee=committee,
        organisation=world.org_a,
        role="Director of Planning",
        representative=world.personas["submitter_a"],
        alternate_name="A. Deputy",
    )
    CommitteeMember.objects.create(
        committee=committee, organisation=world.org_a, role="Head of Primary Care", kind=MembershipKind.ATTENDEE
    )
    with refused("committee_member_unique_seat"), transaction.atomic():
        CommitteeMember.objects.create(committee=committee, organisation=world.org_a, role="Director of Planning")
    seat = committee.members.get(role="Director of Planning")
    assert seat.alternate_display == "A. Deputy"


def test_attendance_is_once_per_person_and_a_deputy_names_the_member(world, types):
    held = meeting(types["committee"])
    person = world.personas["submitter_a"]
    Attendance.objects.create(meeting=held, person=person, organisation=world.org_a)
    with refused("attendance_once_per_person"), transaction.atomic():
        Attendance.objects.create(meeting=held, person=person, organisation=world.org_a, mark=AttendanceMark.ABSENT)
    # People without an account may appear more than once by name.
    Attendance.objects.create(meeting=held, name="Visitor", organisation=world.org_b, kind=MembershipKind.ATTENDEE)
    Attendance.objects.create(meeting=held, name="Visitor", organisation=world.org_b, kind=MembershipKind.ATTENDEE)
    with refused("attendance_deputy_names_member"), transaction.atomic():
        Attendance.objects.create(meeting=held, name="Alternate", organisation=world.org_b, mark=AttendanceMark.DEPUTY)
    row = held.attendance.get(person=person)
    assert row.as_rules() == rules.Attendance(organisation=str(world.org_a.pk), membership="core", mark="present")


def test_a_person_votes_once_on_a_decision_and_the_count_is_by_organisation(world, types):
    held = meeting(types["committee"])
    decision = MeetingDecision.objects.create(meeting=held, text="Adopt the plan", method=DecisionMethod.VOTE)
    first, colleague = world.personas["submitter_a"], UserFactory(username="colleague_a")
    Vote.objects.create(decision=decision, organisation=world.org_a, person=first, choice=VoteChoice.FOR)
    Vote.objects.create(decision=decision, organisation=world.org_a, person=colleague, choice=VoteChoice.FOR)
    with refused("vote_once_per_person"), transaction.atomic():
        Vote.objects.create(decision=decision, organisation=world.org_a, person=first, choice=VoteChoice.AGAINST)
    votes = [
        rules.Vote(organisation=str(vote.organisation_id), membership="core", choice=vote.choice)
        for vote in decision.votes.all()
    ]
    result = rules.vote_outcome(votes=votes)
    assert result.for_count == 1 and result.outcome == rules.CARRIED


def test_a_casting_vote_belongs_to_a_vote_and_is_recorded_when_it_decides(types):
    held = meeting(types["committee"])
    with refused("decision_casting_vote_only_on_a_vote"), transaction.atomic():
        MeetingDecision.objects.create(meeting=held, text="Agree", casting_vote="for", casting_vote_decided=True)
    with refused("decision_casting_vote_recorded"), transaction.atomic():
        MeetingDecision.objects.create(
            meeting=held, text="Agree", method=DecisionMethod.VOTE, casting_vote_decided=True
        )
    MeetingDecision.objects.create(
        meeting=held,
        text="Agree",
        method=DecisionMethod.VOTE,
        outcome=DecisionOutcome.CARRIED,
        casting_vote="for",
        casting_vote_decided=True,
    )


# --- Minutes, papers, actions, settings and feeds ------------------------------------------------


def test_minutes_are_approved_at_a_later_meeting_and_show_on_both(types):
    committee_type = types["committee"]
    first = meeting(committee_type, starts_at=at(2026, 6, 10))
    second = meeting(committee_type, starts_at=at(2026, 8, 12))
    minutes = Minutes.objects.create(meeting=first, key_points="Plan adopted")
    with refused("minutes_approved_at_a_later_meeting"), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(approved_at_meeting=first, approved_on=date(2026, 6, 10))
    with refused("minutes_approval_dated"), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(approved_at_meeting=second)
    minutes.approved_at_meeting, minutes.approved_on = second, date(2026, 8, 12)
    minutes.save()
    assert first.minutes.approved
    assert list(second.approved_minutes.all()) == [minutes]


def test_a_paper_is_late_only_after_its_due_date(world, types):
    from tests.factories import AttachmentFactory

    due = date(2026, 3, 5)
    assert not Paper.is_late(at(2026, 3, 5, 23, 59), due)
    assert Paper.is_late(at(2026, 3, 6, 0, 1), due)
    assert not Paper.is_late(at(2026, 3, 6), None)
    review = meeting(types["ceo_review"], organisation=world.org_a, starts_at=at(2026, 3, 15))
    paper = Paper.objects.create(
        meeting=review,
        attachment=AttachmentFactory(organisation=world.org_a),
        kind=PaperKind.SLIDES,
        submitted_by=world.personas["submitter_a"],
        submitted_at=at(2026, 3, 6),
        due_on=review.due_on_for(PaperKind.SLIDES),
        late=True,
    )
    assert paper.due_on == due
    with refused("paper_late_has_due_date"), transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(due_on=None)


def test_an_action_done_has_a_completion_date_and_is_overdue_only_while_open(world, types):
    review = meeting(types["ceo_review"], organisation=world.org_a)
    action = Action.objects.create(
        meeting=review, title="Send the recovery trajectory", organisation=world.org_a, due_on=date(2026, 8, 1)
    )
    assert not action.is_overdue(date(2026, 8, 1))
    assert action.is_overdue(date(2026, 8, 2))
    with refused("action_done_has_date"), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)
    action.status, action.completed_on = ActionStatus.DONE, date(2026, 8, 3)
    action.save()
    assert not action.is_overdue(date(2026, 9, 1))
    assert Action.access_organisation_field == "organisation"


def test_public_accountability_is_once_or_twice_a_year(world):
    setting = PublicAccountabilitySetting.objects.create(organisation=world.org_a, meetings_per_year=2)
    assert setting.interval_months == 6
    with refused("public_accountability_once_or_twice_a_year"), transaction.atomic():
        PublicAccountabilitySetting.objects.create(organisation=world.org_b, meetings_per_year=3)


def test_a_calendar_feed_has_a_secret_token_kept_out_of_history(world):
    feed = CalendarFeed.objects.create(user=world.personas["submitter_a"])
    other = CalendarFeed.objects.create(user=world.personas["submitter_b"])
    assert len(feed.token) >= 43 and feed.token != other.token
    assert feed.active
    assert not hasattr(feed.history.first(), "token")


@pytest.mark.parametrize(
    ("cadence_rule", "months"),
    [
        pytest.param("fixed_months", [], id="fixed-months-without-months"),
        pytest.param("fixed_months", [[11, 12, 1]], id="window-across-the-year-end"),
        pytest.param("fixed_months", [[4, 6]], id="months-not-consecutive"),
        pytest.param("fixed_months", "April", id="not-a-list"),
        pytest.param("on_demand", [[4, 5]], id="months-on-a-type-not-held-in-fixed-months"),
    ],
)
def test_a_meeting_type_refuses_months_the_rules_cannot_use(types, cadence_rule, months):
    jet = types["jet"]
    jet.cadence_rule, jet.months = cadence_rule, months
    with pytest.raises(ValidationError, match="months"):
        jet.full_clean()
