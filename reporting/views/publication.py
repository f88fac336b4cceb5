"""Making decisions and documents public: the staff pages behind the public register.

A decision's publication page shows exactly what the public register will show (organisation,
scope, levels, dates and the summary written for the public) before anything is published, and
afterwards lets the summary be changed or the record withdrawn with a reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from escalation.models import EscalationDecision
from oversight import access
from oversight.errors import OversightError
from oversight.forms import VersionedForm, has_conflict
from oversight.views import run_posted_form

from .. import publication, rules
from ..models import Document, PublishedDecision, PublishedDocument


class PublishDecisionForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the reasons, for the public (English)"),
        help_text=_(
            "Written for the public register. The rationale, evidence and names recorded with the decision are "
            "not published."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=rules.PUBLIC_SUMMARY_MAX,
        error_messages={"required": _("Write a summary of the reasons for the public register.")},
    )
    summary_cy = forms.CharField(
        label=_("Summary of the reasons, for the public (Welsh)"),
        help_text=_("Shown to people reading the register in Welsh. Without it they see the English."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=rules.PUBLIC_SUMMARY_MAX,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is it withdrawn from the public register?"),
        error_messages={"required": _("Say why it is withdrawn from the public register.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


def _decision(request, pk) -> EscalationDecision:
    decision = get_object_or_404(EscalationDecision.objects.select_related("organisation", "domain", "era"), pk=pk)
    access.require(request.user, "reporting.publication.publish", decision)
    return decision


def _record(decision) -> PublishedDecision | None:
    return PublishedDecision.objects.filter(decision=decision).first()


@login_required
def decision_publication(request, pk, failed=None):
    """What the public register shows of a decision, and the forms to make it public, change its
    public summary, or withdraw it. ``failed``: a refused form, shown again with the input kept."""
    decision = _decision(request, pk)
    record = _record(decision)
    forms_ = {
        "publish": PublishDecisionForm(
            initial={"summary": record.summary, "summary_cy": record.summary_cy, "version": record.version}
            if record
            else {}
        ),
        "withdraw": WithdrawForm(initial={"version": record.version}) if record and not record.withdrawn_on else None,
    }
    forms_.update(failed or {})
    refusal = rules.decision_publication_refusal(
        status=decision.status,
        effective_from=decision.effective_from,
        summary="-",
        roles=access.principal(request.user).roles,
        superseded=publication.decision_superseded(decision),
    )
    context = {
        "decision": decision,
        "record": record,
        "forms": forms_,
        "refusal": refusal,
        "history": record.history.select_related("history_user").order_by("-history_date")[:20] if record else [],
    }
    status = (409 if has_conflict(failed.values()) else 400) if failed else 200
    return render(request, "reporting/publication/decision.html", context, status=status)


@login_required
@require_POST
def decision_publish(request, pk):
    """Make the decision public, change its public summary, or publish it again."""
    decision = _decision(request, pk)
    form = PublishDecisionForm(request.POST)
    return run_posted_form(
        request,
        decision,
        name="publish",
        form=form,
        permission="reporting.publication.publish",
        action=lambda data: publication.decision_publish(
            actor=request.user,
            decision=decision,
            summary=data["summary"],
            summary_cy=data["summary_cy"],
            expected_version=data["version"],
        ),
        success=_("The decision is on the public register."),
        detail=decision_publication,
        next_url=reverse("reporting:decision-publication", args=[decision.pk]),
    )


@login_required
@require_POST
def decision_publication_withdraw(request, pk):
    decision = _decision(request, pk)
    record = get_object_or_404(PublishedDecision, decision=decision)
    form = WithdrawForm(request.POST)
    return run_posted_form(
        request,
        decision,
        name="withdraw",
        form=form,
        permission="reporting.publication.publish",
        action=lambda data: publication.publication_withdraw(
            actor=request.user, record=record, reason=data["reason"], expected_version=data["version"]
        ),
        success=_("The decision has been withdrawn from the public register."),
        detail=decision_publication,
        next_url=reverse("reporting:decision-publication", args=[decision.pk]),
    )


@login_required
@require_POST
def document_publication(request, pk):
    """Make an issued public accountability summary public."""
    document = get_object_or_404(Document, pk=pk)
    access.require(request.user, "reporting.publication.publish", document)
    try:
        publication.document_publish(actor=request.user, document=document)
    except OversightError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document is on the public register."))
    return redirect(document)


@login_required
@require_POST
def document_publication_withdraw(request, pk):
    document = get_object_or_404(Document, pk=pk)
    access.require(request.user, "reporting.publication.publish", document)
    record = get_object_or_404(PublishedDocument, document=document)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            publication.publication_withdraw(
                actor=request.user,
                record=record,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except OversightError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The document has been withdrawn from the public register."))
    else:
        messages.error(request, _("Say why the document is withdrawn from the public register."))
    return redirect(document)
