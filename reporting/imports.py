"""Pack values from a file: the downloadable template, an upload into one pack, and the bulk
upload (or API body) across many organisations and months.

Files are CSV or XLSX, told apart by their content (an XLSX file is a zip archive), and read
with the standard ``csv`` module or tablib. All or nothing: every row is checked before
anything is stored, and the refusal names each bad row as a spreadsheet shows it (the header
is row 1, so the first value is row 2), its column and the reason: unknown measure, wrong unit,
a value that is not a number or is out of range for its unit, a duplicate, a period outside
the pack, a missing reason for an empty value. Sending the same file again changes nothing.

Storage goes through ``reporting.services`` (``pack_values_set`` for one pack; the same
checks, ``services.check_entries``, and the same bulk writer, ``services.store_entries``, for
many), so a 10,000-value upload is a handful of queries, not one per row.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import tablib
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisations.models import Organisation
from oversight import access
from oversight.concurrency import change_reason
from oversight.errors import UploadRefused
from oversight.exports import neutralise

from . import rules, selectors, services
from .choices import EDITABLE_PACK_STATUSES, PackStatus, Unit, ValueSource
from .models import Measure, Pack
from .services import Entry, ValuesRefused

TEMPLATE_COLUMNS = ["measure", "name", "unit", "value", "reason"]
BULK_COLUMNS = ["organisation", "period", "measure", "value", "reason"]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PERIOD = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
# Headings people write for the same column.
ALIASES = {
    "measure code": "measure",
    "code": "measure",
    "reason if no value": "reason",
    "why there is no value": "reason",
    "month": "period",
    "organisation code": "organisation",
    "organization": "organisation",
}


@dataclass
class Row:
    line: int
    cells: dict

    def get(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        return value.strip() if isinstance(value, str) else value


@dataclass
class ImportReport:
    rows: int = 0
    packs_created: int = 0
    packs_changed: list[int] = field(default_factory=list)


# --- Templates --------------------------------------------------------------------------------


def template_dataset(organisation, period: date) -> tablib.Dataset:
    """One row per measure in the organisation's pack for the month, value and reason empty."""
    period = period.replace(day=1)
    data = tablib.Dataset(headers=TEMPLATE_COLUMNS, title=f"{organisation.code} {period:%Y-%m}"[:31])
    for measure in selectors.pack_measures(organisation, period):
        data.append([measure.code, neutralise(measure.name), Unit(measure.unit).label, "", ""])
    return data


def template_csv(organisation, period: date) -> str:
    return template_dataset(organisation, period).export("csv")


def template_xlsx(organisation, period: date) -> bytes:
    return template_dataset(organisation, period).export("xlsx")


# --- Reading a file ---------------------------------------------------------------------------


def _bytes(upload) -> tuple[bytes, str]:
    if isinstance(upload, bytes):
        return upload, ""
    if isinstance(upload, str):
        return upload.encode("utf-8"), ""
    name = getattr(upload, "name", "") or ""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, name


def _heading(text) -> str:
    words = str(text or "").strip().lower()
    return ALIASES.get(words, words)


def read_rows(upload, *, required: list[str]) -> list[Row]:
    """The file's rows, each with its line number as a spreadsheet shows it. Blank rows are
    skipped. Refuses a file that is empty, too large, unreadable, or missing a column."""
    data, name = _bytes(upload)
    if not data.strip():
        raise UploadRefused("The file is empty: download the template, fill it in and upload it.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it and upload each part."
        )
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        try:
            sheet = tablib.Dataset().load(data, format="xlsx")
        except Exception as error:  # openpyxl raises many kinds
            raise UploadRefused("The file could not be read as an Excel (.xlsx) workbook.") from error
        headings = [_heading(h) for h in sheet.headers or []]
        raw_rows = [(index + 2, list(values)) for index, values in enumerate(sheet)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            headings = [_heading(h) for h in next(reader, [])]
            raw_rows = [(reader.line_num, values) for values in reader]
        except csv.Error as error:
            raise UploadRefused(f"The file could not be read as CSV: {error}.") from error
    missing = [column for column in required if column not in headings]
    if missing:
        raise ValuesRefused(
            [f"Row 1: the file has no “{column}” column." for column in missing]
            + [f"Row 1: the columns should be {', '.join(required)} (as in the template)."],
            lead="Nothing was stored: the file's headings are not the template's.",
        )
    rows = []
    for line, values in raw_rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append(Row(line, dict(zip(headings, values, strict=False))))
    return rows


def _value(row: Row, errors: list[str]):
    raw = row.cells.get("value")
    try:
        return True, rules.parse_value(raw)
    except ValueError:
        errors.append(f"Row {row.line}, column value: “{raw}” is not a number.")
        return False, None


def _period(raw, row: Row, errors: list[str]) -> date | None:
    if isinstance(raw, datetime | date):
        return date(raw.year, raw.month, 1)
    match = PERIOD.match(str(raw or "").strip())
    if match and 1 <= int(match.group(2)) <= 12:
        return date(int(match.group(1)), int(match.group(2)), 1)
    errors.append(f"Row {row.line}, column period: “{raw}” is not a month (write it as YYYY-MM, e.g. 2026-05).")
    return None


def _unit_matches(text, measure: Measure) -> bool:
    text = str(text or "").strip().lower()
    return not text or text in (measure.unit.lower(), str(Unit(measure.unit).label).lower())


def _common_checks(row: Row, code: str, measures: dict, errors: list[str]) -> None:
    measure = measures.get(code)
    unit = row.get("unit")
    if measure is not None and unit and not _unit_matches(unit, measure):
        errors.append(f"Row {row.line}, column unit: {code} is measured as “{Unit(measure.unit).label}”, not “{unit}”.")


# --- One pack ---------------------------------------------------------------------------------


def pack_values_import(*, actor, pack: Pack, expected_version: int | None, upload) -> Pack:
    """Store an uploaded template (CSV or XLSX) in one pack, all or nothing, through
    ``services.pack_values_set``. Optional organisation and period columns must name this
    pack."""
    access.require(actor, "reporting.pack.edit", pack)
    rows = read_rows(upload, required=["measure", "value"])
    measures = {m.code: m for m in Measure.objects.all()}
    errors: list[str] = []
    seen: dict[str, int] = {}
    entries: list[Entry] = []
    for row in rows:
        code = str(row.get("measure"))
        if not code:
            errors.append(f"Row {row.line}, column measure: give the measure's code.")
            continue
        if code in seen:
            errors.append(f"Row {row.line}, column measure: {code} is already given in row {seen[code]}.")
            continue
        seen[code] = row.line
        organisation = row.get("organisation")
        if organisation and str(organisation) != pack.organisation.code:
            errors.append(
                f"Row {row.line}, column organisation: this is {pack.organisation.code}'s pack, not {organisation}'s."
            )
        if row.get("period"):
            period = _period(row.get("period"), row, errors)
            if period is not None and period != pack.period:
                errors.append(
                    f"Row {row.line}, column period: {period:%Y-%m} is outside this pack, "
                    f"which is for {pack.period:%Y-%m}."
                )
        _common_checks(row, code, measures, errors)
        ok, value = _value(row, errors)
        if ok:
            entries.append(Entry(code=code, value=value, reason=str(row.get("reason") or ""), label=f"Row {row.line}"))
    errors += services.check_entries(entries, organisation=pack.organisation, period=pack.period, measures=measures)
    if errors:
        raise ValuesRefused(_by_row(errors))
    return services.pack_values_set(
        actor=actor,
        pack=pack,
        expected_version=expected_version,
        values={e.code: e.value for e in entries},
        reasons={e.code: e.reason for e in entries},
        source=ValueSource.UPLOAD,
        labels={e.code: e.label for e in entries},
    )


def _by_row(errors: list[str]) -> list[str]:
    def line(message: str) -> int:
        match = re.match(r"Row (\d+)", message)
        return int(match.group(1)) if match else 0

    return sorted(errors, key=line)


# --- Many packs -------------------------------------------------------------------------------


@transaction.atomic
def values_import(*, actor, upload, source: str = ValueSource.UPLOAD) -> ImportReport:
    """Store values for many organisations and months (columns: organisation, period
    YYYY-MM, measure, value, reason), opening each draft pack that does not yet exist and
    updating draft or returned ones. All or nothing: a row for a pack the actor may not edit,
    or one that is submitted, validated or released, refuses the file like any other bad row.
    The packs it names are locked for the transaction."""
    rows = read_rows(upload, required=["organisation", "period", "measure", "value"])
    organisations = {o.code: o for o in Organisation.objects.all()}
    measures = {m.code: m for m in Measure.objects.all()}
    may_edit: dict[int, bool] = {}
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    groups: dict[tuple[int, date], list[Entry]] = defaultdict(list)
    first_line: dict[tuple[int, date], int] = {}
    for row in rows:
        problems_before = len(errors)
        org_code = str(row.get("organisation"))
        organisation = organisations.get(org_code)
        if organisation is None:
            errors.append(f"Row {row.line}, column organisation: there is no organisation with the code “{org_code}”.")
        elif organisation.pk not in may_edit:
            may_edit[organisation.pk] = access.can(actor, "reporting.pack.edit", Pack(organisation=organisation))
        if organisation is not None and not may_edit[organisation.pk]:
            errors.append(f"Row {row.line}, column organisation: you may not enter values in {org_code}'s packs.")
        period = _period(row.get("period"), row, errors)
        code = str(row.get("measure"))
        if not code:
            errors.append(f"Row {row.line}, column measure: give the measure's code.")
        _common_checks(row, code, measures, errors)
        _ok, value = _value(row, errors)
        if len(errors) > problems_before or organisation is None or period is None:
            continue
        key = (organisation.pk, period, code)
        if key in seen:
            errors.append(
                f"Row {row.line}, column measure: {code} for {org_code} in {period:%Y-%m} "
                f"is already given in row {seen[key]}."
            )
            continue
        seen[key] = row.line
        group = (organisation.pk, period)
        first_line.setdefault(group, row.line)
        groups[group].append(
            Entry(code=code, value=value, reason=str(row.get("reason") or ""), label=f"Row {row.line}")
        )

    by_pk = {o.pk: o for o in organisations.values()}
    for (organisation_id, period), entries in groups.items():
        errors += services.check_entries(entries, organisation=by_pk[organisation_id], period=period, measures=measures)

    packs = _current_packs(groups)
    for group, pack in packs.items():
        if pack.status not in EDITABLE_PACK_STATUSES:
            errors.append(
                f"Row {first_line[group]}, column period: {by_pk[group[0]].code}'s pack for {group[1]:%B %Y} is "
                f"{PackStatus(pack.status).label.lower()}, so its values cannot change now."
            )
    if errors:
        raise ValuesRefused(_by_row(errors))

    report = ImportReport(rows=len(rows))
    reason = f"Values imported ({ValueSource(source).label.lower()})"
    new = [
        Pack(organisation_id=organisation_id, period=period, due_on=rules.pack_due_on(period))
        for (organisation_id, period) in groups
        if (organisation_id, period) not in packs
    ]
    if new:
        bulk_create_with_history(new, Pack, default_user=actor, default_change_reason=change_reason(reason))
        if any(p.pk is None for p in new):  # a database that does not return ids from bulk inserts
            packs = _current_packs(groups)
        else:
            packs.update({(p.organisation_id, p.period): p for p in new})
        report.packs_created = len(new)
    created = {packs[(n.organisation_id, n.period)].pk for n in new}
    changed = services.store_entries(
        {packs[group].pk: entries for group, entries in groups.items()},
        measures=measures,
        actor=actor,
        source=source,
        reason=reason,
    )
    bump = [p for p in packs.values() if p.pk in changed and p.pk not in created]
    now = timezone.now()
    for pack in bump:
        pack.version += 1
        pack.updated_at = now
    if bump:
        bulk_update_with_history(
            bump, Pack, ["version", "updated_at"], default_user=actor, default_change_reason=change_reason(reason)
        )
    report.packs_changed = sorted(changed)
    return report


def _current_packs(groups) -> dict[tuple[int, date], Pack]:
    if not groups:
        return {}
    organisation_ids = {organisation_id for organisation_id, _ in groups}
    periods = {period for _, period in groups}
    found = Pack.objects.select_for_update().filter(
        is_current=True, organisation_id__in=organisation_ids, period__in=periods
    )
    return {(p.organisation_id, p.period): p for p in found if (p.organisation_id, p.period) in groups}
