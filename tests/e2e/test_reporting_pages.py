"""Every reporting and document page the pack walk-through does not reach passes axe-core, in
English, and the measure page in Welsh: the measure catalogue and a measure's SPC chart, the
pillar and daily dashboards, the narrative, risk and deep-dive forms, the bulk upload, and the
document register and an issued letter."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalation import services as escalation_services
from reporting import demo, documents, reference
from reporting import services as pack_services


@pytest.fixture
def content(transactional_db, world, frameworks):
    """Three years of released packs for organisations A and B, an open quarter-end pack for A,
    and an issued notification letter from a decided escalation of A."""
    reference.seed()
    demo.generate(today=timezone.localdate(), organisations=[world.org_a, world.org_b])
    pack = pack_services.pack_create(
        actor=world.personas["submitter_a"], organisation=world.org_a, period=date(2027, 3, 1)
    )
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Persistent 12-hour waits in the emergency department",
        planned_on=date(2026, 11, 2),
    )
    decision = escalation_services.decision_decide(
        actor=world.personas["decision_maker"],
        decision=decision,
        expected_version=decision.version,
        decided_on=date(2026, 11, 2),
    )
    letter = documents.document_draft_from_decision(actor=world.personas["analyst"], decision=decision)
    letter = documents.document_approve(
        actor=world.personas["official"], document=letter, expected_version=letter.version
    )
    letter = documents.document_issue_now(letter.pk, world.personas["official"].pk)
    return world, pack, letter


def _visit(page, live_server, axe_check, pages):
    for path, heading in pages:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        axe_check(page)


def test_the_measure_and_dashboard_pages_pass_axe(page, live_server, content, sign_in, axe_check):
    world, _pack, letter = content
    sign_in(page, "official")
    _visit(
        page,
        live_server,
        axe_check,
        [
            ("/reporting/measures/", "Measures"),
            (f"/reporting/measures/UEC-ED4H/?organisation={world.org_a.code}", "4 hours"),
            ("/reporting/dashboard/?pillar=finance", "Finance"),
            ("/reporting/system/", "Daily system dashboard"),
            ("/reporting/documents/", "Document register"),
            (f"/reporting/documents/{letter.pk}/", world.org_a.name),
        ],
    )
    expect(page.get_by_role("link", name="Download the issued PDF")).to_be_visible()


def test_the_pack_forms_pass_axe(page, live_server, content, sign_in, axe_check):
    _world, pack, _letter = content
    sign_in(page, "submitter_a")
    _visit(
        page,
        live_server,
        axe_check,
        [
            (f"/reporting/packs/{pack.pk}/narrative/", "Narrative by pillar"),
            (f"/reporting/packs/{pack.pk}/risks/", "Add a risk"),
            (f"/reporting/packs/{pack.pk}/deep-dives/", "Add a deep dive"),
            ("/reporting/uploads/new/", "Upload values for many packs"),
        ],
    )
    page.goto(f"{live_server.url}/reporting/packs/{pack.pk}/deep-dives/")
    page.get_by_role("button", name="Add the deep dive").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # a topic is required
    axe_check(page)


def test_a_measure_page_in_welsh_passes_axe(page, live_server, content, sign_in, axe_check):
    world, _pack, _letter = content
    sign_in(page, "official")
    page.goto(f"{live_server.url}/reporting/measures/UEC-ED4H/?organisation={world.org_a.code}")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("svg title").first).to_be_attached()
    axe_check(page)
