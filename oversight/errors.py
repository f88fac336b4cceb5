"""Domain errors: one base class, with a code machines can read and a message people can act on.

The UI shows an ``OversightError`` beside the form field it names (or in the error summary),
and the API answers it as ``{"detail": ..., "code": ..., "field": ...}`` with its HTTP status.
"""

from __future__ import annotations


class OversightError(Exception):
    """A refusal the user can act on. Raised by services; never a 500."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field

    def as_dict(self) -> dict:
        data = {"detail": self.message, "code": self.code}
        if self.field:
            data["field"] = self.field
        return data


class RuleRefused(OversightError):
    """An action a framework rule refuses (each app's ``rules.py``). Its code names the rule."""


def refuse(refusal, *, field: str | None = None) -> None:
    """Raise a rule's refusal (any object with ``code`` and ``message``), if there is one."""
    if refusal is not None:
        raise RuleRefused(refusal.message, code=refusal.code, field=field)


def from_validation_error(error) -> OversightError:
    """A model's own validation (a Django ``ValidationError``), as a refusal naming the field."""
    from django.core.exceptions import NON_FIELD_ERRORS

    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        message = " ".join(message for item in errors for message in item.messages)
        return OversightError(message, field=None if field == NON_FIELD_ERRORS else field, code="invalid")
    return OversightError(" ".join(error.messages), code="invalid")


class ConflictError(OversightError):
    """Someone else changed the record since the user loaded it: a stale edit."""

    code = "conflict"
    status = 409


class PermissionRefused(OversightError):
    """The actor may see the object but may not do this to it."""

    code = "permission_denied"
    status = 403


class UploadRefused(OversightError):
    """A file was refused: wrong type, too large or empty."""

    code = "upload_refused"
