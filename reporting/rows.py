"""Bulk rows sent to the reporting API (daily values, trajectories): the refusal that names
every problem by row, field and reason, and the checks every kind of row shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oversight.errors import OversightError

MAX_ROWS = 10_000


@dataclass(frozen=True)
class RowError:
    """One problem with one row of a bulk request: ``row`` is its position in the list, from 0
    (None for a problem with the request as a whole); ``field`` the field at fault ("" for the
    row as a whole)."""

    row: int | None
    field: str
    code: str
    message: str


class RowsRefused(OversightError):
    """Rows refused all or nothing: ``errors`` lists every problem (``RowError``), in row order."""

    code = "rows_refused"

    def __init__(self, errors: list[RowError], *, code: str | None = None, message: str | None = None):
        self.errors = sorted(errors, key=lambda e: -1 if e.row is None else e.row)
        rows = len({e.row for e in errors if e.row is not None})
        if message is None and rows:
            message = ngettext(
                "Nothing was stored: %(rows)d row has a problem. Fix it and send every row again.",
                "Nothing was stored: %(rows)d rows have problems. Fix them and send every row again.",
                rows,
            ) % {"rows": rows}
        super().__init__(
            message or _("Nothing was stored: fix these problems and send it again."), code=code or self.code
        )

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [asdict(e) for e in self.errors]}


Complain = Callable[[str, str, str], None]  # (field, code, message)


def text(row: Mapping, name: str) -> str:
    """A row's field as stripped text ("" when absent)."""
    value = row.get(name)
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def organisation_of(row: Mapping, organisations: Mapping, complain: Complain):
    """The organisation a row names by code, or None after saying what is wrong."""
    code = text(row, "organisation")
    if not code:
        complain("organisation", "required", _("Give the organisation's code."))
        return None
    organisation = organisations.get(code)
    if organisation is None:
        complain(
            "organisation",
            "unknown_organisation",
            _("There is no organisation with the code “%(code)s”.") % {"code": code},
        )
    return organisation


def measure_of(row: Mapping, measures: Mapping, complain: Complain):
    """The measure a row names by code, or None after saying what is wrong."""
    code = text(row, "measure")
    if not code:
        complain("measure", "required", _("Give the measure's code."))
        return None
    measure = measures.get(code)
    if measure is None:
        complain("measure", "unknown_measure", _("There is no measure with the code “%(code)s”.") % {"code": code})
    return measure
