"""Notifications: in the app and by e-mail, at most once per dedupe key, and private to their recipient."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oversight.models import Notification
from oversight.services import notification_send
from oversight.tasks import notify_user
from tests.factories import NotificationFactory, UserFactory


@pytest.fixture
def recipient(db):
    return UserFactory(username="recipient", email="recipient@example.org")


# --- notification_send -------------------------------------------------------------------------


def test_a_new_notification_is_stored_and_emailed_once(recipient, mailoutbox):
    notification, created = notification_send(
        recipient=recipient,
        subject="Agenda due for the May meeting",
        dedupe_key="agenda_due:meeting:12:2026-05-01",
        body="Please send the agenda.",
        url="/meetings/12/",
    )

    assert created is True
    notification.refresh_from_db()
    assert notification.recipient == recipient
    assert notification.subject == "Agenda due for the May meeting"
    assert notification.emailed_at is not None
    assert notification.read_at is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["recipient@example.org"]
    assert mailoutbox[0].subject == "Agenda due for the May meeting"
    assert "Please send the agenda." in mailoutbox[0].body
    assert "/meetings/12/" in mailoutbox[0].body


def test_sending_twice_with_the_same_dedupe_key_makes_one_notification_and_one_email(recipient, mailoutbox):
    first, first_created = notification_send(recipient=recipient, subject="Papers due", dedupe_key="papers:12")
    second, second_created = notification_send(recipient=recipient, subject="Papers due", dedupe_key="papers:12")

    assert first_created is True
    assert second_created is False
    assert second.pk == first.pk
    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert len(mailoutbox) == 1


def test_a_second_send_with_the_same_key_keeps_the_first_subject(recipient, mailoutbox):
    notification_send(recipient=recipient, subject="Papers due", dedupe_key="papers:12")
    again, created = notification_send(recipient=recipient, subject="Papers due (again)", dedupe_key="papers:12")

    assert created is False
    assert again.subject == "Papers due"


def test_a_different_dedupe_key_makes_a_second_notification_and_email(recipient, mailoutbox):
    notification_send(recipient=recipient, subject="Papers due", dedupe_key="papers:12")
    notification_send(recipient=recipient, subject="Papers due", dedupe_key="papers:13")

    assert Notification.objects.filter(recipient=recipient).count() == 2
    assert len(mailoutbox) == 2


def test_the_same_dedupe_key_for_two_people_notifies_each_of_them(recipient, mailoutbox):
    other = UserFactory(username="other", email="other@example.org")

    notification_send(recipient=recipient, subject="Papers due", dedupe_key="papers:12")
    notification_send(recipient=other, subject="Papers due", dedupe_key="papers:12")

    assert Notification.objects.count() == 2
    assert sorted(message.to[0] for message in mailoutbox) == ["other@example.org", "recipient@example.org"]


def test_a_user_without_an_email_address_gets_the_notification_in_the_app_only(db, mailoutbox):
    no_email = UserFactory(username="no_email", email="")

    notification, created = notification_send(recipient=no_email, subject="Papers due", dedupe_key="papers:12")

    assert created is True
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert Notification.objects.filter(recipient=no_email).count() == 1
    assert mailoutbox == []


# --- notify_user (Celery, run eagerly) ---------------------------------------------------------


def test_the_task_sends_a_notification_to_an_active_user(recipient, mailoutbox):
    notify_user.delay(recipient.pk, "Action overdue", "action_overdue:7", body="Action 7 is overdue.")

    notification = Notification.objects.get(recipient=recipient)
    assert notification.subject == "Action overdue"
    assert notification.dedupe_key == "action_overdue:7"
    assert len(mailoutbox) == 1


def test_running_the_task_twice_with_the_same_key_changes_nothing_the_second_time(recipient, mailoutbox):
    notify_user.delay(recipient.pk, "Action overdue", "action_overdue:7")
    notify_user.delay(recipient.pk, "Action overdue", "action_overdue:7")

    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert len(mailoutbox) == 1


def test_the_task_does_nothing_for_an_inactive_user(db, mailoutbox):
    inactive = UserFactory(username="left", email="left@example.org", is_active=False)

    notify_user.delay(inactive.pk, "Action overdue", "action_overdue:7")

    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_the_task_does_nothing_for_a_user_who_does_not_exist(db, mailoutbox):
    notify_user.delay(987654, "Action overdue", "action_overdue:7")

    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_the_task_called_directly_returns_nothing_for_a_missing_user(db):
    assert notify_user(987654, "Action overdue", "action_overdue:7") is None


# --- The notifications page --------------------------------------------------------------------


def test_the_notifications_page_lists_only_the_signed_in_users_own_notifications(world, login):
    mine = world.personas["submitter_a"]
    theirs = world.personas["submitter_b"]
    NotificationFactory(recipient=mine, subject="Your papers for Org A are due")
    NotificationFactory(recipient=theirs, subject="Your papers for Org B are due")
    client = login(mine)

    response = client.get(reverse("notification-list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Your papers for Org A are due" in content
    assert "Your papers for Org B are due" not in content


def test_the_notifications_page_sends_an_anonymous_visitor_to_sign_in(db, client):
    response = client.get(reverse("notification-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_marking_another_users_notification_as_read_is_a_404_and_changes_nothing(world, login):
    theirs = NotificationFactory(recipient=world.personas["submitter_b"], subject="Org B only")
    client = login(world.personas["submitter_a"])

    response = client.post(reverse("notification-read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_administrator_cannot_mark_someone_elses_notification_as_read_either(world, login):
    theirs = NotificationFactory(recipient=world.personas["submitter_b"], subject="Org B only")
    client = login(world.personas["admin"])

    response = client.post(reverse("notification-read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_your_own_notification_as_read_sets_read_at(world, login):
    mine = NotificationFactory(recipient=world.personas["submitter_a"], subject="Papers due")
    client = login(world.personas["submitter_a"])

    response = client.post(reverse("notification-read", args=[mine.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notification-list")
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_a_notification_as_read_twice_keeps_the_first_time(world, login):
    mine = NotificationFactory(recipient=world.personas["submitter_a"], subject="Papers due")
    client = login(world.personas["submitter_a"])
    client.post(reverse("notification-read", args=[mine.pk]))
    mine.refresh_from_db()
    first_read_at = mine.read_at

    client.post(reverse("notification-read", args=[mine.pk]))

    mine.refresh_from_db()
    assert mine.read_at == first_read_at


def test_marking_as_read_needs_a_post(world, login):
    mine = NotificationFactory(recipient=world.personas["submitter_a"], subject="Papers due")
    client = login(world.personas["submitter_a"])

    response = client.get(reverse("notification-read", args=[mine.pk]))

    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None
