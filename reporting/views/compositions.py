"""Drafting the composed documents: an agenda pack from the meeting page, a performance pack's
PDF from the pack page, and a public accountability summary from the document register; and
the preview of any document not yet issued, as its PDF would be issued now.

Each page asks for the language (and, for the summary, the organisation and year), drafts
through ``reporting.compositions`` and goes to the document's page, where the draft is
previewed, approved and issued like any other document. The forms are small and used only
here, so they live here.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Meeting
from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access
from oversight.errors import OversightError
from oversight.forms import add_domain_error
from oversight.models import SensitiveRead

from .. import compositions, documents, selectors
from ..models import Document
from .documents import log_document_read

LANGUAGE_HELP = gettext_lazy("A bilingual document has the Welsh first, then the English.")


def _languages():
    return Document.Language.choices


class CompositionDraftForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the document"),
        choices=_languages,
        initial=Document.Language.ENGLISH,
        widget=forms.RadioSelect,
        help_text=LANGUAGE_HELP,
        error_messages={"required": gettext_lazy("Choose the language of the document.")},
    )


def _years():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 5, -1)]


class PublicSummaryDraftForm(CompositionDraftForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(kind__in=LEVEL_HOLDING_KINDS, active=True).order_by("name"),
        empty_label=gettext_lazy("Choose an organisation"),
        error_messages={"required": gettext_lazy("Choose the organisation the summary is for.")},
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"),
        choices=_years,
        coerce=int,
        help_text=gettext_lazy("The calendar year the summary covers: January to December."),
        error_messages={"required": gettext_lazy("Choose the year the summary covers.")},
    )

    field_order = ["organisation", "year", "language"]


def _draft(request, form, *, draft, context: dict, template: str):
    """Show the form; on a valid post, draft and go to the new document."""
    if request.method == "POST" and form.is_valid():
        try:
            document = draft(form.cleaned_data)
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The document is drafted. Check it, then ask for approval."))
            return redirect(document)
    return render(request, template, {**context, "form": form})


@login_required
def agenda_pack_draft(request, meeting_pk):
    """Draft a meeting's agenda pack: its cover and agenda, then its papers."""
    meeting = (
        access.restrict_meetings(Meeting.objects.select_related("organisation", "meeting_type"), request.user)
        .filter(pk=meeting_pk)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting, or it is not yours to see.")
    access.require(request.user, "reporting.document.draft", meeting)
    language = getattr(meeting.organisation, "letter_language", "") or Document.Language.ENGLISH
    return _draft(
        request,
        CompositionDraftForm(request.POST or None, initial={"language": language}),
        draft=lambda data: compositions.agenda_pack_draft(
            actor=request.user, meeting=meeting, language=data["language"]
        ),
        context={
            "heading": _("Draft the agenda pack"),
            "caption": meeting.title,
            "intro": _(
                "The pack is a PDF: a cover with the agenda, then every paper in agenda order, with page "
                "numbers running through it. Papers received late go in a supplement at the end. It is put "
                "together when you preview it and again when it is issued, so papers added before then are in it."
            ),
            "back_url": meeting.get_absolute_url(),
            "back_label": _("Back to the meeting"),
            "button": _("Draft the agenda pack"),
        },
        template="reporting/documents/composition_draft.html",
    )


@login_required
def performance_pack_draft(request, pk):
    """Draft the PDF of a performance pack. Another organisation's pack is a 404 until released."""
    pack = selectors.pack_detail(request.user, pk)
    access.require(request.user, "reporting.document.draft", pack)
    language = getattr(pack.organisation, "letter_language", "") or Document.Language.ENGLISH
    return _draft(
        request,
        CompositionDraftForm(request.POST or None, initial={"language": language}),
        draft=lambda data: compositions.performance_pack_draft(
            actor=request.user, pack=pack, language=data["language"]
        ),
        context={
            "heading": _("Draft a PDF of this pack"),
            "caption": str(pack),
            "intro": _(
                "The PDF holds the pack's cover, then for each pillar its measures with their values, targets, "
                "trajectories and SPC icons, each measure's SPC chart, the narrative and the risks."
            ),
            "back_url": pack.get_absolute_url(),
            "back_label": _("Back to the pack"),
            "button": _("Draft the PDF"),
        },
        template="reporting/documents/composition_draft.html",
    )


@login_required
def public_summary_draft(request):
    """Draft the public accountability summary of an organisation for a year."""
    access.require(request.user, "reporting.document.draft")
    initial = {"year": timezone.localdate().year, "language": Document.Language.ENGLISH}
    return _draft(
        request,
        PublicSummaryDraftForm(request.POST or None, initial=initial),
        draft=lambda data: compositions.public_summary_draft(
            actor=request.user, organisation=data["organisation"], year=data["year"], language=data["language"]
        ),
        context={
            "heading": _("Draft a public accountability summary"),
            "caption": _("Document register"),
            "intro": _(
                "A concise summary for the organisation's public accountability meeting: its escalation "
                "levels, the year's key measures from released performance packs only, and progress against "
                "the Ministerial priorities. It names no officials and holds no unreleased figures."
            ),
            "back_url": reverse("reporting:document-list"),
            "back_label": _("Back to the document register"),
            "button": _("Draft the summary"),
        },
        template="reporting/documents/composition_draft.html",
    )


@login_required
def document_preview(request, pk):
    """A draft or approved document's PDF as it would be issued now, marked as a draft and not
    stored. Drafts are seen only by WG, NHS P&I and administrators (``access``); an issued
    document is downloaded as it was issued."""
    document = (
        access.restrict_documents(
            Document.objects.select_related("organisation", "meeting", "pack", "publication"), request.user
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("No such document, or it is not yours to see.")
    if document.status == Document.Status.ISSUED:
        return redirect("reporting:document-download", pk=document.pk)
    rendered = documents.document_preview(document)
    log_document_read(request, document, SensitiveRead.Action.DOWNLOADED)
    response = HttpResponse(rendered.data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draft-{document.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
