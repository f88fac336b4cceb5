"""Reminders go in the app and by e-mail, once per thing per due date, to the right people."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from escalation import services as escalation
from meetings import reminders
from meetings.models import Action, Committee, Meeting, MeetingType
from organisations.choices import Role
from oversight.models import Notification
from tests.factories import MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 5)


def _meeting(code, organisation, on, **values):
    starts = datetime(on.year, on.month, on.day, 10, tzinfo=LONDON)
    return Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code=code),
        organisation=organisation,
        title=values.pop("title", f"Review {on}"),
        starts_at=starts,
        ends_at=starts.replace(hour=12),
        **values,
    )


@pytest.fixture
def scene(world, frameworks):
    secretary = UserFactory(username="secretary", email="secretary@example.test")
    MembershipFactory(user=secretary, organisation=world.wg, role=Role.WG_SECRETARIAT)
    submitter = world.personas["submitter_a"]
    submitter.email = "submitter@example.test"
    submitter.save()
    # Papers for a review on Monday 21 December are due 10 days before: 11 December.
    papers = _meeting("ceo_review", world.org_a, date(2026, 12, 21), title="Review of Org A")
    # The agenda for a review on 30 December is due 21 days before: 9 December.
    agenda = _meeting("ceo_review", world.org_b, date(2026, 12, 30), title="Review of Org B")
    # Held on 20 November with no minutes: the draft was due 14 days later, on 4 December.
    held = _meeting("ceo_review", world.org_b, date(2026, 11, 20), status="held", held_on=date(2026, 11, 20))
    action = Action.objects.create(
        meeting=held,
        title="Send the recovery plan",
        organisation=world.org_a,
        owner=submitter,
        due_on=date(2026, 12, 1),
    )
    # Org A escalated on 1 October with no criteria agreed six weeks later.
    draft = escalation.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        to_level=3,
        rationale="r",
        planned_on=date(2026, 10, 1),
    )
    escalation.decision_decide(
        actor=world.personas["decision_maker"],
        decision=draft,
        expected_version=draft.version,
        decided_on=date(2026, 10, 1),
    )
    committee = Committee.objects.create(
        name="Cardiff Pan Cluster Planning Group",
        meeting_type=MeetingType.objects.get(code="committee"),
        quorum_minimum=3,
        tor_last_reviewed_on=date(2025, 12, 20),
    )
    return {
        "secretary": secretary,
        "papers": papers,
        "agenda": agenda,
        "held": held,
        "action": action,
        "committee": committee,
    }


def _keys(user):
    return {n.dedupe_key for n in Notification.objects.filter(recipient=user)}


def test_each_reminder_reaches_its_people_once(world, scene):
    report = reminders.send_reminders(today=TODAY)
    secretary, submitter = scene["secretary"], world.personas["submitter_a"]
    assert _keys(secretary) == {
        f"papers:{scene['papers'].pk}:2026-12-11",
        f"agenda:{scene['agenda'].pk}:2026-12-09",
        f"minutes:{scene['held'].pk}:2026-12-04",
        f"tor:committee:{scene['committee'].pk}:2026-12-20",
    }
    assert _keys(submitter) == {
        f"papers:{scene['papers'].pk}:2026-12-11",
        f"action-overdue:{scene['action'].pk}:2026-12-01",
    }
    assert _keys(world.personas["submitter_b"]) == set()  # org B's papers are due on 20 December
    case_key = next(iter(_keys(world.personas["official"])))
    assert case_key.startswith("criteria:") and case_key.endswith(":2026-11-12")
    assert _keys(world.personas["analyst"]) == {case_key}
    assert _keys(world.personas["partner"]) == set()
    assert report.sent == 4 + 2 + 2 and report.already_sent == 0
    papers_mail = next(m for m in mail.outbox if m.to == ["submitter@example.test"] and "Papers due" in m.subject)
    assert "11 December 2026" in papers_mail.subject and "marked late" in papers_mail.body

    sent = len(mail.outbox)
    again = reminders.send_reminders(today=TODAY)
    assert again.sent == 0 and again.already_sent == report.sent
    assert len(mail.outbox) == sent


def test_a_moved_deadline_is_reminded_again_and_a_done_action_is_not(world, scene):
    reminders.send_reminders(today=TODAY)
    action = scene["action"]
    Action.objects.filter(pk=action.pk).update(due_on=date(2026, 12, 3))
    reminders.send_reminders(today=TODAY)
    assert f"action-overdue:{action.pk}:2026-12-03" in _keys(world.personas["submitter_a"])
    Action.objects.filter(pk=action.pk).update(due_on=date(2026, 12, 4), status="done", completed_on=TODAY)
    reminders.send_reminders(today=TODAY)
    assert f"action-overdue:{action.pk}:2026-12-04" not in _keys(world.personas["submitter_a"])


def test_the_command_sends_and_reports(world, scene):
    out = io.StringIO()
    call_command("send_reminders", "--on", "2026-12-05", stdout=out)
    assert "Reminders: 8 sent, 0 already sent" in out.getvalue()
