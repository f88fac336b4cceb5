"""The plans pages and the flags they put on lower pages, through the real pages with the test client."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetings import services as meeting_services
from meetings.models import MeetingType
from plans import services
from plans.models import AccountabilityCondition, ConditionEvidence, Plan
from tests.factories import OrganisationFactory
from tests.plans.conftest import pdf

FLAG = 'data-flag-code="plans.finance_plan"'
CONDITIONS = 'data-flag-code="plans.open_conditions"'


def _escalation_page(client, organisation) -> str:
    return client.get(reverse("escalation:organisation", args=[organisation.pk])).content.decode()


def _decision_form(client, organisation) -> str:
    return client.get(reverse("escalation:decision-create"), {"organisation": organisation.pk}).content.decode()


def _finance_flag_block(html: str) -> str:
    start = html.index(FLAG)
    return html[start : html.index("</div>", html.index("</p>", start))]


# --- The Finance flag on the escalation pages -------------------------------------------------


def test_without_an_approved_balanced_plan_the_finance_pillar_and_decision_form_are_flagged_until_approval(
    world, record_plan, client
):
    client.force_login(world.personas["official"])
    plan = record_plan(balanced=True)  # submitted, balanced, not yet approved

    page = _escalation_page(client, world.org_a)
    assert FLAG in page
    block = _finance_flag_block(page)
    assert 'data-pillar="finance"' in page
    assert "Finance pillar:" in block
    assert "has not been approved by the Minister" in block
    assert "002 Annex 1, level 1, criteria for escalation" in block
    assert "002 Annex 1, level 2, criteria for de-escalation" in block
    form = _decision_form(client, world.org_a)
    assert FLAG in form and "has not been approved by the Minister" in form

    # The live panel of the form (htmx) carries it too, once the organisation is chosen.
    preview = client.get(reverse("escalation:decision-preview"), {"organisation": world.org_a.pk}).content.decode()
    assert FLAG in preview

    services.plan_record_outcome(
        actor=world.personas["official"],
        plan=plan,
        expected_version=plan.version,
        outcome="approved",
        outcome_on=date(2025, 7, 14),
        today=date(2026, 11, 30),
    )

    assert FLAG not in _escalation_page(client, world.org_a)
    assert FLAG not in _decision_form(client, world.org_a)
    preview = client.get(reverse("escalation:decision-preview"), {"organisation": world.org_a.pk}).content.decode()
    assert FLAG not in preview


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        (None, "No plan has been submitted for the 2025-28 planning cycle."),
        ({"balanced": False}, "The plan submitted for 2025-28 is not financially balanced."),
        ({"balanced": True, "outcome": "not_approved"}, "has not been approved by the Minister"),
        ({"balanced": True, "outcome": "accepted_annual"}, "Only an annual plan is in place for 2025-28"),
    ],
)
def test_the_flag_states_its_reason(world, record_plan, client, kwargs, says):
    if kwargs is not None:
        record_plan(**kwargs)
    client.force_login(world.personas["analyst"])
    assert says in _finance_flag_block(_escalation_page(client, world.org_a))


def test_another_organisations_flag_is_not_on_the_page(world, record_plan, client):
    record_plan(world.org_b, balanced=False)
    record_plan(world.org_a, outcome="approved")
    client.force_login(world.personas["official"])
    assert FLAG not in _escalation_page(client, world.org_a)
    assert FLAG in _escalation_page(client, world.org_b)


def test_the_organisations_own_people_see_its_flag_on_its_page(world, record_plan, client):
    record_plan(balanced=False)
    client.force_login(world.personas["submitter_a"])
    assert FLAG in _escalation_page(client, world.org_a)
    assert FLAG in client.get(reverse("plans:organisation", args=[world.org_a.pk])).content.decode()


def test_the_decision_page_shows_the_flag_while_the_decision_is_open(world, record_plan, client, frameworks):
    from escalation import services as escalation_services

    draft = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="No approved plan",
        planned_on=date(2026, 11, 2),
    )
    client.force_login(world.personas["official"])
    assert FLAG in client.get(reverse("escalation:decision-detail", args=[draft.pk])).content.decode()


# --- Open conditions on lower pages ---------------------------------------------------------


def test_open_conditions_are_on_the_review_meeting_page_and_the_decision_form(world, record_plan, condition_of, client):
    plan = record_plan(outcome="approved")
    open_one = condition_of(plan, text="Agree a financial recovery plan", due_on=date(2026, 1, 31))
    met = condition_of(plan, text="Publish the workforce plan")
    services.condition_set_status(
        actor=world.personas["analyst"],
        condition=met,
        expected_version=met.version,
        status="met",
        note="Published",
        on=date(2026, 11, 1),
    )
    meeting = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2026, 12, 9, 10, tzinfo=ZoneInfo("Europe/London")),
        organisation=world.org_a,
    )
    client.force_login(world.personas["submitter_a"])

    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    assert CONDITIONS in page
    assert "Agree a financial recovery plan" in page and "Publish the workforce plan" not in page
    assert f"#condition-{open_one.pk}" in page
    assert "Overdue" in page[page.index(CONDITIONS) :]

    client.force_login(world.personas["official"])
    form = _decision_form(client, world.org_a)
    assert CONDITIONS in form and "Agree a financial recovery plan" in form


def test_a_meeting_of_another_organisation_shows_none_of_as_conditions(world, record_plan, condition_of, client):
    condition_of(record_plan())
    meeting = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2026, 12, 9, 10, tzinfo=ZoneInfo("Europe/London")),
        organisation=world.org_b,
    )
    client.force_login(world.personas["official"])
    assert CONDITIONS not in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()


# --- The plans pages ------------------------------------------------------------------------


def test_an_analyst_records_a_plan_and_its_outcome_through_the_forms(world, cycle, client):
    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("plans:plan-create", args=[world.org_a.pk]),
        {
            "cycle": cycle.pk,
            "plan_type": "imtp",
            "submitted_on": "2025-03-28",
            "board_approved_on": "2025-03-25",
            "financially_balanced": "True",
            "summary": "",
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    response = client.post(
        reverse("plans:plan-outcome", args=[plan.pk]),
        {"version": plan.version, "outcome": "not_approved", "outcome_on": "2025-07-14"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.outcome, plan.outcome_on) == ("not_approved", date(2025, 7, 14))
    assert FLAG in _escalation_page(client, world.org_a)


def test_a_stale_edit_comes_back_with_the_form_and_a_409(world, record_plan, client):
    plan = record_plan(balanced=False)
    client.force_login(world.personas["analyst"])
    data = {
        "version": plan.version,
        "cycle": plan.cycle_id,
        "plan_type": "imtp",
        "submitted_on": "2025-03-28",
        "board_approved_on": "",
        "financially_balanced": "True",
        "summary": "Balanced after all",
        "reason": "",
    }
    assert client.post(reverse("plans:plan-edit", args=[plan.pk]), data).status_code == 302
    stale = client.post(reverse("plans:plan-edit", args=[plan.pk]), {**data, "summary": "Mine"})
    assert stale.status_code == 409
    assert 'data-error-code="conflict"' in stale.content.decode()
    plan.refresh_from_db()
    assert plan.summary == "Balanced after all"

    stale_outcome = client.post(
        reverse("plans:plan-outcome", args=[plan.pk]), {"version": 1, "outcome": "approved", "outcome_on": "2025-07-14"}
    )
    assert stale_outcome.status_code == 409


def test_a_refused_outcome_is_shown_beside_its_field(world, record_plan, client):
    plan = record_plan(plan_type="annual")
    client.force_login(world.personas["analyst"])
    page = client.post(
        reverse("plans:plan-outcome", args=[plan.pk]),
        {"version": plan.version, "outcome": "approved", "outcome_on": "2025-07-14"},
    )
    assert page.status_code == 200
    assert 'data-error-code="annual_plan_not_approvable"' in page.content.decode()


def test_the_submitter_files_evidence_and_the_analyst_marks_the_condition_met(world, record_plan, condition_of, client):
    condition = condition_of(record_plan())
    client.force_login(world.personas["submitter_a"])
    response = client.post(
        reverse("plans:condition-evidence", args=[condition.pk]),
        {f"e{condition.pk}-file": pdf(), f"e{condition.pk}-note": "Recovery plan approved by the board"},
    )
    assert response.status_code == 302
    evidence = ConditionEvidence.objects.get()
    assert evidence.attachment.original_name == "evidence.pdf"

    client.force_login(world.personas["analyst"])
    response = client.post(
        reverse("plans:condition-status", args=[condition.pk]),
        {f"c{condition.pk}-version": condition.version, f"c{condition.pk}-status": "met", f"c{condition.pk}-note": ""},
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == "met"
    page = client.get(condition.get_absolute_url().split("#")[0]).content.decode()
    assert "evidence.pdf" in page and "Recovery plan approved by the board" in page


def test_the_organisations_page_shows_plans_conditions_priorities_and_break_even(
    world, record_plan, condition_of, client
):
    condition_of(record_plan(balanced=False), text="Close the gap to the control total")
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("plans:organisation", args=[world.org_a.pk])).content.decode()
    for text in (
        "Three-year plan (IMTP)",
        "Close the gap to the control total",
        "Timely access to care",
        "Women&#x27;s health",
        "Duty to break even over three years",
        "Required submissions",
        FLAG,
    ):
        assert text in page, text


def test_the_organisation_page_links_to_its_plans(world, cycle, client):
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("organisations:detail", args=[world.org_a.pk])).content.decode()
    assert reverse("plans:organisation", args=[world.org_a.pk]) in page


def test_the_overview_lists_each_organisations_status_and_exports_it(world, record_plan, client):
    record_plan(world.org_a, outcome="approved")
    record_plan(world.org_b, balanced=False)
    client.force_login(world.personas["official"])

    page = client.get(reverse("plans:overview")).content.decode()
    assert 'data-organisation="ORGA"' in page and 'data-organisation="ORGB"' in page
    flagged = client.get(reverse("plans:overview"), {"flagged": "true"}).content.decode()
    assert 'data-organisation="ORGB"' in flagged and 'data-organisation="ORGA"' not in flagged

    export = client.get(reverse("plans:overview"), {"export": "csv"})
    rows = {r["Organisation"]: r for r in csv.DictReader(io.StringIO(export.content.decode()))}
    assert rows["ORGA"]["Finance flag"] == "" and rows["ORGA"]["Minister's outcome"] == "Approved"
    assert rows["ORGB"]["Finance flag"] == "Plan not financially balanced"


def test_an_organisations_submitter_sees_only_its_own_row_and_conditions(world, record_plan, condition_of, client):
    condition_of(record_plan(world.org_a), text="A's condition")
    condition_of(record_plan(world.org_b), text="B's condition")
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("plans:overview")).content.decode()
    assert 'data-organisation="ORGA"' in page and 'data-organisation="ORGB"' not in page
    conditions = client.get(reverse("plans:condition-list"), {"export": "csv"}).content.decode()
    assert "A&#x27;s condition" not in conditions  # CSV, not HTML
    assert "A's condition" in conditions and "B's condition" not in conditions


def test_the_condition_list_filters_overdue_ones(world, record_plan, condition_of, client):
    plan = record_plan()
    condition_of(plan, text="Long overdue", due_on=date(2025, 1, 31))
    condition_of(plan, text="Still to come", due_on=date(2099, 1, 31))
    client.force_login(world.personas["analyst"])
    page = client.get(reverse("plans:condition-list"), {"overdue": "true"}).content.decode()
    assert "Long overdue" in page and "Still to come" not in page


# --- Query caps -----------------------------------------------------------------------------


def _grow(world, record_plan, condition_of, n):
    """n more organisations, each with a plan and two conditions."""
    for _ in range(n):
        organisation = OrganisationFactory(region=world.org_a.region)
        plan = record_plan(organisation, balanced=False)
        condition_of(plan)
        condition_of(plan, text="Second")


@pytest.mark.parametrize(
    ("name", "params", "cap"),
    [
        ("plans:overview", {}, 10),
        ("plans:overview", {"export": "csv"}, 8),
        ("plans:condition-list", {}, 12),
        ("plans:condition-list", {"export": "csv"}, 6),
    ],
)
def test_the_system_pages_make_as_many_queries_for_many_organisations_as_for_few(
    world, record_plan, condition_of, client, django_assert_max_num_queries, name, params, cap
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.personas["official"])
    _grow(world, record_plan, condition_of, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name), params).status_code == 200
    _grow(world, record_plan, condition_of, 12)
    with django_assert_max_num_queries(cap), CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name), params).status_code == 200
    assert len(small) == len(large)
    assert AccountabilityCondition.objects.count() == 28


def test_the_organisation_and_plan_pages_make_a_fixed_number_of_queries(
    world, record_plan, condition_of, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = record_plan(balanced=False)
    condition = condition_of(plan)
    services.condition_evidence_add(actor=world.personas["submitter_a"], condition=condition, note="One")
    client.force_login(world.personas["analyst"])
    counts = []
    for extra in (0, 8):
        for i in range(extra):
            c = condition_of(plan, text=f"Condition {i}")
            services.condition_evidence_add(actor=world.personas["submitter_a"], condition=c, note="Note")
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(reverse("plans:organisation", args=[world.org_a.pk])).status_code == 200
        with CaptureQueriesContext(connection) as plan_queries:
            assert client.get(reverse("plans:plan-detail", args=[plan.pk])).status_code == 200
        counts.append((len(page_queries), len(plan_queries)))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(14):
        client.get(reverse("plans:organisation", args=[world.org_a.pk]))
    with django_assert_max_num_queries(11):
        client.get(reverse("plans:plan-detail", args=[plan.pk]))
