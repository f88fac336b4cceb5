"""Binding a de-escalation criterion to a measure, from the escalation case page.

NHS P&I analysts see, beside each criterion they may bind, a small form (measure, comparison,
threshold, consecutive months) and, once it is bound, a button to remove the binding. Both
post here; the service (``reporting.bindings``) checks the access policy and the rules. A
refused form comes back on the case page with the refusal beside its field.

The case page belongs to escalation, which never imports reporting at module level: its view
asks ``case_page_forms`` for these forms with an import inside the function (as it does for
decision support), so the Python imports stay acyclic.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalation import rules as escalation_rules
from escalation import selectors as escalation_selectors
from escalation import views as escalation_views
from escalation.models import DeescalationCriterion
from oversight import access
from oversight.forms import VersionedForm
from oversight.views import run_posted_form

from .. import bindings
from ..choices import Frequency
from ..forms import CriterionBindingForm
from ..models import CriterionBinding, Measure


def bindable_measures(on: date) -> list[Measure]:
    """The measures a criterion may be bound to: monthly, and in force on the day."""
    return list(Measure.objects.in_force(on).filter(frequency=Frequency.MONTHLY).order_by("code"))


def _binding_initial(binding: CriterionBinding | None) -> dict:
    if binding is None:
        return {"version": 0, "consecutive_months": 1}
    return {
        "version": binding.version,
        "measure": binding.measure.code,
        "operator": binding.operator,
        "threshold": format(binding.threshold.normalize(), "f"),
        "consecutive_months": binding.consecutive_months,
    }


def case_page_forms(user, criteria: list[DeescalationCriterion], *, case_phase: str, on: date) -> dict:
    """For the case page: ``binding-<pk>`` (bind or change) and ``unbind-<pk>`` (remove) forms
    for each criterion this user may bind and the rules allow, keyed as the case page keys its
    forms. Two queries (the bindings and the measures), and none for anyone who may not bind."""
    allowed = [c for c in criteria if access.can(user, "reporting.criteria.bind", c)]
    if not allowed:
        return {}
    existing = {
        b.criterion_id: b
        for b in CriterionBinding.objects.select_related("measure").filter(criterion__in=[c.pk for c in allowed])
    }
    measures = bindable_measures(on)
    forms = {}
    for criterion in allowed:
        binding = existing.get(criterion.pk)
        refusal = escalation_rules.criterion_binding_refusal(
            has_case=criterion.case_id is not None, case_phase=case_phase, status=criterion.status, bound=bool(binding)
        )
        if refusal is not None:
            continue
        forms[f"binding-{criterion.pk}"] = CriterionBindingForm(
            prefix=f"b{criterion.pk}", measures=measures, initial=_binding_initial(binding)
        )
        if binding is not None:
            forms[f"unbind-{criterion.pk}"] = VersionedForm(
                prefix=f"u{criterion.pk}", initial={"version": binding.version}
            )
    return forms


def _criterion(request, pk) -> DeescalationCriterion:
    """The criterion, if the user may see it and it belongs to a case; a 404 otherwise."""
    criterion = get_object_or_404(escalation_selectors.criterion_list(user=request.user).select_related("case"), pk=pk)
    if criterion.case_id is None:
        raise Http404("This criterion belongs to no case.")
    return criterion


def _with_conflict_status(response, form):
    """A stale change comes back with the form and a 409, as stale edits do everywhere."""
    if form.is_bound and any(error.code == "conflict" for error in form.non_field_errors().as_data()):
        response.status_code = 409
    return response


def _back_to(criterion) -> str:
    return f"{criterion.case.get_absolute_url()}#criterion-{criterion.pk}"


@login_required
@require_POST
def criterion_binding(request, pk):
    """Bind the criterion to a measure and a condition, or change its binding (NHS P&I
    analysts). It is evaluated from released data at once."""
    criterion = _criterion(request, pk)
    on = timezone.localdate()
    form = CriterionBindingForm(request.POST, prefix=f"b{criterion.pk}", measures=bindable_measures(on))

    def action(data):
        measure = Measure.objects.filter(code=data["measure"]).first()
        bindings.criterion_bind(
            actor=request.user,
            criterion=criterion,
            measure=measure,
            operator=data["operator"],
            threshold=data["threshold"],
            consecutive_months=data["consecutive_months"],
            expected_version=data["version"],
            on=on,
        )

    response = run_posted_form(
        request,
        criterion.case,
        name=f"binding-{criterion.pk}",
        form=form,
        permission="reporting.criteria.bind",
        permission_object=criterion,
        action=action,
        success=_("The criterion is bound to the measure and has been tested against the released data."),
        detail=escalation_views.case_detail,
        next_url=_back_to(criterion),
    )
    return _with_conflict_status(response, form)


@login_required
@require_POST
def criterion_unbind(request, pk):
    """Remove the criterion's binding: it is no longer tested against released data and loses
    its computed status (NHS P&I analysts)."""
    criterion = _criterion(request, pk)
    form = VersionedForm(request.POST, prefix=f"u{criterion.pk}")

    def action(data):
        bindings.criterion_unbind(actor=request.user, criterion=criterion, expected_version=data["version"])

    response = run_posted_form(
        request,
        criterion.case,
        name=f"unbind-{criterion.pk}",
        form=form,
        permission="reporting.criteria.bind",
        permission_object=criterion,
        action=action,
        success=_("The binding has been removed. The criterion’s status is now set by officials alone."),
        detail=escalation_views.case_detail,
        next_url=_back_to(criterion),
    )
    return _with_conflict_status(response, form)
