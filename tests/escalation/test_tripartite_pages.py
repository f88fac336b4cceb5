"""Tripartite rounds through the pages: recorded by WG, seen by the partners who took part,
and a recommendation turned into a draft decision."""

import pytest
from django.urls import reverse

from escalation.models import EscalationDecision, TripartiteRound, TripartiteView


@pytest.fixture
def round_(world, frameworks, client):
    client.force_login(world.personas["official"])
    response = client.post(
        reverse("escalation:tripartite-create"),
        {"title": "Autumn 2026 round", "held_on": "2026-10-14", "participants": [world.hiw.pk]},
    )
    round_ = TripartiteRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    return round_


def test_a_round_is_recorded_and_a_recommendation_starts_a_draft_decision(world, round_, client, pillar):
    url = reverse("escalation:tripartite-view-record", args=[round_.pk])
    client.post(
        url,
        {
            "organisation": world.org_a.pk,
            "domain": pillar("finance").pk,
            "shared_view": "Deficit growing; grip and control weak.",
            "recommendation": "escalate",
            "recommended_level": "3",
        },
    )
    refused = client.post(url, {"organisation": world.org_b.pk, "shared_view": "Worse", "recommendation": "escalate"})
    assert 'data-error-code="level_required"' in refused.content.decode()
    client.post(url, {"organisation": world.org_b.pk, "shared_view": "Stable", "recommendation": "maintain"})
    view_a = TripartiteView.objects.get(organisation=world.org_a)
    client.force_login(world.personas["analyst"])
    page = client.get(round_.get_absolute_url()).content.decode()
    assert page.count("Start a draft decision") == 1  # nothing to draft for "maintain"
    response = client.post(reverse("escalation:tripartite-view-start", args=[view_a.pk]))
    decision = EscalationDecision.objects.get()
    assert response["Location"] == decision.get_absolute_url()
    assert (decision.organisation, decision.domain, decision.to_level) == (world.org_a, pillar("finance"), 3)
    assert "Autumn 2026 round" in decision.evidence and decision.status == "draft"
    again = client.post(reverse("escalation:tripartite-view-start", args=[view_a.pk]), follow=True)
    assert "A decision has already been started from this recommendation." in again.content.decode()
    assert EscalationDecision.objects.count() == 1


def test_only_partners_who_took_part_see_a_round(world, round_, client):
    from organisations.choices import Role
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    audit_wales = OrganisationFactory(code="AW", name="Audit Wales", kind="auditor", statutory=False)
    auditor = UserFactory(username="auditor")
    MembershipFactory(user=auditor, organisation=audit_wales, role=Role.TRIPARTITE_PARTNER)
    client.force_login(world.personas["partner"])  # HIW, which took part
    assert client.get(round_.get_absolute_url()).status_code == 200
    assert "Autumn 2026 round" in client.get(reverse("escalation:tripartite-list")).content.decode()
    client.force_login(auditor)
    assert client.get(round_.get_absolute_url()).status_code == 404
    assert "Autumn 2026 round" not in client.get(reverse("escalation:tripartite-list")).content.decode()


def test_the_round_list_makes_as_many_queries_for_six_rounds_as_for_one(world, round_, client):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalation import services

    url = reverse("escalation:tripartite-list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for month in range(1, 6):
        services.tripartite_round_create(
            actor=world.personas["official"],
            held_on=date(2026, month, 1),
            title=f"Round {month}",
            participants=[world.hiw],
        )
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).content.decode()
    assert "Round 5" in page
    assert len(six) == len(one)
