"""The plans API: domain actions through the services, errors as the API conventions say, and
list endpoints with a bounded number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import AccountabilityCondition, RequiredSubmission
from tests.factories import OrganisationFactory
from tests.plans.conftest import pdf


def test_an_analyst_records_a_plan_and_the_ministers_outcome(world, cycle, api_client):
    api_client.force_login(world.personas["analyst"])
    created = api_client.post(
        reverse("api:plans-plan-list"),
        {
            "organisation": "ORGA",
            "cycle": "2025-28",
            "plan_type": "imtp",
            "submitted_on": "2025-03-28",
            "financially_balanced": True,
        },
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["organisation"] == "ORGA" and body["clears_finance_flag"] is False and body["response"] is None

    approved = api_client.post(
        reverse("api:plans-plan-outcome", args=[body["id"]]),
        {"version": body["version"], "outcome": "approved", "outcome_on": "2025-07-14"},
        format="json",
    )
    assert approved.status_code == 200 and approved.json()["clears_finance_flag"] is True

    stale = api_client.post(
        reverse("api:plans-plan-outcome", args=[body["id"]]),
        {"version": body["version"], "outcome": "not_approved", "outcome_on": "2025-07-14"},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_a_rule_refusal_is_a_400_with_its_code(world, record_plan, api_client):
    plan = record_plan(plan_type="annual")
    api_client.force_login(world.personas["analyst"])
    refused = api_client.post(
        reverse("api:plans-plan-outcome", args=[plan.pk]),
        {"version": plan.version, "outcome": "approved", "outcome_on": "2025-07-14"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "annual_plan_not_approvable"


def test_conditions_are_added_judged_and_evidenced_through_the_api(world, record_plan, api_client):
    plan = record_plan()
    api_client.force_login(world.personas["official"])
    no_response = api_client.post(
        reverse("api:plans-condition-list"),
        {"plan": plan.pk, "text": "t", "pillar": "finance", "due_on": "2026-03-31", "owner": "o"},
        format="json",
    )
    assert no_response.status_code == 400 and no_response.json()["code"] == "no_response"
    api_client.post(
        reverse("api:plans-plan-response", args=[plan.pk]),
        {"issued_on": "2025-07-20", "summary": "With conditions"},
        format="json",
    )
    # A second first response (no version: none was shown) is a clear conflict, not a 500.
    again = api_client.post(
        reverse("api:plans-plan-response", args=[plan.pk]),
        {"issued_on": "2025-07-21", "summary": "Recorded twice"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "response_exists"
    added = api_client.post(
        reverse("api:plans-condition-list"),
        {
            "plan": plan.pk,
            "text": "Agree a recovery plan",
            "pillar": "finance",
            "due_on": "2026-03-31",
            "owner": "Director of Finance",
        },
        format="json",
    )
    assert added.status_code == 201
    condition = added.json()
    assert condition["status"] == "open" and condition["overdue"] is True and condition["pillar"] == "finance"

    api_client.force_login(world.personas["submitter_a"])
    filed = api_client.post(
        reverse("api:plans-condition-evidence", args=[condition["id"]]),
        {"file": pdf(), "note": "Board minutes"},
        format="multipart",
    )
    assert filed.status_code == 201
    assert filed.json()["attachment"]["name"] == "evidence.pdf"
    listed = api_client.get(reverse("api:plans-condition-evidence", args=[condition["id"]])).json()
    assert [item["note"] for item in listed] == ["Board minutes"]

    api_client.force_login(world.personas["analyst"])
    bad = api_client.post(
        reverse("api:plans-condition-set-status", args=[condition["id"]]),
        {"version": condition["version"], "status": "done"},
        format="json",
    )
    assert bad.status_code == 400 and "status" in bad.json()
    met = api_client.post(
        reverse("api:plans-condition-set-status", args=[condition["id"]]),
        {"version": condition["version"], "status": "met"},
        format="json",
    )
    assert met.status_code == 200 and met.json()["status"] == "met"


def test_organisation_bs_submitter_gets_404_for_as_plan_condition_and_evidence(
    world, record_plan, condition_of, api_client
):
    condition = condition_of(record_plan())
    api_client.force_login(world.personas["submitter_b"])
    assert api_client.get(reverse("api:plans-plan-detail", args=[condition.response.plan_id])).status_code == 404
    assert api_client.get(reverse("api:plans-condition-detail", args=[condition.pk])).status_code == 404
    assert api_client.get(reverse("api:plans-condition-evidence", args=[condition.pk])).status_code == 404
    assert (
        api_client.post(
            reverse("api:plans-condition-evidence", args=[condition.pk]), {"note": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api_client.get(reverse("api:plans-plan-list")).json()["count"] == 0


def test_a_submission_is_received_with_its_file(world, frameworks, api_client, decide):
    decision = decide(3, date(2026, 2, 10))
    row = RequiredSubmission.objects.create(
        case=decision.case, kind="progress_update", level=3, due_on=date(2026, 5, 10)
    )
    api_client.force_login(world.personas["submitter_a"])
    listed = api_client.get(reverse("api:plans-submission-list"), {"status": "due"}).json()
    assert [r["state"] for r in listed["results"]] == ["overdue"]
    received = api_client.post(
        reverse("api:plans-submission-receive", args=[row.pk]),
        {"version": row.version, "received_on": "2026-05-09", "file": pdf("update.pdf")},
        format="multipart",
    )
    assert received.status_code == 200
    assert received.json()["state"] == "received" and received.json()["attachment"]["name"] == "update.pdf"


def test_priority_progress_for_an_organisation(world, cycle, api_client):
    api_client.force_login(world.personas["submitter_a"])
    body = api_client.get(reverse("api:plans-priority-progress-list"), {"organisation": "ORGA"}).json()
    assert body["cycle"] == "2025-28"
    assert [p["code"] for p in body["priorities"]][:2] == ["timely-access", "population-health"]
    assert all(p["status"] == "no_data" for p in body["priorities"])
    assert api_client.get(reverse("api:plans-priority-progress-list"), {"organisation": "ORGB"}).status_code == 404
    assert api_client.get(reverse("api:plans-priority-progress-list")).status_code == 400


@pytest.mark.parametrize("name", ["api:plans-plan-list", "api:plans-condition-list", "api:plans-submission-list"])
def test_list_endpoints_make_as_many_queries_for_many_rows_as_for_few(
    world, record_plan, condition_of, decide, api_client, django_assert_max_num_queries, name
):
    def grow(n):
        for _ in range(n):
            organisation = OrganisationFactory(region=world.org_a.region)
            condition = condition_of(record_plan(organisation))
            decision = decide(3, date(2026, 2, 10), organisation=organisation)
            for month in (5, 8):
                RequiredSubmission.objects.create(
                    case=decision.case, kind="progress_update", level=3, due_on=date(2026, month, 10)
                )
            assert condition.pk

    api_client.force_login(world.personas["official"])
    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert api_client.get(reverse(name)).status_code == 200
    grow(10)
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as large:
        body = api_client.get(reverse(name)).json()
    assert len(small) == len(large)
    assert body["count"] >= 12
    assert AccountabilityCondition.objects.count() == 12
