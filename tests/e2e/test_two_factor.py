"""Setting up two-factor authentication in a browser: the QR code page, the first code, the
recovery codes, and the code asked for at the next sign-in; axe-core on each page."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from organisations.choices import Role
from tests.e2e.conftest import current_code
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def newcomer(transactional_db, world):
    user = UserFactory(username="new_decision", first_name="Nia", last_name="Evans")
    MembershipFactory(user=user, organisation=world.wg, role=Role.WG_DECISION_MAKER)
    return user


def code_from_key(key: str) -> str:
    """What an authenticator app shows for a key typed in by hand (base32)."""
    import time
    from base64 import b32decode

    totp = TOTP(b32decode(key.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_decision_maker_sets_up_two_factor_authentication(page, live_server, newcomer, password, axe_check):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("new_decision")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/escalation/")  # nothing else until it is set up
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")

    right = code_from_key(page.locator("#secret-key").inner_text())
    page.get_by_label("Code", exact=True).fill(f"{(int(right) + 500_000) % 1_000_000:06d}")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    axe_check(page)

    page.wait_for_timeout(1100)  # after a wrong code the next is not checked for a second (then 2, 4...)
    key = page.locator("#secret-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", key)
    page.get_by_label("Code", exact=True).fill(code_from_key(key))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    axe_check(page)
    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("two-factor")
    assert TOTPDevice.objects.get(user=newcomer).confirmed

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("new_decision")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    axe_check(page)
    page.get_by_label("Code", exact=True).fill(current_code(newcomer))
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/escalation/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Enter the code from your authenticator app")
    assert "/escalation/" in page.url
