from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations.choices import OrganisationKind
from organisations.models import Region
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight import access, charts, i18n
from oversight.errors import OversightError
from oversight.exports import Column
from oversight.forms import VersionedForm, add_domain_error
from oversight.models import SensitiveRead
from oversight.selectors import attachments_for
from oversight.services import record_sensitive_list, record_sensitive_reads
from oversight.views import OversightListView
from oversight.views import run_posted_form as _act

from . import flags, rules, selectors, services
from .choices import Authority, CasePhase, DecisionStatus, Level
from .filters import (
    CaseFilter,
    ConcernFilter,
    DecisionFilter,
    IntelligenceFilter,
    RequestFilter,
    TripartiteRoundFilter,
)
from .forms import (
    CaseCloseForm,
    ConcernRaiseForm,
    ConcernTriageForm,
    CriterionForm,
    CriterionStatusForm,
    DecisionDecideForm,
    DecisionDraftForm,
    DecisionNotifyForm,
    DecisionRecommendForm,
    DecisionWithdrawForm,
    EvidenceForm,
    IntelligenceForm,
    InterventionForm,
    MaturityScoreForm,
    MilestoneForm,
    RequestAnswerForm,
    RequestSendForm,
    SupportPlanForm,
    TripartiteRoundForm,
    TripartiteViewForm,
)
from .models import DeescalationCriterion, Domain, Era, EscalationDecision, IntelligenceItem, TripartiteView


def _parse_date(value: str | None, default: date) -> tuple[date, str]:
    """A date from the query string, or the default with an error message a person can act on."""
    if not value:
        return default, ""
    try:
        return date.fromisoformat(value), ""
    except ValueError:
        return default, _("“%(value)s” is not a date. Enter a date like 2021-06-30.") % {"value": value}


@login_required
def overview(request):
    """The system overview: every organisation's levels by domain or pillar, as at a date."""
    today = timezone.localdate()
    on, date_error = _parse_date(request.GET.get("as_at"), today)
    try:
        default_era = selectors.era_on(on)
    except ValueError:
        default_era = Era.objects.order_by("starts_on").first()
        date_error = _("No escalation arrangements are recorded for that date; showing the earliest.")
    eras = list(Era.objects.order_by("starts_on"))
    era = next((e for e in eras if e.code == request.GET.get("era")), default_era)
    if era is None:
        raise Http404("No escalation frameworks are loaded: run `manage.py seed_reference`.")
    region, kind = request.GET.get("region", ""), request.GET.get("kind", "")
    domains, rows = selectors.system_overview(user=request.user, on=on, era=era, region=region, kind=kind)
    context = {
        "on": on,
        "today": today,
        "date_error": date_error,
        "era": era,
        "eras": eras,
        "domains": domains,
        "rows": rows,
        "regions": Region.objects.order_by("name"),
        "kinds": [(k, label) for k, label in OrganisationKind.choices if k in LEVEL_HOLDING_KINDS],
        "region": region,
        "kind": kind,
        "levels": Level.choices,
    }
    return render(request, "escalation/overview.html", context)


class DecisionListView(OversightListView):
    filterset_class = DecisionFilter
    template_name = "escalation/decision_list.html"
    export_filename = "escalation-decisions"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Scope"), "scope_label"),
        Column(gettext_lazy("From level"), "from_level"),
        Column(gettext_lazy("To level"), "to_level"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Era"), "era.name"),
        Column(gettext_lazy("Decided on"), "decided_on"),
        Column(gettext_lazy("Effective from"), "effective_from"),
        Column(gettext_lazy("Notified on"), "notified_on"),
        Column(gettext_lazy("Decided by"), "get_authority_display"),
        Column(gettext_lazy("Rationale"), "rationale"),
        Column(gettext_lazy("Superseded by"), lambda d: getattr(getattr(d, "superseded_by", None), "pk", "")),
    ]

    def get_queryset(self):
        return selectors.decision_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_draft=access.can(self.request.user, "escalation.draft"), **kwargs)


@login_required
def decision_create(request):
    access.require(request.user, "escalation.draft")
    today = timezone.localdate()
    planned = request.POST.get("planned_on") or request.GET.get("planned_on")
    on, _error = _parse_date(planned, today)
    try:
        era = selectors.era_on(on)
    except ValueError:
        era = selectors.era_on(today)
    initial = {"planned_on": today}
    if request.GET.get("organisation"):
        initial["organisation"] = request.GET["organisation"]
    form = DecisionDraftForm(request.POST or None, era=era, initial=initial)
    preview = _preview(form, on=on)  # before a refusal is added to the form's errors
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_draft(
                actor=request.user,
                organisation=data["organisation"],
                scope=services.Scope(data["scope_kind"], data["domain"], data["service_name"]),
                to_level=data["to_level"],
                rationale=data["rationale"],
                evidence=data["evidence"],
                planned_on=data["planned_on"],
                effective_from=data["effective_from"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The draft decision has been saved."))
            return redirect("escalation:decision-detail", pk=decision.pk)
    context = {
        "form": form,
        "era": era,
        "authorities": era.authorities.order_by("level"),
        "level_descriptions": [selectors.level_description(level=level, on=on) for level, _label in Level.choices],
        "preview": preview,
        "decision_support": _decision_support(request.user, form, on=on),
        "flags": _form_flags(request.user, form, on=on),
    }
    return render(request, "escalation/decision_form.html", context)


def _preview(form: DecisionDraftForm, *, on: date):
    """The preview for what the form holds so far: needs an organisation and a level, and the
    domain or service when the scope asks for one. None until then."""
    if form.is_bound:
        form.is_valid()  # rationale may still be empty; the fields that validated are enough
        data = getattr(form, "cleaned_data", {})
    else:
        data = {}
    organisation, to_level = data.get("organisation"), data.get("to_level")
    scope_kind = data.get("scope_kind")
    if organisation is None or to_level is None or not scope_kind:
        return None
    scope = services.Scope(scope_kind, data.get("domain"), data.get("service_name") or "")
    if (scope_kind == "domain" and scope.domain is None) or (scope_kind == "service" and not scope.service_name):
        return None
    try:
        return selectors.decision_preview(
            organisation=organisation,
            scope_kind=scope_kind,
            scope_key_value=scope.key,
            domain=scope.domain,
            to_level=to_level,
            on=data.get("planned_on") or on,
        )
    except ValueError:  # no era on that date
        return None


@login_required
def decision_preview(request):
    """The decision form's live panel (htmx): the move, the rule that would refuse it, who
    decides, what the level means and, for a pillar, the leadership context."""
    access.require(request.user, "escalation.draft")
    today = timezone.localdate()
    on, _error = _parse_date(request.GET.get("planned_on"), today)
    try:
        era = selectors.era_on(on)
    except ValueError:
        era, on = selectors.era_on(today), today
    form = DecisionDraftForm(request.GET, era=era)
    context = {
        "preview": _preview(form, on=on),
        "decision_support": _decision_support(request.user, form, on=on),
        "flags": _form_flags(request.user, form, on=on),
    }
    return render(request, "escalation/partials/_decision_preview.html", context)


def _decision_support(user, form: DecisionDraftForm, *, on: date):
    """The suggested levels from released data for the organisation and scope the form holds
    so far (a 2026 pillar: that pillar's; the whole organisation: every pillar's). Advisory,
    and only for those who may see it; None otherwise, or for any other scope.

    The one place escalation reaches up into reporting: imported here, in the view, so that
    escalation's models, rules and services never depend on reporting (docs/decisions.md,
    "Decision support beside the decision form")."""
    if not access.can(user, "reporting.suggestions.view"):
        return None
    if form.is_bound:
        form.is_valid()
    data = getattr(form, "cleaned_data", {})
    organisation, scope_kind, domain = data.get("organisation"), data.get("scope_kind"), data.get("domain")
    if organisation is None:
        return None
    from reporting import decision_support

    if scope_kind == "organisation":
        pillars = None
    elif scope_kind == "domain" and domain is not None and domain.era.code == "2026":
        pillar = decision_support.pillar_for_domain(domain.code)
        if pillar is None:
            return None
        pillars = [pillar]
    else:
        return None
    return {
        "organisation": organisation,
        "suggestions": decision_support.suggestions(organisation, pillars=pillars, on=data.get("planned_on") or on),
    }


def _form_flags(user, form: DecisionDraftForm, *, on: date) -> list:
    """The flags higher apps raise on the organisation the form holds so far (``escalation.flags``:
    the Finance flag of a missing approved plan, open accountability conditions), as the user
    may see them; none until an organisation is chosen."""
    if form.is_bound:
        form.is_valid()
        organisation = getattr(form, "cleaned_data", {}).get("organisation")
    else:
        chosen = str(form.initial.get("organisation") or "")
        queryset = form.fields["organisation"].queryset
        organisation = queryset.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    return flags.flags_for(organisation, user=user, on=on) if organisation is not None else []


def _decision(request, pk) -> EscalationDecision:
    return access.get_visible_or_404(selectors.decision_list(user=request.user), request.user, pk=pk)


def _action_forms(request, decision) -> dict:
    """The forms for what this user may do next to this decision, empty where they may not."""
    user, today, version = request.user, timezone.localdate(), decision.version
    open_ = decision.status in (DecisionStatus.DRAFT, DecisionStatus.RECOMMENDED)
    forms = {}
    if decision.status == DecisionStatus.DRAFT and access.can(user, "escalation.recommend", decision):
        forms["recommend"] = DecisionRecommendForm(initial={"version": version})
    if open_ and access.can(user, "escalation.decide", decision):
        forms["decide"] = DecisionDecideForm(initial={"version": version, "decided_on": today})
    if open_ and access.can(user, "escalation.recommend", decision):
        forms["withdraw"] = DecisionWithdrawForm(initial={"version": version})
    if (
        decision.status == DecisionStatus.DECIDED
        and not decision.notified_on
        and access.can(user, "escalation.notify", decision)
    ):
        forms["notify"] = DecisionNotifyForm(initial={"version": version, "notified_on": today})
    return forms


@login_required
def decision_detail(request, pk, failed=None):
    """A decision, what it means, who decides it, its history and what can be done next.

    ``failed`` is a submitted form that was refused: it is shown again, with its errors and
    what the user typed, in place of the blank one."""
    decision = _decision(request, pk)
    today = timezone.localdate()
    forms = _action_forms(request, decision)
    if failed:
        forms.update(failed)
    era = decision.era.as_rules()
    authority = rules.required_authority(from_level=decision.from_level, to_level=decision.to_level, era=era)
    decided = decision.status == DecisionStatus.DECIDED
    context = {
        "decision": decision,
        "level_description": selectors.level_description(level=decision.to_level, on=decision.decided_on or today),
        "authority": dict(Authority.choices).get(authority, authority),
        "notification_overdue": decided
        and rules.notification_overdue(decided_on=decision.decided_on, notified_on=decision.notified_on, today=today),
        "criteria_due": rules.criteria_agreement_due(decision.decided_on) if decided else None,
        "history": decision.history.select_related("history_user").order_by("-history_date")[:50],
        "forms": forms,
        "leadership": selectors.leadership_context(user=request.user, decision=decision),
        # Flags that plans raises (escalation.flags), while the decision is still to be made.
        "flags": flags.flags_for(decision.organisation, user=request.user, on=today)
        if decision.status in (DecisionStatus.DRAFT, DecisionStatus.RECOMMENDED)
        else [],
        # Making it public is the reporting app's page (reached by its URL; no import upward).
        "can_publish": decided and access.can(request.user, "reporting.publication.publish", decision),
    }
    return render(request, "escalation/decision_detail.html", context)


@login_required
@require_POST
def decision_recommend(request, pk):
    decision = _decision(request, pk)

    def action(data):
        services.decision_recommend(
            actor=request.user, decision=decision, expected_version=data["version"], on=timezone.localdate()
        )

    return _act(
        request,
        decision,
        name="recommend",
        form=DecisionRecommendForm(request.POST),
        permission="escalation.recommend",
        action=action,
        success=_("The decision has been recommended."),
        detail=decision_detail,
    )


@login_required
@require_POST
def decision_decide(request, pk):
    decision = _decision(request, pk)

    def action(data):
        services.decision_decide(
            actor=request.user,
            decision=decision,
            expected_version=data["version"],
            decided_on=data["decided_on"],
            effective_from=data["effective_from"],
            minister_decided_on=data["minister_decided_on"],
            notified_on=data["notified_on"],
            override_rationale=data["override_rationale"],
        )

    return _act(
        request,
        decision,
        name="decide",
        form=DecisionDecideForm(request.POST),
        permission="escalation.decide",
        action=action,
        success=_("The decision has been recorded."),
        detail=decision_detail,
    )


@login_required
@require_POST
def decision_notify(request, pk):
    decision = _decision(request, pk)

    def action(data):
        services.decision_record_notification(
            actor=request.user, decision=decision, expected_version=data["version"], notified_on=data["notified_on"]
        )

    return _act(
        request,
        decision,
        name="notify",
        form=DecisionNotifyForm(request.POST),
        permission="escalation.notify",
        action=action,
        success=_("The notification has been recorded."),
        detail=decision_detail,
    )


@login_required
@require_POST
def decision_withdraw(request, pk):
    decision = _decision(request, pk)

    def action(data):
        services.decision_withdraw(
            actor=request.user, decision=decision, expected_version=data["version"], reason=data["reason"]
        )

    return _act(
        request,
        decision,
        name="withdraw",
        form=DecisionWithdrawForm(request.POST),
        permission="escalation.recommend",
        action=action,
        success=_("The decision has been withdrawn."),
        detail=decision_detail,
    )


# --- Cases ------------------------------------------------------------------------------------


class CaseListView(OversightListView):
    filterset_class = CaseFilter
    template_name = "escalation/case_list.html"
    export_filename = "escalation-cases"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Scope"), "scope_label"),
        Column(gettext_lazy("Phase"), "get_phase_display"),
        Column(gettext_lazy("Opened on"), "opened_on"),
        Column(gettext_lazy("Improvement expected by"), "improvement_due_on"),
        Column(gettext_lazy("Closed on"), "closed_on"),
        Column(gettext_lazy("Why it was opened"), "opening_reason"),
    ]

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)


@login_required
def case_detail(request, pk, failed=None):
    """Everything about one case: its decisions, criteria with their deadlines, concerns,
    requests, support and history."""
    case = selectors.case_detail(user=request.user, pk=pk)
    today = timezone.localdate()
    decisions = list(case.decisions.all())
    decided = [d for d in decisions if d.status == DecisionStatus.DECIDED]
    criteria = list(case.criteria.all())
    latest = decided[-1] if decided else None
    forms = {}
    if access.can(request.user, "escalation.criteria.manage", case) and case.phase != CasePhase.CLOSED:
        forms["criterion"] = CriterionForm()
    level = selectors.level_of(organisation_id=case.organisation_id, scope_key=case.scope_key, on=today)
    if access.can(request.user, "escalation.case.close", case) and case.phase != CasePhase.CLOSED and level == 1:
        forms["close"] = CaseCloseForm(initial={"version": case.version})
    open_case = case.phase != CasePhase.CLOSED
    for criterion in criteria:
        if open_case and access.can(request.user, "escalation.criteria.manage", criterion):
            forms[f"status-{criterion.pk}"] = CriterionStatusForm(
                prefix=f"c{criterion.pk}",
                initial={"version": criterion.version, "status": criterion.status},
                bound_to_measure=criterion.is_bound,
            )
        if access.can(request.user, "escalation.criteria.evidence", criterion):
            forms[f"evidence-{criterion.pk}"] = EvidenceForm(prefix=f"e{criterion.pk}")
    forms.update(_binding_forms(request.user, criteria, case_phase=case.phase, on=today))
    forms.update(failed or {})
    evidence = attachments_for(criteria, user=request.user)
    rows = [
        (
            c,
            evidence[str(c.pk)],
            forms.get(f"status-{c.pk}"),
            forms.get(f"evidence-{c.pk}"),
            _computed(c),
            {"form": forms.get(f"binding-{c.pk}"), "remove": forms.get(f"unbind-{c.pk}")},
        )
        for c in criteria
    ]
    manages_support = open_case and access.can(request.user, "escalation.support.manage", case)
    if manages_support:
        forms.setdefault("plan", SupportPlanForm(prefix="plan", initial={"started_on": today}))
    plans = []
    for plan in case.support_plans.all():
        matrix = selectors.maturity_matrix(plan=plan)
        plan_forms = {}
        if manages_support:
            plan_forms = {
                "intervention": forms.get(f"intervention-{plan.pk}")
                or InterventionForm(prefix=f"i{plan.pk}", initial={"starts_on": today}),
                "milestone": forms.get(f"milestone-{plan.pk}") or MilestoneForm(prefix=f"m{plan.pk}"),
                "score": forms.get(f"score-{plan.pk}")
                or MaturityScoreForm(prefix=f"s{plan.pk}", initial={"assessed_on": today}),
            }
        plans.append((plan, matrix, _maturity_chart(plan, matrix), plan_forms))
    context = {
        "case": case,
        "level": level,
        "decisions": decisions,
        "criteria": rows,
        "criteria_due": rules.criteria_agreement_due(latest.decided_on) if latest else None,
        "criteria_overdue": bool(latest)
        and rules.criteria_overdue(
            decided_on=latest.decided_on, criteria=[(c.status, c.agreed_on) for c in criteria], today=today
        ),
        "requests": [
            (r, rules.request_overdue(due_on=r.due_on, responded_on=r.responded_on, today=today))
            for r in case.requests.all()
        ],
        "concerns": case.concerns.all(),
        "plans": plans,
        "history": case.history.select_related("history_user").order_by("-history_date")[:50],
        "forms": forms,
        "can_send_request": open_case and access.can(request.user, "escalation.request.send", case),
    }
    return render(request, "escalation/case_detail.html", context)


def _binding_forms(user, criteria: list[DeescalationCriterion], *, case_phase: str, on: date) -> dict:
    """The forms that bind criteria to measures, change or remove their bindings, for those who
    may (``reporting.criteria.bind``: NHS P&I analysts); none for anyone else.

    Built by reporting and imported here, in the view, as decision support is: escalation's
    models, rules and services never depend on reporting (docs/decisions.md, "Decision support
    beside the decision form")."""
    if not any(access.can(user, "reporting.criteria.bind", criterion) for criterion in criteria):
        return {}
    from reporting.views.bindings import case_page_forms

    return case_page_forms(user, criteria, case_phase=case_phase, on=on)


def _computed(criterion: DeescalationCriterion) -> dict | None:
    """What the case page shows of a bound criterion's computed status: the binding in words,
    the months tested with their released values, and whether an override disagrees."""
    if not criterion.is_bound:
        return None
    evidence = criterion.computed_evidence or {}
    measure = evidence.get("measure") or {}
    months = []
    for row in evidence.get("months") or []:
        try:
            period = date.fromisoformat(row.get("period", ""))
        except (TypeError, ValueError):
            continue
        months.append({"period": period, "value": row.get("value"), "meets": row.get("meets")})
    return {
        "measure_code": measure.get("code", ""),
        "measure_name": i18n.pick(measure.get("name", ""), measure.get("name_cy", "")),
        "operator": evidence.get("operator", ""),
        "threshold": evidence.get("threshold", ""),
        "months_required": evidence.get("months_required"),
        "months": months,
        "disagrees": rules.criterion_status_disagrees(
            status=criterion.status, computed_status=criterion.computed_status
        ),
    }


@login_required
@require_POST
def case_criterion_add(request, pk):
    case = selectors.case_detail(user=request.user, pk=pk)

    def action(data):
        services.criterion_propose(actor=request.user, case=case, text=data["text"], owner=data["owner"])

    return _act(
        request,
        case,
        name="criterion",
        form=CriterionForm(request.POST),
        permission="escalation.criteria.manage",
        action=action,
        success=_("The criterion has been added."),
        detail=case_detail,
    )


def _criterion(request, pk) -> DeescalationCriterion:
    criterion = get_object_or_404(selectors.criterion_list(user=request.user), pk=pk)
    if criterion.case_id is None:
        raise Http404("This criterion belongs to no case.")
    return criterion


@login_required
@require_POST
def criterion_status(request, pk):
    """Move a criterion on. Its case may close itself when every criterion is sustained."""
    criterion = _criterion(request, pk)
    form = CriterionStatusForm(request.POST, prefix=f"c{criterion.pk}", bound_to_measure=criterion.is_bound)

    def action(data):
        services.criterion_set_status(
            actor=request.user,
            criterion=criterion,
            expected_version=data["version"],
            status=data["status"],
            on=timezone.localdate(),
            override_reason=data.get("override_reason", ""),
        )

    return _act(
        request,
        criterion.case,
        name=f"status-{criterion.pk}",
        form=form,
        permission="escalation.criteria.manage",
        permission_object=criterion,
        action=action,
        success=_("The criterion’s status has been updated."),
        detail=case_detail,
    )


@login_required
@require_POST
def criterion_evidence(request, pk):
    """File evidence against a criterion: WG, NHS P&I or the organisation's own staff."""
    criterion = _criterion(request, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"e{criterion.pk}")

    def action(data):
        services.criterion_evidence_add(actor=request.user, criterion=criterion, upload=data["file"], note=data["note"])

    return _act(
        request,
        criterion.case,
        name=f"evidence-{criterion.pk}",
        form=form,
        permission="escalation.criteria.evidence",
        permission_object=criterion,
        action=action,
        success=_("The evidence has been filed."),
        detail=case_detail,
    )


@login_required
@require_POST
def support_plan_create(request, pk):
    case = selectors.case_detail(user=request.user, pk=pk)
    form = SupportPlanForm(request.POST, prefix="plan")

    def action(data):
        services.support_plan_create(actor=request.user, case=case, **data)

    return _act(
        request,
        case,
        name="plan",
        form=form,
        permission="escalation.support.manage",
        action=action,
        success=_("The plan has been started."),
        detail=case_detail,
    )


def _plan(request, pk):
    return get_object_or_404(selectors.support_plan_list(user=request.user), pk=pk)


def _plan_action(request, pk, *, name, prefix, form_class, service, success):
    """Add to a plan from the case page: an intervention, a milestone or a maturity score."""
    plan = _plan(request, pk)
    form = form_class(request.POST, prefix=f"{prefix}{plan.pk}")
    return _act(
        request,
        plan.case,
        name=f"{name}-{plan.pk}",
        form=form,
        permission="escalation.support.manage",
        permission_object=plan,
        action=lambda data: service(actor=request.user, plan=plan, **data),
        success=success,
        detail=case_detail,
    )


@login_required
@require_POST
def plan_intervention_add(request, pk):
    return _plan_action(
        request,
        pk,
        name="intervention",
        prefix="i",
        form_class=InterventionForm,
        service=services.intervention_add,
        success=_("The intervention has been added."),
    )


@login_required
@require_POST
def plan_milestone_add(request, pk):
    return _plan_action(
        request,
        pk,
        name="milestone",
        prefix="m",
        form_class=MilestoneForm,
        service=services.milestone_add,
        success=_("The milestone has been added."),
    )


@login_required
@require_POST
def plan_score_record(request, pk):
    return _plan_action(
        request,
        pk,
        name="score",
        prefix="s",
        form_class=MaturityScoreForm,
        service=services.maturity_score_record,
        success=_("The maturity score has been recorded."),
    )


@login_required
@require_POST
def case_close(request, pk):
    case = selectors.case_detail(user=request.user, pk=pk)

    def action(data):
        services.case_close(
            actor=request.user,
            case=case,
            expected_version=data["version"],
            reason=data["reason"],
            on=timezone.localdate(),
        )

    return _act(
        request,
        case,
        name="close",
        form=CaseCloseForm(request.POST),
        permission="escalation.case.close",
        action=action,
        success=_("The case has been closed."),
        detail=case_detail,
    )


@login_required
def organisation_escalation(request, pk):
    """An organisation's escalation: levels by scope, the decision timeline, open cases and
    requests due. Also served as a panel on the organisation's page (htmx)."""
    from organisations.selectors import organisation_private_get

    organisation = organisation_private_get(user=request.user, pk=pk)
    today = timezone.localdate()
    data = selectors.organisation_escalation(user=request.user, organisation=organisation, on=today)
    context = {
        "organisation": organisation,
        "data": data,
        "today": today,
        "levels": Level.choices,
        "flags": flags.flags_for(organisation, user=request.user, on=today),
    }
    if request.htmx:
        return render(request, "escalation/partials/_organisation_escalation.html", context)
    context["full_page"] = True
    context["timeline_chart"] = _timeline_chart(organisation, data.decisions, today)
    return render(request, "escalation/organisation_escalation.html", context)


def _timeline_chart(organisation, decisions, today) -> str:
    """The decision timeline as steps, one line per scope: a picture of the table below it."""
    if not decisions:
        return ""
    scopes: dict[str, tuple[str, list]] = {}
    for decision in decisions:
        scopes.setdefault(decision.scope_key, (decision.scope_label, []))[1].append(
            (decision.effective_from, decision.to_level)
        )
    return charts.step_chart(
        [charts.Series(label, points) for label, points in scopes.values()],
        title=_("Escalation levels of %(name)s over time") % {"name": organisation.display_name},
        description=_("One line for each scope, stepping at each decision; the table below lists every decision."),
        until=charts.pad_until(decisions[-1].effective_from, today),
        y_label=_("Level"),
    )


def _maturity_chart(plan, matrix) -> str:
    if not matrix.rows or not matrix.dates:
        return ""
    return charts.line_chart(
        [charts.Series(name, list(zip(matrix.dates, scores, strict=True))) for name, scores in matrix.rows],
        title=_("Maturity scores: %(plan)s") % {"plan": plan.get_kind_display()},
        description=_("Each area's score from 1 to 5 at each assessment; the table below gives the same scores."),
        y_values=(1, 2, 3, 4, 5),
        y_label=_("Score"),
    )


# --- Concerns and requests --------------------------------------------------------------------


class ConcernListView(OversightListView):
    """Concerns, newest first: the triage queue for WG and NHS P&I."""

    filterset_class = ConcernFilter
    template_name = "escalation/concern_list.html"
    export_filename = "concerns"
    export_columns = [
        Column(gettext_lazy("Raised on"), "raised_on"),
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Raised by"), "get_source_display"),
        Column(gettext_lazy("Severity"), "get_severity_display"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Description"), "description"),
    ]

    def get_queryset(self):
        return selectors.concern_list(user=self.request.user)


@login_required
def concern_raise(request):
    """Raise a concern. An organisation's own staff raise concerns about it: a self-referral."""
    from organisations.models import Organisation

    organisations = access.permitted(
        Organisation.objects.filter(statutory=True, active=True).order_by("name"),
        request.user,
        "escalation.concern.raise",
    )
    if not organisations.exists():
        access.require(request.user, "escalation.concern.raise", None)
    only = list(organisations[:2])
    initial = {"organisation": only[0].pk} if len(only) == 1 else {}
    today = timezone.localdate()
    form = ConcernRaiseForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        era=selectors.era_on(today),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                description=data["description"],
                domain=data["domain"],
                severity=data["severity"],
                on=today,
                upload=data["file"],
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The concern has been raised."))
            return redirect(concern)
    return render(request, "escalation/concern_form.html", {"form": form})


def _concern(request, pk):
    return get_object_or_404(selectors.concern_list(user=request.user), pk=pk)


def _open_cases_of(concern):
    from .models import EscalationCase

    return EscalationCase.objects.filter(organisation_id=concern.organisation_id).exclude(phase=CasePhase.CLOSED)


@login_required
def concern_detail(request, pk, failed=None):
    """A concern: what was raised, by whom, its evidence and its triage."""
    concern = _concern(request, pk)
    forms = {}
    if concern.status in ("open", "triaged") and access.can(request.user, "escalation.concern.triage", concern):
        forms["triage"] = ConcernTriageForm(initial={"version": concern.version}, cases=_open_cases_of(concern))
    forms.update(failed or {})
    context = {
        "concern": concern,
        "files": attachments_for([concern], user=request.user)[str(concern.pk)],
        "forms": forms,
        "history": concern.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "escalation/concern_detail.html", context)


@login_required
@require_POST
def concern_triage(request, pk):
    concern = _concern(request, pk)
    form = ConcernTriageForm(request.POST, cases=_open_cases_of(concern))

    def action(data):
        services.concern_triage(
            actor=request.user,
            concern=concern,
            expected_version=data["version"],
            case=data["case"],
            close_reason=data["close_reason"],
        )

    return _act(
        request,
        concern,
        name="triage",
        form=form,
        permission="escalation.concern.triage",
        action=action,
        success=_("The concern has been triaged."),
        detail=concern_detail,
    )


class RequestListView(OversightListView):
    filterset_class = RequestFilter
    template_name = "escalation/request_list.html"
    export_filename = "requests-for-information"
    export_columns = [
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("Addressed to"), "addressee"),
        Column(gettext_lazy("Question"), "question"),
        Column(gettext_lazy("Sent on"), "sent_on"),
        Column(gettext_lazy("Due on"), "due_on"),
        Column(gettext_lazy("Answered on"), "responded_on"),
    ]

    def get_queryset(self):
        return selectors.request_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_send"] = access.can(self.request.user, "escalation.request.send")
        today = timezone.localdate()
        context["rows"] = [
            (r, rules.request_overdue(due_on=r.due_on, responded_on=r.responded_on, today=today))
            for r in context["object_list"]
        ]
        return context


def _information_request(request, pk):
    return get_object_or_404(selectors.request_list(user=request.user), pk=pk)


@login_required
def request_detail(request, pk, failed=None):
    """A request for information: the question, when it is due, the answer and its files."""
    information_request = _information_request(request, pk)
    forms = {}
    if not information_request.responded_on and access.can(
        request.user, "escalation.request.answer", information_request
    ):
        forms["answer"] = RequestAnswerForm(initial={"version": information_request.version})
    forms.update(failed or {})
    context = {
        "information_request": information_request,
        "overdue": rules.request_overdue(
            due_on=information_request.due_on,
            responded_on=information_request.responded_on,
            today=timezone.localdate(),
        ),
        "files": attachments_for([information_request], user=request.user)[str(information_request.pk)],
        "forms": forms,
        "history": information_request.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "escalation/request_detail.html", context)


@login_required
@require_POST
def request_answer(request, pk):
    information_request = _information_request(request, pk)
    form = RequestAnswerForm(request.POST, request.FILES)

    def action(data):
        services.request_answer(
            actor=request.user,
            request=information_request,
            expected_version=data["version"],
            response=data["response"],
            on=timezone.localdate(),
            upload=data["file"],
        )

    return _act(
        request,
        information_request,
        name="answer",
        form=form,
        permission="escalation.request.answer",
        action=action,
        success=_("The response has been recorded."),
        detail=request_detail,
    )


@login_required
def request_send(request):
    """Send a request for information, about a case when it comes from one (``?case=``)."""
    access.require(request.user, "escalation.request.send")
    case = None
    case_id = request.POST.get("case") or request.GET.get("case")
    if case_id and str(case_id).isdigit():
        case = selectors.case_detail(user=request.user, pk=int(case_id))
    initial = {"organisation": case.organisation_id} if case else {}
    form = RequestSendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.request_send(
                actor=request.user,
                organisation=data["organisation"],
                question=data["question"],
                addressee=data["addressee"],
                sent_on=timezone.localdate(),
                due_on=data["due_on"],
                case=case if case and case.organisation_id == data["organisation"].pk else None,
            )
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The request has been sent."))
            return redirect(sent)
    return render(request, "escalation/request_form.html", {"form": form, "case": case})


# --- Intelligence -----------------------------------------------------------------------------

# How the access log names what a list page or export showed (stored as written, in English).
INTELLIGENCE_NOUN = "Intelligence items"


class IntelligenceListView(OversightListView):
    """Tripartite intelligence: what the user may see under the access policy."""

    filterset_class = IntelligenceFilter
    template_name = "escalation/intelligence_list.html"
    export_filename = "intelligence"
    export_columns = [
        Column(gettext_lazy("Date"), "dated"),
        Column(gettext_lazy("Organisation"), "organisation.code"),
        Column(gettext_lazy("From"), "body.code"),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("RAG"), "get_rag_display"),
        Column(gettext_lazy("Summary"), "summary"),
        Column(gettext_lazy("Shared with the partners"), "shared_with_partners"),
    ]

    def get_queryset(self):
        return selectors.intelligence_list(user=self.request.user)

    def exported(self, rows) -> None:
        record_sensitive_list(
            self.request,
            rows,
            kind=SensitiveRead.Kind.INTELLIGENCE,
            action=SensitiveRead.Action.DOWNLOADED,
            noun=INTELLIGENCE_NOUN,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The list shows each item's summary: the page is a read of every item on it.
        record_sensitive_list(
            self.request,
            context["object_list"],
            kind=SensitiveRead.Kind.INTELLIGENCE,
            action=SensitiveRead.Action.VIEWED,
            noun=INTELLIGENCE_NOUN,
        )
        context["can_add"] = _bodies_for(user).exists()
        context["share_forms"] = {
            item.pk: VersionedForm(initial={"version": item.version})
            for item in context["object_list"]
            if not item.shared_with_partners and access.can(user, "escalation.intelligence.share", item)
        }
        return context


def _bodies_for(user):
    """The bodies whose intelligence this user may record (policy: escalation.intelligence.add)."""
    from organisations.models import Organisation

    bodies = Organisation.objects.filter(
        kind__in=("government", "national_body", "inspectorate", "auditor", "citizen_voice")
    ).order_by("name")
    return bodies.filter(
        pk__in=[b.pk for b in bodies if access.can(user, "escalation.intelligence.add", IntelligenceItem(body=b))]
    )


@login_required
def intelligence_add(request):
    bodies = _bodies_for(request.user)
    if not bodies.exists():
        access.require(request.user, "escalation.intelligence.add", IntelligenceItem())
    form = IntelligenceForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            services.intelligence_add(actor=request.user, **form.cleaned_data)
        except OversightError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The intelligence has been recorded."))
            return redirect("escalation:intelligence-list")
    return render(request, "escalation/intelligence_form.html", {"form": form})


@login_required
@require_POST
def intelligence_share(request, pk):
    item = get_object_or_404(selectors.intelligence_list(user=request.user), pk=pk)
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: nothing was shared. Try again."))
        return redirect("escalation:intelligence-list")
    services.intelligence_share(actor=request.user, item=item, expected_version=form.cleaned_data["version"])
    messages.success(request, _("The intelligence has been shared with the tripartite partners."))
    return redirect("escalation:intelligence-list")


# --- Tripartite rounds ------------------------------------------------------------------------


class TripartiteRoundListView(OversightListView):
    """Tripartite rounds: WG, HIW and Audit Wales's shared view of each organisation and their
    recommendations [002 §37]. Partners see the rounds their body took part in."""

    filterset_class = TripartiteRoundFilter
    template_name = "escalation/tripartite_list.html"
    export_filename = "tripartite-rounds"
    export_columns = [
        Column(gettext_lazy("Held on"), "held_on"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Bodies taking part"), lambda r: ", ".join(p.code for p in r.participants.all())),
        Column(gettext_lazy("Recommendations"), lambda r: len(r.views.all())),
    ]

    def get_queryset(self):
        return selectors.tripartite_round_list(user=self.request.user).prefetch_related("views").order_by("-held_on")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=access.can(self.request.user, "escalation.tripartite.manage"), **kwargs
        )


@login_required
def tripartite_round_create(request):
    access.require(request.user, "escalation.tripartite.manage")
    form = TripartiteRoundForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        round_ = services.tripartite_round_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The round has been recorded. Add the partners' view of each organisation."))
        return redirect(round_)
    return render(request, "escalation/tripartite_form.html", {"form": form})


def _round(request, pk):
    return get_object_or_404(selectors.tripartite_round_list(user=request.user), pk=pk)


@login_required
def tripartite_round_detail(request, pk, failed=None):
    round_ = _round(request, pk)
    forms = {}
    if access.can(request.user, "escalation.tripartite.manage"):
        forms["view"] = TripartiteViewForm(era=_era_on_or_first(round_.held_on))
    forms.update(failed or {})
    views = list(round_.views.select_related("organisation", "domain", "decision").order_by("organisation__name"))
    # The partners' shared view of each organisation is intelligence: one log entry per organisation.
    record_sensitive_reads(
        request,
        reads=[(round_, view.organisation_id, f"Tripartite round: {round_}") for view in views],
        kind=SensitiveRead.Kind.INTELLIGENCE,
        action=SensitiveRead.Action.VIEWED,
    )
    can_draft = access.can(request.user, "escalation.draft")
    context = {
        "round": round_,
        "views": views,
        "forms": forms,
        "can_draft": can_draft,
        "start_form": VersionedForm() if can_draft else None,
    }
    return render(request, "escalation/tripartite_detail.html", context)


def _era_on_or_first(on):
    try:
        return selectors.era_on(on)
    except ValueError:
        return Era.objects.order_by("starts_on").first()


@login_required
@require_POST
def tripartite_view_record(request, pk):
    round_ = _round(request, pk)
    form = TripartiteViewForm(request.POST, era=_era_on_or_first(round_.held_on))

    def action(data):
        services.tripartite_view_record(actor=request.user, round_=round_, **data)

    return _act(
        request,
        round_,
        name="view",
        form=form,
        permission="escalation.tripartite.manage",
        action=action,
        success=_("The view and recommendation have been recorded."),
        detail=tripartite_round_detail,
    )


@login_required
@require_POST
def tripartite_view_start_decision(request, pk):
    """Start a draft decision from a round's recommendation, then take the user to it."""
    view = get_object_or_404(
        TripartiteView.objects.select_related("round", "organisation", "domain").filter(
            round__in=selectors.tripartite_round_list(user=request.user)
        ),
        pk=pk,
    )
    access.require(request.user, "escalation.draft", view.organisation)
    try:
        decision = services.tripartite_view_start_decision(
            actor=request.user, view=view, planned_on=timezone.localdate()
        )
    except OversightError as error:
        messages.error(request, error.message)
        return redirect(view.round)
    messages.success(request, _("A draft decision has been started from the round's recommendation."))
    return redirect(decision)


# --- The frameworks ---------------------------------------------------------------------------


@login_required
def frameworks(request):
    """Each era's levels, domains or pillars, who decides, and the mapping from the 2024
    domains to the 2026 pillars, read either way, so that history reads in its own terms."""
    from django.db.models import Prefetch

    from .models import DomainMapping

    mappings = Prefetch("mapped_to", queryset=DomainMapping.objects.select_related("pillar"))
    reverse_mappings = Prefetch("mapped_from", queryset=DomainMapping.objects.select_related("legacy_domain"))
    eras = list(
        Era.objects.order_by("starts_on").prefetch_related(
            "authorities",
            Prefetch(
                "domains",
                queryset=Domain.objects.order_by("order").prefetch_related(mappings, reverse_mappings),
            ),
        )
    )
    return render(request, "escalation/frameworks.html", {"eras": eras})
