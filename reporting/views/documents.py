"""The document pages: the register, a document (its text, status, links and history, and
what the user may do next), drafting a letter (from a decided decision, after a meeting, or a
letter of concern from a case), the download, and batches of documents (a month's post-meeting
letters: the list, a new batch, a batch with its progress, approving and issuing it).

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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from escalation.models import EscalationCase, EscalationDecision
from meetings.models import Meeting
from organisations.models import Organisation
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access
from oversight.errors import OversightError
from oversight.exports import Column
from oversight.forms import add_domain_error, has_conflict
from oversight.models import SensitiveRead
from oversight.services import document_is_unpublished, record_sensitive_read
from oversight.views import OversightListView
from oversight.views import run_posted_form as _act

from .. import batches, documents, rules
from ..forms import (
    BatchApproveForm,
    BatchCreateForm,
    ConfirmForm,
    DocumentDraftForm,
    DocumentEditForm,
    DocumentReissueForm,
    LetterOfConcernForm,
)
from ..models import Document, DocumentBatch

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
        return queryset.filter(
            Q(title__icontains=value)
            | Q(title_cy__icontains=value)
            | Q(body__icontains=value)
            | Q(body_cy__icontains=value)
        )


class DocumentListView(OversightListView):
    """The document register: every letter and PDF the user may see."""

    filterset_class = DocumentFilter
    template_name = "reporting/documents/document_list.html"
    export_filename = "documents"
    export_columns = [
        Column(gettext_lazy("Register number"), "register_number"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Title (Welsh)"), "title_cy"),
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_view_batches"] = access.can(self.request.user, "reporting.batch.view")
        return context


# --- One document ----------------------------------------------------------------------------


def _document(request, pk) -> Document:
    queryset = access.restrict_documents(
        Document.objects.select_related(
            "organisation",
            "decision",
            "case",
            "meeting",
            "pack",
            "batch",
            "signatory",
            "drafted_by",
            "approved_by",
            "replaces",
            "publication",  # for the access log: is it on the public register?
        ),
        request.user,
    )
    document = queryset.filter(pk=pk).first()
    if document is None:
        raise Http404("No such document, or it is not yours to see.")
    return document


def log_document_read(request, document: Document, action: str) -> None:
    """Log a read of a letter or document that is not on the public register (the access log);
    ``document`` comes with its pack and publication selected."""
    if document_is_unpublished(document):
        record_sensitive_read(
            request,
            obj=document,
            organisation=document.organisation_id,
            kind=SensitiveRead.Kind.DOCUMENT,
            action=action,
            label=f"{document.get_kind_display()}: {document}",
        )


def _forms(request, document: Document) -> dict:
    """The actions this user may take on the document now, each as an empty form."""
    user, initial = request.user, {"version": document.version}
    forms = {}
    if document.status == Document.Status.DRAFT:
        if access.can(user, "reporting.document.draft", document):
            forms["edit"] = DocumentEditForm(
                initial={
                    **initial,
                    **{name: getattr(document, name) for name in ("title", "title_cy", "language", "addressee_name")},
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


def _publication(request, document) -> dict | None:
    """Whether the document may be made public by this user, and its public record if any."""
    from .. import rules
    from ..models import PublishedDocument

    if document.kind not in rules.PUBLISHABLE_DOCUMENT_KINDS or not document.is_issued:
        return None
    if not access.can(request.user, "reporting.publication.publish", document):
        return None
    record = PublishedDocument.objects.filter(document=document).first()
    return {"record": record, "public": record is not None and record.withdrawn_on is None}


def document_detail(request, pk, failed=None):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    document = _document(request, pk)
    log_document_read(request, document, SensitiveRead.Action.VIEWED)
    forms = _forms(request, document)
    forms.update(failed or {})
    conflict = has_conflict(forms.values())
    context = {
        "document": document,
        "forms": forms,
        "has_errors": any(form.is_bound and form.errors for form in forms.values()),
        "replaced_by": access.restrict_documents(Document.objects.filter(replaces=document), request.user).first(),
        "can_view_batch": access.can(request.user, "reporting.batch.view"),
        # An issued public accountability summary can be made public (reporting.publication).
        "publication": _publication(request, document),
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
    log_document_read(request, document, SensitiveRead.Action.DOWNLOADED)
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
    form = DocumentDraftForm(request.POST or None, initial={"language": decision.organisation.letter_language})
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


# --- Drafting the letter after a meeting [000 §15] ---------------------------------------------


@login_required
def meeting_letter_draft(request, meeting_pk):
    """Draft the letter after a held meeting, to the organisation's chief executive."""
    meeting = access.restrict_meetings(
        Meeting.objects.select_related("meeting_type", "organisation"), request.user
    ).filter(pk=meeting_pk)
    meeting = meeting.first()
    if meeting is None:
        raise Http404("No such meeting, or it is not yours to see.")
    access.require(request.user, "reporting.document.draft", meeting)
    initial = {"language": meeting.organisation.letter_language if meeting.organisation else "en"}
    form = DocumentDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = documents.document_draft_from_meeting(
                actor=request.user,
                meeting=meeting,
                language=form.cleaned_data["language"],
                addressee_name=form.cleaned_data["addressee_name"],
                addressee_role=form.cleaned_data["addressee_role"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The letter is drafted. Check its text, then ask for approval."))
            return redirect(document)
    existing = access.restrict_documents(
        Document.objects.filter(kind=Document.Kind.POST_MEETING_LETTER, meeting=meeting).order_by("-created_at"),
        request.user,
    ).first()
    context = {
        "meeting": meeting,
        "form": form,
        "existing": existing,
        "agenda_count": meeting.agenda_items.count(),
        "action_count": meeting.actions.count(),
    }
    return render(request, "reporting/documents/meeting_letter_draft.html", context)


# --- Drafting a letter of concern from a case [001 §7.2] ----------------------------------------


@login_required
def concern_letter_draft(request, case_pk):
    """Draft a letter of concern (performance notice) about a case's scope at level 1 or 2."""
    from escalation.selectors import level_of

    case = access.get_visible_or_404(
        EscalationCase.objects.select_related("organisation", "domain"), request.user, pk=case_pk
    )
    access.require(request.user, "reporting.document.draft", case)
    today = timezone.localdate()
    level = level_of(organisation_id=case.organisation_id, scope_key=case.scope_key, on=today)
    initial = {"language": case.organisation.letter_language, "respond_by": rules.letter_of_concern_reply_due(today)}
    form = LetterOfConcernForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = documents.document_draft_letter_of_concern(
                actor=request.user,
                case=case,
                expectations=data["expectations"],
                respond_by=data["respond_by"],
                language=data["language"],
                addressee_name=data["addressee_name"],
                addressee_role=data["addressee_role"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The letter of concern is drafted. Check its text, then ask for approval."))
            return redirect(document)
    refusal = rules.letter_of_concern_refusal(level=level)
    context = {"case": case, "level": level, "refusal": refusal, "form": form}
    return render(request, "reporting/documents/concern_letter_draft.html", context)


# --- Batches ---------------------------------------------------------------------------------------


class BatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Title contains"), field_name="title", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=Document.Kind.choices, empty_label=gettext_lazy("Any kind")
    )
    month = django_filters.DateFilter(
        label=gettext_lazy("Month (YYYY-MM)"),
        method="in_month",
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    class Meta:
        model = DocumentBatch
        fields = ["q", "kind", "month"]

    def in_month(self, queryset, name, value):
        return queryset.filter(month=batches.first_of_month(value)) if value else queryset


class BatchListView(OversightListView):
    """The batches of documents, with how many of each are issued."""

    filterset_class = BatchFilter
    template_name = "reporting/documents/batch_list.html"
    export_filename = "document-batches"
    export_columns = [
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Month"), lambda batch: batch.month.strftime("%Y-%m") if batch.month else ""),
        Column(gettext_lazy("Documents"), "total"),
        Column(gettext_lazy("Drafts"), "drafts"),
        Column(gettext_lazy("Approved"), "approved"),
        Column(gettext_lazy("Issued"), "issued"),
        Column(gettext_lazy("Created by"), "created_by.username"),
        Column(gettext_lazy("Created at"), "created_at"),
        Column(gettext_lazy("Issue started at"), "issue_started_at"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access.require(request.user, "reporting.batch.view")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            DocumentBatch.objects.select_related("created_by", "issue_started_by")
            .annotate(**batches.batch_counts())
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = access.can(self.request.user, "reporting.batch.create")
        return context


def _batch(request, pk) -> DocumentBatch:
    batch = DocumentBatch.objects.select_related("created_by", "issue_started_by").filter(pk=pk).first()
    if batch is None or not access.can(request.user, "reporting.batch.view", batch):
        raise Http404("No such batch, or it is not yours to see.")
    return batch


@login_required
def batch_create(request):
    """A new batch: the post-meeting letters of every meeting held in a month that has none."""
    access.require(request.user, "reporting.batch.create")
    today = timezone.localdate()
    form = BatchCreateForm(request.POST or None, initial={"month": batches.first_of_month(today)})
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_create_post_meeting_letters(actor=request.user, month=form.cleaned_data["month"])
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(count)s letters are drafted in this batch.") % {"count": batch.documents.count()},
            )
            return redirect("reporting:batch-detail", pk=batch.pk)
    return render(request, "reporting/documents/batch_create.html", {"form": form})


def batch_detail(request, pk, failed=None):
    """A batch: its documents with their status, how many are issued (the progress, which an htmx
    request gets alone, every two seconds until all are issued), and approving and issuing it."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    batch = _batch(request, pk)
    progress = batches.batch_progress(batch)
    if request.htmx:
        return render(request, "reporting/documents/_batch_progress.html", {"batch": batch, "progress": progress})
    user = request.user
    forms = {}
    batch_documents = list(
        batch.documents.select_related("organisation", "meeting").order_by("organisation__name", "pk")
    )
    approvable = batches.drafts_approvable_by(actor=user, batch=batch) if progress.drafts else []
    if approvable:
        # The version of each draft on this page: "approve all" approves these and no later text.
        drafts = [document for document in batch_documents if document.status == Document.Status.DRAFT]
        forms["approve"] = BatchApproveForm(drafts=drafts)
    if progress.approved and access.can(user, "reporting.batch.issue", batch):
        forms["issue"] = ConfirmForm(initial={"version": batch.version})
    forms.update(failed or {})
    context = {
        "batch": batch,
        "progress": progress,
        "documents": batch_documents,
        "forms": forms,
        "approvable": len(approvable),
        "has_errors": any(form.is_bound and form.errors for form in forms.values()),
    }
    return render(request, "reporting/documents/batch_detail.html", context)


@login_required
@require_POST
def batch_approve(request, pk):
    batch = _batch(request, pk)
    access.require(request.user, "reporting.batch.approve", batch)
    form = BatchApproveForm(request.POST, drafts=batch.documents.filter(status=Document.Status.DRAFT))
    if form.is_valid():
        result = batches.batch_approve_drafts(actor=request.user, batch=batch, versions=form.versions())
        if result.approved:
            messages.success(
                request, _("%(count)s documents are approved for issue.") % {"count": len(result.approved)}
            )
        for document, reason in result.refused:
            messages.warning(request, f"{document.display_title}: {reason}")
    return redirect("reporting:batch-detail", pk=batch.pk)


@login_required
@require_POST
def batch_issue(request, pk):
    batch = _batch(request, pk)
    access.require(request.user, "reporting.batch.issue", batch)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            result = batches.batch_issue(actor=request.user, batch=batch, expected_version=form.cleaned_data["version"])
        except OversightError as error:
            add_domain_error(form, error)
        else:
            if result.queued:
                messages.success(
                    request,
                    _("%(count)s documents are being issued: each PDF is rendered, numbered and stored.")
                    % {"count": result.queued},
                )
            else:
                messages.info(request, _("Nothing is waiting to be issued in this batch."))
            return redirect("reporting:batch-detail", pk=batch.pk)
    return batch_detail(request, batch.pk, failed={"issue": form})
