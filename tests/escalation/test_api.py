import re
from datetime import date

import pytest
from django.urls import reverse

from escalation import services
from escalation.models import EscalationDecision

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
