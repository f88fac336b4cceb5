"""Cases across the eras: a 2025 case under a 2024 domain moves to its pillar at cutover,
and its history still reads in the 2024 terms."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from escalation import selectors, services
from escalation.choices import CasePhase
from escalation.models import Domain, EscalationCase, EscalationDecision, EscalationStatus
from escalation.services import Scope


def escalate(world, organisation, domain, level, on):
    decision = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=organisation,
        scope=Scope("domain", domain),
        to_level=level,
        rationale="Waiting times deteriorating against trajectory",
        planned_on=on,
    )
    return services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=on,
        minister_decided_on=on,
    )


def domain(era, code):
    return Domain.objects.get(era__code=era, code=code)


def cutover(**kwargs):
    out = io.StringIO()
    call_command("cutover_to_pillars", actor="decision", stdout=out, **kwargs)
    return out.getvalue()


def test_a_2025_case_under_a_legacy_domain_is_rescoped_to_its_pillar_and_keeps_its_history(world, frameworks):
    performance = domain("2024", "performance")
    decision = escalate(world, world.org_a, performance, 3, date(2025, 3, 3))
    case = EscalationCase.objects.get(organisation=world.org_a)
    assert case.domain == performance

    output = cutover()
    assert "Performance and outcomes → Delivery/Performance (level 3)" in output

    delivery = domain("2026", "delivery")
    case.refresh_from_db()
    assert case.domain == delivery and case.phase == CasePhase.ACTIVE
    # The history reads in the 2024 terms: the original decision and the case's earlier record.
    decision.refresh_from_db()
    assert decision.domain == performance and decision.era.code == "2024"
    assert case.history.earliest().domain_id == performance.pk
    entry = EscalationDecision.objects.get(rescoped_from=decision)
    assert (entry.from_level, entry.to_level, entry.domain, entry.case) == (1, 3, delivery, case)
    # As at dates either side of the cutover, each era reads in its own scopes.
    official = world.personas["official"]
    before = {s.scope_key: s.level_on for s in selectors.levels_as_at(user=official, on=date(2026, 3, 31))}
    after = {s.scope_key: s.level_on for s in selectors.levels_as_at(user=official, on=date(2026, 4, 1))}
    assert before[f"domain:{performance.pk}"] == 3 and before.get(f"domain:{delivery.pk}") is None
    assert after[f"domain:{delivery.pk}"] == 3
    assert EscalationStatus.objects.get(scope_key=f"domain:{performance.pk}").retired_on == date(2026, 4, 1)
    # The mapping is viewable both ways.
    assert [m.pillar.code for m in performance.mapped_to.all()] == ["delivery"]
    assert {m.legacy_domain.code for m in delivery.mapped_from.all()} == {"performance", "fragile"}


def test_running_the_cutover_twice_changes_nothing(world, frameworks):
    escalate(world, world.org_a, domain("2024", "finance"), 3, date(2025, 3, 3))
    cutover()
    count = EscalationDecision.objects.count()
    assert "0 scopes re-scoped" in cutover()
    assert EscalationDecision.objects.count() == count


def test_fragile_services_need_a_persons_choice_of_pillar(world, frameworks):
    escalate(world, world.org_a, domain("2024", "fragile"), 4, date(2025, 3, 3))
    with pytest.raises(CommandError) as refused:
        cutover()
    assert "ORGA Fragile services: choose quality or delivery" in str(refused.value)
    assert not EscalationDecision.objects.filter(source="Cutover to the 2026 pillars").exists()
    cutover(choose=["ORGA:fragile=quality"])
    status = EscalationStatus.objects.get(organisation=world.org_a, domain=domain("2026", "quality"))
    assert status.level == 4


def test_two_legacy_domains_mapping_to_one_pillar_keep_the_higher_level(world, frameworks):
    escalate(world, world.org_b, domain("2024", "governance"), 2, date(2025, 3, 3))
    escalate(world, world.org_b, domain("2024", "leadership"), 3, date(2025, 4, 7))
    cutover()
    status = EscalationStatus.objects.get(organisation=world.org_b, domain=domain("2026", "leadership"))
    assert status.level == 3


def test_scopes_back_at_routine_arrangements_stay_where_they_are(world, frameworks):
    performance = domain("2024", "performance")
    escalate(world, world.org_a, performance, 2, date(2024, 6, 3))
    down = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=Scope("domain", performance),
        to_level=1,
        rationale="Improved",
        planned_on=date(2025, 1, 6),
    )
    services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=down,
        expected_version=down.version,
        decided_on=date(2025, 1, 6),
        override_rationale="Sustained for two quarters",
    )
    case = EscalationCase.objects.get(organisation=world.org_a)
    services.case_close(
        actor=world.personas["decision_maker"],
        case=case,
        expected_version=case.version,
        reason="Sustained",
        on=date(2025, 2, 3),
    )
    assert "0 scopes re-scoped" in cutover()


def test_the_frameworks_page_shows_the_mapping_both_ways_in_a_fixed_number_of_queries(world, frameworks, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from escalation.models import DomainMapping

    client.force_login(world.personas["submitter_a"])
    url = reverse("escalation:frameworks")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert len(captured) <= 12
    mapping = DomainMapping.objects.select_related("legacy_domain", "pillar").filter(needs_choice=False).first()
    legacy_row = page.split(f">{mapping.legacy_domain.name}</th>", 1)[1].split("</tr>", 1)[0]
    pillar_row = page.split(f">{mapping.pillar.name}</th>", 1)[1].split("</tr>", 1)[0]
    assert mapping.pillar.name in legacy_row  # 2024 domain → 2026 pillar
    assert mapping.legacy_domain.name in pillar_row  # and back
    assert "a person chooses" in page  # fragile services
