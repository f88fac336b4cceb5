"""The accountability pages: an organisation's Chair objectives, Well-led self-assessments,
flexibilities, Accountable Officer letters and earned autonomy; the lists across organisations;
and the monthly system synthesis (WG and NHS P&I only). Views stay thin: they parse, call a
service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meetings.choices import UPCOMING_STATUSES
from meetings.models import Meeting
from organisations.selectors import organisation_private_get
from oversight import access
from oversight.errors import OversightError
from oversight.exports import Column
from oversight.forms import add_domain_error, has_conflict
from oversight.views import OversightListView, run_posted_form
from plans import rules as plan_rules

from . import letters, presentation, rules, selectors, services
from .choices import WellLedArea
from .filters import AssessmentFilter, FlexibilityFilter, ObjectiveFilter, SynthesisFilter
from .forms import (
    AssessmentEvidenceForm,
    AssessmentStartForm,
    EntryForm,
    EvidenceForm,
    FlexibilityForm,
    LetterForm,
    ObjectiveForm,
    ObjectiveUpdateForm,
    RecommendationEditForm,
    RecommendationForm,
    ReviewForm,
    SelfRatingsForm,
    SummaryForm,
    pillars,
)
from .models import ChairObjective, Flexibility, WellLedAssessment


def _conflict(*forms) -> bool:
    return has_conflict(forms)


def _organisation(request, pk):
    organisation = organisation_private_get(user=request.user, pk=pk)
    access.require(request.user, "accountability.view", organisation)
    return organisation


# --- An organisation's accountability ---------------------------------------------------------


@login_required
def organisation_accountability(request, pk):
    """Everything about an organisation's accountability: the objectives set with its Chair and
    the next review with them, its Well-led self-assessments, its Accountable Officer letters,
    its meeting burden beside that of routine arrangements, and the flexibilities it has earned."""
    organisation = _organisation(request, pk)
    user, today = request.user, timezone.localdate()
    chair_reviews = access.restrict_meetings(
        Meeting.objects.filter(
            organisation=organisation, meeting_type__code=selectors.CHAIR_REVIEW_TYPE, status__in=UPCOMING_STATUSES
        ),
        user,
    ).order_by("starts_at")
    context = {
        "organisation": organisation,
        "today": today,
        "objectives": list(selectors.objective_list(user=user).filter(organisation=organisation)),
        "next_chair_review": chair_reviews.first(),
        "assessments": list(selectors.assessment_list(user=user).filter(organisation=organisation)),
        "flexibilities": list(selectors.flexibility_list(user=user).filter(organisation=organisation)),
        "letters": list(selectors.ao_letters(user=user, organisation=organisation)[:20]),
        "autonomy": selectors.earned_autonomy(organisation, on=today),
        "can_set_objective": access.can(
            user, "accountability.objective.manage", ChairObjective(organisation=organisation)
        ),
        "can_grant": access.can(user, "accountability.flexibility.grant", Flexibility(organisation=organisation)),
        "can_assess": access.can(
            user, "accountability.assessment.submit", WellLedAssessment(organisation=organisation)
        ),
        "can_draft_letter": access.can(user, "reporting.document.draft", organisation),
    }
    return render(request, "accountability/organisation.html", context)


@login_required
def earned_autonomy(request, pk):
    """The organisation's meeting burden at its level beside that at level 1, and the
    flexibilities granted: a panel on the organisation's register page (htmx) and a page."""
    organisation = _organisation(request, pk)
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "autonomy": selectors.earned_autonomy(organisation, on=today),
        "flexibilities": list(selectors.flexibility_list(user=request.user).filter(organisation=organisation)[:10]),
        "sub": bool(request.htmx),
    }
    if request.htmx:
        return render(request, "accountability/partials/_earned_autonomy.html", context)
    return render(request, "accountability/earned_autonomy.html", context)


# --- Chair objectives -------------------------------------------------------------------------


@login_required
def objective_create(request, pk):
    organisation = _organisation(request, pk)
    access.require(request.user, "accountability.objective.manage", ChairObjective(organisation=organisation))
    today = timezone.localdate()
    form = ObjectiveForm(request.POST or None, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.objective_set(
                actor=request.user, organisation=organisation, today=today, **form.cleaned_data
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The objective has been recorded."))
            return redirect(objective)
    return render(request, "accountability/objective_form.html", {"organisation": organisation, "form": form})


@login_required
def objective_detail(request, pk, failed=None):
    objective = selectors.objective_get(user=request.user, pk=pk)
    user = request.user
    forms = {}
    if access.can(user, "accountability.objective.manage", objective):
        forms["update"] = ObjectiveUpdateForm(
            initial={
                "version": objective.version,
                "status": objective.status,
                "progress_notes": objective.progress_notes,
            }
        )
    if access.can(user, "accountability.objective.evidence", objective):
        forms["evidence"] = EvidenceForm()
    forms.update(failed or {})
    context = {
        "objective": objective,
        "organisation": objective.organisation,
        "forms": forms,
        "evidence": list(selectors.attachments_of(objective)),
        "history": objective.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(
        request, "accountability/objective_detail.html", context, status=409 if _conflict(*forms.values()) else 200
    )


@login_required
@require_POST
def objective_update(request, pk):
    objective = selectors.objective_get(user=request.user, pk=pk)

    def action(data):
        services.objective_update(
            actor=request.user,
            objective=objective,
            expected_version=data["version"],
            status=data["status"],
            progress_notes=data["progress_notes"],
        )

    return run_posted_form(
        request,
        objective,
        name="update",
        form=ObjectiveUpdateForm(request.POST),
        permission="accountability.objective.manage",
        action=action,
        success=_("Progress on the objective has been recorded."),
        detail=objective_detail,
    )


@login_required
@require_POST
def objective_evidence(request, pk):
    objective = selectors.objective_get(user=request.user, pk=pk)
    return run_posted_form(
        request,
        objective,
        name="evidence",
        form=EvidenceForm(request.POST, request.FILES),
        permission="accountability.objective.evidence",
        action=lambda data: services.objective_evidence_add(
            actor=request.user, objective=objective, upload=data["file"]
        ),
        success=_("The evidence has been filed."),
        detail=objective_detail,
    )


class ObjectiveListView(OversightListView):
    """Chair objectives across every organisation the user may see."""

    filterset_class = ObjectiveFilter
    template_name = "accountability/objective_list.html"
    export_filename = "chair-objectives"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Year"), "year"),
        Column(gettext_lazy("Objective"), "text"),
        Column(gettext_lazy("Chair"), "chair_name"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Progress notes"), "progress_notes"),
        Column(gettext_lazy("Set on"), "set_on"),
    ]

    def get_queryset(self):
        return selectors.objective_list(user=self.request.user)


# --- Flexibilities ----------------------------------------------------------------------------


@login_required
def flexibility_grant(request, pk):
    organisation = _organisation(request, pk)
    access.require(request.user, "accountability.flexibility.grant", Flexibility(organisation=organisation))
    today = timezone.localdate()
    form = FlexibilityForm(request.POST or None, initial={"granted_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.flexibility_grant(actor=request.user, organisation=organisation, today=today, **form.cleaned_data)
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The flexibility has been recorded."))
            return redirect(reverse("accountability:organisation", args=[organisation.pk]) + "#flexibilities")
    return render(request, "accountability/flexibility_form.html", {"organisation": organisation, "form": form})


class FlexibilityListView(OversightListView):
    """Flexibilities granted, across every organisation the user may see, latest first."""

    filterset_class = FlexibilityFilter
    template_name = "accountability/flexibility_list.html"
    export_filename = "flexibilities"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Flexibility granted"), "what"),
        Column(gettext_lazy("Reason"), "reason"),
        Column(gettext_lazy("Granted on"), "granted_on"),
        Column(gettext_lazy("Until"), "ends_on"),
        Column(gettext_lazy("Granted by"), lambda f: f.granted_by.get_full_name() or f.granted_by.get_username()),
    ]

    def get_queryset(self):
        return selectors.flexibility_list(user=self.request.user)


# --- Well-led self-assessments ----------------------------------------------------------------


@login_required
def assessment_start(request, pk):
    organisation = _organisation(request, pk)
    access.require(request.user, "accountability.assessment.submit", WellLedAssessment(organisation=organisation))
    today = timezone.localdate()
    form = AssessmentStartForm(request.POST or None, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                actor=request.user, organisation=organisation, year=form.cleaned_data["year"], today=today
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The self-assessment has been started. Rate each area and add your evidence."))
            return redirect(assessment)
    return render(request, "accountability/assessment_start.html", {"organisation": organisation, "form": form})


@login_required
def assessment_detail(request, pk, failed=None):
    """A self-assessment: each area with the organisation's rating and NHS P&I's beside it, the
    evidence, what the user may do next, and its history."""
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    user = request.user
    rows = selectors.area_rows(assessment)
    forms = {}
    if access.can(user, "accountability.assessment.submit", assessment) and assessment.status == "draft":
        forms["self"] = SelfRatingsForm(initial=SelfRatingsForm.initial_for(assessment, rows))
        forms["evidence"] = AssessmentEvidenceForm()
        forms["submit"] = SummaryForm(initial={"version": assessment.version})
    if access.can(user, "accountability.assessment.review", assessment) and assessment.status != "draft":
        forms["review"] = ReviewForm(initial=ReviewForm.initial_for(assessment, rows))
    forms.update(failed or {})
    files = list(selectors.attachments_of(assessment))
    labels = dict(WellLedArea.choices)
    context = {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "rows": rows,
        "forms": forms,
        "evidence": [(f, labels.get(f.purpose, "")) for f in files],
        "weak": rules.assessment_weak(selectors.nhspi_ratings(assessment)) if assessment.status == "assessed" else None,
        "history": assessment.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(
        request, "accountability/assessment_detail.html", context, status=409 if _conflict(*forms.values()) else 200
    )


def _assessment_posted(request, assessment, **kwargs):
    return run_posted_form(request, assessment, detail=assessment_detail, **kwargs)


@login_required
@require_POST
def assessment_edit(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    form = SelfRatingsForm(request.POST)

    def action(data):
        services.assessment_update_self(
            actor=request.user,
            assessment=assessment,
            expected_version=data["version"],
            ratings=form.ratings(),
            summary=data["summary"],
        )

    return _assessment_posted(
        request,
        assessment,
        name="self",
        form=form,
        permission="accountability.assessment.submit",
        action=action,
        success=_("Your ratings have been saved."),
    )


@login_required
@require_POST
def assessment_evidence(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return _assessment_posted(
        request,
        assessment,
        name="evidence",
        form=AssessmentEvidenceForm(request.POST, request.FILES),
        permission="accountability.assessment.submit",
        action=lambda data: services.assessment_evidence_add(
            actor=request.user, assessment=assessment, upload=data["file"], area=data["area"]
        ),
        success=_("The evidence has been filed."),
    )


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return _assessment_posted(
        request,
        assessment,
        name="submit",
        form=SummaryForm(request.POST),
        permission="accountability.assessment.submit",
        action=lambda data: services.assessment_submit(
            actor=request.user, assessment=assessment, expected_version=data["version"], today=timezone.localdate()
        ),
        success=_("The self-assessment has been submitted to NHS P&I."),
    )


@login_required
@require_POST
def assessment_review(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)

    def action(data):
        services.assessment_review(
            actor=request.user,
            assessment=assessment,
            expected_version=data["version"],
            ratings=form.ratings(),
            summary=data["summary"],
            today=timezone.localdate(),
        )

    return _assessment_posted(
        request,
        assessment,
        name="review",
        form=form,
        permission="accountability.assessment.review",
        action=action,
        success=_("NHS P&I's assessment has been recorded."),
    )


class AssessmentListView(OversightListView):
    """Well-led self-assessments across every organisation the user may see."""

    filterset_class = AssessmentFilter
    template_name = "accountability/assessment_list.html"
    export_filename = "well-led-self-assessments"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Year"), "year"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Submitted on"), "submitted_on"),
        Column(gettext_lazy("Assessed on"), "assessed_on"),
        Column(gettext_lazy("Concern raised"), lambda a: a.concern_id is not None),
    ]

    def get_queryset(self):
        return selectors.assessment_list(user=self.request.user)


# --- Accountable Officer letters --------------------------------------------------------------


@login_required
def letter_draft(request, pk):
    """Draft the organisation's Accountable Officer letter for a financial year; it then goes
    through the document register's approve and issue steps."""
    organisation = _organisation(request, pk)
    access.require(request.user, "reporting.document.draft", organisation)
    today = timezone.localdate()
    form = LetterForm(request.POST or None, initial={"year": plan_rules.financial_year(today)})
    if request.method == "POST" and form.is_valid():
        try:
            document = letters.ao_letter_draft(
                actor=request.user, organisation=organisation, year=form.cleaned_data["year"], today=today
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The letter has been drafted. Check it, then send it for approval."))
            return redirect(document)
    return render(request, "accountability/letter_draft.html", {"organisation": organisation, "form": form})


# --- The monthly system synthesis -------------------------------------------------------------


class SynthesisListView(OversightListView):
    """Every month's synthesis: WG and NHS P&I only (anyone else: 404)."""

    filterset_class = SynthesisFilter
    template_name = "accountability/synthesis_list.html"
    export_filename = "system-syntheses"
    export_columns = [
        Column(gettext_lazy("Month"), lambda s: s.month.strftime("%Y-%m")),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Assembled on"), "assembled_on"),
        Column(gettext_lazy("Organisations"), "organisation_count"),
        Column(gettext_lazy("Signed off on"), "signed_off_on"),
        Column(gettext_lazy("Document"), lambda s: s.document.register_number if s.document_id else ""),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            selectors.require_synthesis_view(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.synthesis_list(user=self.request.user)


@login_required
def synthesis_detail(request, pk, failed=None):
    """The month's synthesis: the system figures by pillar, then each organisation's findings with
    the analyst's risks, mitigations, recommended actions and recommendations; editable by NHS
    P&I analysts until signed off; a recommendation can then start a draft decision."""
    synthesis = selectors.synthesis_get(user=request.user, pk=pk)
    user = request.user
    draft = synthesis.status == "draft"
    can_edit = draft and access.can(user, "accountability.synthesis.edit", synthesis)
    can_start = synthesis.status == "signed_off" and access.can(user, "escalation.draft")
    failed = failed or {}
    domains = pillars() if can_edit else []
    entries = []
    for entry in presentation.entries_of(synthesis):
        view = presentation.entry_view(entry)
        forms = {}
        if can_edit:
            forms["entry"] = failed.get(f"entry-{entry.pk}") or EntryForm(
                prefix=f"e{entry.pk}",
                initial={
                    "version": entry.version,
                    "risks": entry.risks,
                    "mitigations": entry.mitigations,
                    "actions": entry.actions,
                },
            )
            forms["recommendation"] = failed.get(f"recommendation-{entry.pk}") or RecommendationForm(
                prefix=f"r{entry.pk}", domains=domains
            )
        recommendations = [
            (
                r,
                (
                    failed.get(f"recommendation-edit-{r.pk}")
                    or RecommendationEditForm(
                        prefix=f"re{r.pk}", initial=RecommendationEditForm.initial_for(r), domains=domains
                    )
                )
                if can_edit
                else None,
            )
            for r in view.recommendations
        ]
        entries.append((view, forms, recommendations))
    context = {
        "synthesis": synthesis,
        "pillars": presentation.pillar_rows(synthesis),
        "levels": presentation.level_rows(synthesis),
        "entries": entries,
        "can_edit": can_edit,
        "can_sign_off": draft and access.can(user, "accountability.synthesis.signoff", synthesis),
        "can_start": can_start,
        "summary_form": failed.get("summary")
        or (SummaryForm(initial={"version": synthesis.version, "summary": synthesis.summary}) if can_edit else None),
        "signoff_form": failed.get("signoff") or SummaryForm(initial={"version": synthesis.version}),
        "history": synthesis.history.select_related("history_user").order_by("-history_date")[:30],
    }
    status = 409 if _conflict(*[f for f in failed.values() if hasattr(f, "non_field_errors")]) else 200
    return render(request, "accountability/synthesis_detail.html", context, status=status)


def _synthesis_posted(request, synthesis, *, anchor: str = "", **kwargs):
    next_url = synthesis.get_absolute_url() + (f"#{anchor}" if anchor else "")
    return run_posted_form(request, synthesis, detail=synthesis_detail, next_url=next_url, **kwargs)


@login_required
@require_POST
def synthesis_summary(request, pk):
    synthesis = selectors.synthesis_get(user=request.user, pk=pk)
    return _synthesis_posted(
        request,
        synthesis,
        name="summary",
        form=SummaryForm(request.POST),
        permission="accountability.synthesis.edit",
        action=lambda data: services.synthesis_summary_update(
            actor=request.user, synthesis=synthesis, expected_version=data["version"], summary=data["summary"]
        ),
        success=_("The overview has been saved."),
    )


@login_required
@require_POST
def entry_update(request, pk):
    entry = selectors.entry_get(user=request.user, pk=pk)
    synthesis = entry.synthesis

    def action(data):
        services.entry_update(
            actor=request.user,
            entry=entry,
            expected_version=data["version"],
            risks=data["risks"],
            mitigations=data["mitigations"],
            actions=data["actions"],
        )

    return _synthesis_posted(
        request,
        synthesis,
        anchor=f"entry-{entry.pk}",
        name=f"entry-{entry.pk}",
        form=EntryForm(request.POST, prefix=f"e{entry.pk}"),
        permission="accountability.synthesis.edit",
        action=action,
        success=_("The risks, mitigations and actions have been saved."),
    )


@login_required
@require_POST
def recommendation_add(request, pk):
    entry = selectors.entry_get(user=request.user, pk=pk)

    def action(data):
        services.recommendation_add(
            actor=request.user,
            entry=entry,
            recommendation=data["recommendation"],
            recommended_level=data["recommended_level"],
            domain=data["domain"],
            rationale=data["rationale"],
            on=timezone.localdate(),
        )

    return _synthesis_posted(
        request,
        entry.synthesis,
        anchor=f"entry-{entry.pk}",
        name=f"recommendation-{entry.pk}",
        form=RecommendationForm(request.POST, prefix=f"r{entry.pk}"),
        permission="accountability.synthesis.edit",
        action=action,
        success=_("The recommendation has been added."),
    )


@login_required
@require_POST
def recommendation_update(request, pk):
    recommendation = selectors.recommendation_get(user=request.user, pk=pk)

    def action(data):
        services.recommendation_update(
            actor=request.user,
            recommendation=recommendation,
            expected_version=data["version"],
            kind=data["recommendation"],
            recommended_level=data["recommended_level"],
            domain=data["domain"],
            rationale=data["rationale"],
            on=timezone.localdate(),
        )

    return _synthesis_posted(
        request,
        recommendation.entry.synthesis,
        anchor=f"recommendation-{recommendation.pk}",
        name=f"recommendation-edit-{recommendation.pk}",
        form=RecommendationEditForm(request.POST, prefix=f"re{recommendation.pk}"),
        permission="accountability.synthesis.edit",
        action=action,
        success=_("The recommendation has been changed."),
    )


@login_required
@require_POST
def synthesis_signoff(request, pk):
    synthesis = selectors.synthesis_get(user=request.user, pk=pk)
    return _synthesis_posted(
        request,
        synthesis,
        name="signoff",
        form=SummaryForm(request.POST),
        permission="accountability.synthesis.signoff",
        action=lambda data: services.synthesis_sign_off(
            actor=request.user, synthesis=synthesis, expected_version=data["version"], today=timezone.localdate()
        ),
        success=_("The synthesis has been signed off. Its PDF is drafted in the document register for approval."),
    )


@login_required
@require_POST
def recommendation_start(request, pk):
    """Start a draft decision from a signed-off synthesis's recommendation, then go to it."""
    recommendation = selectors.recommendation_get(user=request.user, pk=pk)
    synthesis = recommendation.entry.synthesis
    access.require(request.user, "escalation.draft", recommendation.entry.organisation)
    try:
        decision = services.recommendation_start_decision(
            actor=request.user, recommendation=recommendation, planned_on=timezone.localdate()
        )
    except OversightError as error:
        messages.error(request, error.message)
        return redirect(synthesis.get_absolute_url() + f"#recommendation-{recommendation.pk}")
    messages.success(request, _("A draft decision has been started from the synthesis's recommendation."))
    return redirect(decision)


@login_required
def meeting_synthesis(request, pk):
    """The synthesis that is the paper for a WG–NHS P&I Oversight Meeting: a panel on the
    meeting's page (htmx) and a page. WG and NHS P&I only (anyone else: 404)."""
    selectors.require_synthesis_view(request.user)
    meeting = get_object_or_404(
        access.restrict_meetings(Meeting.objects.select_related("meeting_type"), request.user), pk=pk
    )
    synthesis = selectors.synthesis_for_meeting(user=request.user, meeting=meeting)
    context = {"meeting": meeting, "synthesis": synthesis, "sub": bool(request.htmx)}
    if request.htmx:
        return render(request, "accountability/partials/_meeting_synthesis.html", context)
    return render(request, "accountability/meeting_synthesis.html", context)
