"""Binding a de-escalation criterion to a measure and a condition, e.g. "ED 12-hour waits ≤ 500
for 3 consecutive released months", so that released pack data test it (``reporting.criteria``).

NHS P&I analysts bind, change and remove bindings (``reporting.criteria.bind``). Every change
is in the binding's history with who and why. A criterion just bound, or whose binding changed,
is evaluated at once, so its computed status is on the case page straight away; one whose
binding is removed loses its computed status and any override of it, through escalation's own
service (``criterion_forget_computed``).

Which criteria may be bound is the framework's rule (``escalation.rules.criterion_binding_refusal``):
a proposed or agreed criterion of an open case, and a binding already made may be changed or
removed while the case is open.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation import rules as escalation_rules
from escalation import services as escalation_services
from escalation.models import DeescalationCriterion
from oversight import access
from oversight.concurrency import change_reason, create_recorded, save_new_version
from oversight.errors import ConflictError, OversightError, from_validation_error, refuse

from . import criteria
from .choices import Comparison, Frequency
from .models import CriterionBinding, Measure

# Three years of monthly packs: the longest run a condition sensibly asks for, and the most the
# evidence on the case page lists month by month.
MAX_CONSECUTIVE_MONTHS = 36


def binding_in_words(binding: CriterionBinding) -> str:
    """e.g. "UEC-ED12H ≤ 500 for 3 months", short enough for a history entry's reason."""
    months = binding.consecutive_months
    span = "1 month" if months == 1 else f"{months} months"
    return f"{binding.measure.code} {Comparison(binding.operator).label} {criteria.plain(binding.threshold)} for {span}"


def _measure(measure, *, on: date) -> Measure:
    if not isinstance(measure, Measure):
        raise OversightError("Choose the measure that tests the criterion.", field="measure", code="measure_required")
    if measure.frequency != Frequency.MONTHLY:
        raise OversightError(
            f"{measure.code} is collected {Frequency(measure.frequency).label.lower()}, not monthly: a criterion is "
            "tested against the monthly values of released packs. Choose a monthly measure.",
            field="measure",
            code="measure_not_monthly",
        )
    if not measure.in_force_on(on):
        raise OversightError(
            f"{measure.code} is not collected on {on.day} {on:%B %Y}, so no released pack will hold it. Choose a "
            "measure in force.",
            field="measure",
            code="measure_not_in_force",
        )
    return measure


def _operator(operator) -> str:
    if operator not in Comparison.values:
        choices = ", ".join(label for _value, label in Comparison.choices)
        raise OversightError(
            f"Choose how the value compares with the threshold ({choices}).", field="operator", code="invalid_operator"
        )
    return operator


def _threshold(threshold) -> Decimal:
    try:
        number = Decimal(str(threshold).strip())
    except (InvalidOperation, ValueError):
        number = None
    if isinstance(threshold, bool) or threshold is None or number is None or not number.is_finite():
        raise OversightError(
            f"The threshold must be a number, such as 500 or 95.5, not “{threshold if threshold is not None else ''}”.",
            field="threshold",
            code="threshold_not_a_number",
        )
    return number


def _months(consecutive_months) -> int:
    if isinstance(consecutive_months, bool) or not isinstance(consecutive_months, int):
        try:
            consecutive_months = int(str(consecutive_months).strip())
        except ValueError:
            consecutive_months = 0
    if not 1 <= consecutive_months <= MAX_CONSECUTIVE_MONTHS:
        raise OversightError(
            f"Give the number of consecutive released months the condition must hold, from 1 to "
            f"{MAX_CONSECUTIVE_MONTHS}.",
            field="consecutive_months",
            code="invalid_months",
        )
    return consecutive_months


def _locked(criterion: DeescalationCriterion) -> tuple[DeescalationCriterion, CriterionBinding | None]:
    """The criterion and its binding (if any), locked for this transaction."""
    current = DeescalationCriterion.objects.select_for_update(of=("self",)).select_related("case").get(pk=criterion.pk)
    binding = CriterionBinding.objects.select_for_update().select_related("measure").filter(criterion=current).first()
    return current, binding


def _refuse_unless_bindable(criterion: DeescalationCriterion, binding: CriterionBinding | None) -> None:
    refuse(
        escalation_rules.criterion_binding_refusal(
            has_case=criterion.case_id is not None,
            case_phase=criterion.case.phase if criterion.case_id else None,
            status=criterion.status,
            bound=binding is not None,
        )
    )


def _check_version(binding: CriterionBinding | None, expected_version: int | None) -> None:
    """``expected_version`` is the binding's version the user was shown, 0 when they were shown
    none; None skips the check (a caller with no page, such as seeding)."""
    if expected_version is None:
        return
    current = binding.version if binding is not None else 0
    if int(expected_version) != current:
        raise ConflictError(
            "The binding of this criterion was changed by someone else while you were editing it. Your change has "
            "not been saved: check the binding now shown, then make your change again."
        )


@transaction.atomic
def criterion_bind(
    *,
    actor,
    criterion: DeescalationCriterion,
    measure: Measure,
    operator: str,
    threshold: Decimal | str | int,
    consecutive_months: int,
    expected_version: int | None = None,
    on: date | None = None,
) -> CriterionBinding:
    """Bind the criterion to ``measure <operator> threshold`` for ``consecutive_months``
    consecutive released months, or change its binding; then evaluate it from released data
    at once. Only a monthly measure in force ``on`` (default today). A refusal names the field
    it is about. The same binding again writes nothing."""
    access.require(actor, "reporting.criteria.bind", criterion)
    on = on or timezone.localdate()
    current, binding = _locked(criterion)
    _refuse_unless_bindable(current, binding)
    _check_version(binding, expected_version)
    measure = _measure(measure, on=on)
    operator = _operator(operator)
    threshold = _threshold(threshold)
    consecutive_months = _months(consecutive_months)
    wanted = (measure.pk, operator, threshold, consecutive_months)
    if binding is not None and wanted == (
        binding.measure_id,
        binding.operator,
        binding.threshold,
        binding.consecutive_months,
    ):
        return binding
    try:
        if binding is None:
            binding = CriterionBinding(
                criterion=current,
                measure=measure,
                operator=operator,
                threshold=threshold,
                consecutive_months=consecutive_months,
            )
            create_recorded(binding, actor=actor, reason=f"Bound to {binding_in_words(binding)}")
        else:
            was = binding_in_words(binding)
            binding.measure, binding.operator = measure, operator
            binding.threshold, binding.consecutive_months = threshold, consecutive_months
            save_new_version(binding, actor=actor, reason=f"Binding changed to {binding_in_words(binding)} (was {was})")
    except ValidationError as error:
        raise from_validation_error(error) from error
    criteria.evaluate_bound_criteria(today=on, criterion_ids=[current.pk])
    return binding


@transaction.atomic
def criterion_unbind(
    *, actor, criterion: DeescalationCriterion, expected_version: int | None = None
) -> DeescalationCriterion:
    """Remove the criterion's binding: it is no longer tested against released data, and loses
    its computed status and any override of it. Its status stays as it is, now an official's
    alone. Removing a binding that is already gone changes nothing (unless the user was shown
    one, at ``expected_version``: then someone else removed it first, a conflict)."""
    access.require(actor, "reporting.criteria.bind", criterion)
    current, binding = _locked(criterion)
    if binding is None:
        _check_version(None, expected_version)
        current, _changed = escalation_services.criterion_forget_computed(criterion=current, actor=actor)
        return current
    _refuse_unless_bindable(current, binding)
    _check_version(binding, expected_version)
    binding._history_user = actor
    binding._change_reason = change_reason(f"Binding removed (was {binding_in_words(binding)})")
    binding.delete()
    current, _changed = escalation_services.criterion_forget_computed(criterion=current, actor=actor)
    return current
