"""Trajectories agreed in bulk: an organisation's agreed value for a measure in a month, with
a tolerance. Stored all or nothing, naming each bad row, field and reason; rows that match what
is stored change nothing and write no history. Used by the API; the rules are in
``reporting.rules`` and who may write them in ``oversight.access``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisations.models import Organisation
from oversight import access
from oversight.concurrency import change_reason
from oversight.errors import ConflictError, OversightError

from . import rules
from .choices import Frequency
from .models import Measure, Trajectory
from .rows import MAX_ROWS, RowError, RowsRefused, measure_of, organisation_of, text

NOTE_LENGTH = Trajectory._meta.get_field("note").max_length


# --- Trajectories -----------------------------------------------------------------------------


@dataclass
class UpsertReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def parse_month(raw) -> date:
    """A month from a date (its first day) or ``YYYY-MM`` / ``YYYY-MM-01``; ``ValueError``
    otherwise, including a day other than the first."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        day = raw
    else:
        text = str(raw).strip()
        day = date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    if day.day != 1:
        raise ValueError(raw)
    return day


@dataclass(frozen=True)
class _Trajectory:
    organisation: Organisation
    measure: Measure
    period: date
    value: Decimal
    tolerance: Decimal | None
    note: str


def _check_trajectory(index, row, *, organisations, measures, errors) -> _Trajectory | None:
    def error(field_name: str, code: str, message: str) -> None:
        errors.append(RowError(index, field_name, code, message))

    if not isinstance(row, Mapping):
        error("", "invalid_row", _("Each row is an object with organisation, measure, period and value."))
        return None
    before = len(errors)

    organisation = organisation_of(row, organisations, error)
    measure = measure_of(row, measures, error)
    if measure is not None and measure.frequency == Frequency.DAILY:
        error(
            "measure",
            "daily_measure",
            _("%(code)s is a daily measure: trajectories are agreed for the measures of the monthly pack.")
            % {"code": measure.code},
        )
        measure = None

    period = None
    raw_period = row.get("period")
    if raw_period in (None, ""):
        error("period", "required", _("Give the month, as YYYY-MM."))
    else:
        try:
            period = parse_month(raw_period)
        except (TypeError, ValueError):
            error(
                "period",
                "invalid_period",
                _("“%(period)s” is not a month: write it as YYYY-MM (e.g. 2026-05).") % {"period": raw_period},
            )
    if measure is not None and period is not None and not measure.in_force_on(period):
        error(
            "period",
            "measure_not_in_force",
            _("%(code)s is not collected in %(month)s (see the measure's dates in the catalogue).")
            % {"code": measure.code, "month": f"{period:%Y-%m}"},
        )
    if (
        measure is not None
        and organisation is not None
        and not rules.measure_applies(applies_to=measure.applies_to, kind=organisation.kind, code=organisation.code)
    ):
        error(
            "measure",
            "measure_not_applicable",
            _("%(code)s does not apply to %(organisation)s (it applies to: %(applies_to)s).")
            % {"code": measure.code, "organisation": organisation.code, "applies_to": measure.applies_to},
        )

    numbers = {}
    for name in ("value", "tolerance"):
        raw = row.get(name)
        try:
            number = rules.parse_value(raw)
        except ValueError:
            error(name, "not_a_number", _("“%(value)s” is not a number.") % {"value": raw})
            continue
        numbers[name] = number
        if number is None:
            if name == "value":
                error("value", "required", _("Give the agreed value."))
            continue
        if name == "tolerance" and number < 0:
            error("tolerance", "value_range", _("A tolerance cannot be negative (%(value)s).") % {"value": number})
            continue
        if measure is not None:
            refusal = rules.value_refusal(unit=measure.unit, value=number, measure=measure.code)
            if refusal is not None:
                error(name, refusal.code, refusal.message)

    note = text(row, "note")
    if len(note) > NOTE_LENGTH:
        error("note", "too_long", _("Keep the note to %(max)d characters.") % {"max": NOTE_LENGTH})

    if len(errors) > before:
        return None
    return _Trajectory(organisation, measure, period, numbers["value"], numbers.get("tolerance"), note)


@transaction.atomic
def trajectories_upsert(*, actor, rows: Iterable) -> UpsertReport:
    """Create or update trajectories (each row: ``organisation`` code, ``measure`` code,
    ``period`` YYYY-MM, ``value``, optional ``tolerance`` and ``note``), all or nothing,
    naming each bad row, field and reason. NHS P&I analysts (``reporting.catalogue.manage``).
    Rows that match what is stored change nothing and write no history."""
    access.require(actor, "reporting.catalogue.manage")
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise OversightError(
            _("Send at most %(max)d rows at a time (this request has %(rows)d).")
            % {"max": MAX_ROWS, "rows": len(rows)},
            code="too_many_rows",
        )
    organisations = {o.code: o for o in Organisation.objects.all()}
    measures = {m.code: m for m in Measure.objects.all()}
    errors: list[RowError] = []
    checked: list[_Trajectory] = []
    seen: dict[tuple[int, int, date], int] = {}
    for index, row in enumerate(rows):
        item = _check_trajectory(index, row, organisations=organisations, measures=measures, errors=errors)
        if item is None:
            continue
        key = (item.organisation.pk, item.measure.pk, item.period)
        if key in seen:
            errors.append(
                RowError(
                    index,
                    "measure",
                    "duplicate",
                    _("%(organisation)s's trajectory for %(measure)s in %(month)s is already given in row %(row)d.")
                    % {
                        "organisation": item.organisation.code,
                        "measure": item.measure.code,
                        "month": f"{item.period:%Y-%m}",
                        "row": seen[key],
                    },
                )
            )
            continue
        seen[key] = index
        checked.append(item)
    if errors:
        raise RowsRefused(errors)

    report = UpsertReport(rows=len(rows))
    if not checked:
        return report
    existing = {
        (t.organisation_id, t.measure_id, t.period): t
        for t in Trajectory.objects.select_for_update().filter(
            organisation_id__in={c.organisation.pk for c in checked},
            measure_id__in={c.measure.pk for c in checked},
            period__in={c.period for c in checked},
        )
    }
    now = timezone.now()
    to_create, to_update = [], []
    for c in checked:
        current = existing.get((c.organisation.pk, c.measure.pk, c.period))
        if current is None:
            to_create.append(
                Trajectory(
                    organisation=c.organisation,
                    measure=c.measure,
                    period=c.period,
                    value=c.value,
                    tolerance=c.tolerance,
                    note=c.note,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif (current.value, current.tolerance, current.note) != (c.value, c.tolerance, c.note):
            current.value, current.tolerance, current.note = c.value, c.tolerance, c.note
            current.version += 1
            current.updated_at = now
            to_update.append(current)
        else:
            report.unchanged += 1
    why = change_reason("Trajectories agreed (API)")
    if to_create:
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    to_create, Trajectory, batch_size=2000, default_user=actor, default_change_reason=why
                )
        except IntegrityError as error:
            raise ConflictError(
                _("Some of these trajectories were stored by someone else at the same time: send them again.")
            ) from error
    if to_update:
        bulk_update_with_history(
            to_update,
            Trajectory,
            ["value", "tolerance", "note", "version", "updated_at"],
            batch_size=2000,
            default_user=actor,
            default_change_reason=why,
        )
    report.created, report.updated = len(to_create), len(to_update)
    return report
