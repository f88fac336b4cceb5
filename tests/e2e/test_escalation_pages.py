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
    ("/escalation/intelligence/", "Intelligence"),
    ("/escalation/intelligence/new/", "Record intelligence"),
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
    services.concern_raise(
        actor=world.personas["submitter_a"],
        organisation=world.org_a,
        title="Rota gaps",
        description="d",
        on=date(2026, 5, 5),
    )
    services.request_send(
        actor=analyst,
        organisation=world.org_a,
        question="Send the recovery trajectory",
        sent_on=date(2026, 5, 6),
        due_on=date(2026, 5, 20),
    )
    return world, decided


def test_every_escalation_page_passes_axe(page, live_server, content, sign_in, axe_check):
    world, decided = content
    sign_in(page, "official")
    pages = [
        *PAGES,
        (f"/escalation/decisions/{decided.pk}/", "Whole organisation: level 1 to level 3"),
        (f"/escalation/cases/{decided.case_id}/", "Whole organisation"),
        (f"/escalation/organisations/{world.org_a.pk}/", "Escalation history"),
        (f"/organisations/{world.org_a.pk}/", world.org_a.name),
    ]
    for path, heading in pages:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)


def test_the_overview_in_welsh_passes_axe(page, live_server, content, sign_in, axe_check):
    sign_in(page, "official")
    page.goto(f"{live_server.url}/language/cy/?next=/escalation/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lefelau uwchgyfeirio")
    axe_check(page)
