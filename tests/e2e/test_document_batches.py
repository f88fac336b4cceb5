"""The issue's batch walk-through in Chromium: an official starts a batch of the post-meeting
letters for the fifteen reviews held in November 2026; a decision maker approves them all and
issues them, and the page's progress bar counts up to "15 of 15 issued" by itself (htmx polling,
which stops once all are issued). Every batch page passes axe-core."""

from datetime import date

import pytest
from playwright.sync_api import expect

from reporting import documents
from reporting.models import Document, DocumentBatch
from tests.factories import OfficeholderFactory
from tests.reporting.test_letters import held_review


@pytest.fixture
def reviews(transactional_db, world, frameworks):
    """Fifteen CEO/Executive Reviews held in November 2026, eight of organisation A's and seven of B's."""
    OfficeholderFactory(organisation=world.org_a, name="Dr Jane Jones", title="Chief Executive")
    OfficeholderFactory(organisation=world.org_b, name="Mr Owen Price", title="Chief Executive")
    for number in range(15):
        organisation = world.org_a if number < 8 else world.org_b
        held_review(world, organisation, on=date(2026, 11, 2 + number), with_draft=False, title=f"Review {number + 1}")
    return world


def test_a_batch_of_fifteen_letters_is_drafted_approved_and_issued_with_its_progress(
    page, live_server, reviews, sign_in, axe_check
):
    world = reviews
    # 1. An official starts the batch from the document register.
    sign_in(page, "official")
    page.goto(f"{live_server.url}/reporting/documents/")
    page.get_by_role("link", name="Batches of documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Batches of documents")
    axe_check(page)
    page.get_by_role("link", name="Start a batch of post-meeting letters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a batch of post-meeting letters")
    axe_check(page)
    page.get_by_label("Month the meetings were held").fill("2026-11")
    page.get_by_role("button", name="Draft the letters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-meeting letters, November 2026")
    expect(page.get_by_text("15 letters are drafted in this batch.")).to_be_visible()
    expect(page.get_by_test_id("batch-progress")).to_contain_text("0 of 15 issued")
    expect(page.get_by_role("progressbar")).to_have_attribute("max", "15")
    expect(page.get_by_role("button", name="Approve all drafts")).to_have_count(0)  # not their own drafts
    axe_check(page)
    batch_url = page.url

    # 2. A decision maker approves them all.
    page.context.clear_cookies()
    sign_in(page, "decision")
    page.goto(batch_url)
    expect(page.get_by_text("You may approve 15 drafts in this batch.")).to_be_visible()
    page.get_by_role("button", name="Approve all drafts").click()
    expect(page.get_by_text("15 documents are approved for issue.")).to_be_visible()
    axe_check(page)

    # 3. While the page is open, three letters are issued elsewhere (one by one, from their own
    # pages): the progress bar catches up by itself.
    batch = DocumentBatch.objects.get()
    official = world.personas["official"]
    for letter in Document.objects.filter(batch=batch).order_by("pk")[:3]:
        documents.document_issue_now(letter.pk, official.pk)
    progress = page.get_by_test_id("batch-progress")
    expect(progress).to_contain_text("3 of 15 issued", timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "3")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")

    # 4. The decision maker issues the rest of the batch: the progress reaches 15 of 15 and the
    # page stops asking.
    page.get_by_role("button", name="Issue the approved documents").click()
    expect(page.get_by_test_id("batch-progress")).to_contain_text("15 of 15 issued", timeout=60_000)
    expect(page.get_by_test_id("batch-progress")).to_have_attribute("data-complete", "true")
    expect(page.get_by_test_id("batch-progress")).not_to_have_attribute("hx-trigger", "every 2s")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "15")
    axe_check(page)

    numbers = list(Document.objects.filter(batch=batch).values_list("register_number", flat=True))
    assert len(set(numbers)) == 15 and all(numbers)
    # 5. The batch list shows it done.
    page.get_by_role("link", name="Batches of documents").click()
    expect(page.get_by_role("row", name="Post-meeting letters, November 2026")).to_contain_text("15 of 15")
    axe_check(page)


def test_the_letter_drafting_pages_pass_axe_and_draft_their_letters(page, live_server, reviews, sign_in, axe_check):
    """The letter after a meeting, from the meeting page, and a letter of concern, from the case
    page of an organisation at level 2."""
    from django.utils import timezone

    from escalation import services as escalation_services
    from meetings.models import Meeting

    world = reviews
    today = timezone.localdate()
    decision = escalation_services.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Deficit well beyond plan",
        planned_on=today,
    )
    decision = escalation_services.decision_decide(
        actor=world.personas["decision_maker"], decision=decision, expected_version=decision.version, decided_on=today
    )
    meeting = Meeting.objects.get(title="Review 1")
    sign_in(page, "official")
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="Draft the letter", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft the letter after the meeting")
    axe_check(page)
    page.get_by_label("Welsh and English").check()
    page.get_by_role("button", name="Draft the letter").click()
    expect(page.get_by_test_id("document-status")).to_contain_text("Draft")
    axe_check(page)
    assert Document.objects.get(meeting=meeting).language == "bilingual"

    page.goto(f"{live_server.url}{decision.case.get_absolute_url()}")
    page.get_by_role("link", name="Draft a letter of concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft a letter of concern")
    axe_check(page)
    page.get_by_label("What the organisation is expected to do").fill("A recovery plan agreed by the board.")
    page.get_by_role("button", name="Draft the letter of concern").click()
    expect(page.get_by_test_id("document-status")).to_contain_text("Draft")
    expect(page.get_by_test_id("document-text")).to_contain_text("level 2, Area of concern")
    axe_check(page)
