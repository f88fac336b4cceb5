"""Personas and shared fixtures.

Two NHS organisations, A and B, and the people who use the service:
an official, a decision maker, an analyst, a submitter at A, a submitter at B, a tripartite
partner (HIW) and an administrator.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from organisations.choices import OrganisationKind, Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, RegionFactory, UserFactory


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
    return World(org_a=org_a, org_b=org_b, wg=wg, nhspi=nhspi, hiw=hiw, personas=personas)


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

    return APIClient()


@pytest.fixture
def password():
    return PASSWORD
