"""Optimistic concurrency: a stale edit is a conflict, never a silent overwrite.

Every editable record carries ``version`` (``oversight.models.BaseModel``). A form or an
API request sends back the version it was shown; the service locks the row, compares, and
either applies the change and raises the version by one, or raises ``ConflictError``.
The lock (``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) means two
writers holding the same version cannot both succeed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from .errors import ConflictError


def lock_at_version(model: type[Model], *, pk: Any, expected_version: int | None) -> Model:
    """The row, locked for this transaction, if it is still at ``expected_version``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_at_version must run inside transaction.atomic")
    obj = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is None or int(expected_version) != obj.version:
        raise ConflictError(
            f"This {model._meta.verbose_name} was changed by someone else while you were editing it "
            f"(you had version {expected_version}, it is now at version {obj.version}). "
            "Your changes have not been saved: check the current details, then make your change again.",
        )
    return obj


def save_new_version(obj: Model, *, actor=None, reason: str = "", update_fields: list[str] | None = None) -> Model:
    """Save ``obj`` as its next version, recording who changed it and why in its history."""
    obj.version += 1
    if actor is not None:
        obj._history_user = actor
    if reason:
        obj._change_reason = change_reason(reason)
    if update_fields is not None:
        update_fields = [*update_fields, "version", "updated_at"]
    obj.full_clean(validate_unique=True, validate_constraints=True)
    obj.save(update_fields=update_fields)
    return obj


def create_recorded(obj: Model, *, actor=None, reason: str = "") -> Model:
    """Validate and insert a new record, its history saying who created it and why."""
    if actor is not None:
        obj._history_user = actor
    if reason:
        obj._change_reason = change_reason(reason)
    obj.full_clean()
    obj.save()
    return obj


def change_reason(text: str) -> str:
    """A history entry's reason, cut to the 100 characters the history tables hold."""
    return text if len(text) <= 100 else text[:99] + "…"
