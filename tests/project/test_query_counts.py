"""List pages and list endpoints make the same number of queries at N rows as at 10×N,
and stay under a fixed cap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations import services
from organisations.choices import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def _grow(world, n):
    """n more organisations, n more members of org A, and n more edits to org A's history."""
    for _ in range(n):
        OrganisationFactory(region=world.org_a.region, hosted_by=world.org_b)
        MembershipFactory(organisation=world.org_a, user=UserFactory(), role=Role.ORG_EXECUTIVE)
    admin = world.personas["admin"]
    for i in range(n):
        world.org_a.refresh_from_db()
        services.organisation_update(
            actor=admin,
            organisation=world.org_a,
            expected_version=world.org_a.version,
            changes={"short_name": f"Org A {i}", "region": None if i % 2 else world.org_a.region},
            reason=f"edit {i}",
        )


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


CASES = [
    ("page", lambda w: reverse("organisations:list"), None, 8),
    ("page", lambda w: reverse("organisations:list"), {"export": "csv"}, 4),
    ("page", lambda w: reverse("organisations:detail", args=[w.org_a.pk]), None, 8),
    ("page", lambda w: reverse("organisations:members", args=[w.org_a.pk]), None, 7),
    ("page", lambda w: reverse("organisations:members", args=[w.org_a.pk]), {"export": "xlsx"}, 6),
    ("page", lambda w: reverse("organisations:history", args=[w.org_a.pk]), None, 7),
    ("api", lambda w: reverse("api:organisation-list"), None, 5),
    ("api", lambda w: reverse("api:organisation-members", args=[w.org_a.pk]), None, 7),
    ("api", lambda w: reverse("api:organisation-history", args=[w.org_a.pk]), None, 7),
    ("api", lambda w: reverse("api:membership-list"), None, 6),
    ("api", lambda w: reverse("api:region-list"), None, 5),
]


@pytest.mark.parametrize(("kind", "url", "params", "cap"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_queries_do_not_grow_with_rows(world, client, api_client, kind, url, params, cap):
    http = api_client if kind == "api" else client
    http.force_login(world.personas["submitter_a"])
    _grow(world, 3)
    small = _count(http, url(world), params)
    _grow(world, 27)
    large = _count(http, url(world), params)
    assert small == large, f"{small} queries at 3 rows but {large} at 30"
    assert large <= cap, f"{large} queries, cap {cap}"
