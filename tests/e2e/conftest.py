"""Browser tests: pytest-playwright driving Debian's Chromium, with axe-core for accessibility."""

from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") + "\n;undefined"


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Never a downloaded browser: the system's Chromium (`apt-get install chromium`).
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def axe_check():
    """Run axe-core on the current page; fail on any serious or critical violation."""

    def check(page):
        # Evaluated through the browser's debugging protocol, which the page's Content Security
        # Policy does not govern (a <script> tag with the code inline would be refused).
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        described = [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}" for v in serious
        ]
        assert not serious, f"Accessibility violations on {page.url}:\n" + "\n".join(described)
        return violations

    return check


def current_code(user) -> str:
    """The code the user's authenticator app shows now: the current 30 seconds' code, or the
    next one's when this one has been used already (a code works once; the next is accepted)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():06d}"


@pytest.fixture
def sign_in(live_server, password):
    """Sign in through the form; a user with an authenticator app then gives its code."""

    def _sign_in(page, username):
        from django.contrib.auth import get_user_model

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/two-factor/verify/" in page.url:
            page.get_by_label("Code", exact=True).fill(current_code(get_user_model().objects.get(username=username)))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)

    return _sign_in
