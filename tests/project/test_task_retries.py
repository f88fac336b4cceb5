"""Every task retries on transient errors only (``oversight.celery.TRANSIENT_ERRORS``), a
limited number of times, and is safe to run again.

The policy is checked task by task from the registry, so a new task without it fails here. Then,
for real: a notification whose mail server refuses the connection is retried five times and
fails, keeping the notification; once the mail server is back the task sends its e-mail once.
A task refused by a rule or given bad input fails at once, without a retry.
"""

from __future__ import annotations

import socket
from datetime import date

import pytest
from celery import states
from celery.signals import task_retry

from oversight.celery import RETRY_POLICY, TRANSIENT_ERRORS, app
from oversight.errors import OversightError
from oversight.models import Notification
from oversight.tasks import notify_user
from tests.factories import UserFactory

# Each task retried on transient errors, and the test that shows running it again makes no
# duplicates (so a retry, or a redelivery after a lost worker, is safe).
RETRIED = {
    "oversight.tasks.notify_user": "tests/oversight/test_notifications.py::"
    "test_running_the_task_twice_with_the_same_key_changes_nothing_the_second_time",
    "reporting.tasks.run_early_warnings": "tests/reporting/test_analytics.py::"
    "test_a_deteriorating_organisation_raises_one_concern_however_often_the_analytics_run",
    "reporting.tasks.process_upload": "reporting.uploads.upload_process starts only a queued job",
    "reporting.tasks.evaluate_criteria": "tests/reporting/test_criteria.py::test_evaluating_again_changes_nothing",
    "reporting.tasks.issue_document": "tests/reporting/test_documents.py::test_issuing_twice_issues_once",
    "meetings.tasks.plan_meetings": "tests/meetings/test_planner.py::"
    "test_the_first_run_makes_the_expected_schedule_and_the_second_makes_no_writes",
    "meetings.tasks.send_reminders": "tests/meetings/test_reminders.py::test_each_reminder_reaches_its_people_once",
    "plans.tasks.track_submissions": "tests/plans/test_submissions.py::test_running_the_schedule_again_changes_nothing",
    "accountability.tasks.assemble_synthesis": "tests/accountability/test_synthesis.py::"
    "test_running_the_task_again_makes_no_second_draft",
}
# Tasks deliberately not retried, and why.
NOT_RETRIED = {
    "oversight.tasks.heartbeat": "beat sends the next one a minute later; a retried heartbeat would say nothing new",
}


def _our_tasks() -> dict:
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_listed_with_its_retry_policy():
    assert set(_our_tasks()) == set(RETRIED) | set(NOT_RETRIED)


@pytest.mark.parametrize("name", sorted(RETRIED))
def test_a_task_retries_on_transient_errors_only_five_times_with_backoff(name):
    task = _our_tasks()[name]
    assert tuple(task.autoretry_for) == TRANSIENT_ERRORS
    assert task.max_retries == 5
    assert task.retry_backoff is True and task.retry_backoff_max == 600 and task.retry_jitter is True
    assert task.acks_late is True


@pytest.mark.parametrize("name", sorted(NOT_RETRIED))
def test_a_task_not_retried_declares_no_retry(name):
    assert not getattr(_our_tasks()[name], "autoretry_for", ())


def test_the_transient_errors_are_not_the_errors_of_rules_or_input():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    for refusal in (OversightError("No."), ValidationError("Bad."), ValueError("x"), IntegrityError("dup")):
        assert not isinstance(refusal, TRANSIENT_ERRORS), refusal
    assert RETRY_POLICY["autoretry_for"] is TRANSIENT_ERRORS


@pytest.fixture
def retries():
    """The retries Celery records (its ``task_retry`` signal), as (task name, reason). Tasks run
    in-process as a worker would run them: a failure is the task's result, not an exception
    (settings make eager tasks raise, which would stop at the first retry)."""
    seen = []

    def record(sender=None, reason=None, **kwargs):
        seen.append((sender.name, reason))

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    task_retry.connect(record)
    yield seen
    task_retry.disconnect(record)
    app.conf.task_eager_propagates = propagates


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe closes: connections are refused


def test_a_mail_server_refusing_connections_is_retried_five_times_then_the_email_goes_once_it_is_back(
    db, settings, retries, mailoutbox
):
    recipient = UserFactory(username="recipient", email="recipient@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    args = [recipient.pk, "Agenda due", "retry-test"]

    failed = notify_user.apply(args=args, throw=False)

    assert failed.state == states.FAILURE
    assert isinstance(failed.result, ConnectionRefusedError)
    assert [name for name, _reason in retries] == ["oversight.tasks.notify_user"] * 5
    notification = Notification.objects.get(recipient=recipient, dedupe_key="retry-test")
    assert notification.emailed_at is None  # stored in the app, not yet e-mailed

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    done = notify_user.apply(args=args, throw=False)
    again = notify_user.apply(args=args, throw=False)

    assert (done.state, again.state) == (states.SUCCESS, states.SUCCESS)
    assert len(retries) == 5  # no more retries
    assert Notification.objects.filter(recipient=recipient, dedupe_key="retry-test").count() == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert [(m.subject, m.to) for m in mailoutbox] == [("Agenda due", ["recipient@example.org"])]


def test_a_task_refused_by_a_rule_fails_once_without_a_retry(world, frameworks, retries):
    from escalation import services as escalation
    from reporting import documents
    from reporting.models import Document
    from reporting.tasks import issue_document

    decision = escalation.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        to_level=2,
        rationale="Persistent 12-hour waits",
        planned_on=date(2026, 6, 1),
    )
    decided = escalation.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=date(2026, 6, 1),
    )
    draft = documents.document_draft_from_decision(
        actor=world.personas["analyst"], decision=decided, addressee_name="Dr Jane Jones", addressee_role="CEO"
    )

    result = issue_document.apply(args=[draft.pk, world.personas["official"].pk], throw=False)  # not approved

    assert result.state == states.FAILURE
    assert isinstance(result.result, OversightError)
    assert retries == []
    stored = Document.objects.get(pk=draft.pk)
    assert (stored.status, stored.register_number, stored.version) == ("draft", draft.register_number, draft.version)


def test_a_task_given_bad_input_fails_once_without_a_retry(db, retries):
    from meetings.tasks import plan_meetings

    result = plan_meetings.apply(kwargs={"on": "31/12/2026"}, throw=False)

    assert result.state == states.FAILURE
    assert isinstance(result.result, ValueError)
    assert retries == []
