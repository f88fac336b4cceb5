"""Daily system reporting: storing one day's values of the daily measures (the daily variants of
the urgent and emergency care measures), for the system dashboard.

``daily_values_store`` is the one write, used by the API and available to pages and commands.
All or nothing: every row is checked first, and one bad row refuses the lot with a
``RowsRefused`` naming each problem's row (its position in the list, counted from 0), field
and reason. Sending the same rows again changes nothing and writes no history; a changed value
is updated, its history recording who changed it and how it arrived.

Who may send: ``reporting.daily.submit`` on each row's organisation (``oversight.access``: the
organisation's submitters for their own organisation, NHS P&I analysts for any). A batch none
of whose organisations the actor may send for is a ``PermissionRefused`` (403); a batch mixing
permitted and refused organisations names the refused rows.

Who sees daily values is the access policy's too: they are shared with every signed-in user,
as the system dashboard shows them (``access.restrict_daily_values``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisations.models import Organisation
from oversight import access
from oversight.concurrency import change_reason
from oversight.errors import ConflictError, OversightError, PermissionRefused

from . import rules
from .choices import Frequency, ValueSource
from .models import DailyValue, Measure
from .rows import MAX_ROWS, RowError, RowsRefused, measure_of, organisation_of

DAILY_FIELDS = ("organisation", "measure", "day", "value")


@dataclass
class DailyReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: list[int] = field(default_factory=list)


def parse_day(raw) -> date:
    """A day from a date or an ISO ``YYYY-MM-DD`` string; raises ``ValueError`` otherwise."""
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw).strip())


@dataclass(frozen=True)
class _Checked:
    organisation: Organisation
    measure: Measure
    day: date
    value: Decimal


def _check_row(
    index: int,
    row,
    *,
    organisations: Mapping[str, Organisation],
    measures: Mapping[str, Measure],
    may_send: dict[int, bool],
    actor,
    today: date,
    errors: list[RowError],
    refused_organisations: set[int],
) -> _Checked | None:
    def error(field_name: str, code: str, message: str) -> None:
        errors.append(RowError(index, field_name, code, message))

    if not isinstance(row, Mapping):
        error("", "invalid_row", _("Each row is an object with organisation, measure, day and value."))
        return None
    before = len(errors)

    organisation = organisation_of(row, organisations, error)
    if organisation is not None:
        if organisation.pk not in may_send:
            may_send[organisation.pk] = access.can(actor, "reporting.daily.submit", organisation)
        if not may_send[organisation.pk]:
            refused_organisations.add(organisation.pk)
            error(
                "organisation",
                "permission_denied",
                _("You may not send daily values for %(code)s.") % {"code": organisation.code},
            )

    measure = measure_of(row, measures, error)
    if measure is not None and measure.frequency != Frequency.DAILY:
        error(
            "measure",
            "not_daily",
            _("%(code)s is not a daily measure (it is collected %(frequency)s): send it in the monthly pack.")
            % {"code": measure.code, "frequency": Frequency(measure.frequency).label.lower()},
        )
        measure = None

    day = None
    raw_day = row.get("day")
    if raw_day in (None, ""):
        error("day", "required", _("Give the day, as YYYY-MM-DD."))
    else:
        try:
            day = parse_day(raw_day)
        except (TypeError, ValueError):
            error("day", "invalid_day", _("“%(day)s” is not a day: write it as YYYY-MM-DD.") % {"day": raw_day})
        else:
            if day > today:
                error(
                    "day",
                    "day_in_future",
                    _("%(day)s has not happened yet: send a day's values on or after the day.") % {"day": day},
                )
                day = None

    if measure is not None and day is not None and not measure.in_force_on(day):
        error(
            "day",
            "measure_not_in_force",
            _("%(code)s is not collected on %(day)s (see the measure's dates in the catalogue).")
            % {"code": measure.code, "day": day},
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

    value = None
    raw_value = row.get("value")
    try:
        value = rules.parse_value(raw_value)
    except ValueError:
        error("value", "not_a_number", _("“%(value)s” is not a number.") % {"value": raw_value})
    else:
        if value is None:
            error("value", "required", _("Give the value: a daily value cannot be empty."))
        elif measure is not None:
            refusal = rules.value_refusal(unit=measure.unit, value=value, measure=measure.code)
            if refusal is not None:
                error("value", refusal.code, refusal.message)

    if len(errors) > before:
        return None
    return _Checked(organisation=organisation, measure=measure, day=day, value=value)


@transaction.atomic
def daily_values_store(
    *, actor, rows: Iterable, source: str = ValueSource.API, today: date | None = None
) -> DailyReport:
    """Store daily values (each row: ``organisation`` code, ``measure`` code, ``day`` as a date
    or ``YYYY-MM-DD``, ``value``), all or nothing; see the module docstring. Only measures
    collected daily, in force on the day and applying to the organisation; no day after
    ``today``; values checked against the measure's unit (``rules.value_refusal``)."""
    rows = list(rows)
    today = today or timezone.localdate()
    if len(rows) > MAX_ROWS:
        raise OversightError(
            _("Send at most %(max)d rows at a time (this request has %(rows)d).")
            % {"max": MAX_ROWS, "rows": len(rows)},
            code="too_many_rows",
        )
    organisations = {o.code: o for o in Organisation.objects.all()}
    measures = {m.code: m for m in Measure.objects.all()}
    may_send: dict[int, bool] = {}
    refused_organisations: set[int] = set()
    errors: list[RowError] = []
    checked: list[tuple[int, _Checked]] = []
    seen: dict[tuple[int, int, date], int] = {}
    for index, row in enumerate(rows):
        result = _check_row(
            index,
            row,
            organisations=organisations,
            measures=measures,
            may_send=may_send,
            actor=actor,
            today=today,
            errors=errors,
            refused_organisations=refused_organisations,
        )
        if result is None:
            continue
        key = (result.organisation.pk, result.measure.pk, result.day)
        if key in seen:
            errors.append(
                RowError(
                    index,
                    "measure",
                    "duplicate",
                    _("%(organisation)s's %(measure)s for %(day)s is already given in row %(row)d.")
                    % {
                        "organisation": result.organisation.code,
                        "measure": result.measure.code,
                        "day": result.day,
                        "row": seen[key],
                    },
                )
            )
            continue
        seen[key] = index
        checked.append((index, result))

    if may_send and not any(may_send.values()):
        raise PermissionRefused(
            _("You do not have permission to send daily values for these organisations."), code="permission_denied"
        )
    if errors:
        raise RowsRefused(errors)

    report = DailyReport(rows=len(rows))
    if not checked:
        return report
    existing = {
        (v.organisation_id, v.measure_id, v.day): v
        for v in DailyValue.objects.select_for_update().filter(
            organisation_id__in={c.organisation.pk for _i, c in checked},
            measure_id__in={c.measure.pk for _i, c in checked},
            day__in={c.day for _i, c in checked},
        )
    }
    now = timezone.now()
    to_create, to_update = [], []
    for _index, c in checked:
        current = existing.get((c.organisation.pk, c.measure.pk, c.day))
        if current is None:
            to_create.append(
                DailyValue(
                    organisation=c.organisation,
                    measure=c.measure,
                    day=c.day,
                    value=c.value,
                    source=source,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif current.value != c.value:
            current.value = c.value
            current.source = source
            current.version += 1
            current.updated_at = now
            to_update.append(current)
        else:
            report.unchanged += 1
    why = change_reason(f"Daily values ({ValueSource(source).label.lower()})")
    if to_create:
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    to_create, DailyValue, batch_size=2000, default_user=actor, default_change_reason=why
                )
        except IntegrityError as error:  # someone stored the same day at the same moment
            raise ConflictError(
                _("Some of these daily values were stored by someone else at the same time: send them again.")
            ) from error
    if to_update:
        bulk_update_with_history(
            to_update,
            DailyValue,
            ["value", "source", "version", "updated_at"],
            batch_size=2000,
            default_user=actor,
            default_change_reason=why,
        )
    report.created = len(to_create)
    report.updated = len(to_update)
    report.changed_ids = sorted(v.pk for v in [*to_create, *to_update] if v.pk is not None)
    return report
