"""Historical import of escalation decisions, through the same services as the pages.

All or nothing: every row is checked and decided inside one transaction, and any refusal
rolls the whole file back with its line number. With ``allow_legacy``, a row that today's
rules would refuse is stored with a recorded override instead.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from django.db import transaction

from organisations.models import Organisation
from oversight.errors import OversightError

from . import rules, selectors, services
from .choices import ScopeKind
from .models import Domain

COLUMNS = ["organisation", "date", "scope_kind", "scope", "level", "rationale", "source"]
CRITERIA_NOTE = "Historical import: the evidence on criteria is in the source records, not in Oversight."


class ImportRefused(OversightError):
    code = "import_refused"

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = "\n".join(errors[:20]) + (f"\n…and {len(errors) - 20} more." if len(errors) > 20 else "")
        super().__init__(f"Nothing was imported. Fix these rows and import the file again:\n{shown}")


@dataclass
class Row:
    line: int
    organisation: Organisation
    on: date
    scope: services.Scope
    level: int
    rationale: str
    source: str


@dataclass
class ImportReport:
    imported: int = 0
    legacy: list[str] = field(default_factory=list)


def _parse(handle: TextIO) -> list[Row]:
    reader = csv.DictReader(handle)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([f"line 1: missing columns: {', '.join(missing)} (expected {', '.join(COLUMNS)})"])
    organisations = {o.code: o for o in Organisation.objects.all()}
    eras = [(e.code, e.starts_on, e.ends_on) for e in selectors.Era.objects.all()]
    domains = {(d.era.code, d.code): d for d in Domain.objects.select_related("era")}
    rows, errors = [], []
    for raw in reader:
        line = reader.line_num
        problems = []
        organisation = organisations.get((raw["organisation"] or "").strip())
        if organisation is None:
            problems.append(f"unknown organisation code “{raw['organisation']}”")
        try:
            on = date.fromisoformat((raw["date"] or "").strip())
        except ValueError:
            on = None
            problems.append(f"“{raw['date']}” is not a date (use YYYY-MM-DD)")
        kind = (raw["scope_kind"] or "").strip()
        scope_text = (raw["scope"] or "").strip()
        scope = None
        if kind not in ScopeKind.values:
            problems.append(f"scope kind must be one of {', '.join(ScopeKind.values)}, not “{kind}”")
        elif kind == ScopeKind.DOMAIN and on is not None:
            try:
                era_code = rules.era_for(on, eras)
            except ValueError as exc:
                problems.append(str(exc))
            else:
                domain = domains.get((era_code, scope_text))
                if domain is None:
                    problems.append(f"“{scope_text}” is not a domain or pillar of the {era_code} era")
                scope = services.Scope(kind, domain)
        else:
            scope = services.Scope(kind, None, scope_text)
        try:
            level = int(raw["level"])
            if level not in rules.LEVELS:
                raise ValueError
        except (TypeError, ValueError):
            level = None
            problems.append(f"level must be a whole number from 1 to 5, not “{raw['level']}”")
        if not (raw["rationale"] or "").strip():
            problems.append("the rationale is empty")
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
            continue
        rows.append(Row(line, organisation, on, scope, level, raw["rationale"].strip(), (raw["source"] or "").strip()))
    if errors:
        raise ImportRefused(errors)
    return rows


@transaction.atomic
def history_import(*, actor, handle: TextIO, allow_legacy: bool = False) -> ImportReport:
    """Import a CSV of historical decisions (columns: organisation, date, scope_kind, scope,
    level, rationale, source). Rows are applied in date order, each scope in turn."""
    rows = _parse(handle)
    report = ImportReport()
    errors: list[str] = []
    failed_scopes: set[tuple[int, str]] = set()
    for row in sorted(rows, key=lambda r: (r.on, r.line)):
        scope_id = (row.organisation.pk, row.scope.key)
        if scope_id in failed_scopes:
            continue  # its from-level depends on the refused row: checked once that row is fixed
        try:
            _apply(row, actor=actor, legacy_override="")
        except services.RuleRefused as refusal:
            if not allow_legacy:
                errors.append(f"line {row.line}: {refusal.message} [{refusal.code}]")
                failed_scopes.add(scope_id)
                continue
            _apply(row, actor=actor, legacy_override=f"Imported with --allow-legacy: {refusal.message}")
            report.legacy.append(f"line {row.line}")
        report.imported += 1
    if errors:
        transaction.set_rollback(True)
        raise ImportRefused(errors)
    return report


def _apply(row: Row, *, actor, legacy_override: str) -> None:
    with transaction.atomic():
        draft = services.decision_draft(
            actor=actor,
            organisation=row.organisation,
            scope=row.scope,
            to_level=row.level,
            rationale=row.rationale,
            planned_on=row.on,
            source=row.source,
            legacy=bool(legacy_override),
        )
        services.decision_decide(
            actor=actor,
            decision=draft,
            expected_version=draft.version,
            decided_on=row.on,
            minister_decided_on=row.on,
            notified_on=row.on,
            override_rationale=CRITERIA_NOTE,
            legacy_override=legacy_override,
        )
