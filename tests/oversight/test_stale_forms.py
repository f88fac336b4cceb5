"""A stale edit from a page is a conflict shown beside the form, with what the user typed still
in it; from the API it is a 409 whose body says what happened. The cases the per-app tests did
not yet cover: a decision's page and the API's words, a criterion's page and a meeting's edit
page keeping the input (packs: tests/reporting/test_pack_pages.py)."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

from django.urls import reverse

from escalation import services as escalation
from escalation.models import DeescalationCriterion, EscalationDecision
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingType

DAY = date(2026, 6, 1)


def _draft(world):
    return escalation.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        to_level=2,
        rationale="Persistent 12-hour waits",
        planned_on=DAY,
    )


def test_a_stale_withdrawal_from_the_decision_page_is_a_conflict_and_keeps_the_reason_typed(world, frameworks, client):
    draft = _draft(world)
    stale = draft.version
    escalation.decision_recommend(actor=world.personas["analyst"], decision=draft, expected_version=stale, on=DAY)
    client.force_login(world.personas["official"])
    reason = "The board's recovery plan was agreed on 28 May"

    response = client.post(
        reverse("escalation:decision-withdraw", args=[draft.pk]), {"version": stale, "reason": reason}
    )

    page = response.content.decode()
    assert 'data-error-code="conflict"' in page
    assert "changed by someone else while you were editing it" in page
    assert html.escape(reason) in page  # the withdrawal form is shown again with the reason typed
    stored = EscalationDecision.objects.get(pk=draft.pk)
    assert (stored.status, stored.withdrawn_reason, stored.version) == ("recommended", "", stale + 1)


def test_a_stale_decision_in_the_api_is_a_409_saying_which_versions_and_that_nothing_was_saved(
    world, frameworks, api_client
):
    draft = _draft(world)
    escalation.decision_recommend(actor=world.personas["analyst"], decision=draft, expected_version=1, on=DAY)
    api_client.force_login(world.personas["official"])

    response = api_client.post(
        reverse("api:escalation-decision-withdraw", args=[draft.pk]), {"version": 1, "reason": "r"}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert "you had version 1, it is now at version 2" in body["detail"]
    assert "Your changes have not been saved" in body["detail"]
    assert EscalationDecision.objects.get(pk=draft.pk).status == "recommended"


def test_a_stale_criterion_status_from_the_case_page_keeps_the_status_chosen(world, frameworks, client):
    draft = _draft(world)
    decided = escalation.decision_decide(
        actor=world.personas["decision_maker"], decision=draft, expected_version=draft.version, decided_on=DAY
    )
    criterion = escalation.criterion_propose(
        actor=world.personas["analyst"], case=decided.case, text="Waits under 12 hours for three months"
    )
    stale = criterion.version
    escalation.criterion_set_status(
        actor=world.personas["analyst"], criterion=criterion, expected_version=stale, status="agreed", on=DAY
    )
    client.force_login(world.personas["official"])
    prefix = f"c{criterion.pk}"

    response = client.post(
        reverse("escalation:criterion-status", args=[criterion.pk]),
        {f"{prefix}-version": stale, f"{prefix}-status": "in_progress"},
    )

    page = response.content.decode()
    assert 'data-error-code="conflict"' in page
    form = page.split(f'name="{prefix}-status"', 1)[1].split("</select>", 1)[0]
    assert '<option value="in_progress" selected>' in form
    assert DeescalationCriterion.objects.get(pk=criterion.pk).status == "agreed"


def test_a_stale_meeting_edit_is_a_conflict_and_keeps_what_was_typed(world, frameworks, client):
    official = world.personas["official"]
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2027, 2, 3, 10, tzinfo=UTC),
        organisation=world.org_a,
        title="Review with Org A",
    )
    stale = meeting.version
    meeting_services.meeting_update(actor=official, meeting=meeting, expected_version=stale, title="Renamed meanwhile")
    client.force_login(official)

    response = client.post(
        reverse("meetings:meeting-edit", args=[meeting.pk]),
        {
            "version": stale,
            "date": "2027-02-03",
            "starts": "10:00",
            "title": "Review with Org A",
            "location": "Room 12, Cathays Park",
        },
    )

    page = response.content.decode()
    assert 'data-error-code="conflict"' in page
    assert 'value="Room 12, Cathays Park"' in page
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.title, stored.location, stored.version) == ("Renamed meanwhile", "", stale + 1)
