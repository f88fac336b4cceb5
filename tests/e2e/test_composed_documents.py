"""Drafting the composed documents in a browser: a pack's PDF from the pack page, an agenda pack
from the meeting page and a public accountability summary from the document register, each
landing on the document's page with its preview; every page passes axe-core."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services as meeting_services
from meetings.models import MeetingType
from reporting import demo, reference
from reporting.models import Pack


@pytest.fixture
def content(transactional_db, world, frameworks):
    """Released packs for organisation A, and A's review with an agenda item and a paper."""
    reference.seed()
    demo.generate(today=timezone.localdate(), organisations=[world.org_a])
    official = world.personas["official"]
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2030, 3, 12, 10, tzinfo=ZoneInfo("Europe/London")),
        organisation=world.org_a,
        location="Cathays Park, Cardiff",
    )
    item = meeting_services.agenda_item_add(actor=official, meeting=meeting, title="Urgent and emergency care")
    meeting_services.paper_submit(
        actor=official,
        meeting=meeting,
        upload=SimpleUploadedFile("notes.txt", b"Notes for the meeting\n"),
        agenda_item=item,
        title="Notes for the meeting",
    )
    pack = Pack.objects.filter(organisation=world.org_a, status="released").order_by("-period").first()
    return {"meeting": meeting, "pack": pack}


def test_an_analyst_drafts_a_pack_pdf_from_the_pack_page(page, live_server, content, sign_in, axe_check):
    sign_in(page, "analyst")
    page.goto(f"{live_server.url}{content['pack'].get_absolute_url()}")
    page.get_by_role("link", name="Draft a PDF of this pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft a PDF of this pack")
    axe_check(page)
    page.get_by_label("Welsh and English").check()
    page.get_by_role("button", name="Draft the PDF").click()
    expect(page.get_by_test_id("document-status")).to_have_text("Draft")
    expect(page.get_by_test_id("document-preview")).to_be_visible()
    axe_check(page)


def test_an_official_drafts_an_agenda_pack_and_a_public_summary(page, live_server, content, sign_in, axe_check):
    sign_in(page, "official")
    page.goto(f"{live_server.url}{content['meeting'].get_absolute_url()}")
    page.get_by_test_id("draft-agenda-pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft the agenda pack")
    axe_check(page)
    page.get_by_role("button", name="Draft the agenda pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda pack:")
    axe_check(page)

    page.goto(f"{live_server.url}/reporting/documents/")
    page.get_by_role("link", name="Draft a public accountability summary").click()
    axe_check(page)
    page.get_by_role("button", name="Draft the summary").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the organisation the summary is for.")
    axe_check(page)
    page.get_by_label("Organisation").select_option(label="Organisation A University Health Board")
    page.get_by_role("button", name="Draft the summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Public accountability summary")
    axe_check(page)
