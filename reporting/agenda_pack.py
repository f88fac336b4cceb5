"""The agenda pack: a meeting's cover and agenda followed by every paper, as one PDF.

``render_agenda_pack(document, issued=...)`` is the renderer ``reporting.compositions``
registers for ``Document.Kind.AGENDA_PACK``. It builds the pack in five steps:

1. **Papers, in agenda order** (the item's order, then when each paper came in); papers on no
   item follow the agenda's items; papers submitted **late** (``Paper.late``, decided when they
   were submitted) go after a divider page, "Supplement: papers received late", in the same
   order.
2. **Each paper's pages.** A PDF is read with ``pypdf`` and written out on its own first, so a
   file that cannot be read or written whole is found here, not halfway through the pack: it
   gets a one-page placeholder saying it could not be included. A paper that is not a PDF (a
   spreadsheet, a Word document) gets a placeholder naming it and saying where to get it.
   A paper's page rotation is folded into its content so the stamps land upright.
3. **The cover and agenda** (WeasyPrint, ``reporting/documents/agenda_pack.html``): the
   meeting's title, date, time, place and organisation, and the agenda items in order with
   their papers and the page each starts on. The page numbers depend on the cover's own
   length, so the cover is rendered again if its length changes.
4. **The stamps.** One overlay, rendered by WeasyPrint (``agenda_pack_overlay.html``, fonts
   named), has a page of the same size for every page of the pack, carrying "Page N of M" and
   the register number (or "Draft"), and on the supplement's pages a "Supplement" marking. Each
   overlay page is merged onto its page, so the numbering runs on across the whole pack,
   whatever each paper's own page size.
5. **Bookmarks**: the agenda, then each agenda item with its papers nested under it, then the
   supplement with the late papers under their items.

The result's bytes are what issuing stores and checksums.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .pdf import LANGUAGES, RenderedPdf, render

logger = logging.getLogger(__name__)

COVER_TEMPLATE = "reporting/documents/agenda_pack.html"
PAGE_TEMPLATE = "reporting/documents/agenda_pack_page.html"
OVERLAY_TEMPLATE = "reporting/documents/agenda_pack_overlay.html"

# What a person calls the kinds of file a paper may be (``oversight.services.ALLOWED_TYPES``).
FILE_KINDS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint presentation",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "text/csv": "CSV file",
    "text/plain": "text file",
}

NOT_PDF, UNREADABLE, MISSING = "not_pdf", "unreadable", "missing"


@dataclass
class PackPaper:
    """One paper as the pack holds it: its own pages (``data``) or a placeholder page."""

    paper: object  # meetings.Paper
    item: object | None  # meetings.AgendaItem
    data: bytes | None = None
    pages: int = 1
    problem: str = ""  # NOT_PDF, UNREADABLE or MISSING: a placeholder page instead
    start: int | None = None  # the page of the pack it starts on (1 = the first)

    @property
    def title(self) -> str:
        return self.paper.title or self.paper.attachment.original_name

    @property
    def late(self) -> bool:
        return self.paper.late


@dataclass
class Group:
    """An agenda item (or "other papers", ``item`` None) and its papers; ``number`` is the
    item's place on the agenda (1 = the first), as the meeting page numbers it."""

    item: object | None
    number: int | None = None
    papers: list[PackPaper] = field(default_factory=list)

    def label(self) -> str:
        if self.item is None:
            return _("Other papers")
        return f"{self.number}. {self.item.display_title}"


def _paper_order(paper) -> tuple:
    item = paper.agenda_item
    return (item is None, item.order if item else 0, item.pk if item else 0, paper.submitted_at, paper.pk)


def _groups(items, papers: list[PackPaper]) -> list[Group]:
    """Papers grouped by agenda item, in agenda order; papers on no item last."""
    groups = {item.pk: Group(item=item, number=number) for number, item in enumerate(items, start=1)}
    other = Group(item=None)
    for entry in papers:
        group = groups.get(entry.item.pk) if entry.item is not None else None
        (group or other).papers.append(entry)
    return [group for group in [*groups.values(), other] if group.papers]


def _agenda(items, on_time: list[PackPaper], late: list[PackPaper]) -> list[dict]:
    """Each agenda item with its number and its papers (on time, then late), for the cover."""
    return [
        {
            "number": number,
            "item": item,
            "papers": [entry for entry in on_time if entry.item is not None and entry.item.pk == item.pk],
            "late_papers": [entry for entry in late if entry.item is not None and entry.item.pk == item.pk],
        }
        for number, item in enumerate(items, start=1)
    ]


def _read_paper(entry: PackPaper) -> None:
    """Fill in the paper's pages, or the reason it gets a placeholder instead."""
    from pypdf import PdfReader, PdfWriter

    attachment = entry.paper.attachment
    if attachment.content_type != "application/pdf":
        entry.problem = NOT_PDF
        return
    try:
        with attachment.file.open("rb") as handle:
            raw = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        entry.problem = MISSING
        return
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted")
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            added.transfer_rotation_to_content()
        if not writer.pages:
            raise ValueError("no pages")
        buffer = io.BytesIO()
        writer.write(buffer)
        entry.data, entry.pages = buffer.getvalue(), len(writer.pages)
    except Exception:  # any failure to read someone else's file leaves the paper out, never the pack
        logger.warning("Agenda pack: paper %s could not be read as a PDF", entry.paper.pk, exc_info=True)
        entry.problem = UNREADABLE


def _title(document, language: str) -> str:
    return (document.title_cy or document.title) if language == "cy" else document.title


def _meeting_context(document, *, issued: bool) -> dict:
    meeting = document.meeting
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "document": document,
        "meeting": meeting,
        "issued": issued,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "starts": starts,
        "ends": ends,
        "organisation": document.organisation,
        "meeting_path": reverse("meetings:meeting-detail", args=[meeting.pk]),
    }


def _page(document, *, issued: bool, mode: str, entry: PackPaper | None = None, late: list | None = None) -> bytes:
    """A placeholder page for a paper (``mode`` "placeholder") or the supplement's divider."""
    file_kind = ""
    if entry is not None:
        file_kind = FILE_KINDS.get(entry.paper.attachment.content_type, "")
    context = {
        **_meeting_context(document, issued=issued),
        "title": _title(document, LANGUAGES[document.language][0]),
        "mode": mode,
        "entry": entry,
        "file_kind": file_kind,
        "late": late or [],
    }
    return render(PAGE_TEMPLATE, context, language=document.language).data


def render_agenda_pack(document, *, issued: bool) -> RenderedPdf:
    """The agenda pack of ``document.meeting`` (see the module docstring)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    from meetings.selectors import record_for_organisation

    meeting = document.meeting
    # Only what concerns the pack's organisation: another invited organisation's items and
    # papers stay out of it.
    record = record_for_organisation(meeting, document.organisation_id)
    items = record.agenda_items
    allowed = {paper.pk for paper in record.papers}
    papers = sorted(
        (p for p in meeting.papers.select_related("attachment", "agenda_item") if p.pk in allowed), key=_paper_order
    )
    entries = [PackPaper(paper=paper, item=paper.agenda_item) for paper in papers]
    for entry in entries:
        _read_paper(entry)
    on_time = [entry for entry in entries if not entry.late]
    late = [entry for entry in entries if entry.late]
    placeholders = {
        entry.paper.pk: _page(document, issued=issued, mode="placeholder", entry=entry)
        for entry in entries
        if entry.problem
    }
    for entry in entries:
        if entry.problem:
            entry.pages = len(PdfReader(io.BytesIO(placeholders[entry.paper.pk])).pages)

    def number_from(cover_pages: int) -> int | None:
        page = cover_pages + 1
        for entry in on_time:
            entry.start, page = page, page + entry.pages
        divider_at = page if late else None
        page += 1 if late else 0
        for entry in late:
            entry.start, page = page, page + entry.pages
        return divider_at

    language = document.language
    cover_pages, cover = 1, None
    for _attempt in range(3):
        divider_at = number_from(cover_pages)
        cover = render(
            COVER_TEMPLATE,
            {
                **_meeting_context(document, issued=issued),
                "title": _title(document, LANGUAGES[language][0]),
                "parts": [
                    {
                        "language": part,
                        "title": _title(document, part),
                        "paragraphs": document.paragraphs(part) or document.paragraphs("en"),
                    }
                    for part in LANGUAGES[language]
                ],
                "agenda": _agenda(items, on_time, late),
                "other": [entry for entry in on_time if entry.item is None],
                "other_late": [entry for entry in late if entry.item is None],
                "late": late,
                "divider_at": divider_at,
            },
            language=language,
        )
        if cover.pages == cover_pages:
            break
        cover_pages = cover.pages
    divider = _page(document, issued=issued, mode="divider", late=late) if late else None

    writer = PdfWriter()
    supplement: list[bool] = []

    def append(data: bytes, *, in_supplement: bool) -> int:
        first = len(writer.pages)
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
            supplement.append(in_supplement)
        return first

    append(cover.data, in_supplement=False)
    for entry in on_time:
        append(entry.data if entry.data is not None else placeholders[entry.paper.pk], in_supplement=False)
    if divider is not None:
        append(divider, in_supplement=True)
    for entry in late:
        append(entry.data if entry.data is not None else placeholders[entry.paper.pk], in_supplement=True)

    _stamp(writer, supplement, document=document, issued=issued)
    _bookmarks(writer, items, on_time, late, divider_at=divider_at, language=LANGUAGES[language][0])

    writer.add_metadata({"/Title": _title(document, LANGUAGES[language][0]), "/Author": "Welsh Government"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("cy" if LANGUAGES[language][0] == "cy" else "en-GB")
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return RenderedPdf(data=buffer.getvalue(), pages=len(writer.pages))


def _stamp(writer, supplement: list[bool], *, document, issued: bool) -> None:
    """Merge onto every page its overlay page: "Page N of M", the register number, and on the
    supplement's pages the "Supplement" marking."""
    from pypdf import PdfReader, Transformation

    with translation.override(LANGUAGES[document.language][0]):
        draft_label = _("Draft")
    sheets = []
    sizes: dict[tuple[float, float], str] = {}
    for number, page in enumerate(writer.pages, start=1):
        box = page.cropbox
        size = (round(float(box.width), 2), round(float(box.height), 2))
        name = sizes.setdefault(size, f"s{len(sizes)}")
        sheets.append({"number": number, "size": name, "supplement": supplement[number - 1]})
    overlay = render(
        OVERLAY_TEMPLATE,
        {
            "title": document.title,
            "sheets": sheets,
            "sizes": [
                {"name": name, "width": width, "height": height, "inner_height": max(height - 1, 1)}
                for (width, height), name in sizes.items()
            ],
            "total": len(writer.pages),
            "reference": document.register_number if issued and document.register_number else draft_label,
        },
        language=document.language,
    )
    stamps = PdfReader(io.BytesIO(overlay.data)).pages
    if len(stamps) != len(writer.pages):
        raise RuntimeError(f"The agenda pack's overlay has {len(stamps)} pages for {len(writer.pages)}.")
    for page, stamp in zip(writer.pages, stamps, strict=True):
        box = page.cropbox
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))


def _bookmarks(writer, items, on_time: list[PackPaper], late: list[PackPaper], *, divider_at, language: str) -> None:
    """The agenda; each item with its papers; the supplement with its late papers by item."""
    with translation.override(language):
        writer.add_outline_item(title=_("Agenda"), page_number=0)

        def add(groups: list[Group], parent=None) -> None:
            for group in groups:
                heading = writer.add_outline_item(
                    title=group.label(), page_number=group.papers[0].start - 1, parent=parent
                )
                for entry in group.papers:
                    writer.add_outline_item(title=entry.title, page_number=entry.start - 1, parent=heading)

        add(_groups(items, on_time))
        if late:
            supplement = writer.add_outline_item(
                title=_("Supplement: papers received late"), page_number=divider_at - 1
            )
            add(_groups(items, late), parent=supplement)
