from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalation import services
from escalation.models import EscalationDecision

WHOLE = services.Scope("organisation")


def history(world, organisation, years, start):
    analyst, decider = world.personas["analyst"], world.personas["decision_maker"]
    maternity = services.Scope("service", service_name="Maternity and neonatal services")
    for year in range(start, start + years):
        for scope in (WHOLE, maternity):
            for level, month in ((2, 3), (1, 9)):
                d = services.decision_draft(
                    actor=analyst,
                    organisation=organisation,
                    scope=scope,
                    to_level=level,
                    rationale="r",
                    planned_on=date(year, month, 1),
                )
                services.decision_decide(
                    actor=decider,
                    decision=d,
                    expected_version=d.version,
                    decided_on=date(year, month, 2),
                    override_rationale="sustained",
                )


def queries(client, url, params):
    client.get(url, params)  # warm: session and roles
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(
    "name",
    [
        "escalation:overview",
        "escalation:decision-list",
        "escalation:case-list",
        "escalation:concern-list",
        "escalation:request-list",
        "escalation:intelligence-list",
        "api:escalation-decision-list",
        "api:escalation-level-list",
        "api:escalation-case-list",
        "api:escalation-concern-list",
        "api:escalation-request-list",
        "api:escalation-criterion-list",
        "api:escalation-intelligence-list",
    ],
)
def test_the_overview_and_decision_list_make_as_many_queries_at_ten_years_as_at_one(world, frameworks, client, name):
    client.force_login(world.personas["official"])
    history(world, world.org_a, 1, 2024)
    small, _ = queries(client, reverse(name), {"as_at": "2024-06-30", "era": "2024"})
    history(world, world.org_a, 9, 2025)
    history(world, world.org_b, 10, 2024)
    assert EscalationDecision.objects.count() == 80  # 20 organisation-years × 2 scopes × 2 moves
    large, _ = queries(client, reverse(name), {"as_at": "2024-06-30", "era": "2024"})
    assert small == large
    assert large <= 10


def test_the_overview_shows_the_level_in_force_on_the_date(world, frameworks, client):
    history(world, world.org_a, 1, 2024)
    client.force_login(world.personas["official"])
    june = client.get(reverse("escalation:overview"), {"as_at": "2024-06-30"}).content.decode()
    assert "Area of concern" in june
    assert "Maternity and neonatal services" in june
    october = client.get(reverse("escalation:overview"), {"as_at": "2024-10-01"}).content.decode()
    assert "Area of concern" not in october.split("What the levels mean")[0]


def test_an_organisation_user_sees_only_their_own_row(world, frameworks, client):
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("escalation:overview")).content.decode()
    assert world.org_a.short_name in page
    assert world.org_b.short_name not in page


def test_a_date_that_is_not_a_date_is_explained(world, frameworks, client):
    client.force_login(world.personas["official"])
    response = client.get(reverse("escalation:overview"), {"as_at": "30/06/2021"})
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_a_date_before_any_era_is_explained(world, frameworks, client):
    client.force_login(world.personas["official"])
    response = client.get(reverse("escalation:overview"), {"as_at": "1990-01-01"})
    assert response.status_code == 200
    assert "No escalation arrangements are recorded for that date" in response.content.decode()


def test_a_refused_decision_explains_the_rule_beside_the_form(world, frameworks, client):
    draft = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=WHOLE,
        to_level=4,
        rationale="r",
        planned_on=date(2025, 5, 1),
    )
    client.force_login(world.personas["official"])
    response = client.post(
        reverse("escalation:decision-decide", args=[draft.pk]), {"version": draft.version, "decided_on": "2025-05-02"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is decided by the Minister" in page
    assert "Oversight and Escalation Framework 2024, paras 38 and 51" in page
    assert EscalationDecision.objects.get(pk=draft.pk).status == "draft"


def test_a_draft_for_a_hosted_body_is_refused_in_the_form(world, frameworks, client):
    from tests.factories import OrganisationFactory

    OrganisationFactory(code="HOSTED", name="Hosted Partnership", kind="hosted_body", statutory=True)
    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("escalation:decision-create"),
        {
            "organisation": "",
            "scope_kind": "organisation",
            "to_level": "2",
            "rationale": "r",
            "planned_on": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_the_decision_export_lists_the_filtered_decisions(world, frameworks, client):
    history(world, world.org_a, 1, 2024)
    client.force_login(world.personas["official"])
    response = client.get(reverse("escalation:decision-list"), {"to_level": "2", "export": "csv"})
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 1 + 2  # header and the two moves to level 2


def test_the_case_page_makes_as_many_queries_at_ten_years_as_at_one(world, frameworks, client):
    from escalation.models import EscalationCase

    client.force_login(world.personas["official"])
    history(world, world.org_a, 1, 2024)
    case = EscalationCase.objects.filter(organisation=world.org_a, scope_key="organisation").get()
    url = reverse("escalation:case-detail", args=[case.pk])
    small, _ = queries(client, url, {})
    # Nine more years of the same moves: each rise from level 1 reopens the case in sustainability.
    history(world, world.org_a, 9, 2025)
    assert case.decisions.count() == 20
    large, response = queries(client, url, {})
    assert small == large
    assert "Maturity matrix" not in response.content.decode()
    assert large <= 16


def test_the_case_page_flags_criteria_not_agreed_within_six_weeks(world, frameworks, client):
    import time_machine

    from escalation.models import EscalationCase

    history(world, world.org_a, 1, 2024)  # level 2 in March 2024, level 1 in September 2024
    case = EscalationCase.objects.get(organisation=world.org_a, scope_key="organisation")
    client.force_login(world.personas["official"])
    with time_machine.travel(date(2024, 10, 10)):
        page = client.get(reverse("escalation:case-detail", args=[case.pk])).content.decode()
    assert "six weeks after the decision" not in page
    with time_machine.travel(date(2024, 10, 15)):
        page = client.get(reverse("escalation:case-detail", args=[case.pk])).content.decode()
    assert "The criteria were due to be agreed by 14 October 2024" in page


def test_a_pillar_decision_shows_the_leadership_level_and_open_leadership_concerns(world, frameworks, client):
    from escalation.models import Domain

    leadership = Domain.objects.get(era__code="2026", code="leadership")
    finance = Domain.objects.get(era__code="2026", code="finance")
    lead = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=services.Scope("domain", leadership),
        to_level=2,
        rationale="Board cohesion",
        planned_on=date(2026, 5, 4),
    )
    services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=lead,
        expected_version=lead.version,
        decided_on=date(2026, 5, 4),
    )
    services.concern_raise(
        actor=world.personas["official"],
        organisation=world.org_a,
        domain=leadership,
        title="Speaking-up cases rising",
        description="d",
        on=date(2026, 5, 20),
    )
    pillar = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=services.Scope("domain", finance),
        to_level=3,
        rationale="Deficit",
        planned_on=date(2026, 6, 1),
    )
    client.force_login(world.personas["decision_maker"])
    page = client.get(reverse("escalation:decision-detail", args=[pillar.pk])).content.decode()
    assert "Leadership concerns may trigger or amplify escalation" in page
    assert "Speaking-up cases rising" in page
    assert 'app-level--2">2</span>' in page
    whole = client.get(reverse("escalation:decision-detail", args=[lead.pk])).content.decode()
    assert "may trigger or amplify" not in whole  # the leadership decision itself shows no panel


def test_the_organisation_escalation_page_and_its_panel(world, frameworks, client):
    history(world, world.org_a, 1, 2024)
    client.force_login(world.personas["submitter_a"])
    url = reverse("escalation:organisation", args=[world.org_a.pk])
    small, _ = queries(client, url, {})
    history(world, world.org_a, 9, 2025)
    large, response = queries(client, url, {})
    assert small == large
    page = response.content.decode()
    assert "Decision timeline" in page and "Maternity and neonatal services" in page
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in panel and "Escalation history" in panel
    detail = client.get(reverse("organisations:detail", args=[world.org_a.pk])).content.decode()
    assert f'hx-get="{url}"' in detail


def test_an_organisation_user_raises_a_concern_through_the_page_as_a_self_referral(world, frameworks, client):
    from escalation.models import Concern

    services.concern_raise(
        actor=world.personas["official"],
        organisation=world.org_b,
        title="B's private matter",
        description="d",
        on=date(2026, 5, 1),
    )
    client.force_login(world.personas["submitter_a"])
    form = client.get(reverse("escalation:concern-raise")).content.decode()
    assert world.org_a.name in form and world.org_b.name not in form
    response = client.post(
        reverse("escalation:concern-raise"),
        {"organisation": world.org_a.pk, "title": "Theatre staffing", "description": "Rota gaps", "severity": "high"},
    )
    assert response.status_code == 302
    concern = Concern.objects.get(title="Theatre staffing")
    assert concern.source == "self_referral"
    listing = client.get(reverse("escalation:concern-list")).content.decode()
    assert "Theatre staffing" in listing and "private matter" not in listing
    export = client.get(reverse("escalation:concern-list"), {"export": "csv"}).content.decode()
    assert "Theatre staffing" in export and "private matter" not in export


def test_a_partner_records_intelligence_and_wg_shares_it(world, frameworks, client):
    from escalation.models import IntelligenceItem

    client.force_login(world.personas["partner"])
    form = client.get(reverse("escalation:intelligence-add")).content.decode()
    assert "Healthcare Inspectorate Wales" in form and "Welsh Government" not in form.split("<form")[1]
    response = client.post(
        reverse("escalation:intelligence-add"),
        {
            "organisation": world.org_a.pk,
            "body": world.hiw.pk,
            "kind": "hiw_inspection",
            "dated": "2026-05-01",
            "summary": "Staffing gaps on two wards",
            "rag": "red",
        },
    )
    assert response.status_code == 302
    item = IntelligenceItem.objects.get()
    client.force_login(world.personas["submitter_a"])
    assert "Staffing gaps" not in client.get(reverse("escalation:intelligence-list")).content.decode()
    client.force_login(world.personas["official"])
    listing = client.get(reverse("escalation:intelligence-list")).content.decode()
    assert "Staffing gaps" in listing and "Share with the partners" in listing
    client.post(reverse("escalation:intelligence-share", args=[item.pk]), {"version": item.version})
    item.refresh_from_db()
    assert item.shared_with_partners


def _decide(world, organisation, scope, level, on):
    draft = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=organisation,
        scope=scope,
        to_level=level,
        rationale="r",
        planned_on=on,
    )
    return services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=draft,
        expected_version=draft.version,
        decided_on=on,
        minister_decided_on=on if level == 5 else None,
    )


def test_the_decision_form_preview_names_the_rule_that_would_refuse_the_move(world, frameworks, client):
    _decide(world, world.org_a, WHOLE, 5, date(2026, 5, 4))
    client.force_login(world.personas["analyst"])
    params = {"organisation": world.org_a.pk, "scope_kind": "organisation", "planned_on": "2026-06-01"}
    refused = client.get(reverse("escalation:decision-preview"), {**params, "to_level": 2}).content.decode()
    assert 'data-refusal-code="deescalation_one_level_at_a_time"' in refused
    assert "De-escalation from level 5 to level 2." in refused
    allowed = client.get(reverse("escalation:decision-preview"), {**params, "to_level": 4}).content.decode()
    assert "data-refusal-code" not in allowed
    assert 'data-authority="minister"' in allowed  # judged by the higher level, 5
    assert "Level 4" in allowed  # what the proposed level means (Annex 1)


def test_the_decision_form_preview_shows_the_leadership_context_for_a_pillar(world, frameworks, client, pillar):
    _decide(world, world.org_a, services.Scope("domain", pillar("leadership")), 3, date(2026, 5, 4))
    client.force_login(world.personas["analyst"])
    params = {"organisation": world.org_a.pk, "planned_on": "2026-06-01", "to_level": 2}
    finance = client.get(
        reverse("escalation:decision-preview"), {**params, "scope_kind": "domain", "domain": pillar("finance").pk}
    ).content.decode()
    assert "Leadership concerns may trigger or amplify escalation" in finance
    assert 'app-level--3">3</span>' in finance
    whole = client.get(
        reverse("escalation:decision-preview"), {**params, "scope_kind": "organisation"}
    ).content.decode()
    assert "may trigger or amplify" not in whole


def test_the_decision_form_preview_waits_for_enough_to_go_on(world, frameworks, client, pillar):
    client.force_login(world.personas["analyst"])
    page = client.get(
        reverse("escalation:decision-preview"), {"organisation": world.org_a.pk, "scope_kind": "domain", "to_level": 3}
    ).content.decode()
    assert "Choose the organisation, what the level applies to and the proposed level" in page
    junk = client.get(
        reverse("escalation:decision-preview"), {"organisation": "x", "to_level": "9", "planned_on": "no"}
    )
    assert junk.status_code == 200


def test_the_decision_form_shows_the_preview_again_when_the_draft_is_refused(world, frameworks, client):
    _decide(world, world.org_a, WHOLE, 5, date(2026, 5, 4))
    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("escalation:decision-create"),
        {
            "organisation": world.org_a.pk,
            "scope_kind": "organisation",
            "to_level": 2,
            "rationale": "Improved",
            "planned_on": "2026-06-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-code="deescalation_one_level_at_a_time"' in page
    assert 'data-refusal-code="deescalation_one_level_at_a_time"' in page
