import re
from datetime import date

import pytest
from django.urls import reverse

from escalation import services
from escalation.models import DeescalationCriterion, EscalationDecision

WHOLE = services.Scope("organisation")


def _draft(world, to_level, on, organisation=None):
    return services.decision_draft(
        actor=world.personas["analyst"],
        organisation=organisation or world.org_a,
        scope=WHOLE,
        to_level=to_level,
        rationale="r",
        planned_on=on,
    )


def _decided(world, to_level, on, **kwargs):
    decision = _draft(world, to_level, on)
    return services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=on,
        minister_decided_on=on,
        override_rationale="evidence",
        **kwargs,
    )


# Each case builds a draft, then asks the same thing of the page and of the API.
REFUSALS = {
    "deescalation_one_level_at_a_time": (
        "decision_maker",
        lambda w: (_decided(w, 5, date(2025, 1, 6)), _tamper(_draft(w, 4, date(2025, 6, 2)), 3))[1],
        {"decided_on": "2025-06-03", "override_rationale": "x", "minister_decided_on": "2025-06-03"},
    ),
    "not_the_decision_authority": ("official", lambda w: _draft(w, 4, date(2025, 6, 2)), {"decided_on": "2025-06-03"}),
    "minister_date_required": (
        "decision_maker",
        lambda w: _draft(w, 4, date(2025, 6, 2)),
        {"decided_on": "2025-06-03"},
    ),
    "criteria_not_sustained": (
        "decision_maker",
        lambda w: (_decided(w, 2, date(2025, 1, 6)), _draft(w, 1, date(2025, 6, 2)))[1],
        {"decided_on": "2025-06-03"},
    ),
    "effective_before_decided": (
        "official",
        lambda w: _draft(w, 2, date(2025, 6, 2)),
        {"decided_on": "2025-06-03", "effective_from": "2025-06-01"},
    ),
}


def _tamper(decision, to_level):
    EscalationDecision.objects.filter(pk=decision.pk).update(to_level=to_level)
    decision.refresh_from_db()
    return decision


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_the_page_and_the_api_refuse_with_the_same_code(world, frameworks, client, api_client, code):
    persona, build, data = REFUSALS[code]
    decision = build(world)
    user = world.personas[persona]

    client.force_login(user)
    page = client.post(reverse("escalation:decision-decide", args=[decision.pk]), {"version": decision.version, **data})
    codes_on_page = re.findall(r'data-error-code="([a-z_]+)"', page.content.decode())

    api_client.force_login(user)
    response = api_client.post(
        reverse("api:escalation-decision-decide", args=[decision.pk]),
        {"version": decision.version, **data},
        format="json",
    )

    assert codes_on_page == [code]
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert EscalationDecision.objects.get(pk=decision.pk).status == "draft"  # nothing half-saved


def test_a_stale_version_is_409_in_the_api(world, frameworks, api_client):
    decision = _draft(world, 2, date(2026, 5, 1))
    api_client.force_login(world.personas["analyst"])
    url = reverse("api:escalation-decision-recommend", args=[decision.pk])
    assert api_client.post(url, {"version": decision.version}, format="json").status_code == 200
    stale = api_client.post(url, {"version": decision.version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"


def test_drafting_through_the_api_names_the_bad_field(world, frameworks, api_client):
    api_client.force_login(world.personas["analyst"])
    response = api_client.post(
        reverse("api:escalation-decision-list"),
        {
            "organisation": "ORGA",
            "scope_kind": "domain",
            "domain": "2026/atlantis",
            "to_level": 9,
            "rationale": "r",
            "planned_on": "2026-05-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"domain", "to_level"}


def test_levels_as_at_through_the_api(world, frameworks, api_client):
    _decided(world, 3, date(2025, 1, 6))
    _decided(world, 4, date(2025, 9, 1))
    api_client.force_login(world.personas["official"])
    url = reverse("api:escalation-level-list")
    in_june = api_client.get(url, {"as_at": "2025-06-30"}).json()["results"]
    assert [(r["organisation"], r["scope_kind"], r["level"]) for r in in_june] == [("ORGA", "organisation", 3)]
    assert api_client.get(url, {"as_at": "2024-12-31"}).json()["count"] == 0
    assert api_client.get(url, {"as_at": "2025-09-01"}).json()["results"][0]["level"] == 4
    assert api_client.get(url, {"as_at": "June"}).status_code == 400


def test_an_organisation_user_sees_only_their_own_levels_and_decisions(world, frameworks, api_client):
    _decided(world, 3, date(2025, 1, 6))
    api_client.force_login(world.personas["submitter_b"])
    assert api_client.get(reverse("api:escalation-level-list"), {"as_at": "2025-06-30"}).json()["count"] == 0
    assert api_client.get(reverse("api:escalation-decision-list")).json()["count"] == 0
    api_client.force_login(world.personas["submitter_a"])
    assert api_client.get(reverse("api:escalation-decision-list")).json()["count"] == 1


# --- Criteria bound to a measure ----------------------------------------------------------------

EVIDENCE = {
    "measure": {"code": "UEC-ED12H", "name": "12-hour waits in emergency departments", "name_cy": ""},
    "operator": "≤",
    "threshold": "500",
    "months_required": 3,
    "months": [
        {"period": "2026-08-01", "value": "480", "meets": True},
        {"period": "2026-09-01", "value": "520", "meets": False},
        {"period": "2026-10-01", "value": "450", "meets": True},
    ],
}


@pytest.fixture
def bound_criterion(world, frameworks):
    """An agreed criterion of org A's case that released data show not met (recorded through
    escalation's own service, as the evaluation of bound criteria records it)."""
    case = _decided(world, 3, date(2026, 6, 1)).case
    criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text="ED 12h ≤ 500")
    criterion = services.criterion_set_status(
        actor=world.personas["official"],
        criterion=criterion,
        expected_version=criterion.version,
        status="agreed",
        on=date(2026, 6, 10),
    )
    criterion, _changed = services.criterion_record_computed(
        criterion=criterion, met=False, evidence=EVIDENCE, on=date(2026, 11, 20)
    )
    return criterion


def test_a_criterion_shows_what_released_data_say_of_it(world, bound_criterion, api_client):
    api_client.force_login(world.personas["submitter_a"])
    body = api_client.get(reverse("api:escalation-criterion-detail", args=[bound_criterion.pk])).json()
    assert body["binding"] == (
        "12-hour waits in emergency departments (UEC-ED12H) ≤ 500 for 3 consecutive released months."
    )
    assert (body["status"], body["computed_status"], body["computed_on"]) == ("agreed", "not_met", "2026-11-20")
    assert body["computed_evidence"] == EVIDENCE
    assert (body["override_reason"], body["overridden_on"]) == ("", None)


def test_an_unbound_criterion_has_no_binding_and_no_computed_status(world, frameworks, api_client):
    case = _decided(world, 3, date(2026, 6, 1)).case
    criterion = services.criterion_propose(actor=world.personas["analyst"], case=case, text="Board approves the plan")
    api_client.force_login(world.personas["official"])
    body = api_client.get(reverse("api:escalation-criterion-detail", args=[criterion.pk])).json()
    assert (body["binding"], body["computed_status"], body["computed_evidence"], body["computed_on"]) == (
        None,
        "",
        {},
        None,
    )


def test_an_override_without_a_reason_is_refused_with_the_pages_code_naming_the_field(
    world, bound_criterion, client, api_client
):
    official = world.personas["official"]
    client.force_login(official)
    prefix = f"c{bound_criterion.pk}"
    page = client.post(
        reverse("escalation:criterion-status", args=[bound_criterion.pk]),
        {f"{prefix}-version": bound_criterion.version, f"{prefix}-status": "met"},
    )
    codes_on_page = re.findall(r'data-error-code="([a-z_]+)"', page.content.decode())

    api_client.force_login(official)
    response = api_client.post(
        reverse("api:escalation-criterion-set-status", args=[bound_criterion.pk]),
        {"version": bound_criterion.version, "status": "met", "on": "2026-11-21"},
        format="json",
    )
    assert codes_on_page == ["override_reason_required"]
    assert response.status_code == 400
    assert response.json()["code"] == "override_reason_required"
    assert response.json()["field"] == "override_reason"
    assert DeescalationCriterion.objects.get(pk=bound_criterion.pk).status == "agreed"  # nothing saved


def test_an_override_with_a_reason_stands_and_is_shown(world, bound_criterion, api_client):
    api_client.force_login(world.personas["official"])
    response = api_client.post(
        reverse("api:escalation-criterion-set-status", args=[bound_criterion.pk]),
        {
            "version": bound_criterion.version,
            "status": "met",
            "on": "2026-11-21",
            "override_reason": "September counts an outage twice; the audited figure is 470.",
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["computed_status"]) == ("met", "not_met")
    assert body["override_reason"] == "September counts an outage twice; the audited figure is 470."
    assert body["overridden_on"] == "2026-11-21"
    latest = DeescalationCriterion.objects.get(pk=bound_criterion.pk).history.order_by("-history_date").first()
    assert latest.history_user == world.personas["official"]
    assert "overrides the released data" in latest.history_change_reason


def test_a_status_agreeing_with_the_data_needs_no_reason_through_the_api(world, bound_criterion, api_client):
    api_client.force_login(world.personas["official"])
    response = api_client.post(
        reverse("api:escalation-criterion-set-status", args=[bound_criterion.pk]),
        {"version": bound_criterion.version, "status": "in_progress", "on": "2026-11-21"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["override_reason"]) == ("in_progress", "")


def test_a_stale_criterion_status_is_409_in_the_api(world, bound_criterion, api_client):
    api_client.force_login(world.personas["official"])
    response = api_client.post(
        reverse("api:escalation-criterion-set-status", args=[bound_criterion.pk]),
        {"version": bound_criterion.version - 1, "status": "in_progress", "on": "2026-11-21"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_a_draft_decision_matches_the_schema(world, frameworks, api_client):
    # Found by the API fuzz test: a draft's authority is blank and its superseded_by null, where
    # the schema allowed only an authority and an integer.
    draft = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=2,
        rationale="Waits rising",
        planned_on=date(2026, 5, 1),
    )
    api_client.force_login(world.personas["official"])
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    decision = schema["components"]["schemas"]["Decision"]["properties"]
    assert decision["superseded_by"]["nullable"] is True
    allowed = [option.get("$ref", "").rsplit("/", 1)[-1] for option in decision["authority"]["oneOf"]]
    assert "BlankEnum" in allowed
    body = api_client.get(reverse("api:escalation-decision-detail", args=[draft.pk])).json()
    assert body["authority"] == "" and body["superseded_by"] is None


def test_an_unbound_criterion_matches_the_schema(world, frameworks, api_client):
    # Found by the API fuzz test: a criterion not bound to a measure has a blank
    # computed_status, where the schema allowed only met, not met and no data. Every read-only
    # blank text field is now documented as possibly blank (oversight.openapi.AutoSchema).
    case = services.case_open(
        actor=world.personas["official"],
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        reason="Concern",
        on=date(2026, 5, 1),
    )
    criterion = services.criterion_propose(actor=world.personas["official"], case=case, text="Waits below 500")
    api_client.force_login(world.personas["official"])
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    documented = schema["components"]["schemas"]["Criterion"]["properties"]["computed_status"]
    assert "#/components/schemas/BlankEnum" in [option.get("$ref") for option in documented["oneOf"]]
    assert (
        api_client.get(reverse("api:escalation-criterion-detail", args=[criterion.pk])).json()["computed_status"] == ""
    )
