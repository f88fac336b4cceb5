"""The document pages: the register, a document (its text, status, links and history, and
what the user may do next), drafting a letter from a decided decision, and the download.

Every write goes through ``reporting.documents``, which checks the access policy and the
framework's rules; these views show the forms and the refusals. Who sees what:
``oversight.access`` (``_document_visible``): WG, NHS P&I and administrators see every
document; an organisation's own people see only its issued ones; anyone else gets a 404.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from escalation.models import EscalationDecision
from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access
from oversight.errors import OversightError
from oversight.exports import Column
from oversight.forms import add_domain_error
from oversight.views import OversightListView
from oversight.views import run_posted_form as _act

from .. import documents
from ..forms import ConfirmForm, DocumentDraftForm, DocumentEditForm, DocumentReissueForm
from ..models import Document

# --- The register --------------------------------------------------------------------------------


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Title or text contains"), method="search")
    number = django_filters.CharFilter(
        label=gettext_lazy("Register number"), field_name="register_number", lookup_expr="icontains"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(kind__in=LEVEL_HOLDING_KINDS).order_by("name"),
        to_field_name="code",
        empty_label=gettext_lazy("Any organisation"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=Document.Kind.choices, empty_label=gettext_lazy("Any kind")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Document.Status.choices, empty_label=gettext_lazy("Any status")
    )

    class Meta:
        model = Document
        fields = ["q", "number", "organisation", "kind", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value) | Q(body_cy__icontains=value))


class DocumentListView(OversightListView):
    """The document register: every letter and PDF the user may see."""

    filterset_class = DocumentFilter
    template_name = "reporting/documents/document_list.html"
    export_filename = "documents"
    export_columns = [
        Column(gettext_lazy("Register number"), "register_number"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Language"), "get_language_display"),
        Column(gettext_lazy("Addressed to"), "addressee_name"),
        Column(gettext_lazy("Issued on"), "issued_on"),
        Column(gettext_lazy("SHA-256"), "sha256"),
        Column(gettext_lazy("Replaces"), "replaces.register_number"),
    ]

    def get_queryset(self):
        return access.restrict_documents(
            Document.objects.select_related("organisation", "replaces").order_by("-created_at"), self.request.user
        )


# --- One document ----------------------------------------------------------------------------


def _document(request, pk) -> Document:
    queryset = access.restrict_documents(
        Document.objects.select_related(
            "organisation", "decision", "case", "meeting", "pack", "signatory", "drafted_by", "approved_by", "replaces"
        ),
        request.user,
    )
    document = queryset.filter(pk=pk).first()
    if document is None:
        raise Http404("No such document, or it is not yours to see.")
    return document


def _forms(request, document: Document) -> dict:
    """The actions this user may take on the document now, each as an empty form."""
    user, initial = request.user, {"version": document.version}
    forms = {}
    if document.status == Document.Status.DRAFT:
        if access.can(user, "reporting.document.draft", document):
            forms["edit"] = DocumentEditForm(
                initial={
                    **initial,
                    **{name: getattr(document, name) for name in ("title", "language", "addressee_name")},
                    **{name: getattr(document, name) for name in ("addressee_role", "body", "body_cy")},
                }
            )
        if access.can(user, "reporting.document.approve", document):
            forms["approve"] = ConfirmForm(initial=initial)
    elif document.status == Document.Status.APPROVED and access.can(user, "reporting.document.issue", document):
        forms["issue"] = ConfirmForm(initial=initial)
    elif (
        document.status == Document.Status.ISSUED
        and access.can(user, "reporting.document.draft", document)
        and not Document.objects.filter(replaces=document).exists()
    ):
        forms["reissue"] = DocumentReissueForm()
    return forms


def document_detail(request, pk, failed=None):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    document = _document(request, pk)
    forms = _forms(request, document)
    forms.update(failed or {})
    conflict = any(
        getattr(error, "code", "") == "conflict"
        for form in forms.values()
        if form.is_bound
        for error in form.non_field_errors().as_data()
    )
    context = {
        "document": document,
        "forms": forms,
        "has_errors": any(form.is_bound and form.errors for form in forms.values()),
        "replaced_by": access.restrict_documents(Document.objects.filter(replaces=document), request.user).first(),
        "paragraphs": document.paragraphs("cy" if document.language == "cy" else "en"),
        "history": document.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "reporting/documents/document_detail.html", context, status=409 if conflict else 200)


@login_required
@require_POST
def document_edit(request, pk):
    document = _document(request, pk)
    form = DocumentEditForm(request.POST)
    return _act(
        request,
        document,
        name="edit",
        form=form,
        permission="reporting.document.draft",
        action=lambda data: documents.document_update(
            actor=request.user,
            document=document,
            expected_version=data["version"],
            reason=data["reason"],
            **{name: data[name] for name in documents.EDITABLE if name in data},
        ),
        success=_("The draft is saved."),
        detail=document_detail,
    )


@login_required
@require_POST
def document_approve(request, pk):
    document = _document(request, pk)
    return _act(
        request,
        document,
        name="approve",
        form=ConfirmForm(request.POST),
        permission="reporting.document.approve",
        action=lambda data: documents.document_approve(
            actor=request.user, document=document, expected_version=data["version"]
        ),
        success=_("The document is approved for issue."),
        detail=document_detail,
    )


@login_required
@require_POST
def document_issue(request, pk):
    document = _document(request, pk)
    return _act(
        request,
        document,
        name="issue",
        form=ConfirmForm(request.POST),
        permission="reporting.document.issue",
        action=lambda data: documents.document_issue(
            actor=request.user, document=document, expected_version=data["version"]
        ),
        success=_("The document is being issued: its PDF is rendered, numbered and stored."),
        detail=document_detail,
    )


@login_required
@require_POST
def document_reissue(request, pk):
    document = _document(request, pk)
    access.require(request.user, "reporting.document.draft", document)
    form = DocumentReissueForm(request.POST)
    if form.is_valid():
        try:
            correction = documents.document_reissue(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("A correction is drafted. It replaces the issued document once issued."))
            return redirect(correction)
    return document_detail(request, document.pk, failed={"reissue": form})


@login_required
def document_download(request, pk):
    """The issued PDF: exactly the bytes whose sha256 the register records."""
    document = _document(request, pk)
    if document.status != Document.Status.ISSUED or not document.file:
        raise Http404("This document has not been issued.")
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.register_number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Digest"] = f"sha-256={document.sha256}"
    return response


# --- Drafting from a decision ----------------------------------------------------------------


@login_required
def document_draft(request, decision_pk):
    """Draft the notification letter for a decided escalation or de-escalation decision."""
    decision = access.get_visible_or_404(
        EscalationDecision.objects.select_related("organisation", "domain"), request.user, pk=decision_pk
    )
    access.require(request.user, "reporting.document.draft", decision)
    form = DocumentDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = documents.document_draft_from_decision(
                actor=request.user,
                decision=decision,
                language=form.cleaned_data["language"],
                addressee_name=form.cleaned_data["addressee_name"],
                addressee_role=form.cleaned_data["addressee_role"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The letter is drafted. Check its text, then ask for approval."))
            return redirect(document)
    return render(request, "reporting/documents/document_draft.html", {"decision": decision, "form": form})
