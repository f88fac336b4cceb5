"""Criteria that test themselves: a de-escalation criterion bound to a measure and a condition
(``CriterionBinding``, e.g. "ED 12-hour waits ≤ 500 for 3 consecutive released months") is
evaluated from released pack data and its result recorded through escalation's own service
(``escalation.services.criterion_record_computed``), which keeps the history and decides what
the criterion's status does with it [ARCHITECTURE "Criteria status"].

Only released numbers are read: the latest released revision of each pack, so a correction's
numbers count once it is released, and drafts or packs awaiting validation never do.

The months tested are the ``consecutive_months`` calendar months up to the organisation's
latest released pack (on or before ``today``). A month in that window with no released value
(no released pack, a measure left out, or a value recorded as missing) breaks the run. The
result is:

* **met** when every month in the window has a released value that meets the condition
  (``rules.criterion_met``);
* **not met** when a released value in the window fails it;
* **no data** otherwise (too few released months to say).

Idempotent: evaluating again with the same released numbers records nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Max

from escalation import services as escalation_services
from escalation.choices import CasePhase
from escalation.models import DeescalationCriterion

from . import rules
from .choices import Comparison, compare
from .models import CriterionBinding, Pack, PackValue


@dataclass
class CriteriaReport:
    evaluated: int = 0
    changed: list[int] = field(default_factory=list)  # criterion ids whose computed status or evidence changed
    unbound: list[int] = field(default_factory=list)  # criterion ids no longer bound: computed status dropped
    by_status: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        counts = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in sorted(self.by_status.items()))
        return (
            f"{self.evaluated} bound criteria evaluated ({counts or 'none'}); {len(self.changed)} changed; "
            f"{len(self.unbound)} no longer bound"
        )


@dataclass(frozen=True)
class Evaluation:
    met: bool | None  # None: not enough released data to say
    evidence: dict

    @property
    def status(self) -> str:
        return "no_data" if self.met is None else ("met" if self.met else "not_met")


def plain(number: Decimal | None) -> str | None:
    """A decimal as people write it: 500, not 500.0000 or 5E+2."""
    if number is None:
        return None
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in ("-0", "") else text


def window(end: date | None, months: int) -> list[date]:
    """The ``months`` calendar months up to and including ``end``, oldest first."""
    if end is None or months < 1:
        return []
    return [end - relativedelta(months=back) for back in range(months - 1, -1, -1)]


def evaluate(
    binding: CriterionBinding, *, values: dict[date, Decimal | None], latest_period: date | None
) -> Evaluation:
    """Evaluate one binding from its organisation's released values of the bound measure
    (``values`` by month; None for a value recorded as missing) and the month of the
    organisation's latest released pack."""
    months = window(latest_period, binding.consecutive_months)
    series = [values.get(period) for period in months]
    threshold = Decimal(binding.threshold)
    met = rules.criterion_met(
        values=series, operator=binding.operator, threshold=threshold, months=binding.consecutive_months
    )
    rows = [
        {
            "period": period.isoformat(),
            "value": plain(value),
            "meets": None if value is None else compare(Decimal(value), binding.operator, threshold),
        }
        for period, value in zip(months, series, strict=True)
    ]
    if met:
        result = True
    elif any(row["meets"] is False for row in rows):
        result = False
    else:
        result = None
    measure = binding.measure
    evidence = {
        "measure": {"code": measure.code, "name": measure.name, "name_cy": measure.name_cy},
        "operator": Comparison(binding.operator).label,
        "threshold": plain(threshold),
        "months_required": binding.consecutive_months,
        "months": rows,
    }
    return Evaluation(met=result, evidence=evidence)


def _bindings(organisation_ids=None, criterion_ids=None):
    bindings = CriterionBinding.objects.select_related("measure", "criterion").exclude(
        criterion__case__phase=CasePhase.CLOSED
    )
    if organisation_ids is not None:
        bindings = bindings.filter(criterion__organisation_id__in=organisation_ids)
    if criterion_ids is not None:
        bindings = bindings.filter(criterion_id__in=criterion_ids)
    return list(bindings.order_by("criterion__organisation_id", "criterion_id"))


def _released(bindings, *, today: date) -> tuple[dict, dict]:
    """Released values of the bound measures, by (organisation, measure) then month, and
    each organisation's latest released month: two queries however many bindings."""
    organisation_ids = {b.criterion.organisation_id for b in bindings}
    measure_ids = {b.measure_id for b in bindings}
    released_packs = Pack.objects.latest_released().filter(organisation_id__in=organisation_ids, period__lte=today)
    values: dict[tuple[int, int], dict[date, Decimal | None]] = defaultdict(dict)
    rows = PackValue.objects.filter(pack__in=released_packs.values("pk"), measure_id__in=measure_ids).values_list(
        "pack__organisation_id", "measure_id", "pack__period", "value"
    )
    for organisation_id, measure_id, period, value in rows:
        values[(organisation_id, measure_id)][period] = value
    latest = dict(
        Pack.objects.released()
        .filter(organisation_id__in=organisation_ids, period__lte=today)
        .values("organisation_id")
        .annotate(latest=Max("period"))
        .values_list("organisation_id", "latest")
    )
    return values, latest


def evaluate_bound_criteria(*, today: date, organisation_ids=None, criterion_ids=None) -> CriteriaReport:
    """Evaluate every bound criterion (of open cases; optionally only these organisations', or
    only these criteria: one just bound, for instance) from released data and record each
    result through escalation's service. Criteria that carry a computed status but are no
    longer bound lose it."""
    report = CriteriaReport()
    bindings = _bindings(organisation_ids, criterion_ids)
    values, latest = _released(bindings, today=today)
    for binding in bindings:
        organisation_id = binding.criterion.organisation_id
        evaluation = evaluate(
            binding,
            values=values.get((organisation_id, binding.measure_id), {}),
            latest_period=latest.get(organisation_id),
        )
        _criterion, changed = escalation_services.criterion_record_computed(
            criterion=binding.criterion, met=evaluation.met, evidence=evaluation.evidence, on=today
        )
        report.evaluated += 1
        report.by_status[evaluation.status] = report.by_status.get(evaluation.status, 0) + 1
        if changed:
            report.changed.append(binding.criterion_id)
    stale = DeescalationCriterion.objects.exclude(computed_status="").filter(measure_binding__isnull=True)
    if organisation_ids is not None:
        stale = stale.filter(organisation_id__in=organisation_ids)
    if criterion_ids is not None:
        stale = stale.filter(pk__in=criterion_ids)
    for criterion in stale:
        _criterion, changed = escalation_services.criterion_forget_computed(criterion=criterion)
        if changed:
            report.unbound.append(criterion.pk)
    return report
