"""The case page and the request page, driven as their users drive them: criteria moved on,
evidence filed by the organisation's own staff, requests sent and answered."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalation import services
from escalation.models import DeescalationCriterion, InformationRequest
from oversight.models import Attachment

DAY = date(2026, 6, 1)


@pytest.fixture
def case(world, frameworks):
    draft = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=3,
        rationale="Financial position worsening",
        planned_on=DAY,
    )
    decided = services.decision_decide(
        actor=world.personas["decision_maker"], decision=draft, expected_version=draft.version, decided_on=DAY
    )
    return decided.case


def _criterion(world, case, text="Board approves a balanced financial plan"):
    return services.criterion_propose(
        actor=world.personas["analyst"], case=case, text=text, owner="Director of Finance"
    )


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% board minutes\n")


def test_an_organisation_user_files_evidence_against_a_criterion(world, case, client):
    criterion = _criterion(world, case)
    client.force_login(world.personas["submitter_a"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'name="e{criterion.pk}-file"' in page
    assert f'name="c{criterion.pk}-status"' not in page  # the organisation does not set the status
    response = client.post(
        reverse("escalation:criterion-evidence", args=[criterion.pk]),
        {f"e{criterion.pk}-file": pdf("board-minutes-may.pdf"), f"e{criterion.pk}-note": "Board minutes"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.target == criterion and attachment.organisation == world.org_a
    assert attachment.uploaded_by == world.personas["submitter_a"]
    page = client.get(case.get_absolute_url()).content.decode()
    assert "board-minutes-may.pdf" in page
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 200
    client.force_login(world.personas["submitter_b"])
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 404


def test_a_file_that_is_not_what_it_claims_is_refused_beside_the_field_and_nothing_is_stored(world, case, client):
    criterion = _criterion(world, case)
    client.force_login(world.personas["submitter_a"])
    response = client.post(
        reverse("escalation:criterion-evidence", args=[criterion.pk]),
        {f"e{criterion.pk}-file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 a program, not a PDF")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="e{criterion.pk}-file-error"' in page or f"id_e{criterion.pk}-file-error" in page
    assert "plan.pdf" in page
    assert not Attachment.objects.exists()


def test_an_official_moves_a_criterion_on_and_a_stale_form_is_a_conflict(world, case, client):
    criterion = _criterion(world, case)
    client.force_login(world.personas["analyst"])
    url = reverse("escalation:criterion-status", args=[criterion.pk])
    stale = criterion.version
    response = client.post(url, {f"c{criterion.pk}-version": stale, f"c{criterion.pk}-status": "agreed"})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.status == "agreed" and criterion.agreed_on is not None
    # A second official still holding the old page tries to set a different status.
    response = client.post(url, {f"c{criterion.pk}-version": stale, f"c{criterion.pk}-status": "met"})
    assert response.status_code == 200
    assert 'data-error-code="conflict"' in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.status == "agreed"


def test_sustaining_the_last_criterion_in_sustainability_closes_the_case_from_the_page(world, case, client):
    criterion = _criterion(world, case, "Balanced plan delivered for two quarters")
    analyst, decider = world.personas["analyst"], world.personas["decision_maker"]
    for status in ("agreed", "in_progress", "met"):
        criterion = services.criterion_set_status(
            actor=analyst, criterion=criterion, expected_version=criterion.version, status=status, on=DAY
        )
    down = services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=1,
        rationale="Criteria met",
        planned_on=date(2026, 9, 1),
    )
    services.decision_decide(
        actor=decider,
        decision=down,
        expected_version=down.version,
        decided_on=date(2026, 9, 1),
        override_rationale="Met, awaiting a second quarter to show it is sustained",
    )
    case.refresh_from_db()
    assert case.phase == "sustainability"
    client.force_login(analyst)
    client.post(
        reverse("escalation:criterion-status", args=[criterion.pk]),
        {f"c{criterion.pk}-version": criterion.version, f"c{criterion.pk}-status": "sustained"},
    )
    case.refresh_from_db()
    assert case.phase == "closed"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Every sustainability criterion is sustained." in page
    assert f'name="c{criterion.pk}-status"' not in page  # a closed case's criteria are settled


def test_a_request_is_sent_from_the_case_answered_with_a_file_and_cannot_be_answered_twice(world, case, client):
    client.force_login(world.personas["analyst"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"{reverse('escalation:request-send')}?case={case.pk}" in page
    with time_machine.travel(date(2026, 6, 2)):
        response = client.post(
            reverse("escalation:request-send"),
            {
                "case": case.pk,
                "organisation": world.org_a.pk,
                "question": "Send the month 2 financial recovery plan.",
                "due_on": "2026-06-16",
            },
        )
    sent = InformationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == sent.get_absolute_url()
    assert sent.case == case and sent.sent_on == date(2026, 6, 2)

    client.force_login(world.personas["submitter_a"])
    with time_machine.travel(date(2026, 6, 17)):
        page = client.get(sent.get_absolute_url()).content.decode()
        assert "The answer was due by 16 June 2026 and has not been received." in page
        response = client.post(
            reverse("escalation:request-answer", args=[sent.pk]),
            {"version": sent.version, "response": "Plan attached.", "file": pdf("recovery-plan.pdf")},
        )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.responded_on == date(2026, 6, 17) and sent.answered_by == world.personas["submitter_a"]
    page = client.get(sent.get_absolute_url()).content.decode()
    assert "recovery-plan.pdf" in page and "Plan attached." in page
    assert "has not been received" not in page
    assert "Answered late: the answer was due by 16 June 2026." in page
    again = client.post(
        reverse("escalation:request-answer", args=[sent.pk]),
        {"version": sent.version, "response": "Second go"},
    )
    assert again.status_code == 200
    assert 'data-error-code="already_answered"' in again.content.decode()


def test_a_refused_file_loses_the_answer_too(world, case, client):
    sent = services.request_send(
        actor=world.personas["analyst"], organisation=world.org_a, question="q", sent_on=DAY, due_on=DAY
    )
    client.force_login(world.personas["submitter_a"])
    response = client.post(
        reverse("escalation:request-answer", args=[sent.pk]),
        {"version": sent.version, "response": "Here it is", "file": SimpleUploadedFile("x.pdf", b"")},
    )
    assert response.status_code == 200
    assert "is empty" in response.content.decode()
    assert "Here it is" in response.content.decode()  # what the user typed is kept
    sent.refresh_from_db()
    assert sent.responded_on is None and not Attachment.objects.exists()


def test_the_case_page_makes_as_many_queries_with_many_criteria_as_with_one(world, case, client):
    client.force_login(world.personas["submitter_a"])
    _criterion(world, case, "one")
    url = case.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(8):
        criterion = _criterion(world, case, f"criterion {n}")
        services.criterion_evidence_add(actor=world.personas["submitter_a"], criterion=criterion, upload=pdf())
    with CaptureQueriesContext(connection) as nine:
        client.get(url)
    assert len(nine) == len(one)
    assert DeescalationCriterion.objects.count() == 9


def test_an_analyst_starts_targeted_support_and_builds_its_maturity_matrix_from_the_case_page(
    world, frameworks, client
):
    draft = services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=4,
        rationale="Governance failings",
        planned_on=DAY,
    )
    case = services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=draft,
        expected_version=draft.version,
        decided_on=DAY,
        minister_decided_on=DAY,
    ).case
    client.force_login(world.personas["analyst"])
    # An improvement plan is for levels 2-3: refused beside the field, nothing saved.
    refused = client.post(
        reverse("escalation:support-plan-create", args=[case.pk]),
        {"plan-kind": "improvement", "plan-started_on": "2026-06-10"},
    )
    assert refused.status_code == 200
    assert 'data-error-code="plan_not_for_this_level"' in refused.content.decode()
    assert not case.support_plans.exists()
    response = client.post(
        reverse("escalation:support-plan-create", args=[case.pk]),
        {
            "plan-kind": "targeted_support",
            "plan-started_on": "2026-06-10",
            "plan-senior_responsible_officer": "Board Secretary",
            "plan-risk_and_impact": "High",
        },
    )
    assert response.status_code == 302
    plan = case.support_plans.get()
    for day, score in (("2026-07-01", "1"), ("2026-10-01", "3")):
        client.post(
            reverse("escalation:plan-score-record", args=[plan.pk]),
            {f"s{plan.pk}-area_name": "Board governance", f"s{plan.pk}-assessed_on": day, f"s{plan.pk}-score": score},
        )
    client.post(
        reverse("escalation:plan-milestone-add", args=[plan.pk]),
        {
            f"m{plan.pk}-title": "Board development programme",
            f"m{plan.pk}-owner": "Chair",
            f"m{plan.pk}-due_on": "2026-12-31",
            f"m{plan.pk}-rag": "green",
        },
    )
    # Removing board members is a special-measures power: refused at level 4.
    statutory = client.post(
        reverse("escalation:plan-intervention-add", args=[plan.pk]),
        {f"i{plan.pk}-kind": "removal", f"i{plan.pk}-lead": "Minister", f"i{plan.pk}-starts_on": "2026-07-01"},
    )
    assert 'data-error-code="statutory_power_needs_level_5"' in statutory.content.decode()
    assert not plan.interventions.exists()
    bad_dates = client.post(
        reverse("escalation:plan-intervention-add", args=[plan.pk]),
        {
            f"i{plan.pk}-kind": "mentoring",
            f"i{plan.pk}-lead": "NHS P&I",
            f"i{plan.pk}-starts_on": "2026-07-01",
            f"i{plan.pk}-ends_on": "2026-06-01",
        },
    )
    assert "The end date cannot be before the start date." in bad_dates.content.decode()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Board development programme" in page and "Board Secretary" in page
    assert "Maturity scores: Targeted support" in page  # the progression chart
    assert plan.maturity_areas.get().scores.count() == 2
    client.force_login(world.personas["submitter_a"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Add to this plan" not in page and "Start an improvement plan" not in page


def test_a_self_referral_with_evidence_is_triaged_into_the_case(world, case, client, pillar):
    client.force_login(world.personas["submitter_a"])
    response = client.post(
        reverse("escalation:concern-raise"),
        {
            "organisation": world.org_a.pk,
            "title": "Theatre lists cancelled",
            "description": "Staffing gaps have cancelled a third of elective lists.",
            "domain": pillar("delivery").pk,
            "severity": "high",
            "file": pdf("theatre-report.pdf"),
        },
    )
    from escalation.models import Concern

    concern = Concern.objects.get()
    assert response["Location"] == concern.get_absolute_url()
    assert (concern.source, concern.domain) == ("self_referral", pillar("delivery"))
    page = client.get(concern.get_absolute_url()).content.decode()
    assert "theatre-report.pdf" in page and "Record the triage" not in page  # staff do not triage

    client.force_login(world.personas["analyst"])
    both = client.post(
        reverse("escalation:concern-triage", args=[concern.pk]),
        {"version": concern.version, "case": case.pk, "close_reason": "Also closing"},
    )
    assert "Either link it to a case or close it, not both." in both.content.decode()
    client.post(reverse("escalation:concern-triage", args=[concern.pk]), {"version": concern.version, "case": case.pk})
    concern.refresh_from_db()
    assert (concern.status, concern.case) == ("linked", case)
    assert "Theatre lists cancelled" in client.get(case.get_absolute_url()).content.decode()
    stale = client.post(
        reverse("escalation:concern-triage", args=[concern.pk]), {"version": concern.version, "close_reason": "x"}
    )
    assert stale.status_code == 200
    assert 'data-error-code="concern_done"' in stale.content.decode()
    concern.refresh_from_db()
    assert concern.status == "linked"  # a linked concern is settled
