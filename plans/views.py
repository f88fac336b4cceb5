"""The plans pages: an organisation's plans and accountability, a plan with Welsh Government's
response and its conditions, the forms that record them, and the system pages of plan status
and conditions due. Views stay thin: they parse, call a service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations.selectors import organisation_private_get
from oversight import access
from oversight.errors import OversightError
from oversight.exports import FORMATS, Column, export_response
from oversight.forms import add_domain_error, has_conflict
from oversight.views import OversightListView, run_posted_form

from . import flags, rules, selectors, services
from .choices import ConditionStatus, FlagReason, SubmissionStatus
from .filters import ConditionFilter, OverviewForm
from .forms import (
    ConditionForm,
    ConditionStatusForm,
    EvidenceForm,
    OutcomeForm,
    PlanEditForm,
    PlanForm,
    ReceiveForm,
    ResponseForm,
)
from .models import Plan


def _conflict(*forms) -> bool:
    return has_conflict(forms)


def _flag_context(status: selectors.FinanceStatus) -> dict | None:
    if not status.flagged:
        return None
    return {
        "code": status.flag.reason,
        "title": flags.finance_flag_title(status.flag),
        "reason": flags.finance_flag_reason(status.flag),
        "criteria": flags.finance_flag_criteria(),
    }


# --- An organisation's plans ------------------------------------------------------------------


@login_required
def organisation_plans(request, pk):
    """Everything about an organisation's plans and accountability: its plans and the Finance
    flag, Welsh Government's conditions, progress on the Ministerial priorities, the submissions
    its level requires and the break-even duty."""
    organisation = organisation_private_get(user=request.user, pk=pk)
    access.require(request.user, "plans.view", organisation)
    today = timezone.localdate()
    cycles = selectors.cycle_list()
    status = selectors.finance_status(organisation, on=today, cycles=cycles)
    plans = list(selectors.plan_list(user=request.user).filter(organisation=organisation))
    conditions = list(selectors.condition_list(user=request.user).filter(response__plan__organisation=organisation))
    submissions = selectors.organisation_submissions(user=request.user, organisation=organisation, today=today)
    context = {
        "organisation": organisation,
        "today": today,
        "cycle": status.cycle,
        "finance_flag": _flag_context(status),
        "plans": plans,
        "conditions": [(c, rules.condition_overdue(status=c.status, due_on=c.due_on, today=today)) for c in conditions],
        "priorities": selectors.priorities_progress(organisation, cycle=status.cycle),
        "submissions": [row for row in submissions if row.state in ("due", "overdue")],
        "submissions_done": sorted(
            (row for row in submissions if row.state not in ("due", "overdue")),
            key=lambda row: row.submission.due_on,
            reverse=True,
        ),
        "break_even": selectors.break_even(organisation, on=today),
        "can_manage": access.can(request.user, "plans.plan.manage", Plan(organisation=organisation)),
    }
    return render(request, "plans/organisation_plans.html", context)


@login_required
def plan_create(request, pk):
    organisation = organisation_private_get(user=request.user, pk=pk)
    access.require(request.user, "plans.plan.manage", Plan(organisation=organisation))
    today = timezone.localdate()
    current = selectors.current_cycle(today)
    form = PlanForm(request.POST or None, initial={"cycle": current.pk if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_record(actor=request.user, organisation=organisation, today=today, **form.cleaned_data)
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The plan has been recorded."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"organisation": organisation, "form": form, "plan": None})


@login_required
def plan_edit(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk)
    access.require(request.user, "plans.plan.manage", plan)
    if request.method == "POST":
        form = PlanEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version, reason = data.pop("version"), data.pop("reason")
            try:
                services.plan_update(
                    actor=request.user,
                    plan=plan,
                    expected_version=version,
                    changes=data,
                    today=timezone.localdate(),
                    reason=reason,
                )
            except OversightError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The plan has been updated."))
                return redirect(plan)
    else:
        form = PlanEditForm(initial=PlanEditForm.initial_for(plan))
    context = {"organisation": plan.organisation, "form": form, "plan": plan}
    return render(request, "plans/plan_form.html", context, status=409 if _conflict(form) else 200)


def _plan_forms(request, plan) -> dict:
    """The forms for what this user may do next on this plan, empty where they may not."""
    user, today = request.user, timezone.localdate()
    forms = {}
    if access.can(user, "plans.plan.manage", plan):
        forms["outcome"] = OutcomeForm(
            initial={"version": plan.version, "outcome": plan.outcome, "outcome_on": plan.outcome_on or today}
        )
    response = getattr(plan, "response", None)
    if access.can(user, "plans.condition.manage", plan):
        initial = {"issued_on": today}
        if response is not None:
            initial = {"version": response.version, "issued_on": response.issued_on, "summary": response.summary}
        forms["response"] = ResponseForm(initial=initial)
        if response is not None:
            forms["condition"] = ConditionForm(prefix="new")
    return forms


@login_required
def plan_detail(request, pk, failed=None):
    """A plan: its details, the Minister's outcome, Welsh Government's response and the
    conditions with their evidence, what can be done next, and its history."""
    plan = selectors.plan_detail(user=request.user, pk=pk)
    user, today = request.user, timezone.localdate()
    forms = _plan_forms(request, plan)
    response = getattr(plan, "response", None)
    conditions = list(response.conditions.all()) if response is not None else []
    for condition in conditions:
        if access.can(user, "plans.condition.manage", condition):
            forms[f"status-{condition.pk}"] = ConditionStatusForm(
                prefix=f"c{condition.pk}", initial={"version": condition.version, "status": condition.status}
            )
        if access.can(user, "plans.condition.evidence", condition):
            forms[f"evidence-{condition.pk}"] = EvidenceForm(prefix=f"e{condition.pk}")
    forms.update(failed or {})
    rows = [
        {
            "condition": c,
            "overdue": rules.condition_overdue(status=c.status, due_on=c.due_on, today=today),
            "evidence": list(c.evidence.all()),
            "status_form": forms.get(f"status-{c.pk}"),
            "evidence_form": forms.get(f"evidence-{c.pk}"),
        }
        for c in conditions
    ]
    context = {
        "plan": plan,
        "organisation": plan.organisation,
        "response": response,
        "conditions": rows,
        "forms": forms,
        "clears_flag": selectors.plan_facts(plan).clears_flag,
        "history": plan.history.select_related("history_user").order_by("-history_date")[:50],
    }
    status = 409 if _conflict(*(failed or {}).values()) else 200
    return render(request, "plans/plan_detail.html", context, status=status)


def _posted(request, plan, **kwargs):
    """A form posted from the plan's page (``oversight.views.run_posted_form``)."""
    return run_posted_form(request, plan, detail=plan_detail, **kwargs)


@login_required
@require_POST
def plan_outcome(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk)

    def action(data):
        services.plan_record_outcome(
            actor=request.user,
            plan=plan,
            expected_version=data["version"],
            outcome=data["outcome"],
            outcome_on=data["outcome_on"] if data["outcome"] else None,
            today=timezone.localdate(),
        )

    return _posted(
        request,
        plan,
        name="outcome",
        form=OutcomeForm(request.POST),
        permission="plans.plan.manage",
        action=action,
        success=_("The Minister's outcome has been recorded."),
    )


@login_required
@require_POST
def response_record(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk)

    def action(data):
        services.response_record(
            actor=request.user,
            plan=plan,
            issued_on=data["issued_on"],
            summary=data["summary"],
            expected_version=data.get("version"),
            today=timezone.localdate(),
        )

    return _posted(
        request,
        plan,
        name="response",
        form=ResponseForm(request.POST),
        permission="plans.condition.manage",
        action=action,
        success=_("Welsh Government's response has been recorded."),
    )


@login_required
@require_POST
def condition_add(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk)
    response = getattr(plan, "response", None)

    def action(data):
        if response is None:
            raise OversightError(_("Record Welsh Government's response before its conditions."), code="no_response")
        services.condition_add(actor=request.user, response=response, **data)

    return _posted(
        request,
        plan,
        name="condition",
        form=ConditionForm(request.POST, prefix="new"),
        permission="plans.condition.manage",
        action=action,
        success=_("The condition has been added."),
        next_url=plan.get_absolute_url() + "#conditions",
    )


@login_required
@require_POST
def condition_status(request, pk):
    condition = selectors.condition_get(user=request.user, pk=pk)
    plan = condition.response.plan

    def action(data):
        services.condition_set_status(
            actor=request.user,
            condition=condition,
            expected_version=data["version"],
            status=data["status"],
            note=data["note"],
            on=timezone.localdate(),
        )

    return _posted(
        request,
        plan,
        name=f"status-{condition.pk}",
        form=ConditionStatusForm(request.POST, prefix=f"c{condition.pk}"),
        permission="plans.condition.manage",
        permission_object=condition,
        action=action,
        success=_("The condition's status has been updated."),
        next_url=plan.get_absolute_url() + f"#condition-{condition.pk}",
    )


@login_required
@require_POST
def condition_evidence(request, pk):
    """File evidence against a condition: the organisation's own submitters and executives."""
    condition = selectors.condition_get(user=request.user, pk=pk)
    plan = condition.response.plan

    def action(data):
        services.condition_evidence_add(
            actor=request.user, condition=condition, upload=data.get("file"), note=data.get("note", "")
        )

    return _posted(
        request,
        plan,
        name=f"evidence-{condition.pk}",
        form=EvidenceForm(request.POST, request.FILES, prefix=f"e{condition.pk}"),
        permission="plans.condition.evidence",
        permission_object=condition,
        action=action,
        success=_("The evidence has been filed."),
        next_url=plan.get_absolute_url() + f"#condition-{condition.pk}",
    )


# --- Required submissions ---------------------------------------------------------------------


@login_required
def submission_receive(request, pk):
    """Record a required submission as received, with its file."""
    submission = selectors.submission_get(user=request.user, pk=pk)
    access.require(request.user, "plans.submission.receive", submission)
    today = timezone.localdate()
    if request.method == "POST":
        form = ReceiveForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submission_receive(
                    actor=request.user,
                    submission=submission,
                    expected_version=data["version"],
                    received_on=data["received_on"],
                    today=today,
                    upload=data.get("file"),
                    note=data["note"],
                )
            except OversightError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The submission has been recorded as received."))
                return redirect(_organisation_url(submission) + "#submissions")
    else:
        form = ReceiveForm(initial={"version": submission.version, "received_on": today})
    context = {
        "submission": submission,
        "organisation": submission.case.organisation,
        "state": rules.submission_state(status=submission.status, due_on=submission.due_on, today=today),
        "form": form if submission.status == SubmissionStatus.DUE else None,
    }
    return render(request, "plans/submission_receive.html", context, status=409 if _conflict(form) else 200)


def _organisation_url(submission) -> str:
    return reverse("plans:organisation", args=[submission.case.organisation_id])


# --- System pages -----------------------------------------------------------------------------

OVERVIEW_COLUMNS = [
    Column(gettext_lazy("Organisation"), "organisation.code"),
    Column(gettext_lazy("Name"), "organisation.name"),
    Column(gettext_lazy("Latest plan"), lambda row: row.latest.get_plan_type_display() if row.latest else ""),
    Column(gettext_lazy("Submitted on"), lambda row: row.latest.submitted_on if row.latest else None),
    Column(gettext_lazy("Board approved on"), lambda row: row.latest.board_approved_on if row.latest else None),
    Column(gettext_lazy("Financially balanced"), lambda row: row.latest.financially_balanced if row.latest else None),
    Column(gettext_lazy("Minister's outcome"), lambda row: row.latest.get_outcome_display() if row.latest else ""),
    Column(gettext_lazy("Outcome on"), lambda row: row.latest.outcome_on if row.latest else None),
    Column(gettext_lazy("Finance flag"), lambda row: str(FlagReason(row.flag.reason).label) if row.flag else ""),
    Column(gettext_lazy("Open conditions"), "open_conditions"),
    Column(gettext_lazy("Overdue conditions"), "overdue_conditions"),
]


@login_required
def overview(request):
    """Plan status across every organisation the user may see, for a cycle: the latest plan,
    the Minister's outcome, the Finance flag and conditions open and overdue. Filterable, and
    downloadable as CSV or Excel."""
    today = timezone.localdate()
    form = OverviewForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    cycle = data.get("cycle") or selectors.current_cycle(today)
    rows = selectors.plan_overview(user=request.user, cycle=cycle, on=today) if cycle else []
    if data.get("flagged") is not None:
        rows = [row for row in rows if (row.flag is not None) == data["flagged"]]
    if data.get("kind"):
        rows = [row for row in rows if row.organisation.kind == data["kind"]]
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return export_response(rows=rows, columns=OVERVIEW_COLUMNS, filename=f"plans-{cycle}", fmt=fmt)
    query = request.GET.copy()
    query.pop("export", None)
    context = {
        "form": form,
        "cycle": cycle,
        "rows": [(row, FlagReason(row.flag.reason).label if row.flag else "") for row in rows],
        "today": today,
        "filter_query": query.urlencode(),
    }
    return render(request, "plans/overview.html", context)


class ConditionListView(OversightListView):
    """Accountability conditions across every organisation the user may see, soonest due first."""

    filterset_class = ConditionFilter
    template_name = "plans/condition_list.html"
    export_filename = "accountability-conditions"
    export_columns = [
        Column(gettext_lazy("Organisation"), "response.plan.organisation.code"),
        Column(gettext_lazy("Planning cycle"), "response.plan.cycle.code"),
        Column(gettext_lazy("Condition"), "text"),
        Column(gettext_lazy("Pillar"), "pillar.name"),
        Column(gettext_lazy("Owner"), "owner"),
        Column(gettext_lazy("Due on"), "due_on"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(
            gettext_lazy("Overdue"),
            lambda c: rules.condition_overdue(status=c.status, due_on=c.due_on, today=timezone.localdate()),
        ),
        Column(gettext_lazy("Status changed on"), "status_changed_on"),
    ]

    def get_queryset(self):
        return selectors.condition_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = [
            (c, rules.condition_overdue(status=c.status, due_on=c.due_on, today=today)) for c in context["object_list"]
        ]
        context["open_status"] = ConditionStatus.OPEN
        return context
