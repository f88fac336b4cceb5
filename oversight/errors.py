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
