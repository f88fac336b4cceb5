from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from escalation import selectors, services
from escalation.choices import DecisionStatus
from escalation.models import EscalationDecision, EscalationStatus
from escalation.services import RuleRefused, Scope
from oversight import access
from oversight.errors import ConflictError, PermissionRefused
from tests.factories import OrganisationFactory

WHOLE = Scope("organisation")


def draft(world, *, actor="analyst", organisation=None, scope=WHOLE, to_level, on=date(2026, 5, 4), **kwargs):
    return services.decision_draft(
        actor=world.personas[actor],
        organisation=organisation or world.org_a,
        scope=scope,
        to_level=to_level,
        rationale=kwargs.pop("rationale", "Financial deficit growing against plan"),
        planned_on=on,
        **kwargs,
    )


def decide(world, decision, *, actor="decision_maker", on=date(2026, 5, 6), **kwargs):
    kwargs.setdefault("minister_decided_on", on if decision.to_level >= 4 or decision.from_level >= 4 else None)
    return services.decision_decide(
        actor=world.personas[actor], decision=decision, expected_version=decision.version, decided_on=on, **kwargs
    )


def test_an_analyst_drafts_and_a_decision_maker_decides_with_a_later_effective_date(world, pillar):
    finance = Scope("domain", pillar("finance"))
    decision = draft(world, scope=finance, to_level=3)
    assert decision.status == DecisionStatus.DRAFT
    assert decision.from_level == 1
    decided = decide(world, decision, on=date(2026, 5, 6), effective_from=date(2026, 5, 8))
    assert decided.status == DecisionStatus.DECIDED
    assert decided.authority == "director_general"
    assert decided.era.code == "2026"
    status = EscalationStatus.objects.get(organisation=world.org_a, scope_key=finance.key)
    assert (status.level, status.effective_from) == (3, date(2026, 5, 8))
    official = world.personas["official"]
    assert selectors.levels_as_at(user=official, on=date(2026, 5, 7)).get(pk=status.pk).level_on is None
    assert selectors.levels_as_at(user=official, on=date(2026, 5, 8)).get(pk=status.pk).level_on == 3


def test_an_analyst_never_decides(world, frameworks):
    decision = draft(world, to_level=2)
    with pytest.raises(PermissionRefused):
        decide(world, decision, actor="analyst")
    assert EscalationDecision.objects.get(pk=decision.pk).status == DecisionStatus.DRAFT


def test_an_official_may_not_record_a_ministerial_decision(world, frameworks):
    decision = draft(world, to_level=4, on=date(2025, 5, 1))
    with pytest.raises(RuleRefused) as refused:
        decide(world, decision, actor="official", on=date(2025, 5, 2))
    assert refused.value.code == "not_the_decision_authority"
    assert "the Minister" in refused.value.message
    assert not EscalationStatus.objects.exists()


def test_de_escalation_by_two_levels_is_refused_and_nothing_is_saved(world, frameworks):
    decide(world, draft(world, to_level=4), minister_decided_on=date(2026, 5, 6))
    down = draft(world, to_level=3, on=date(2026, 6, 1))
    down.to_level = 2  # as if the form had been tampered with after drafting
    down.save()
    with pytest.raises(RuleRefused) as refused:
        decide(world, down, on=date(2026, 6, 2), override_rationale="x")
    assert refused.value.code == "deescalation_one_level_at_a_time"
    assert refused.value.field == "to_level"
    assert EscalationDecision.objects.get(pk=down.pk).status == DecisionStatus.DRAFT
    assert EscalationStatus.objects.get(organisation=world.org_a).level == 4


def test_drafting_a_refused_move_is_refused_early(world, frameworks):
    decide(world, draft(world, to_level=5), minister_decided_on=date(2026, 5, 6))
    with pytest.raises(RuleRefused, match="De-escalation is one level at a time"):
        draft(world, to_level=3, on=date(2026, 7, 1))


def test_de_escalation_without_sustained_criteria_needs_an_override_which_is_kept(world, frameworks):
    decide(world, draft(world, to_level=2), on=date(2026, 5, 6))
    down = draft(world, to_level=1, on=date(2026, 9, 1))
    with pytest.raises(RuleRefused) as refused:
        decide(world, down, on=date(2026, 9, 2))
    assert refused.value.code == "criteria_not_sustained"
    down.refresh_from_db()
    decided = decide(world, down, on=date(2026, 9, 2), override_rationale="Independent review found risks resolved")
    assert decided.override_rationale == "Independent review found risks resolved"


def test_a_correction_supersedes_and_both_stay_visible(world, frameworks):
    original = decide(world, draft(world, to_level=3), on=date(2026, 5, 6))
    correction = services.decision_supersede(
        actor=world.personas["decision_maker"],
        decision=original,
        to_level=2,
        rationale="Level 3 was recorded in error: the meeting agreed level 2",
        decided_on=date(2026, 5, 7),
    )
    assert correction.supersedes == original
    assert correction.effective_from == date(2026, 5, 6)
    assert EscalationDecision.objects.filter(organisation=world.org_a).count() == 2
    assert EscalationStatus.objects.get(organisation=world.org_a).level == 2
    assert selectors.level_of(organisation_id=world.org_a.pk, scope_key="organisation", on=date(2026, 5, 6)) == 2
    with pytest.raises(ConflictError, match="already been superseded"):
        services.decision_supersede(
            actor=world.personas["decision_maker"], decision=original, to_level=3, rationale="x",
            decided_on=date(2026, 5, 8),
        )  # fmt: skip


def test_a_decided_decision_is_immutable(world, frameworks):
    decided = decide(world, draft(world, to_level=2))
    with pytest.raises(ConflictError) as refused:
        services.decision_withdraw(
            actor=world.personas["official"], decision=decided, expected_version=decided.version, reason="no"
        )
    assert refused.value.code == "decision_closed"


def test_a_stale_decide_is_a_conflict(world, frameworks):
    decision = draft(world, to_level=2)
    services.decision_recommend(
        actor=world.personas["analyst"], decision=decision, expected_version=decision.version, on=date(2026, 5, 5)
    )
    with pytest.raises(ConflictError):
        services.decision_decide(
            actor=world.personas["decision_maker"], decision=decision, expected_version=decision.version,
            decided_on=date(2026, 5, 6),
        )  # fmt: skip


def test_recording_the_notification(world, frameworks):
    decided = decide(world, draft(world, to_level=2))
    notified = services.decision_record_notification(
        actor=world.personas["official"],
        decision=decided,
        expected_version=decided.version,
        notified_on=date(2026, 5, 7),
    )
    assert notified.notified_on == date(2026, 5, 7)
    assert selectors.decisions_awaiting_notification(user=world.personas["official"]).count() == 0


def test_hosted_bodies_hold_no_levels(world, frameworks):
    hosted = OrganisationFactory(code="NWSSPX", kind="hosted_body", statutory=False)
    with pytest.raises(RuleRefused) as refused:
        draft(world, organisation=hosted, to_level=2)
    assert refused.value.code == "organisation_holds_no_levels"


def test_a_2024_domain_cannot_be_used_for_a_2026_decision(world, pillar):
    with pytest.raises(RuleRefused) as refused:
        draft(world, scope=Scope("domain", pillar("finance", era="2024")), to_level=2, on=date(2026, 5, 4))
    assert refused.value.code == "domain_not_in_era"


def test_another_organisations_submitter_cannot_see_a_decision(world, frameworks):
    decision = draft(world, to_level=2)
    with pytest.raises(Http404):
        services.decision_recommend(
            actor=world.personas["submitter_b"],
            decision=decision,
            expected_version=decision.version,
            on=date(2026, 5, 5),
        )
    assert selectors.decision_list(user=world.personas["submitter_b"]).count() == 0
    assert selectors.decision_list(user=world.personas["submitter_a"]).count() == 1


def test_levels_as_at_make_the_same_queries_at_ten_years_of_history_as_at_one(world, frameworks):
    official = world.personas["official"]
    scopes = [Scope("organisation"), Scope("service", service_name="Maternity and neonatal services")]

    def history(years, start):
        for year in range(start, start + years):
            for scope in scopes:
                for level, month in ((2, 3), (1, 9)):
                    d = draft(world, scope=scope, to_level=level, on=date(year, month, 1))
                    decide(world, d, on=date(year, month, 2), override_rationale="sustained improvement")

    def count():
        access.principal(official)  # the user's roles, loaded once per request
        with CaptureQueriesContext(connection) as queries:
            rows = list(selectors.levels_as_at(user=official, on=date(2025, 6, 30)))
        return len(queries), rows

    history(1, 2024)  # 2024: level 2 in March, back to 1 in September
    small, rows = count()
    assert [r.level_on for r in rows] == [1, 1]
    history(9, 2025)  # nine more years of the same, 2025 to 2033
    large, rows = count()
    assert [r.level_on for r in rows] == [2, 2]  # on 30 June 2025: level 2 since March 2025
    assert EscalationDecision.objects.count() == 40
    assert small == large == 1
