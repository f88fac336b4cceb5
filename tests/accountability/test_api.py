"""The accountability API: the same services as the pages, the same access policy, errors as
``{"detail", "code"}`` with the right status."""

from datetime import date

import pytest
from django.urls import reverse

from accountability import synthesis
from accountability.choices import WellLedArea
from escalation import services as escalation_services
from escalation.models import Concern


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_objectives_are_set_by_welsh_government_and_progress_is_versioned(world, frameworks, api_client):
    client = _as(api_client, world.personas["official"])
    body = {"organisation": "ORGA", "year": 2026, "text": "Lead a governance review"}
    created = client.post(reverse("api:accountability-objective-list"), body, format="json")
    assert created.status_code == 201 and created.json()["status"] == "set"
    pk, version = created.json()["id"], created.json()["version"]
    url = reverse("api:accountability-objective-progress", args=[pk])
    refused = client.post(url, {"version": version, "status": "at_risk", "progress_notes": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "objective_note_required"
    moved = client.post(url, {"version": version, "status": "at_risk", "progress_notes": "Delayed"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "at_risk"
    stale = client.post(url, {"version": version, "status": "on_track", "progress_notes": ""}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    analyst = _as(api_client, world.personas["analyst"])
    assert analyst.post(reverse("api:accountability-objective-list"), body, format="json").status_code == 403


def test_the_self_assessment_lifecycle_and_a_weak_review(world, frameworks, api_client):
    submitter = _as(api_client, world.personas["submitter_a"])
    started = submitter.post(
        reverse("api:accountability-assessment-list"), {"organisation": "ORGA", "year": 2026}, format="json"
    )
    assert started.status_code == 201 and len(started.json()["ratings"]) == 6
    pk, version = started.json()["id"], started.json()["version"]
    ratings = {area: {"rating": 3, "commentary": "Good"} for area in WellLedArea.values}
    rated = submitter.post(
        reverse("api:accountability-assessment-ratings", args=[pk]),
        {"version": version, "ratings": ratings, "summary": "Ours"},
        format="json",
    )
    assert rated.status_code == 200
    submitted = submitter.post(
        reverse("api:accountability-assessment-submit", args=[pk]), {"version": rated.json()["version"]}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    refused = submitter.post(
        reverse("api:accountability-assessment-review", args=[pk]),
        {"version": submitted.json()["version"], "ratings": ratings},
        format="json",
    )
    assert refused.status_code == 403
    analyst = _as(api_client, world.personas["analyst"])
    weak = {**ratings, "governance_risk": {"rating": 1, "commentary": "Poor"}}
    reviewed = analyst.post(
        reverse("api:accountability-assessment-review", args=[pk]),
        {"version": submitted.json()["version"], "ratings": weak, "summary": "Weak"},
        format="json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["concern"] is not None
    assert Concern.objects.filter(source_key="wellled:ORGA:2026:weak").count() == 1
    other = _as(api_client, world.personas["submitter_b"])
    assert other.get(reverse("api:accountability-assessment-detail", args=[pk])).status_code == 404


def test_earned_autonomy_and_flexibilities(world, frameworks, api_client):
    official = _as(api_client, world.personas["official"])
    granted = official.post(
        reverse("api:accountability-flexibility-list"),
        {"organisation": "ORGA", "what": "Local pathway choice", "reason": "On plan", "granted_on": "2026-10-01"},
        format="json",
    )
    assert granted.status_code == 201
    body = official.get(reverse("api:accountability-earned-autonomy-list") + "?organisation=ORGA").json()
    assert (body["level"], body["meetings_per_year"], body["meetings_per_year_at_level_1"]) == (1, 4.0, 4.0)
    assert [f["what"] for f in body["flexibilities"]] == ["Local pathway choice"]
    assert {line["meeting_type"] for line in body["lines"]} >= {"ceo_review", "chair_review", "public_accountability"}
    other = _as(api_client, world.personas["submitter_b"])
    assert other.get(reverse("api:accountability-earned-autonomy-list") + "?organisation=ORGA").status_code == 404
    assert (
        other.post(
            reverse("api:accountability-flexibility-list"),
            {"organisation": "ORGB", "what": "x", "reason": "y", "granted_on": "2026-10-01"},
            format="json",
        ).status_code
        == 403
    )


def test_an_ao_letter_is_drafted_through_the_api(world, frameworks, api_client):
    official = _as(api_client, world.personas["official"])
    drafted = official.post(
        reverse("api:accountability-ao-letter-list"), {"organisation": "ORGA", "year": 2026}, format="json"
    )
    assert drafted.status_code == 201 and drafted.json()["status"] == "draft" and drafted.json()["year"] == 2026
    again = official.post(
        reverse("api:accountability-ao-letter-list"), {"organisation": "ORGA", "year": 2026}, format="json"
    )
    assert again.status_code == 400 and again.json()["code"] == "letter_exists"


@pytest.fixture
def draft_synthesis(world, frameworks):
    escalation_services.concern_raise(
        actor=world.personas["analyst"], organisation=world.org_a, title="t", description="d", on=date(2026, 11, 2)
    )
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    return made


def test_the_synthesis_is_edited_signed_off_and_starts_a_decision_through_the_api(world, draft_synthesis, api_client):
    analyst = _as(api_client, world.personas["analyst"])
    listed = analyst.get(reverse("api:accountability-synthesis-list")).json()
    assert listed["count"] == 1 and listed["results"][0]["organisations"] == ["ORGA"]
    detail = analyst.get(reverse("api:accountability-synthesis-detail", args=[draft_synthesis.pk])).json()
    entry = detail["entries"][0]
    edited = analyst.post(
        reverse("api:accountability-synthesis-entry-edit", args=[entry["id"]]),
        {"version": entry["version"], "risks": "Rising waits", "actions": "Escalate"},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["risks"] == "Rising waits"
    added = analyst.post(
        reverse("api:accountability-synthesis-entry-recommendations", args=[entry["id"]]),
        {"recommendation": "escalate", "pillar": "delivery", "recommended_level": 2, "rationale": "Waits"},
        format="json",
    )
    assert added.status_code == 201 and added.json()["pillar"] == "delivery"
    recommendation = added.json()
    changed = analyst.post(
        reverse("api:accountability-synthesis-recommendation-edit", args=[recommendation["id"]]),
        {**recommendation, "pillar": "delivery", "recommended_level": 3, "rationale": "Waits and harm"},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["recommended_level"] == 3
    too_soon = analyst.post(
        reverse("api:accountability-synthesis-recommendation-start-decision", args=[recommendation["id"]])
    )
    assert too_soon.status_code == 400 and too_soon.json()["code"] == "synthesis_not_signed_off"
    signed = analyst.post(
        reverse("api:accountability-synthesis-sign-off", args=[draft_synthesis.pk]),
        {"version": detail["version"]},
        format="json",
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed_off" and signed.json()["document"]
    official = _as(api_client, world.personas["official"])
    started = official.post(
        reverse("api:accountability-synthesis-recommendation-start-decision", args=[recommendation["id"]])
    )
    assert started.status_code == 201
    assert {k: started.json()[k] for k in ("organisation", "scope_kind", "pillar", "to_level")} == {
        "organisation": "ORGA",
        "scope_kind": "domain",
        "pillar": "delivery",
        "to_level": 3,
    }
    again = official.post(
        reverse("api:accountability-synthesis-recommendation-start-decision", args=[recommendation["id"]])
    )
    assert again.status_code == 409


def test_the_synthesis_api_is_for_wg_and_nhspi_only(world, draft_synthesis, api_client):
    entry = draft_synthesis.entries.get()
    for persona in ("submitter_a", "partner", "admin"):
        client = _as(api_client, world.personas[persona])
        assert client.get(reverse("api:accountability-synthesis-list")).status_code == 404
        assert client.get(reverse("api:accountability-synthesis-entry-detail", args=[entry.pk])).status_code == 404
    official = _as(api_client, world.personas["official"])
    refused = official.post(
        reverse("api:accountability-synthesis-entry-edit", args=[entry.pk]),
        {"version": entry.version, "risks": "x"},
        format="json",
    )
    assert refused.status_code == 403  # WG reads it; NHS P&I writes it
