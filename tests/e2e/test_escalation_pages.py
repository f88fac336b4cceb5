"""Every escalation page passes axe-core, in English and in Welsh, with real content on it."""

from datetime import date

import pytest
from playwright.sync_api import expect

from escalation import services

PAGES = [
    ("/escalation/", "Escalation levels"),
    ("/escalation/decisions/", "Escalation decisions"),
    ("/escalation/decisions/new/", "Draft an escalation decision"),
    ("/escalation/cases/", "Escalation cases"),
    ("/escalation/concerns/", "Concerns"),
    ("/escalation/concerns/new/", "Raise a concern"),
    ("/escalation/requests/", "Requests for information"),
    ("/escalation/requests/new/", "Send a request for information"),
    ("/escalation/intelligence/", "Intelligence"),
    ("/escalation/intelligence/new/", "Record intelligence"),
    ("/escalation/tripartite/", "Tripartite rounds"),
    ("/escalation/tripartite/new/", "Record a tripartite round"),
    ("/escalation/frameworks/", "Escalation frameworks"),
]


@pytest.fixture
def content(transactional_db, world, frameworks):
    analyst, decider = world.personas["analyst"], world.personas["decision_maker"]
    draft = services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=3,
        rationale="Deficit growing",
        planned_on=date(2026, 5, 4),
    )
    decided = services.decision_decide(
        actor=decider, decision=draft, expected_version=draft.version, decided_on=date(2026, 5, 4)
    )
    decided.concern = services.concern_raise(
        actor=world.personas["submitter_a"],
        organisation=world.org_a,
        title="Rota gaps",
        description="d",
        on=date(2026, 5, 5),
    )
    sent = services.request_send(
        actor=analyst,
        organisation=world.org_a,
        question="Send the recovery trajectory",
        sent_on=date(2026, 5, 6),
        due_on=date(2026, 5, 20),
        case=decided.case,
    )
    services.criterion_propose(actor=analyst, case=decided.case, text="A balanced plan approved by the board")
    decided.sent = sent
    decided.round = services.tripartite_round_create(
        actor=world.personas["official"], held_on=date(2026, 5, 12), title="Spring round", participants=[world.hiw]
    )
    services.tripartite_view_record(
        actor=world.personas["official"],
        round_=decided.round,
        organisation=world.org_a,
        shared_view="Finances deteriorating",
        recommendation="escalate",
        recommended_level=4,
    )
    return world, decided


def test_every_escalation_page_passes_axe(page, live_server, content, sign_in, axe_check):
    world, decided = content
    sign_in(page, "official")
    pages = [
        *PAGES,
        (f"/escalation/decisions/{decided.pk}/", "Whole organisation: level 1 to level 3"),
        (f"/escalation/cases/{decided.case_id}/", "Whole organisation"),
        (f"/escalation/requests/{decided.sent.pk}/", "Request for information"),
        (f"/escalation/tripartite/{decided.round.pk}/", "Spring round"),
        (f"/escalation/concerns/{decided.concern.pk}/", "Rota gaps"),
        (f"/escalation/organisations/{world.org_a.pk}/", "Escalation history"),
        (f"/organisations/{world.org_a.pk}/", world.org_a.name),
    ]
    for path, heading in pages:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)


def test_the_overview_in_welsh_passes_axe(page, live_server, content, sign_in, axe_check):
    sign_in(page, "official")
    page.goto(f"{live_server.url}/escalation/")
    page.get_by_role("button", name="Cymraeg").click()  # the header's switch: a form with CSRF
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page).to_have_url(f"{live_server.url}/escalation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lefelau uwchgyfeirio")
    axe_check(page)


def test_the_organisation_files_evidence_and_answers_a_request_in_the_browser(
    page, live_server, content, sign_in, axe_check, tmp_path
):
    """Health board staff meet the case from their side: evidence against a criterion, then the
    answer to a request, each with a file, through the real forms."""
    _world, decided = content
    evidence = tmp_path / "board-minutes.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minutes of the board\n")
    sign_in(page, "submitter_a")
    page.goto(f"{live_server.url}/escalation/cases/{decided.case_id}/")
    page.get_by_text("Add evidence").click()
    page.get_by_label("Evidence file").set_input_files(str(evidence))
    page.get_by_label("What it shows").fill("Board minutes")
    page.get_by_role("button", name="Upload the evidence").click()
    expect(page.get_by_text("The evidence has been filed.")).to_be_visible()
    expect(page.get_by_role("link", name="board-minutes.pdf")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Send the recovery trajectory").click()
    expect(page.get_by_text("has not been received")).to_be_visible()  # due 20 May 2026
    page.get_by_label("Response").fill("The trajectory is attached.")
    page.get_by_label("Supporting file").set_input_files(str(evidence))
    page.get_by_role("button", name="Send the response").click()
    expect(page.get_by_text("The response has been recorded.")).to_be_visible()
    expect(page.get_by_text("Answered late: the answer was due by 20 May 2026.")).to_be_visible()
    expect(page.get_by_role("button", name="Send the response")).to_have_count(0)
    axe_check(page)
