"""PDF rendering with WeasyPrint: one function for every document the service produces.

``render_pdf(template, context, language=...)`` renders a Django template (which extends
``reporting/documents/base.html``: A4, a running header with the Welsh Government and NHS Wales
identities in text, a footer with the register number and "page X of Y") and returns the PDF's
bytes. Fonts are named explicitly everywhere, ``@page`` margin boxes included, because margin
boxes and SVG text do not inherit the body font (Liberation Sans, then DejaVu Sans, both
installed). The PDF is tagged (PDF/UA-1, WeasyPrint's ``pdf_variant``) so screen readers can
follow it.

Language: "en", "cy", or "bilingual" (Welsh first, then English, as the issue allows). The
template receives ``languages`` (in order) and switches with ``{% language %}`` for each part;
the page furniture is in the first language.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

LANGUAGES = {"en": ["en"], "cy": ["cy"], "bilingual": ["cy", "en"]}
PDF_VARIANT = "pdf/ua-1"
FONT_FAMILY = '"Liberation Sans", "DejaVu Sans", sans-serif'


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    cleaned = re.sub(r"[\x00-\x1f<>]", " ", str(text))
    return mark_safe('"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"')  # noqa: S308 - escaped above  # nosec B308


def render(template: str, context: dict, *, language: str) -> RenderedPdf:
    """Render ``template`` to a PDF in ``language``; its bytes and its number of pages."""
    from weasyprint import HTML  # imported here: it takes about a second to import

    languages = LANGUAGES[language]
    with translation.override(languages[0]):
        html = render_to_string(
            template,
            {
                **context,
                "languages": languages,
                "html_lang": "cy" if languages[0] == "cy" else "en-GB",
                "font_family": mark_safe(FONT_FAMILY),  # noqa: S308 - a constant  # nosec B308
                "page_label": css_string(_("Page")),
                "of_label": css_string(_("of")),
                "footer_text": css_string(context.get("footer_text", "")),
            },
        )
        document = HTML(string=html, base_url=None).render()
        buffer = io.BytesIO()
        document.write_pdf(buffer, pdf_variant=PDF_VARIANT)
    return RenderedPdf(data=buffer.getvalue(), pages=len(document.pages))


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    """The PDF's bytes (see ``render``)."""
    return render(template, context, language=language).data
