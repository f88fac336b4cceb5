"""Two-factor authentication: required for decision makers and administrators, optional for
everyone else; a code from an authenticator app or a single-use recovery code at sign-in.

These tests sign in through the form with a plain ``Client`` (the ``client`` fixture's
``force_login`` counts as having given a code)."""

import re
from base64 import b32decode, b32encode
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
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


def set_up_before_today(device):
    """The ``world`` personas' authenticators are made at the real time, after the frozen
    ``clock``; a token issued at the frozen time would predate them."""
    TOTPDevice.objects.filter(pk=device.pk).update(created_at=START - timedelta(days=1))


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
    assert http.get(reverse("healthz") + "?scope=web").status_code == 200  # the full check may be 503: no worker here
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
    set_up_before_today(device)
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
    """A code from five minutes ago no longer works (the app's clock and ours must agree), and
    the code of the moment does. Both are worked out on the frozen clock the check uses."""
    device = device_of(world.personas["decision_maker"])
    http = Client()
    with time_machine.travel(START, tick=False) as traveller:
        five_minutes_ago = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift - 10):06d}"
        now = code_for(device)
        assert five_minutes_ago != now
        sign_in(http, "decision")
        assert http.post(reverse("two-factor-verify"), {"code": five_minutes_ago}).status_code == 200
        assert http.get(reverse("organisations:list")).status_code == 302
        traveller.shift(timedelta(seconds=2))  # past the pause after a wrong code, within the same 30 seconds
        assert code_for(device) == now
        assert http.post(reverse("two-factor-verify"), {"code": now}).status_code == 302
        assert http.get(reverse("organisations:list")).status_code == 200


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


# --- The admin hides secrets ------------------------------------------------------------------------


def test_the_admin_shows_neither_an_authenticators_key_nor_recovery_codes(world, client):
    decision_maker = world.personas["decision_maker"]
    device = device_of(decision_maker)
    recovery = StaticDevice.objects.create(user=decision_maker, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(3)]
    for code in codes:
        StaticToken.objects.create(device=recovery, token=code)
    client.force_login(world.personas["admin"])  # a verified superuser

    totp_page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert totp_page.status_code == 200
    page = totp_page.content.decode()
    assert device.key not in page
    assert b32encode(device.bin_key).decode() not in page
    assert "qrcode" not in client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()

    static_page = client.get(reverse("admin:otp_static_staticdevice_change", args=[recovery.pk]))
    assert static_page.status_code == 200
    assert not [code for code in codes if code in static_page.content.decode()]


# --- Set-up belongs to one session -------------------------------------------------------------------


def secret_on(page) -> str:
    return re.sub(r"\s", "", re.search(r'id="secret-key">([A-Z2-7 ]+)<', page.content.decode()).group(1))


def code_from_secret(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def test_a_key_shown_in_another_session_does_not_work_after_set_up(world, clock):
    """Someone who saw the key in one session (an earlier visit, another browser) cannot use it
    once the person has set up in another: each session's set-up makes its own key."""
    analyst = world.personas["analyst"]
    first, second = Client(), Client()
    sign_in(first, "analyst")
    sign_in(second, "analyst")
    seen = secret_on(first.get(reverse("two-factor-setup")))
    assert secret_on(first.get(reverse("two-factor-setup"))) == seen  # the same key in the same session

    own = secret_on(second.get(reverse("two-factor-setup")))
    assert own != seen
    assert TOTPDevice.objects.filter(user=analyst).count() == 1  # the first session's key is gone
    clock.shift(timedelta(seconds=30))
    assert (
        "Save your recovery codes"
        in second.post(reverse("two-factor-setup"), {"code": code_from_secret(own)}).content.decode()
    )
    second.post(reverse("logout"))

    clock.shift(timedelta(seconds=30))
    third = Client()
    sign_in(third, "analyst")
    refused = third.post(reverse("two-factor-verify"), {"code": code_from_secret(seen)})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    # Nor does the first session's own set-up page take it.
    assert first.post(reverse("two-factor-setup"), {"code": code_from_secret(seen)}).status_code == 302
    assert TOTPDevice.objects.get(user=analyst).bin_key == b32decode(own)


# --- API tokens and two factors ----------------------------------------------------------------------


def api_get(token):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return caller.get(reverse("api:organisation-list"))


def test_a_decision_makers_token_issued_without_a_code_is_refused(world, clock):
    """A token from before two-factor authentication (a password alone) does not get round it."""
    decision_maker = world.personas["decision_maker"]
    device = device_of(decision_maker)
    set_up_before_today(device)
    with time_machine.travel(START - timedelta(days=30), tick=False):
        old = Token.objects.create(user=decision_maker)

    refused = api_get(old.key)
    assert refused.status_code == 401
    assert refused.json()["code"] == "two_factor_required"
    assert "issued without a two-factor code" in refused.json()["detail"]

    issued = APIClient().post(
        reverse("api:token"),
        {"username": "decision", "password": PASSWORD, "otp_token": code_for(device)},
        format="json",
    )
    assert issued.status_code == 200
    assert issued.json()["token"] != old.key  # the old token is replaced, not handed back
    assert api_get(issued.json()["token"]).status_code == 200
    assert api_get(old.key).status_code == 401


def test_a_token_of_someone_given_a_role_needing_two_factor_is_refused(world, clock):
    """An analyst's token (a password alone) stops working when they become a decision maker,
    until they set up an authenticator and ask for a token with a code."""
    analyst = world.personas["analyst"]
    token = APIClient().post(reverse("api:token"), {"username": "analyst", "password": PASSWORD}, format="json")
    key = token.json()["token"]
    assert api_get(key).status_code == 200

    MembershipFactory(user=analyst, organisation=world.wg, role=Role.WG_DECISION_MAKER)
    refused = api_get(key)
    assert refused.status_code == 401
    assert "Set up two-factor authentication in the browser" in refused.json()["detail"]


def test_turning_two_factor_on_ends_the_tokens_issued_before(world, clock):
    analyst = world.personas["analyst"]
    key = APIClient().post(reverse("api:token"), {"username": "analyst", "password": PASSWORD}, format="json")
    key = key.json()["token"]
    http = Client()
    sign_in(http, "analyst")
    secret = secret_on(http.get(reverse("two-factor-setup")))
    clock.shift(timedelta(seconds=30))
    http.post(reverse("two-factor-setup"), {"code": code_from_secret(secret)})
    assert TOTPDevice.objects.get(user=analyst).confirmed
    assert api_get(key).status_code == 401
    assert not Token.objects.filter(user=analyst).exists()


def test_the_migration_removes_the_tokens_of_those_who_must_use_two_factor(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("organisations.migrations.0003_remove_tokens_issued_without_two_factor")
    staff_only = UserFactory(username="staff_only", is_staff=True)
    for user in [world.personas["decision_maker"], world.personas["admin"], staff_only, world.personas["analyst"]]:
        Token.objects.create(user=user)
    migration.remove_tokens(apps, None)
    assert list(Token.objects.values_list("user__username", flat=True)) == ["analyst"]


# --- htmx keeps the page --------------------------------------------------------------------------------


def htmx(page_url, host="testserver"):
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://{host}{page_url}"}


def test_an_htmx_request_of_an_unverified_session_returns_to_its_page_after_the_code(world, clock):
    http = Client()
    sign_in(http, "decision")
    page = reverse("organisations:list") + "?region=1"
    response = http.get(reverse("notification-list"), **htmx(page))
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("two-factor-verify") + "?next=" + quote(page)

    elsewhere = http.get(reverse("notification-list"), **htmx(page, host="evil.example"))
    assert elsewhere["HX-Redirect"] == reverse("two-factor-verify")  # another site's page is not kept


def test_an_htmx_request_signed_out_for_idleness_returns_to_its_page(world):
    http = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(http, "analyst")
        traveller.shift(timedelta(minutes=31))
        page = reverse("organisations:list")
        response = http.post(reverse("notification-list"), **htmx(page))
        assert response.status_code == 204
        assert response["HX-Redirect"] == reverse("login") + "?next=" + quote(page)


@pytest.mark.parametrize(
    "current",
    ["http://testserver//evil.example/", "http://evil.example/organisations/", "javascript:alert(1)", "/\\evil", ""],
)
def test_an_htmx_page_address_that_is_not_plainly_ours_is_dropped(rf, current):
    from oversight.security import _return_path

    request = rf.get("/notifications/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=current)
    assert _return_path(request, any_method=True) == ""


# --- Secret pages are never cached -----------------------------------------------------------------------


def test_the_pages_showing_a_key_or_codes_are_never_cached(world, clock):
    http = Client()
    sign_in(http, "analyst")
    assert "no-store" in http.get(reverse("two-factor-setup"))["Cache-Control"]
    http.post(reverse("logout"))

    sign_in(http, "decision")
    assert "no-store" in http.get(reverse("two-factor-verify"))["Cache-Control"]
    assert "no-store" in http.post(reverse("two-factor-verify"), {"code": "000000"})["Cache-Control"]
    http.post(reverse("two-factor-verify"), {"code": code_for(device_of(world.personas["decision_maker"]))})
    assert "no-store" in http.get(reverse("two-factor-recovery-codes"))["Cache-Control"]
    assert "no-store" in http.post(reverse("two-factor-recovery-codes"))["Cache-Control"]
    issued = APIClient().post(reverse("api:token"), {"username": "analyst", "password": PASSWORD}, format="json")
    assert "no-store" in issued["Cache-Control"]


# --- The same code twice at once --------------------------------------------------------------------------


def _at_once(monkeypatch, model, requests):
    """Run ``requests`` (callables) in two threads that meet inside ``model.verify_token``, after
    reading the device and before checking the code: if the device is not locked, both check the
    code before either records it used. With the row locked the second waits for the lock, the
    first waits for it at the meeting point in vain (two seconds), and they run one after the other."""
    import contextlib
    import threading

    from django.db import connections

    meeting = threading.Barrier(len(requests))
    original = model.verify_token

    def verify_token(self, token):
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=2)
        return original(self, token)

    monkeypatch.setattr(model, "verify_token", verify_token)
    outcomes = []

    def run(request):
        try:
            outcomes.append(request())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _two_sessions(username):
    sessions = [Client(), Client()]
    for http in sessions:
        sign_in(http, username)
    return sessions


@pytest.mark.django_db(transaction=True)
def test_one_authenticator_code_sent_twice_at_once_lets_in_one_session(world, monkeypatch):
    sessions = _two_sessions("decision")
    code = code_for(device_of(world.personas["decision_maker"]))
    outcomes = _at_once(
        monkeypatch,
        TOTPDevice,
        [lambda http=http: http.post(reverse("two-factor-verify"), {"code": code}).status_code for http in sessions],
    )
    assert sorted(outcomes) == [200, 302]


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_sent_twice_at_once_lets_in_one_session(world, monkeypatch):
    decision_maker = world.personas["decision_maker"]
    recovery = StaticDevice.objects.create(user=decision_maker, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd1234")
    sessions = _two_sessions("decision")
    outcomes = _at_once(
        monkeypatch,
        StaticDevice,
        [
            lambda http=http: http.post(reverse("two-factor-verify"), {"code": "abcd1234"}).status_code
            for http in sessions
        ],
    )
    assert sorted(outcomes) == [200, 302]


@pytest.mark.django_db(transaction=True)
def test_one_set_up_code_sent_twice_at_once_turns_it_on_once(world, monkeypatch):
    """The same set-up form sent twice at once (a double click): one turns two-factor
    authentication on and shows the recovery codes; the other is refused."""
    first = Client()
    sign_in(first, "analyst")
    secret = secret_on(first.get(reverse("two-factor-setup")))
    second = Client()
    second.cookies = first.cookies  # the same session
    code = code_from_secret(secret)
    outcomes = _at_once(
        monkeypatch,
        TOTPDevice,
        [
            lambda http=http: (
                "Save your recovery codes" in http.post(reverse("two-factor-setup"), {"code": code}).content.decode()
            )
            for http in (first, second)
        ],
    )
    assert sorted(outcomes) == [False, True]
    assert StaticToken.objects.filter(device__user=world.personas["analyst"]).count() == 10
