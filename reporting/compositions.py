"""Composed documents: the PDFs that are more than a letter's paragraphs.

``RENDERERS`` maps a ``Document.Kind`` to a function ``(document, *, issued) -> RenderedPdf``.
``reporting.documents.render_document`` uses it for preview and issue alike; a kind not listed
here is rendered as a letter (``reporting/documents/letter.html``).
"""

from __future__ import annotations

from collections.abc import Callable

from .pdf import RenderedPdf

RENDERERS: dict[str, Callable[..., RenderedPdf]] = {}
