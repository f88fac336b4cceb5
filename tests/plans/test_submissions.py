"""Reporting in proportion to level: the due dates an escalated organisation owes on a frozen
date, what an escalation replaces, overdue submissions and their one reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from escalation import services as escalation_services
from oversight.models import Notification
from plans import services, submissions, tasks
from plans.models import RequiredSubmission
from tests.factories import MembershipFactory, UserFactory
from tests.plans.conftest import pdf


def _owed(organisation):
    """(kind, due date, level) of what the organisation still owes or has sent, by date then kind."""
    return [
        (row.kind, row.due_on, row.level)
        for row in RequiredSubmission.objects.filter(case__organisation=organisation)
        .exclude(status="cancelled")
        .order_by("due_on", "kind")
    ]


def _at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=UTC), tick=False)


def test_the_exact_due_dates_at_level_3_and_then_at_level_4(
    world, plans_reference, decide, django_capture_on_commit_callbacks
):
    # Escalated to level 3 on 10 February 2026; on 15 May the first quarter's update and evidence
    # are due (10 May, now overdue) and the next ones are scheduled, with the six-monthly action plan.
    with _at(date(2026, 5, 15)):
        decide(3, date(2026, 2, 10))
        tasks.track_submissions.delay()
    assert _owed(world.org_a) == [
        ("evidence_submission", date(2026, 5, 10), 3),
        ("progress_update", date(2026, 5, 10), 3),
        ("evidence_submission", date(2026, 8, 10), 3),
        ("progress_update", date(2026, 8, 10), 3),
        ("updated_action_plan", date(2026, 8, 10), 3),
    ]

    # Escalated to level 4 on 15 May: the decision itself reschedules (escalation's
    # level_changed signal), on level 4's intervals from that day, with milestone reviews; what
    # was already due under level 3 stays owed, what level 3 had scheduled later is replaced.
    with _at(date(2026, 5, 15)), django_capture_on_commit_callbacks(execute=True):
        decide(4, date(2026, 5, 15))
    assert _owed(world.org_a) == [
        ("evidence_submission", date(2026, 5, 10), 3),
        ("progress_update", date(2026, 5, 10), 3),
        ("evidence_submission", date(2026, 7, 15), 4),
        ("milestone_review", date(2026, 7, 15), 4),
        ("progress_update", date(2026, 7, 15), 4),
        ("updated_action_plan", date(2026, 8, 15), 4),
    ]
    replaced = RequiredSubmission.objects.filter(status="cancelled").order_by("kind")
    assert [(r.kind, r.due_on) for r in replaced] == [
        ("evidence_submission", date(2026, 8, 10)),
        ("progress_update", date(2026, 8, 10)),
        ("updated_action_plan", date(2026, 8, 10)),
    ]
    assert all("level 4" in r.cancelled_reason for r in replaced)


def test_the_organisations_page_shows_the_same_due_dates(world, plans_reference, decide, client):
    with _at(date(2026, 5, 15)):
        decide(3, date(2026, 2, 10))
        tasks.track_submissions.delay()
        client.force_login(world.personas["submitter_a"])
        page = client.get(reverse("plans:organisation", args=[world.org_a.pk])).content.decode()
    assert 'data-submission-kind="progress_update" data-due-on="2026-05-10" data-state="overdue"' in page
    assert 'data-submission-kind="updated_action_plan" data-due-on="2026-08-10" data-state="due"' in page


def test_running_the_schedule_again_changes_nothing(world, plans_reference, decide):
    with _at(date(2026, 5, 15)):
        decide(3, date(2026, 2, 10))
        first = submissions.submissions_schedule(today=date(2026, 5, 15))
        versions = list(RequiredSubmission.objects.order_by("pk").values_list("pk", "version", "status"))
        second = submissions.submissions_schedule(today=date(2026, 5, 15))
    assert first.created == 5
    assert (second.created, second.cancelled, second.reinstated) == (0, 0, 0)
    assert list(RequiredSubmission.objects.order_by("pk").values_list("pk", "version", "status")) == versions


def test_below_level_3_nothing_is_owed(world, plans_reference, decide):
    with _at(date(2026, 9, 1)):
        decide(2, date(2026, 4, 10))
        tasks.track_submissions.delay()
    assert _owed(world.org_a) == []


def test_a_missed_submission_goes_overdue_and_sends_one_reminder_however_often_the_task_runs(
    world, plans_reference, decide
):
    with _at(date(2026, 5, 1)):
        decide(3, date(2026, 2, 10))
        tasks.track_submissions.delay()
    assert not Notification.objects.exists()  # nothing is overdue yet on 1 May

    mail.outbox.clear()
    with _at(date(2026, 5, 20)):
        tasks.track_submissions.delay()
        tasks.track_submissions.delay()  # the same day again, as a retried or doubled beat run would

    overdue = RequiredSubmission.objects.filter(status="due", due_on__lt=date(2026, 5, 20))
    assert {(r.kind, r.due_on) for r in overdue} == {
        ("progress_update", date(2026, 5, 10)),
        ("evidence_submission", date(2026, 5, 10)),
    }
    notifications = Notification.objects.filter(recipient=world.personas["submitter_a"]).order_by("dedupe_key")
    assert [n.dedupe_key for n in notifications] == sorted(f"submission-overdue:{r.pk}:2026-05-10" for r in overdue)
    assert len(mail.outbox) == 2  # one e-mail per overdue submission, not four
    assert not Notification.objects.exclude(recipient=world.personas["submitter_a"]).exists()  # B's are not told

    # The next day still nothing new.
    with _at(date(2026, 5, 21)):
        tasks.track_submissions.delay()
    assert Notification.objects.count() == 2


def test_every_submitter_and_executive_of_the_organisation_is_reminded_once(world, plans_reference, decide):
    executive = UserFactory(username="executive_a")
    MembershipFactory(user=executive, organisation=world.org_a, role="org_executive")
    with _at(date(2026, 5, 20)):
        decide(3, date(2026, 2, 10))
        first = submissions.submissions_remind(today=date(2026, 5, 20))
        submissions.submissions_schedule(today=date(2026, 5, 20))
        second = submissions.submissions_remind(today=date(2026, 5, 20))
        third = submissions.submissions_remind(today=date(2026, 5, 20))
    assert first.reminded == 0  # not scheduled yet
    assert (second.reminded, second.already_reminded) == (4, 0)  # 2 submissions × 2 people
    assert (third.reminded, third.already_reminded) == (0, 4)


def test_a_received_submission_is_not_overdue_and_not_reminded(world, plans_reference, decide):
    with _at(date(2026, 5, 20)):
        decide(3, date(2026, 2, 10))
        submissions.submissions_schedule(today=date(2026, 5, 20))
        for row in RequiredSubmission.objects.filter(due_on=date(2026, 5, 10)):
            services.submission_receive(
                actor=world.personas["submitter_a"],
                submission=row,
                expected_version=row.version,
                received_on=date(2026, 5, 9),
                today=date(2026, 5, 20),
                upload=pdf("update.pdf"),
            )
        report = submissions.submissions_remind(today=date(2026, 5, 20))
    assert report.reminded == 0
    received = RequiredSubmission.objects.filter(status="received")
    assert received.count() == 2
    assert all(r.attachment.organisation == world.org_a and r.attachment.target == r for r in received)


def test_receiving_twice_is_refused(world, plans_reference, decide):
    from oversight.errors import RuleRefused

    with _at(date(2026, 5, 20)):
        decide(3, date(2026, 2, 10))
        submissions.submissions_schedule(today=date(2026, 5, 20))
        row = RequiredSubmission.objects.filter(due_on=date(2026, 5, 10)).first()
        row = services.submission_receive(
            actor=world.personas["analyst"],
            submission=row,
            expected_version=row.version,
            received_on=date(2026, 5, 12),
            today=date(2026, 5, 20),
        )
        with pytest.raises(RuleRefused) as refused:
            services.submission_receive(
                actor=world.personas["analyst"],
                submission=row,
                expected_version=row.version,
                received_on=date(2026, 5, 12),
                today=date(2026, 5, 20),
            )
    assert refused.value.code == "already_received"


def test_closing_a_case_ends_what_it_owes_from_then(world, plans_reference, decide):
    with _at(date(2026, 5, 20)):
        decision = decide(3, date(2026, 2, 10))
        submissions.submissions_schedule(today=date(2026, 5, 20))
    with _at(date(2026, 6, 1)):
        decide(1, date(2026, 6, 1))
        case = decision.case
        case.refresh_from_db()
        escalation_services.case_close(
            actor=world.personas["decision_maker"],
            case=case,
            expected_version=case.version,
            reason="Sustained",
            on=date(2026, 6, 1),
        )
        submissions.submissions_schedule(today=date(2026, 6, 1))
    assert _owed(world.org_a) == [
        ("evidence_submission", date(2026, 5, 10), 3),
        ("progress_update", date(2026, 5, 10), 3),
    ]


def test_the_command_schedules_and_reminds_once(world, plans_reference, decide):
    from io import StringIO

    from django.core.management import call_command

    decide(3, date(2026, 2, 10))
    out = StringIO()
    call_command("track_submissions", "--on", "2026-05-20", stdout=out)
    call_command("track_submissions", "--on", "2026-05-20", stdout=out)
    assert "5 scheduled" in out.getvalue() and "2 reminders sent" in out.getvalue()
    assert "0 scheduled, 0 reinstated, 0 no longer required, 0 reminders sent, 2 already sent" in out.getvalue()
