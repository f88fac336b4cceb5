"""An e-mail address the mail server refuses for good does not stop the reminders to the people
after it: the refusal is recorded on the notification, logged with the recipient's id, and not
tried again. A temporary refusal (4xx) is a transient error, so the task is retried. Through a
real SMTP server on a local socket (tests/smtp_server.py), with Django's SMTP backend."""

import logging

import pytest

from meetings import reminders
from oversight.celery import TRANSIENT_ERRORS, MailDeferred
from oversight.models import Notification
from oversight.services import notification_send
from tests.factories import UserFactory
from tests.meetings.test_reminders import TODAY, scene  # noqa: F401 - the fixture
from tests.smtp_server import SmtpServer

REFUSED = "no-such-mailbox@example.test"


@pytest.fixture
def smtp(settings):
    def serve(**kwargs):
        server = SmtpServer(**kwargs)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return server

    return serve


def test_a_refused_address_does_not_stop_the_reminders_after_it(world, scene, smtp, caplog):  # noqa: F811
    """The secretary (first in the run: agenda, papers, minutes and terms of reference) has an
    address the server refuses; everyone after still gets their reminders, and a second run
    sends nothing twice and does not try the refused address again."""
    secretary = scene["secretary"]
    secretary.email = REFUSED
    secretary.save()
    with smtp(refuse={REFUSED}) as server, caplog.at_level(logging.WARNING, logger="oversight.services"):
        report = reminders.send_reminders(today=TODAY)

        assert report.sent == 8  # as with a good address: every reminder is in the app
        refused = Notification.objects.filter(recipient=secretary)
        assert refused.count() == 4
        for notification in refused:
            assert notification.emailed_at is None and notification.email_failed_at is not None
            assert notification.email_error.startswith("550 5.1.1 No such mailbox")
        others = Notification.objects.exclude(recipient=secretary)
        assert others.count() == 4 and not others.filter(emailed_at__isnull=True).exists()
        assert "submitter@example.test" in server.delivered_to()  # later in the run than the secretary
        assert len(server.messages) == sum(1 for n in others if n.recipient.email)
        logged = [r for r in caplog.records if "refused notification" in r.getMessage()]
        assert len(logged) == 4 and {r.recipient_id for r in logged} == {secretary.pk}

        delivered, attempts = len(server.messages), len(server.attempts)
        again = reminders.send_reminders(today=TODAY)
        assert again.sent == 0 and again.already_sent == 8
        assert len(server.messages) == delivered and len(server.attempts) == attempts  # nothing sent twice


def test_a_temporary_refusal_is_retried_and_not_recorded_as_failed(db, smtp):
    assert MailDeferred in TRANSIENT_ERRORS
    user = UserFactory(username="greylisted", email="greylisted@example.test")
    with smtp(defer={"greylisted@example.test"}) as server:
        with pytest.raises(MailDeferred):
            notification_send(recipient=user, subject="Papers due", dedupe_key="papers:1")
        notification = Notification.objects.get(recipient=user)
        assert notification.email_failed_at is None and notification.emailed_at is None
        server.defer.clear()  # the server takes it later: the retry e-mails it
        _notification, new = notification_send(recipient=user, subject="Papers due", dedupe_key="papers:1")
        assert new is False and server.delivered_to() == ["greylisted@example.test"]
        notification.refresh_from_db()
        assert notification.emailed_at is not None
