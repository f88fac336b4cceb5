"""Personas and shared fixtures.

Two NHS organisations, A and B, and the people who use the service:
an official, a decision maker, an analyst, a submitter at A, a submitter at B, a tripartite
partner (HIW) and an administrator.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from organisations.choices import OrganisationKind, Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, RegionFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# in one unless told it is safe (it is: nothing here is actually asynchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
HAVE_BROWSER = CHROMIUM.exists()
BROWSER_HINT = (
    "BROWSER TESTS SKIPPED: no Chromium at /usr/bin/chromium. "
    "Install it with `apt-get install -y chromium` to run them (CI sets REQUIRE_BROWSER=1 and installs it)."
)


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if HAVE_BROWSER or not browser_items:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("REQUIRE_BROWSER=1 but " + BROWSER_HINT.split(": ", 1)[1])
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=BROWSER_HINT))
    config._oversight_browser_skipped = len(browser_items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_oversight_browser_skipped", 0)
    if skipped:
        terminalreporter.write_line(f"!!! {skipped} {BROWSER_HINT}", red=True, bold=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The escalation frameworks (eras, domains, levels, authority) and the meeting types and
    cadences are loaded once per run; each test's transaction is rolled back on top of them."""
    from escalation import reference
    from meetings import reference as meeting_reference

    with django_db_blocker.unblock():
        reference.seed()
        meeting_reference.seed()


@pytest.fixture
def frameworks(db):
    """The escalation frameworks and meeting types, as seeded (again after a transactional test
    emptied the database)."""
    from escalation import reference
    from escalation.models import Era
    from meetings import reference as meeting_reference
    from meetings.models import MeetingType

    if not Era.objects.exists():
        reference.seed()
    if not MeetingType.objects.exists():
        meeting_reference.seed()


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path):
    # Uploaded files go to a folder of the test's own, never the project's var/private.
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _tasks_run_eagerly(request):
    """Tasks run in-process in tests, even when a broker is configured (CI's second pass);
    the real-worker test (marked ``broker``) sends through the broker instead."""
    from oversight.celery import app

    if request.node.get_closest_marker("broker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    org_a: object
    org_b: object
    wg: object
    nhspi: object
    hiw: object
    personas: dict


@pytest.fixture
def world(db):
    region = RegionFactory(code="south-east-wales", name="South East Wales", name_cy="De-ddwyrain Cymru")
    org_a = OrganisationFactory(
        code="ORGA", name="Organisation A University Health Board", short_name="Org A", region=region
    )
    org_b = OrganisationFactory(
        code="ORGB", name="Organisation B University Health Board", short_name="Org B", region=region
    )
    wg = OrganisationFactory(
        code="WG", name="Welsh Government", short_name="WG", kind=OrganisationKind.GOVERNMENT, statutory=False
    )
    nhspi = OrganisationFactory(
        code="NHSPI",
        name="NHS Wales Performance and Improvement",
        short_name="NHS P&I",
        kind=OrganisationKind.NATIONAL_BODY,
        statutory=False,
    )
    hiw = OrganisationFactory(
        code="HIW",
        name="Healthcare Inspectorate Wales",
        short_name="HIW",
        kind=OrganisationKind.INSPECTORATE,
        statutory=False,
    )

    def person(username, organisation, role, **extra):
        user = UserFactory(username=username, **extra)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    personas = {
        "anonymous": AnonymousUser(),
        "official": person("official", wg, Role.WG_OFFICIAL),
        "decision_maker": person("decision", wg, Role.WG_DECISION_MAKER),
        "analyst": person("analyst", nhspi, Role.NHSPI_ANALYST),
        "submitter_a": person("submitter_a", org_a, Role.ORG_SUBMITTER),
        "submitter_b": person("submitter_b", org_b, Role.ORG_SUBMITTER),
        "partner": person("partner", hiw, Role.TRIPARTITE_PARTNER),
        "admin": person("admin", wg, Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    }
    # Decision makers and administrators must use two-factor authentication: theirs is set up.
    for persona in ("decision_maker", "admin"):
        authenticator_for(personas[persona])
    return World(org_a=org_a, org_b=org_b, wg=wg, nhspi=nhspi, hiw=hiw, personas=personas)


def authenticator_for(user):
    """The user's confirmed authenticator app (a TOTP device), made if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


class _VerifiedLogin:
    """``force_login`` as if the person had also given a code from their authenticator app, as
    ``django_otp.login`` records it in the session. A user who must use two-factor
    authentication and has not set it up gets an authenticator first, as they would at sign-in.
    Tests of two-factor authentication itself sign in through the form with a plain ``Client``."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from oversight import access
        from oversight.security import two_factor_required

        cached = hasattr(user, "_oversight_principal")
        required = two_factor_required(user)
        if not cached:
            access.forget(user)  # leave the test's user object as it was
        device = authenticator_for(user) if required else None
        if device is None:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    from django.test import Client

    class VerifiedClient(_VerifiedLogin, Client):
        pass

    return VerifiedClient()


@pytest.fixture
def login(client):
    """Sign a persona in with the test client (None or anonymous signs out)."""

    def _login(user):
        client.logout()
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    class VerifiedAPIClient(_VerifiedLogin, APIClient):
        pass

    return VerifiedAPIClient()


@pytest.fixture
def password():
    return PASSWORD
