"""Sign-in protection: repeated failures lock the account (django-axes), not the address that
colleagues share; the lock lifts after the cool-off; passwords must be strong; idle sessions end."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

LOCKED_HEADING = "You cannot sign in at the moment"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def browser(address):
    return Client(REMOTE_ADDR=address)


def sign_in(http, username, password):
    return http.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_from_another_address(world):
    attacker = browser("203.0.113.7")
    for _ in range(4):
        assert sign_in(attacker, "analyst", "wrong-password").status_code == 200
    assert sign_in(attacker, "analyst", "wrong-password").status_code == 429  # the fifth locks at once

    elsewhere = browser("198.51.100.20")  # the real analyst, at their desk
    response = sign_in(elsewhere, "analyst", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_HEADING in page
    assert "Try again in 30 minutes" in page
    assert "Oversight administrator. They can unlock the account" in page
    assert "_auth_user_id" not in elsewhere.session  # not signed in
    # Someone else signs in from that address as usual: it is the account that is locked.
    assert sign_in(elsewhere, "official", PASSWORD).status_code == 302


def test_colleagues_failures_at_one_address_do_not_lock_another_account(world):
    """NHS staff share one outgoing address: four colleagues mistyping their passwords there, four
    times each, lock none of them, and lock no one else out at that address."""
    office = "203.0.113.8"
    for username in ["official", "analyst", "submitter_a", "partner"]:
        for _ in range(4):
            assert sign_in(browser(office), username, "Winter2026!").status_code == 200
    assert sign_in(browser(office), "submitter_b", PASSWORD).status_code == 302
    assert sign_in(browser(office), "official", PASSWORD).status_code == 302  # four failures: not locked


def test_four_failures_then_the_right_password_signs_in(world):
    http = browser("198.51.100.22")
    for _ in range(4):
        sign_in(http, "official", "wrong-password")
    response = sign_in(http, "official", PASSWORD)
    assert response.status_code == 302
    assert http.session["_auth_user_id"] == str(world.personas["official"].pk)


def test_a_successful_sign_in_does_not_clear_the_accounts_count(world):
    """The real person signing in does not give someone guessing at their password a fresh five."""
    attacker = browser("203.0.113.9")
    for _ in range(4):
        sign_in(attacker, "partner", "Spring2026!")
    assert sign_in(browser("198.51.100.23"), "partner", PASSWORD).status_code == 302  # the real partner

    assert sign_in(attacker, "partner", "Summer2026!").status_code == 429  # the fifth failure


def test_the_lock_lifts_after_the_cool_off(world):
    http = browser("203.0.113.10")
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            sign_in(http, "partner", "wrong-password")
        assert sign_in(http, "partner", PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=29))
        # Attempts during the lock are refused but not counted: they do not start it again.
        for _ in range(3):
            response = sign_in(http, "partner", "wrong-password")
            assert response.status_code == 429
        assert "Try again in 1 minutes, after 09:30" in response.content.decode()
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert sign_in(http, "partner", PASSWORD).status_code == 302


def test_a_locked_out_api_token_request_is_refused(world, api_client):
    for _ in range(4):
        wrong = api_client.post(reverse("api:token"), {"username": "analyst", "password": "wrong"}, format="json")
        assert wrong.status_code == 400
    fifth = api_client.post(reverse("api:token"), {"username": "analyst", "password": "wrong"}, format="json")
    assert fifth.status_code == 429
    response = api_client.post(reverse("api:token"), {"username": "analyst", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert "token" not in response.json()


# --- The client's address ----------------------------------------------------------------------


def test_behind_a_proxy_the_forwarded_address_is_the_one_counted(world, settings):
    """With one trusted proxy, the address it appended to X-Forwarded-For is the client's: an
    address the client put in the header itself is not believed, nor is the proxy's own."""
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.50")
    sign_in(proxy, "analyst", "wrong-password")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.50"]


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(world):
    from axes.models import AccessAttempt

    sign_in(Client(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="192.0.2.99"), "analyst", "wrong-password")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.30"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.99, 192.0.2.1", "192.0.2.1"),
        (2, "192.0.2.99, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.2"),  # fewer addresses than proxies: not through them all
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, rf, proxies, forwarded, expected):
    from oversight.security import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short1!", "too short"),
        ("password1234", "too common"),
        ("736251948203", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(db, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert message in " ".join(refused.value.messages)


def test_a_password_like_the_user_name_is_refused(world):
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("submitter_a-2026", user=world.personas["submitter_a"])


def test_an_administrator_cannot_give_a_new_user_a_weak_password(world, client):
    client.force_login(world.personas["admin"])
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "usable_password": "true", "password1": "736251948203", "password2": "736251948203"},
    )
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    from django.contrib.auth.models import User

    assert not User.objects.filter(username="newcomer").exists()


# --- Idle sessions ------------------------------------------------------------------------------


def test_an_idle_session_ends_and_says_why(world):
    http = Client()
    with time_machine.travel(START, tick=False) as traveller:
        assert sign_in(http, "official", PASSWORD).status_code == 302
        assert http.get(reverse("organisations:list")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = http.get(reverse("organisations:list"))
        assert response.status_code == 302
        assert response["Location"] == reverse("login") + "?next=/organisations/"
        page = http.get(response["Location"]).content.decode()
        assert "You were signed out because you had not used Oversight for 30 minutes." in page
        assert http.get(reverse("organisations:list")).status_code == 302  # still signed out


def test_a_session_in_use_every_ten_minutes_stays_signed_in(world):
    http = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(http, "official", PASSWORD)
        for _ in range(7):  # an hour and ten minutes
            traveller.shift(timedelta(minutes=10))
            assert http.get(reverse("organisations:list")).status_code == 200


def test_a_session_ends_eight_hours_after_sign_in_however_busy(world):
    http = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(http, "official", PASSWORD)
        for _ in range(8 * 4):  # every quarter of an hour for eight hours
            traveller.shift(timedelta(minutes=15))
            response = http.get(reverse("organisations:list"))
        traveller.shift(timedelta(minutes=15))
        response = http.get(reverse("organisations:list"))
        assert response.status_code == 302
        assert "signed in more than 8 hours ago" in http.get(response["Location"]).content.decode()


def test_a_request_within_a_minute_of_the_last_writes_no_session(world):
    """The last-request time is written at most once a minute, so most pages write nothing."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(http, "official", PASSWORD)
        http.get(reverse("organisations:list"))
        traveller.shift(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            http.get(reverse("organisations:list"))
        writes = [q["sql"] for q in queries if Session._meta.db_table in q["sql"] and "UPDATE" in q["sql"]]
        assert writes == []
        traveller.shift(timedelta(seconds=45))
        with CaptureQueriesContext(connection) as queries:
            http.get(reverse("organisations:list"))
        writes = [q["sql"] for q in queries if Session._meta.db_table in q["sql"] and "UPDATE" in q["sql"]]
        assert len(writes) == 1
