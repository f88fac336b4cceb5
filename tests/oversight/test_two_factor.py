"""Two-factor authentication: required for decision makers and administrators, optional for
everyone else; a code from an authenticator app or a single-use recovery code at sign-in.

These tests sign in through the form with a plain ``Client`` (the ``client`` fixture's
``force_login`` counts as having given a code)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from organisations.choices import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def code_for(device) -> str:
    """The code the person's authenticator app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(http, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return http.post(reverse("login"), data)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def device_of(user):
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_a_decision_maker_with_a_password_alone_reaches_only_the_code_page(world, clock):
    http = Client()
    response = sign_in(http, "decision")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))

    for url in [reverse("escalation:overview"), reverse("organisations:list"), reverse("notification-list")]:
        refused = http.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"] == reverse("two-factor-verify") + "?next=" + url
    assert http.get(reverse("admin:index")).status_code == 302
    # Signing out, the code page itself, the public register and the status page stay open.
    assert http.get(reverse("two-factor-verify")).status_code == 200
    assert http.get(reverse("public:register")).status_code == 200
    assert http.get(reverse("healthz")).status_code == 200
    assert http.post(reverse("logout")).status_code == 302
    assert http.get(reverse("escalation:overview")).status_code == 302  # now simply signed out


def test_the_right_code_lets_the_decision_maker_in(world, clock):
    http = Client()
    asked = sign_in(http, "decision", next_url=reverse("organisations:list"))
    assert asked["Location"] == reverse("two-factor-verify") + "?next=" + reverse("organisations:list")
    response = http.post(asked["Location"], {"code": code_for(device_of(world.personas["decision_maker"]))})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:list")
    assert http.get(reverse("escalation:overview")).status_code == 200
    assert http.get(reverse("home")).status_code == 302  # on to the overview, as for any WG user
    assert http.get(reverse("api:organisation-list")).status_code == 200


def test_a_wrong_code_is_refused_and_the_message_names_the_field(world, clock):
    http = Client()
    sign_in(http, "decision")
    right = code_for(device_of(world.personas["decision_maker"]))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = http.post(reverse("two-factor-verify"), {"code": wrong})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_code"' in page  # the error summary links to the Code field
    assert "The code is not right" in page
    assert '<label class="govuk-label" for="id_code">Code</label>' in page
    assert http.get(reverse("organisations:list")).status_code == 302
    empty = http.post(reverse("two-factor-verify"), {"code": ""})
    assert "Enter the code" in empty.content.decode()


def test_a_recovery_code_works_once_and_not_twice(world, clock):
    http = Client()
    decision_maker = world.personas["decision_maker"]
    sign_in(http, "decision")
    http.post(reverse("two-factor-verify"), {"code": code_for(device_of(decision_maker))})
    page = http.post(reverse("two-factor-recovery-codes")).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    http.post(reverse("logout"))

    sign_in(http, "decision")
    used = http.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert used.status_code == 302
    assert http.get(reverse("organisations:list")).status_code == 200
    http.post(reverse("logout"))

    sign_in(http, "decision")
    again = http.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert "The code is not right, or has been used already" in again.content.decode()
    assert http.get(reverse("organisations:list")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(world, clock):
    http = Client()
    decision_maker = world.personas["decision_maker"]
    sign_in(http, "decision")
    http.post(reverse("two-factor-verify"), {"code": code_for(device_of(decision_maker))})
    first = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", http.post(reverse("two-factor-recovery-codes")).content.decode()
    )
    second = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", http.post(reverse("two-factor-recovery-codes")).content.decode()
    )
    assert set(StaticToken.objects.filter(device__user=decision_maker).values_list("token", flat=True)) == set(second)
    assert not set(first) & set(second)


def test_an_analyst_needs_no_second_factor_until_they_turn_it_on(world, clock):
    http = Client()
    response = sign_in(http, "analyst")
    assert response["Location"] == reverse("home")
    assert http.get(reverse("escalation:overview")).status_code == 200
    assert http.get(reverse("api:organisation-list")).status_code == 200
    assert "Off" in http.get(reverse("two-factor")).content.decode()

    setup = http.get(reverse("two-factor-setup"))
    page = setup.content.decode()
    assert '<svg role="img" aria-labelledby="qr-code-title" class="app-qr-code"' in page
    device = TOTPDevice.objects.get(user=world.personas["analyst"], confirmed=False)
    assert re.sub(r"\s", "", re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1))
    assert http.post(reverse("two-factor-setup"), {"code": "000000"}).status_code == 200  # wrong: not yet on
    assert not TOTPDevice.objects.filter(user=world.personas["analyst"], confirmed=True).exists()

    clock.shift(timedelta(seconds=30))
    turned_on = http.post(reverse("two-factor-setup"), {"code": code_for(device)})
    assert "Save your recovery codes" in turned_on.content.decode()
    assert len(re.findall(r"<li><code>", turned_on.content.decode())) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert LogEntry.objects.filter(
        user=world.personas["analyst"], action_flag=ADDITION, object_id=str(device.pk)
    ).exists()
    http.post(reverse("logout"))

    clock.shift(timedelta(seconds=30))
    response = sign_in(http, "analyst")
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert http.get(reverse("escalation:overview")).status_code == 302
    http.post(reverse("two-factor-verify"), {"code": code_for(device)})
    assert http.get(reverse("escalation:overview")).status_code == 200


def test_an_analyst_can_turn_it_off_again(world, clock):
    analyst = world.personas["analyst"]
    device = TOTPDevice.objects.create(user=analyst, name="Authenticator app", confirmed=True)
    http = Client()
    sign_in(http, "analyst")
    http.post(reverse("two-factor-verify"), {"code": code_for(device)})
    assert http.post(reverse("two-factor-turn-off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    http.post(reverse("logout"))
    assert sign_in(http, "analyst")["Location"] == reverse("home")


def test_an_administrator_cannot_turn_it_off(world, clock):
    http = Client()
    admin = world.personas["admin"]
    sign_in(http, "admin")
    http.post(reverse("two-factor-verify"), {"code": code_for(device_of(admin))})
    assert "cannot turn it off" in http.get(reverse("two-factor")).content.decode()
    refused = http.post(reverse("two-factor-turn-off"))
    assert refused.status_code == 403
    assert "Decision makers and administrators must use two-factor authentication" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_a_decision_maker_with_no_authenticator_is_sent_to_set_one_up(world, clock):
    newcomer = UserFactory(username="new_decision")
    MembershipFactory(user=newcomer, organisation=world.wg, role=Role.WG_DECISION_MAKER)
    http = Client()
    response = sign_in(http, "new_decision")
    assert response["Location"].startswith(reverse("two-factor-setup"))
    refused = http.get(reverse("meetings:meeting-list"))
    assert refused["Location"] == reverse("two-factor-setup") + "?next=" + reverse("meetings:meeting-list")
    page = http.get(refused["Location"]).content.decode()
    assert "Your role needs a second check when you sign in" in page
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    done = http.post(reverse("two-factor-setup"), {"code": code_for(device), "next": reverse("meetings:meeting-list")})
    assert f'href="{reverse("meetings:meeting-list")}"' in done.content.decode()
    assert http.get(reverse("meetings:meeting-list")).status_code == 200


def test_an_unverified_decision_maker_is_refused_by_the_api_with_a_reason(world, clock):
    http = Client()
    sign_in(http, "decision")
    response = http.get(reverse("api:organisation-list"))
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    assert "Two-factor authentication is required" in response.json()["detail"]


def test_a_decision_makers_token_needs_a_code_and_then_works(world, clock):
    api = APIClient()
    device = device_of(world.personas["decision_maker"])
    without = api.post(reverse("api:token"), {"username": "decision", "password": PASSWORD}, format="json")
    assert without.status_code == 400
    assert "otp_token" in without.json() or "otp_token" in str(without.json())
    with_code = api.post(
        reverse("api:token"),
        {"username": "decision", "password": PASSWORD, "otp_token": code_for(device)},
        format="json",
    )
    assert with_code.status_code == 200
    token = with_code.json()["token"]

    caller = APIClient()  # no session: the token alone
    caller.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert caller.get(reverse("api:organisation-list")).status_code == 200


def test_an_analyst_gets_a_token_with_a_password_alone(world):
    response = APIClient().post(reverse("api:token"), {"username": "analyst", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_the_admin_lists_authenticators(world, client):
    client.force_login(world.personas["admin"])
    response = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert response.status_code == 200
    assert "decision" in response.content.decode()


def test_the_header_links_to_two_factor_authentication(world, client):
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("organisations:list")).content.decode()
    assert f'href="{reverse("two-factor")}">Two-factor authentication</a>' in page


def test_the_code_is_checked_against_the_time(world):
    """A code from five minutes ago no longer works (the app's clock and ours must agree)."""
    device = device_of(world.personas["decision_maker"])
    old = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift - 10):06d}"
    http = Client()
    with time_machine.travel(START, tick=False):
        sign_in(http, "decision")
        assert http.post(reverse("two-factor-verify"), {"code": old}).status_code == 200
        assert http.get(reverse("organisations:list")).status_code == 302


def test_any_way_of_signing_in_waits_for_the_code(world, clock):
    """The wait for a code is set when the session starts, not by our sign-in page: a session
    started elsewhere (here Django's own ``login``, as the admin's sign-in page also calls it)
    for an analyst who uses two-factor authentication still waits for it."""
    TOTPDevice.objects.create(user=world.personas["analyst"], name="Authenticator app", confirmed=True)
    http = Client()
    http.force_login(world.personas["analyst"])
    refused = http.get(reverse("escalation:overview"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("two-factor-verify"))
