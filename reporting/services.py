"""Every write to a performance pack: opening it, its values, narrative and risks, its life
(draft → submitted → returned or validated → released) and corrections.

Each service checks the access policy first (``access.require``: 404 for a pack the actor may
not see, 403 for one they may see but not change), runs in one transaction, and records who
made the change, and why, in the history. Versioned writes compare the version the actor was
shown (``expected_version``): a stale one is a ``ConflictError``. The rules themselves are in
``reporting.rules``; these services only call them.

Values are stored all or nothing: every value is checked first, and one bad value refuses the
lot, naming each problem. Sending the same values again changes nothing (and writes no history).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisations.choices import Role
from oversight import access
from oversight.concurrency import change_reason, create_recorded, lock_at_version, save_new_version
from oversight.errors import OversightError, RuleRefused, from_validation_error
from oversight.errors import refuse as _refuse

from . import rules, selectors
from .choices import PackStatus, Pillar, ValueSource
from .models import DeepDiveTopic, Measure, Pack, PackRisk, PackValue, PillarNarrative

MAX_ERRORS_SHOWN = 20
COMMENT_LENGTH = PackValue._meta.get_field("comment").max_length


class ValuesRefused(OversightError):
    """Values refused all or nothing: ``errors`` lists every problem, each naming its row or
    measure."""

    code = "values_refused"

    def __init__(self, errors: list[str], *, lead: str = "Nothing was stored. Fix these and send them again:"):
        self.errors = errors
        shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
        if len(errors) > MAX_ERRORS_SHOWN:
            shown += f"\n…and {len(errors) - MAX_ERRORS_SHOWN} more."
        super().__init__(f"{lead}\n{shown}", code=self.code)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": list(self.errors)}


def _create(obj, *, actor, reason: str):
    try:
        return create_recorded(obj, actor=actor, reason=reason)
    except ValidationError as error:
        raise from_validation_error(error) from error


def _save(obj, *, actor, reason: str):
    try:
        return save_new_version(obj, actor=actor, reason=reason)
    except ValidationError as error:
        obj.version -= 1
        raise from_validation_error(error) from error


def _month(period: date) -> date:
    if not isinstance(period, date):
        raise OversightError("Give the month as a date.", field="period", code="invalid_period")
    return period.replace(day=1)


def _month_name(period: date) -> str:
    return f"{period:%B %Y}"


def pack_roles(actor, pack: Pack) -> set[str]:
    """The roles that matter to the pack's rules, as the actor holds them for this pack."""
    p = access.principal(actor)
    roles = set()
    if p.has_role_in(pack.organisation_id, Role.ORG_SUBMITTER):
        roles.add(rules.SUBMITTER)
    if p.has_role(Role.NHSPI_ANALYST):
        roles.add(rules.ANALYST)
    return roles


def _lock(pack: Pack, expected_version: int | None) -> Pack:
    return lock_at_version(Pack, pk=pack.pk, expected_version=expected_version)


def _editable(pack: Pack) -> None:
    _refuse(rules.pack_editable_refusal(status=pack.status))


# --- Opening a pack ---------------------------------------------------------------------------


@transaction.atomic
def pack_create(*, actor, organisation, period: date) -> Pack:
    """The organisation's pack for the month: the current version if there is one (so asking
    twice opens one pack), otherwise a new draft due on ``rules.pack_due_on``."""
    period = _month(period)
    access.require(actor, "reporting.pack.edit", Pack(organisation=organisation, period=period))
    existing = Pack.objects.current().filter(organisation=organisation, period=period).first()
    if existing is not None:
        return existing
    pack = Pack(organisation=organisation, period=period, due_on=rules.pack_due_on(period))
    try:
        with transaction.atomic():
            return _create(pack, actor=actor, reason=f"Pack opened for {_month_name(period)}")
    except (IntegrityError, OversightError):
        # Opened by someone else a moment ago (a double click, two people at once): that one.
        existing = Pack.objects.current().filter(organisation=organisation, period=period).first()
        if existing is None:
            raise
        return existing


# --- Values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One value to store: ``label`` names it in an error ("Row 29" or the measure code)."""

    code: str
    value: Decimal | None
    reason: str
    label: str


def check_entries(
    entries: Iterable[Entry], *, organisation, period: date, measures: Mapping[str, Measure]
) -> list[str]:
    """Every problem with these values for this organisation's pack for this month: unknown
    measure, a measure not collected that month or not for this organisation, a value out of
    range for its unit, a missing value with no reason. ``measures`` is the catalogue by code."""
    errors = []
    applicable = {m.code for m in selectors.pack_measures(organisation, period, measures=measures.values())}
    for entry in entries:
        measure = measures.get(entry.code)
        if measure is None:
            errors.append(f"{entry.label}: there is no measure with the code “{entry.code}”.")
            continue
        if entry.code not in applicable:
            if not measure.in_force_on(period):
                errors.append(
                    f"{entry.label}: {entry.code} is not collected in {_month_name(period)} "
                    f"(see the measure's dates in the catalogue)."
                )
            else:
                errors.append(
                    f"{entry.label}: {entry.code} is not part of {organisation.short_name or organisation.name}'s pack."
                )
            continue
        refusal = rules.value_refusal(unit=measure.unit, value=entry.value, measure=entry.code) or (
            rules.missing_value_refusal(value=entry.value, reason=entry.reason, measure=entry.code)
        )
        if refusal is not None:
            errors.append(f"{entry.label}: {refusal.message}")
    return errors


def store_entries(
    entries_by_pack: Mapping[int, list[Entry]], *, measures: Mapping[str, Measure], actor, source: str, reason: str
) -> set[int]:
    """Write checked values in bulk (a few queries, whatever the number), recording history.
    Returns the ids of the packs whose values changed. Unchanged values are left alone.

    Each new or changed value gets one history row ("+" or "~") with the actor, ``reason``
    and the time of the write, as ``simple_history``'s bulk helpers record them; the rows are
    built as plain tuples and written by ``_write_values`` (COPY on PostgreSQL), because model
    instances and the ORM's INSERT building cost about 100 µs a value (docs/decisions.md,
    "Performance benchmark")."""
    if not entries_by_pack:
        return set()
    existing = {
        (row[_PACK], row[_MEASURE]): row
        for row in PackValue.objects.filter(pack_id__in=list(entries_by_pack)).values_list(*_VALUE_FIELDS)
    }
    now = timezone.now()
    new, changed_rows, changed = [], [], set()
    for pack_id, entries in entries_by_pack.items():
        for entry in entries:
            measure_id = measures[entry.code].pk
            value = entry.value
            reason_text = "" if value is not None else entry.reason.strip()[:300]
            current = existing.get((pack_id, measure_id))
            if current is None:
                # In _VALUE_FIELDS order; the id is given when written.
                new.append([None, now, now, 1, pack_id, measure_id, value, reason_text, source, ""])
                changed.add(pack_id)
            elif current[_VALUE] != value or current[_REASON] != reason_text:
                row = list(current)
                row[_UPDATED_AT], row[_VERSION] = now, current[_VERSION] + 1
                row[_VALUE], row[_REASON], row[_SOURCE] = value, reason_text, source
                changed_rows.append(row)
                changed.add(pack_id)
    if new or changed_rows:
        _write_values(new, changed_rows, actor=actor, reason=change_reason(reason), now=now)
    return changed


# The columns of a pack value, which its history rows repeat (simple_history's tracked fields),
# and where each sits in a row tuple.
_VALUE_FIELDS = [f.attname for f in PackValue._meta.concrete_fields]
_ID, _CREATED_AT, _UPDATED_AT, _VERSION, _PACK, _MEASURE, _VALUE, _REASON, _SOURCE = (
    _VALUE_FIELDS.index(name)
    for name in (
        "id",
        "created_at",
        "updated_at",
        "version",
        "pack_id",
        "measure_id",
        "value",
        "not_available_reason",
        "source",
    )
)
_HISTORY_FIELDS = [*_VALUE_FIELDS, "history_date", "history_change_reason", "history_type", "history_user_id"]
# The columns a changed value rewrites, with their PostgreSQL types (for ``_update_by_unnest``).
_UPDATED_FIELDS = {
    "updated_at": "timestamptz",
    "version": "integer",
    "value": "numeric",
    "not_available_reason": "text",
    "source": "text",
}


def _write_values(new: list[list], changed: list[list], *, actor, reason: str, now) -> None:
    """Insert the ``new`` value rows (their id is filled in here), update the ``changed``
    ones, and add a history row for each, in a fixed number of queries whatever the number of
    values. On PostgreSQL (psycopg2) rows go in by COPY, ids taken from the table's sequence
    beforehand; elsewhere (SQLite) through the ORM's bulk_create and bulk_update, history
    rows constructed directly rather than through ``simple_history.utils``."""
    history_model = PackValue.history.model
    record_history = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    user = actor if actor is not None else history_model.get_default_history_user(PackValue())
    user_id = getattr(user, "pk", None)
    copy = _can_copy()
    if copy:
        if new:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [PackValue._meta.db_table, len(new)],
                )
                for row, (pk,) in zip(new, cursor.fetchall(), strict=True):
                    row[_ID] = pk
            _copy(PackValue, _VALUE_FIELDS, new)
        if changed:
            _update_by_unnest(changed)
    else:
        if new:
            created = PackValue.objects.bulk_create(
                [PackValue(**dict(zip(_VALUE_FIELDS, row, strict=True))) for row in new], batch_size=2000
            )
            if any(obj.pk is None for obj in created):  # a database that does not return ids
                stored = PackValue.objects.filter(pack_id__in={row[_PACK] for row in new})
                ids = {(p, m): pk for pk, p, m in stored.values_list("id", "pack_id", "measure_id")}
                for row in new:
                    row[_ID] = ids[(row[_PACK], row[_MEASURE])]
            else:
                for row, obj in zip(new, created, strict=True):
                    # bulk_create stamps created_at and updated_at afresh: the history repeats them.
                    row[_ID], row[_CREATED_AT], row[_UPDATED_AT] = obj.pk, obj.created_at, obj.updated_at
        if changed:
            PackValue.objects.bulk_update(
                [PackValue(**dict(zip(_VALUE_FIELDS, row, strict=True))) for row in changed],
                list(_UPDATED_FIELDS),
                batch_size=2000,
            )
    if not record_history:
        return
    history = [(*row, now, reason, "+", user_id) for row in new] + [
        (*row, now, reason, "~", user_id) for row in changed
    ]
    if copy:
        _copy(history_model, _HISTORY_FIELDS, history)
    else:
        history_model.objects.bulk_create(
            [history_model(**dict(zip(_HISTORY_FIELDS, row, strict=True))) for row in history], batch_size=2000
        )


def _can_copy() -> bool:
    """COPY is used on PostgreSQL through psycopg2 (``cursor.copy_expert``)."""
    return connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2"


def _copy(model, fields: list[str], rows: list) -> None:
    """``COPY`` the rows (tuples in ``fields`` order) into the model's table: one statement,
    shown in the query log (and so in query counts) like any other. The rows travel as CSV
    (written by the ``csv`` module, in C): an empty unquoted field is NULL, except in text
    columns, where it is the empty string (they hold no NULLs here)."""
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    text = [quote(f.column) for f in columns if f.get_internal_type() in ("CharField", "TextField")]
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) FROM STDIN "
        f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(text)}))"
    )
    data = io.StringIO()
    csv.writer(data, lineterminator="\n").writerows(rows)
    data.seek(0)
    started = time.monotonic()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, data)
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def _update_by_unnest(rows: list[list]) -> None:
    """Update changed pack values in one statement, their new columns sent as arrays."""
    columns = {"id": "bigint", **_UPDATED_FIELDS}
    arrays = [[row[_VALUE_FIELDS.index(name)] for row in rows] for name in columns]
    assignments = ", ".join(f"{name} = u.{name}" for name in _UPDATED_FIELDS)
    casts = ", ".join(f"%s::{kind}[]" for kind in columns.values())
    table = connection.ops.quote_name(PackValue._meta.db_table)
    # Names and types from the model and _UPDATED_FIELDS; the values go as parameters.
    sql = f"UPDATE {table} AS v SET {assignments} FROM unnest({casts}) AS u({', '.join(columns)}) WHERE v.id = u.id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _catalogue() -> dict[str, Measure]:
    return {m.code: m for m in Measure.objects.order_by("order", "code")}


@transaction.atomic
def pack_values_set(
    *,
    actor,
    pack: Pack,
    expected_version: int | None,
    values: Mapping[str, Decimal | None],
    reasons: Mapping[str, str] | None = None,
    source: str = ValueSource.FORM,
    labels: Mapping[str, str] | None = None,
) -> Pack:
    """Set some of the pack's values (``{measure code: value or None}``; a None needs a
    reason in ``reasons``). Only while the pack is a draft or returned. All or nothing: any
    problem refuses every value, listing each (named by ``labels[code]`` when given, e.g. the
    row of an uploaded file). Values not named are left as they are."""
    access.require(actor, "reporting.pack.edit", pack)
    pack = _lock(pack, expected_version)
    _editable(pack)
    reasons = reasons or {}
    labels = labels or {}
    entries = []
    errors = []
    for code, raw in values.items():
        label = labels.get(code, code)
        try:
            value = rules.parse_value(raw)
        except ValueError:
            errors.append(f"{label}: “{raw}” is not a number.")
            continue
        entries.append(Entry(code=code, value=value, reason=reasons.get(code, "") or "", label=label))
    measures = _catalogue()
    errors += check_entries(entries, organisation=pack.organisation, period=pack.period, measures=measures)
    if errors:
        raise ValuesRefused(errors)
    reason = f"Values entered ({ValueSource(source).label.lower()})"
    changed = store_entries({pack.pk: entries}, measures=measures, actor=actor, source=source, reason=reason)
    if changed:
        _save(pack, actor=actor, reason=reason)
    return pack


# --- A pack's values with their comments ------------------------------------------------------


@transaction.atomic
def pack_values_with_comments_set(
    *,
    actor,
    pack: Pack,
    expected_version: int | None,
    values: Mapping[str, Decimal | None],
    reasons: Mapping[str, str],
    comments: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    source: str = ValueSource.API,
) -> tuple[Pack, bool]:
    """``pack_values_set`` (access, version, editable, every value checked, all or
    nothing), then the comments beside those values, in the same transaction. Returns the pack
    and whether anything changed; a change of comment alone is a new version of the pack too.
    Sending the same values and comments again changes nothing and writes no history."""
    version_before = expected_version
    pack = pack_values_set(
        actor=actor,
        pack=pack,
        expected_version=expected_version,
        values=values,
        reasons=reasons,
        source=source,
        labels=labels,
    )
    values_changed = pack.version != version_before
    stored = {v.measure.code: v for v in PackValue.objects.filter(pack=pack).select_related("measure")}
    now = timezone.now()
    to_update = []
    for code, comment in comments.items():
        comment = (comment or "").strip()
        current = stored.get(code)
        if current is not None and current.comment != comment:
            current.comment = comment
            current.version += 1
            current.updated_at = now
            to_update.append(current)
    if to_update:
        bulk_update_with_history(
            to_update,
            PackValue,
            ["comment", "version", "updated_at"],
            default_user=actor,
            default_change_reason=change_reason("Comments on values (API)"),
        )
        if not values_changed:
            save_new_version(pack, actor=actor, reason="Comments on values (API)")
    return pack, values_changed or bool(to_update)


# --- Narrative and risks ----------------------------------------------------------------------


@transaction.atomic
def pack_narrative_set(*, actor, pack: Pack, expected_version: int | None, pillar: str, text: str) -> PillarNarrative:
    """The pack's narrative for one pillar (replacing any earlier text)."""
    access.require(actor, "reporting.pack.edit", pack)
    pack = _lock(pack, expected_version)
    _editable(pack)
    if pillar not in Pillar.values:
        raise OversightError("Choose one of the framework's pillars.", field="pillar", code="invalid_pillar")
    text = (text or "").strip()
    if not text:
        raise OversightError("Write the narrative for this pillar.", field="text", code="required")
    label = Pillar(pillar).label
    narrative = PillarNarrative.objects.filter(pack=pack, pillar=pillar).first()
    if narrative is None:
        narrative = _create(
            PillarNarrative(pack=pack, pillar=pillar, text=text), actor=actor, reason=f"{label} narrative"
        )
    elif narrative.text != text:
        narrative.text = text
        _save(narrative, actor=actor, reason=f"{label} narrative changed")
    else:
        return narrative
    _save(pack, actor=actor, reason=f"{label} narrative")
    return narrative


@transaction.atomic
def pack_risk_add(
    *,
    actor,
    pack: Pack,
    expected_version: int | None,
    description: str,
    likelihood: int,
    consequence: int,
    mitigation: str = "",
    pillar: str = "",
) -> PackRisk:
    """Add a risk and its mitigation, rated 1-5 for likelihood and for consequence."""
    access.require(actor, "reporting.pack.edit", pack)
    pack = _lock(pack, expected_version)
    _editable(pack)
    if not (description or "").strip():
        raise OversightError("Describe the risk.", field="description", code="required")
    risk = PackRisk(
        pack=pack,
        pillar=pillar or "",
        description=description.strip(),
        mitigation=(mitigation or "").strip(),
        likelihood=likelihood,
        consequence=consequence,
    )
    _create(risk, actor=actor, reason="Risk added")
    _save(pack, actor=actor, reason="Risk added")
    return risk


@transaction.atomic
def pack_deep_dive_add(
    *, actor, pack: Pack, expected_version: int | None, title: str, summary: str = ""
) -> DeepDiveTopic:
    """A quarterly deep-dive topic, on the pack of the quarter's last month (March, June,
    September or December)."""
    access.require(actor, "reporting.pack.edit", pack)
    pack = _lock(pack, expected_version)
    _editable(pack)
    if not pack.is_quarter_end:
        raise RuleRefused(
            f"Deep dives go with the pack of a quarter's last month: this pack is for {_month_name(pack.period)}.",
            code="deep_dive_not_quarter_end",
        )
    title = (title or "").strip()
    if not title:
        raise OversightError("Give the deep dive a title.", field="title", code="required")
    if DeepDiveTopic.objects.filter(pack=pack, title=title).exists():
        raise OversightError("This pack already has a deep dive with that title.", field="title", code="duplicate")
    topic = _create(
        DeepDiveTopic(pack=pack, title=title, summary=(summary or "").strip()), actor=actor, reason="Deep dive added"
    )
    _save(pack, actor=actor, reason=f"Deep dive added: {title}")
    return topic


# --- The pack's life --------------------------------------------------------------------------


def _move(actor, pack: Pack, expected_version, *, to_status: str, action: str, comment: str = "") -> Pack:
    access.require(actor, action, pack)
    pack = _lock(pack, expected_version)
    _refuse(
        rules.pack_transition_refusal(
            status=pack.status, to_status=to_status, roles=pack_roles(actor, pack), comment=comment
        )
    )
    return pack


def _incomplete(pack: Pack) -> list[str]:
    """Measures of the pack with neither a value nor a reason."""
    have = set(
        PackValue.objects.filter(pack=pack)
        .exclude(value__isnull=True, not_available_reason="")
        .values_list("measure_id", flat=True)
    )
    return [m.code for m in selectors.pack_measures(pack.organisation, pack.period) if m.pk not in have]


@transaction.atomic
def pack_submit(*, actor, pack: Pack, expected_version: int | None) -> Pack:
    """The organisation's submitter sends the pack to NHS P&I. Every applicable measure needs
    a value, or a reason why there is none."""
    pack = _move(actor, pack, expected_version, to_status=PackStatus.SUBMITTED, action="reporting.pack.submit")
    missing = _incomplete(pack)
    if missing:
        raise ValuesRefused(
            [f"{code}: give the value, or say why there is none." for code in missing],
            lead="The pack is not complete, so it has not been submitted:",
        )
    pack.status = PackStatus.SUBMITTED
    pack.submitted_at = timezone.now()
    pack.submitted_by = actor
    return _save(pack, actor=actor, reason="Submitted")


@transaction.atomic
def pack_return(*, actor, pack: Pack, expected_version: int | None, comment: str) -> Pack:
    """An NHS P&I analyst sends the pack back to the organisation, saying what to change."""
    pack = _move(
        actor, pack, expected_version, to_status=PackStatus.RETURNED, action="reporting.pack.curate", comment=comment
    )
    pack.status = PackStatus.RETURNED
    pack.returned_at = timezone.now()
    pack.returned_by = actor
    pack.returned_comment = comment.strip()
    return _save(pack, actor=actor, reason=f"Returned: {comment.strip()}")


@transaction.atomic
def pack_validate(*, actor, pack: Pack, expected_version: int | None) -> Pack:
    """An NHS P&I analyst confirms the submitted pack is right."""
    pack = _move(actor, pack, expected_version, to_status=PackStatus.VALIDATED, action="reporting.pack.curate")
    pack.status = PackStatus.VALIDATED
    pack.validated_at = timezone.now()
    pack.validated_by = actor
    return _save(pack, actor=actor, reason="Validated")


@transaction.atomic
def pack_release(*, actor, pack: Pack, expected_version: int | None) -> Pack:
    """An NHS P&I analyst releases the validated pack to every authorised user. From now on
    it never changes; its numbers are the released numbers until a correction is released."""
    pack = _move(actor, pack, expected_version, to_status=PackStatus.RELEASED, action="reporting.pack.curate")
    pack.status = PackStatus.RELEASED
    pack.released_at = timezone.now()
    pack.released_by = actor
    pack = _save(pack, actor=actor, reason="Released")
    # Re-test the organisation's criteria bound to measures on the newly released numbers.
    from .tasks import evaluate_criteria

    organisation_id = pack.organisation_id
    transaction.on_commit(lambda: evaluate_criteria.delay(organisation_id=organisation_id), robust=True)
    return pack


@transaction.atomic
def pack_correct(*, actor, pack: Pack, reason: str, expected_version: int | None = None) -> Pack:
    """Start a correction of a released pack: a new version (revision + 1, ``corrects`` the
    released one, with the reason) as a draft holding a copy of its values, narrative, risks
    and deep dives. The released version stays readable and stays the released numbers
    (``PackQuerySet.latest_released``) until the correction is itself released; it stops
    being the current version, in this transaction, as the model requires."""
    access.require(actor, "reporting.pack.curate", pack)
    reason = (reason or "").strip()
    if not reason:
        raise OversightError("Say why the pack needs correcting.", field="reason", code="required")
    released = (
        _lock(pack, expected_version)
        if expected_version is not None
        else Pack.objects.select_for_update().get(pk=pack.pk)
    )
    if released.status != PackStatus.RELEASED:
        raise RuleRefused(
            "Only a released pack is corrected by a new version: change this one directly while it is a "
            "draft or returned, or return it to the organisation.",
            code="pack_not_released",
        )
    if not released.is_current:
        raise RuleRefused(
            "This version has already been corrected: work on the current version of the pack.",
            code="pack_already_corrected",
        )
    released.is_current = False
    released.version += 1
    released._history_user = actor
    released._change_reason = change_reason(f"Superseded by a correction: {reason}")
    released.save(update_fields=["is_current", "version", "updated_at"])

    correction = _create(
        Pack(
            organisation_id=released.organisation_id,
            period=released.period,
            revision=released.revision + 1,
            corrects=released,
            correction_reason=reason,
            status=PackStatus.DRAFT,
            due_on=None,
        ),
        actor=actor,
        reason=f"Correction: {reason}",
    )
    why = change_reason(f"Copied into version {correction.revision}")
    values = [
        PackValue(
            pack=correction,
            measure_id=v.measure_id,
            value=v.value,
            not_available_reason=v.not_available_reason,
            source=v.source,
            comment=v.comment,
        )
        for v in released.values.all()
    ]
    bulk_create_with_history(values, PackValue, default_user=actor, default_change_reason=why)
    narratives = [PillarNarrative(pack=correction, pillar=n.pillar, text=n.text) for n in released.narratives.all()]
    bulk_create_with_history(narratives, PillarNarrative, default_user=actor, default_change_reason=why)
    risks = [
        PackRisk(
            pack=correction,
            pillar=r.pillar,
            description=r.description,
            mitigation=r.mitigation,
            likelihood=r.likelihood,
            consequence=r.consequence,
        )
        for r in released.risks.all()
    ]
    bulk_create_with_history(risks, PackRisk, default_user=actor, default_change_reason=why)
    topics = [DeepDiveTopic(pack=correction, title=t.title, summary=t.summary) for t in released.deep_dives.all()]
    bulk_create_with_history(topics, DeepDiveTopic, default_user=actor, default_change_reason=why)
    return correction
