"""The agenda pack (issue 6): a meeting's cover and agenda, then its papers merged in agenda
order, late papers in a supplement, continuous page numbers and bookmarks; a paper that is not
a PDF or cannot be read gets a placeholder page instead of breaking the pack."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from pypdf import PdfReader

from meetings import services as meeting_services
from meetings.models import MeetingType
from organisations.choices import Role
from oversight.errors import OversightError, PermissionRefused, RuleRefused
from reporting import compositions, documents
from reporting.models import Document
from tests.factories import MembershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
MEETING_AT = datetime(2030, 3, 12, 10, 0, tzinfo=LONDON)  # papers due 10 days before: 2 March
ON_TIME = datetime(2030, 2, 20, 9, 0, tzinfo=LONDON)
LATE = datetime(2030, 3, 8, 9, 0, tzinfo=LONDON)


def pdf_file(*pages: str, landscape: bool = False) -> bytes:
    """A real PDF with one page per text (WeasyPrint), A4 portrait or landscape (slides)."""
    from weasyprint import HTML

    size = "A4 landscape" if landscape else "A4"
    body = "".join(f'<p style="{"break-before: page" if n else ""}">{text}</p>' for n, text in enumerate(pages))
    return HTML(string=f"<style>@page {{ size: {size} }} p {{ font-family: 'DejaVu Sans' }}</style>{body}").write_pdf()


def xlsx_file() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Recovery trajectory"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def secretariat(world):
    user = UserFactory(username="secretary", first_name="Sam", last_name="Secretary")
    MembershipFactory(user=user, organisation=world.wg, role=Role.WG_SECRETARIAT)
    return user


@pytest.fixture
def meeting(world, frameworks):
    """Organisation A's CEO/Executive Review with three agenda items and six papers: two on
    time for item 1 (one of them landscape slides), a spreadsheet and a corrupt PDF for item 2,
    nothing for item 3, a paper on no item, and a late paper for item 1."""
    official = world.personas["official"]
    review = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=MEETING_AT,
        organisation=world.org_a,
        title="CEO/Executive Review: Organisation A, March 2030",
        location="Cathays Park, Cardiff",
        chair="NHS Wales Chief Executive",
    )
    items = [
        meeting_services.agenda_item_add(actor=official, meeting=review, title=title, order=order, presenter=who)
        for order, title, who in [
            (1, "Urgent and emergency care", "Chief Operating Officer"),
            (2, "Finance and the recovery plan", "Director of Finance"),
            (3, "Any other business", ""),
        ]
    ]

    def submit(name, data, *, item, title, on, kind="paper"):
        return meeting_services.paper_submit(
            actor=official,
            meeting=review,
            upload=SimpleUploadedFile(name, data),
            kind=kind,
            agenda_item=item,
            title=title,
            on=on,
        )

    submit(
        "ed.pdf",
        pdf_file("Emergency department paper, page one", "Emergency department paper, page two"),
        item=items[0],
        title="Emergency department performance",
        on=ON_TIME,
    )
    submit(
        "slides.pdf",
        pdf_file("Slide one: ambulance handovers", landscape=True),
        item=items[0],
        title="Ambulance handover slides",
        on=ON_TIME,
        kind="slides",
    )
    submit("trajectory.xlsx", xlsx_file(), item=items[1], title="Financial recovery trajectory", on=ON_TIME)
    submit(
        "broken.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n this is not a PDF at all",
        item=items[1],
        title="Savings plan (damaged file)",
        on=ON_TIME,
    )
    submit("context.pdf", pdf_file("Board context note"), item=None, title="Context note for the board", on=ON_TIME)
    late = submit(
        "late.pdf", pdf_file("Late stroke services paper"), item=items[0], title="Stroke services update", on=LATE
    )
    assert late.late
    return review


def _issue(world, document, approver):
    approved = documents.document_approve(actor=approver, document=document, expected_version=document.version)
    with TestCase.captureOnCommitCallbacks(execute=True):
        documents.document_issue(actor=world.personas["official"], document=approved, expected_version=approved.version)
    return Document.objects.get(pk=document.pk)


def _reader(document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _outline(reader: PdfReader, items=None, depth=0) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    found = []
    for entry in reader.outline if items is None else items:
        if isinstance(entry, list):
            found.extend(_outline(reader, entry, depth + 1))
        else:
            found.append((depth, entry.title, reader.get_destination_page_number(entry)))
    return found


def _page_of(texts: list[str], needle: str) -> int:
    return next(index for index, text in enumerate(texts) if needle in text)


@pytest.fixture
def issued(world, meeting, secretariat):
    draft = compositions.agenda_pack_draft(actor=secretariat, meeting=meeting)
    return _issue(world, draft, world.personas["official"])


def test_the_draft_links_the_meeting_and_its_organisation(world, meeting, secretariat):
    draft = compositions.agenda_pack_draft(actor=secretariat, meeting=meeting)

    assert draft.kind == "agenda_pack" and draft.status == "draft"
    assert draft.meeting == meeting and draft.organisation == world.org_a
    assert draft.title == "Agenda pack: CEO/Executive Review: Organisation A, March 2030"
    assert draft.title_cy and draft.drafted_by == secretariat
    assert draft.history.first().history_user == secretariat


def test_the_issued_pack_holds_the_cover_agenda_and_every_paper_in_order(issued, meeting):
    reader = _reader(issued)
    texts = _texts(reader)
    cover = texts[0]

    assert "CEO/Executive Review: Organisation A, March 2030" in cover
    assert "Tuesday 12 March 2030" in cover and "10:00" in cover and "Cathays Park, Cardiff" in cover
    assert "Organisation A University Health Board" in cover
    agenda = "\n".join(texts[:2])
    for title in ["Urgent and emergency care", "Finance and the recovery plan", "Any other business"]:
        assert title in agenda
    for title in [
        "Emergency department performance",
        "Ambulance handover slides",
        "Financial recovery trajectory",
        "Savings plan (damaged file)",
        "Context note for the board",
        "Stroke services update",
    ]:
        assert title in agenda
    # The papers follow in agenda order: item 1's, item 2's, then the paper on no item.
    order = [
        _page_of(texts, "Emergency department paper, page one"),
        _page_of(texts, "Emergency department paper, page two"),
        _page_of(texts, "Slide one: ambulance handovers"),
        _page_of(texts, "trajectory.xlsx"),
        _page_of(texts, "broken.pdf"),
        _page_of(texts, "Board context note"),
    ]
    assert order == sorted(order) and len(set(order)) == len(order)


def test_page_numbers_run_on_across_the_whole_pack(issued):
    reader = _reader(issued)
    texts = _texts(reader)
    total = len(reader.pages)

    assert total == issued.page_count
    for index, text in enumerate(texts):
        assert re.search(rf"Page {index + 1} of {total}\b", text), f"page {index + 1}: {text!r}"
    merged = _page_of(texts, "Emergency department paper, page two")
    assert f"Page {merged + 1} of {total}" in texts[merged]
    assert f"Page 1 of {total}" in texts[0] and f"Page {total} of {total}" in texts[-1]
    assert issued.register_number in texts[merged]


def test_late_papers_follow_a_supplement_divider_and_are_marked(issued):
    texts = _texts(_reader(issued))
    divider = _page_of(texts, "Supplement: papers received late")
    late = _page_of(texts, "Late stroke services paper")

    assert divider > _page_of(texts, "Board context note")
    assert late > divider
    assert "Supplement: received late" in texts[late]
    assert "Supplement: received late" not in texts[_page_of(texts, "Emergency department paper, page one")]
    assert "received late" in texts[0] + texts[1]  # the agenda says where it went


def test_a_paper_that_is_not_a_pdf_gets_a_placeholder_saying_where_to_get_it(issued):
    texts = _texts(_reader(issued))
    page = texts[_page_of(texts, "trajectory.xlsx")]

    assert "Financial recovery trajectory" in page
    assert "Excel spreadsheet" in page and "not a PDF" in page
    assert "Papers section of the meeting" in page


def test_a_corrupt_pdf_gets_a_placeholder_and_does_not_break_the_pack(issued):
    texts = _texts(_reader(issued))
    page = texts[_page_of(texts, "broken.pdf")]

    assert "Savings plan (damaged file)" in page
    assert "could not be included" in page
    assert "Late stroke services paper" in texts[-1]  # the pack carried on after it


def test_a_paper_whose_file_is_missing_gets_a_placeholder(world, meeting, secretariat):
    attachment = meeting.papers.get(title="Context note for the board").attachment
    attachment.file.storage.delete(attachment.file.name)
    issued = _issue(
        world, compositions.agenda_pack_draft(actor=secretariat, meeting=meeting), world.personas["official"]
    )
    texts = _texts(_reader(issued))
    page = texts[_page_of(texts, "context.pdf")]

    assert "Context note for the board" in page and "could not be found" in page


def test_the_bookmarks_list_the_agenda_and_each_paper_under_its_item(issued):
    reader = _reader(issued)
    texts = _texts(reader)
    outline = _outline(reader)

    assert [(depth, title) for depth, title, _page in outline] == [
        (0, "Agenda"),
        (0, "1. Urgent and emergency care"),
        (1, "Emergency department performance"),
        (1, "Ambulance handover slides"),
        (0, "2. Finance and the recovery plan"),
        (1, "Financial recovery trajectory"),
        (1, "Savings plan (damaged file)"),
        (0, "Other papers"),
        (1, "Context note for the board"),
        (0, "Supplement: papers received late"),
        (1, "1. Urgent and emergency care"),
        (2, "Stroke services update"),
    ]
    pages = {title: page for _depth, title, page in outline}
    assert pages["Agenda"] == 0
    assert pages["Emergency department performance"] == _page_of(texts, "Emergency department paper, page one")
    assert pages["Stroke services update"] == _page_of(texts, "Late stroke services paper")
    assert pages["Supplement: papers received late"] == _page_of(texts, "Supplement: papers received late")
    assert [page for _depth, _title, page in outline] == sorted(page for _depth, _title, page in outline)


def test_the_agenda_gives_each_papers_starting_page(issued):
    texts = _texts(_reader(issued))
    agenda = texts[0] + texts[1]
    start = _page_of(texts, "Emergency department paper, page one") + 1

    assert re.search(rf"Emergency department performance \(paper\)\s*page {start}\b", agenda)


def test_every_page_keeps_its_size_and_the_slides_stay_landscape(issued):
    reader = _reader(issued)
    texts = _texts(reader)
    slides = reader.pages[_page_of(texts, "Slide one: ambulance handovers")]

    assert float(slides.mediabox.width) > float(slides.mediabox.height)
    assert float(reader.pages[0].mediabox.width) < float(reader.pages[0].mediabox.height)


def test_the_stored_bytes_are_the_checksummed_pdf(issued):
    with issued.file.open("rb") as handle:
        data = handle.read()

    assert hashlib.sha256(data).hexdigest() == issued.sha256
    assert issued.size == len(data)


def test_a_welsh_pack_has_welsh_headings_and_page_numbers(world, meeting, secretariat):
    draft = compositions.agenda_pack_draft(actor=secretariat, meeting=meeting, language="cy")
    issued = _issue(world, draft, world.personas["official"])
    reader = _reader(issued)
    texts = _texts(reader)

    assert "Pecyn agenda" in texts[0]
    assert "Sefydliad" in texts[0]  # "Organisation"
    assert f"Tudalen 1 o {len(reader.pages)}" in texts[0]


def test_a_pack_with_no_papers_is_its_cover_alone(world, frameworks, secretariat):
    review = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=MEETING_AT,
        organisation=world.org_b,
    )
    issued = _issue(
        world, compositions.agenda_pack_draft(actor=secretariat, meeting=review), world.personas["official"]
    )
    reader = _reader(issued)

    assert len(reader.pages) == issued.page_count == 1
    assert "No agenda items yet." in reader.pages[0].extract_text()
    assert [title for _depth, title, _page in _outline(reader)] == ["Agenda"]


# --- Who drafts and approves -----------------------------------------------------------------------


def test_an_organisation_does_not_draft_an_agenda_pack(world, meeting):
    with pytest.raises(PermissionRefused):
        compositions.agenda_pack_draft(actor=world.personas["submitter_a"], meeting=meeting)
    from django.http import Http404

    with pytest.raises(Http404):
        compositions.agenda_pack_draft(actor=world.personas["submitter_b"], meeting=meeting)


def test_a_meeting_with_no_organisation_has_no_agenda_pack(world, frameworks, secretariat):
    system = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="wg_nhspi_oversight"),
        starts_at=MEETING_AT,
    )
    with pytest.raises(OversightError) as refused:
        compositions.agenda_pack_draft(actor=secretariat, meeting=system)
    assert refused.value.code == "agenda_pack_no_organisation"


def test_the_secretariat_approves_an_agenda_pack_but_not_its_own_draft(world, meeting, secretariat):
    other = UserFactory(username="secretary_two")
    MembershipFactory(user=other, organisation=world.wg, role=Role.WG_SECRETARIAT)
    draft = compositions.agenda_pack_draft(actor=secretariat, meeting=meeting)

    with pytest.raises(RuleRefused) as refused:
        documents.document_approve(actor=secretariat, document=draft, expected_version=draft.version)
    assert refused.value.code == "document_own_draft"
    approved = documents.document_approve(actor=other, document=draft, expected_version=draft.version)
    assert approved.status == "approved"


def test_a_decision_maker_or_analyst_does_not_approve_an_agenda_pack(world, meeting, secretariat):
    draft = compositions.agenda_pack_draft(actor=secretariat, meeting=meeting)

    with pytest.raises(RuleRefused) as refused:
        documents.document_approve(actor=world.personas["decision_maker"], document=draft, expected_version=1)
    assert refused.value.code == "document_approver"
    with pytest.raises(PermissionRefused):
        documents.document_approve(actor=world.personas["analyst"], document=draft, expected_version=1)


def test_a_bilingual_pack_has_the_welsh_cover_then_the_english(world, meeting, secretariat):
    draft = compositions.agenda_pack_draft(actor=secretariat, meeting=meeting, language="bilingual")
    issued = _issue(world, draft, world.personas["official"])
    reader = _reader(issued)
    texts = _texts(reader)

    assert len(reader.pages) == issued.page_count
    assert _page_of(texts, "Pecyn agenda") < _page_of(texts, "Agenda pack\n")
    assert "Late stroke services paper" in texts[-1] and f"Tudalen {len(texts)} o {len(texts)}" in texts[-1]


def test_an_agenda_pack_leaves_out_another_invited_organisations_items(world, frameworks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from meetings import services as meeting_services
    from meetings.models import MeetingType
    from reporting import compositions
    from tests.reporting.test_letters import _flat, _issue, _text

    official = world.personas["official"]
    meeting = meeting_services.meeting_create(
        actor=official,
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Europe/London")),
        organisation=world.org_a,
        invited=[world.org_b],
    )
    meeting_services.agenda_item_add(actor=official, meeting=meeting, title="Emergency care at A")
    meeting_services.agenda_item_add(
        actor=official, meeting=meeting, title="PRIVATE-B recovery plan", organisation=world.org_b
    )
    document = compositions.agenda_pack_draft(actor=world.personas["analyst"], meeting=meeting)
    text = _flat(_text(_issue(world, document, approver="official")))
    assert "Emergency care at A" in text
    assert "PRIVATE-B" not in text
