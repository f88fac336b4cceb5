"""Targeted support at levels 4-5 with a maturity matrix; improvement plans at levels 2-3."""

from datetime import date

import pytest

from escalation import rules, selectors, services
from escalation.models import EscalationCase
from escalation.services import RuleRefused, Scope


@pytest.fixture
def case_at(world, frameworks):
    def _case(level, on=date(2025, 3, 3)):
        decision = services.decision_draft(
            actor=world.personas["analyst"],
            organisation=world.org_a,
            scope=Scope("organisation"),
            to_level=level,
            rationale="Serious and sustained concerns",
            planned_on=on,
        )
        services.decision_decide(
            actor=world.personas["decision_maker"],
            decision=decision,
            expected_version=decision.version,
            decided_on=on,
            minister_decided_on=on,
        )
        return EscalationCase.objects.get(organisation=world.org_a)

    return _case


def test_targeted_support_with_a_maturity_matrix(world, case_at):
    case = case_at(4)
    analyst = world.personas["analyst"]
    plan = services.support_plan_create(
        actor=analyst,
        case=case,
        kind="targeted_support",
        started_on=date(2025, 3, 10),
        senior_responsible_officer="Director of Corporate Governance",
        risk_and_impact="High: patient harm",
    )
    services.intervention_add(
        actor=analyst, plan=plan, kind="independent_adviser", lead="NHS P&I", starts_on=date(2025, 4, 1)
    )
    services.milestone_add(
        actor=analyst,
        plan=plan,
        title="Board development programme in place",
        owner="Chair",
        due_on=date(2025, 9, 30),
        rag="amber",
    )
    scores = {
        ("Governance", date(2025, 4, 1)): 1,
        ("Governance", date(2025, 10, 1)): 2,
        ("Governance", date(2026, 4, 1)): 3,
        ("Culture", date(2025, 4, 1)): 2,
        ("Culture", date(2026, 4, 1)): 2,
    }
    for (area, on), score in scores.items():
        services.maturity_score_record(actor=analyst, plan=plan, area_name=area, assessed_on=on, score=score)
    services.maturity_score_record(actor=analyst, plan=plan, area_name="Culture", assessed_on=date(2026, 4, 1), score=3)

    matrix = selectors.maturity_matrix(plan=plan)
    assert matrix.dates == [date(2025, 4, 1), date(2025, 10, 1), date(2026, 4, 1)]
    assert matrix.rows == [("Governance", [1, 2, 3]), ("Culture", [2, None, 3])]
    assert plan.interventions.get().get_kind_display() == "Independent adviser on the board"
    assert plan.milestones.count() == 1


def test_targeted_support_is_for_levels_4_and_5_only(world, case_at):
    case = case_at(3)
    with pytest.raises(RuleRefused) as refused:
        services.support_plan_create(
            actor=world.personas["analyst"], case=case, kind="targeted_support", started_on=date(2025, 3, 10)
        )
    assert refused.value.code == "plan_not_for_this_level"
    assert "para 67" in refused.value.message
    plan = services.support_plan_create(
        actor=world.personas["analyst"], case=case, kind="improvement", started_on=date(2025, 3, 10)
    )
    assert plan.kind == "improvement"


def test_statutory_powers_need_special_measures(world, case_at):
    case = case_at(4)
    plan = services.support_plan_create(
        actor=world.personas["analyst"], case=case, kind="targeted_support", started_on=date(2025, 3, 10)
    )
    with pytest.raises(RuleRefused) as refused:
        services.intervention_add(
            actor=world.personas["analyst"], plan=plan, kind="removal", lead="Minister", starts_on=date(2025, 4, 1)
        )
    assert refused.value.code == "statutory_power_needs_level_5"


@pytest.mark.parametrize(
    ("kind", "level", "refused"),
    [
        ("improvement", 1, True),
        ("improvement", 2, False),
        ("improvement", 3, False),
        ("improvement", 4, True),
        ("targeted_support", 3, True),
        ("targeted_support", 4, False),
        ("targeted_support", 5, False),
    ],
)
def test_which_plan_suits_which_level(kind, level, refused):
    assert (rules.plan_refusal(kind=kind, level=level) is not None) is refused


@pytest.mark.parametrize(
    ("kind", "level", "refused"),
    [("mentoring", 4, False), ("direction", 4, True), ("direction", 5, False), ("suspension", 3, True)],
)
def test_which_intervention_suits_which_level(kind, level, refused):
    assert (rules.intervention_refusal(kind=kind, level=level) is not None) is refused


def test_a_maturity_score_outside_1_to_5_is_refused(world, case_at):
    plan = services.support_plan_create(
        actor=world.personas["analyst"], case=case_at(4), kind="targeted_support", started_on=date(2025, 3, 10)
    )
    with pytest.raises(RuleRefused, match="from 1 to 5"):
        services.maturity_score_record(
            actor=world.personas["analyst"], plan=plan, area_name="Finance", assessed_on=date(2025, 4, 1), score=7
        )


def _plan_with_content(world, case, n):
    analyst = world.personas["analyst"]
    plan = services.support_plan_create(
        actor=analyst, case=case, kind="targeted_support", started_on=date(2025, 3, 10 + n)
    )
    services.intervention_add(actor=analyst, plan=plan, kind="mentoring", lead="NHS P&I", starts_on=date(2025, 4, 1))
    services.milestone_add(actor=analyst, plan=plan, title="m", owner="o", due_on=date(2025, 9, 30))
    for area in ("Governance", "Culture"):
        services.maturity_score_record(actor=analyst, plan=plan, area_name=area, assessed_on=date(2025, 4, 1), score=2)
    return plan


def test_the_support_plan_api_shows_the_matrix_in_a_fixed_number_of_queries(world, case_at, api_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    case = case_at(4)
    _plan_with_content(world, case, 0)
    api_client.force_login(world.personas["submitter_a"])
    url = reverse("api:escalation-support-plan-list")
    api_client.get(url)
    with CaptureQueriesContext(connection) as one:
        body = api_client.get(url).json()
    assert body["results"][0]["maturity_scores"] == [
        {"area": "Governance", "assessed_on": "2025-04-01", "score": 2, "note": ""},
        {"area": "Culture", "assessed_on": "2025-04-01", "score": 2, "note": ""},
    ]
    assert body["results"][0]["interventions"][0]["kind"] == "mentoring"
    for n in range(1, 6):
        _plan_with_content(world, case, n)
    with CaptureQueriesContext(connection) as six:
        assert api_client.get(url).json()["count"] == 6
    assert len(six) == len(one)
    api_client.force_login(world.personas["submitter_b"])
    assert api_client.get(url).json()["count"] == 0


def test_evidence_filed_through_the_api_is_listed_and_a_bad_file_is_a_400(world, case_at, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    case = case_at(3)
    criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text="Plan approved")
    url = reverse("api:escalation-criterion-evidence", args=[criterion.pk])
    api_client.force_login(world.personas["submitter_a"])
    created = api_client.post(
        url, {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n% plan\n"), "note": "Board paper"}, format="multipart"
    )
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "plan.pdf" and created.json()["purpose"] == "Board paper"
    refused = api_client.post(url, {"file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 program")}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["code"] and "plan.pdf" in refused.json()["detail"]
    listed = api_client.get(url).json()
    assert [f["name"] for f in listed] == ["plan.pdf"]
    assert listed[0]["download"].endswith(f"/attachments/{created.json()['id']}/")
