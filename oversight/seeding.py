"""Idempotent loading of reference data, shared by every app's ``reference.seed``.

A row that is missing is created; a row that exists only has its blank fields filled,
so an administrator's edits survive a re-seed, unless ``overwrite`` is asked for. Running a
seed twice changes nothing (and writes no history) the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self):
        return f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged"

    def add(self, other: SeedReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def apply_values(obj: Model, values: dict, *, overwrite: bool) -> bool:
    """Set ``values`` on ``obj``; without ``overwrite`` only blank fields are filled."""
    changed = False
    for name, value in values.items():
        current = getattr(obj, name)
        if current == value:
            continue
        if overwrite or current in ("", None, []):
            setattr(obj, name, value)
            changed = True
    return changed


def upsert(
    model: type[Model], *, lookup: dict, values: dict, report: SeedReport, label: str, overwrite: bool = False
) -> Model:
    """Create the row found by ``lookup``, or fill in (or overwrite) its values."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = "Reference data"
        obj.full_clean()
        obj.save()
        report.created.append(label)
    elif apply_values(obj, values, overwrite=overwrite):
        if hasattr(obj, "version"):
            obj.version += 1
        obj._change_reason = "Reference data"
        obj.full_clean()
        obj.save()
        report.updated.append(label)
    else:
        report.unchanged += 1
    return obj
