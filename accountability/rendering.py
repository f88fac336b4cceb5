"""The monthly system synthesis as a PDF: the renderer registered for ``reporting.Document`` rows
of kind ``system_synthesis`` (``AccountabilityConfig.ready`` adds it to
``reporting.compositions.RENDERERS``), used for preview and issue alike by
``reporting.documents.render_document``."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from oversight.errors import OversightError
from reporting.models import Document
from reporting.pdf import LANGUAGES, RenderedPdf, render

from . import presentation
from .models import SystemSynthesis

TEMPLATE = "accountability/pdf/synthesis.html"


def synthesis_of(document: Document) -> SystemSynthesis | None:
    """The synthesis a document renders: the one it was drafted from, or for a correction (a
    re-issue, a new document) the synthesis of its month."""
    found = SystemSynthesis.objects.filter(document=document).first()
    if found is None and document.month is not None:
        found = SystemSynthesis.objects.filter(month=document.month.replace(day=1)).first()
    return found


def synthesis_context(document: Document, *, issued: bool) -> dict:
    synthesis = synthesis_of(document)
    if synthesis is None:
        raise OversightError(_("This document names no synthesis to print."), code="document_no_synthesis")
    languages = LANGUAGES[document.language]
    return {
        "title": document.title,
        "issued": issued,
        "register_number": document.register_number,
        "issued_on": document.issued_on,
        "footer_text": document.register_number if issued and document.register_number else _("Draft"),
        "synthesis": synthesis,
        "pillars": presentation.pillar_rows(synthesis),
        "levels": presentation.level_rows(synthesis),
        "entries": [presentation.entry_view(entry) for entry in presentation.entries_of(synthesis)],
        "meeting": synthesis.meeting,
        "parts": [
            {
                "language": language,
                "title": (document.title_cy or document.title) if language == "cy" else document.title,
                "paragraphs": document.paragraphs(language) or document.paragraphs("en"),
            }
            for language in languages
        ],
    }


def render_synthesis(document: Document, *, issued: bool) -> RenderedPdf:
    with translation.override(LANGUAGES[document.language][0]):
        context = synthesis_context(document, issued=issued)
    return render(TEMPLATE, context, language=document.language)
