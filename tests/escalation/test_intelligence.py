"""Tripartite intelligence and rounds: who adds, who sees, and a recommendation that starts a draft."""

from datetime import date

import pytest
from django.http import Http404

from escalation import selectors, services
from escalation.models import Domain
from oversight.errors import ConflictError, PermissionRefused
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def audit_wales(world):
    body = OrganisationFactory(code="AWX", name="Audit Wales", kind="auditor", statutory=False)
    auditor = UserFactory(username="auditor")
    MembershipFactory(user=auditor, organisation=body, role="tripartite_partner")
    return body, auditor


def add(world, actor, body, **kwargs):
    return services.intelligence_add(
        actor=actor,
        organisation=world.org_a,
        body=body,
        kind=kwargs.pop("kind", "hiw_inspection"),
        dated=date(2026, 5, 1),
        summary="Unannounced inspection found staffing gaps on two wards",
        rag="red",
        **kwargs,
    )


def test_a_partner_adds_its_own_bodys_intelligence_only(world, frameworks, audit_wales):
    body, _auditor = audit_wales
    item = add(world, world.personas["partner"], world.hiw)
    assert item.body == world.hiw
    with pytest.raises((PermissionRefused, Http404)):
        add(world, world.personas["partner"], body, kind="audit_wales_review")


def test_partners_see_their_own_bodys_items_and_what_wg_shares(world, frameworks, audit_wales):
    body, auditor = audit_wales
    hiw_item = add(world, world.personas["partner"], world.hiw)
    aw_item = add(world, auditor, body, kind="structured_assessment")
    assert list(selectors.intelligence_list(user=world.personas["partner"])) == [hiw_item]
    assert list(selectors.intelligence_list(user=auditor)) == [aw_item]
    services.intelligence_share(actor=world.personas["official"], item=hiw_item, expected_version=hiw_item.version)
    assert set(selectors.intelligence_list(user=auditor)) == {hiw_item, aw_item}
    assert selectors.intelligence_list(user=world.personas["analyst"]).count() == 2
    # The organisation itself never sees the tripartite intelligence about it.
    assert selectors.intelligence_list(user=world.personas["submitter_a"]).count() == 0


def test_only_welsh_government_shares_intelligence(world, frameworks):
    item = add(world, world.personas["partner"], world.hiw)
    with pytest.raises(PermissionRefused):
        services.intelligence_share(actor=world.personas["analyst"], item=item, expected_version=item.version)


def test_a_round_recommendation_starts_a_draft_decision(world, frameworks, audit_wales):
    _body, auditor = audit_wales
    official = world.personas["official"]
    round_ = services.tripartite_round_create(
        actor=official, held_on=date(2026, 5, 12), title="Tripartite round, May 2026", participants=[world.hiw]
    )
    finance = Domain.objects.get(era__code="2026", code="finance")
    view = services.tripartite_view_record(
        actor=official,
        round_=round_,
        organisation=world.org_a,
        domain=finance,
        shared_view="Deficit growing; no credible recovery plan",
        recommendation="escalate",
        recommended_level=3,
    )
    decision = services.tripartite_view_start_decision(actor=official, view=view, planned_on=date(2026, 5, 14))
    assert (decision.status, decision.to_level, decision.domain) == ("draft", 3, finance)
    assert "Tripartite round, May 2026" in decision.evidence
    with pytest.raises(ConflictError):
        services.tripartite_view_start_decision(actor=official, view=view, planned_on=date(2026, 5, 15))
    # HIW took part in the round and sees it; Audit Wales did not.
    assert list(selectors.tripartite_round_list(user=world.personas["partner"])) == [round_]
    assert list(selectors.tripartite_round_list(user=auditor)) == []


def test_a_move_recommendation_needs_its_level(world, frameworks):
    from oversight.errors import OversightError

    official = world.personas["official"]
    round_ = services.tripartite_round_create(actor=official, held_on=date(2026, 5, 12), title="Round")
    with pytest.raises(OversightError, match="Give the level"):
        services.tripartite_view_record(
            actor=official, round_=round_, organisation=world.org_a, shared_view="v", recommendation="escalate"
        )
