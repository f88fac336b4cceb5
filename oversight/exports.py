"""CSV and XLSX export of any list, through tablib.

Every list page offers "Download CSV" and "Download Excel" for exactly the rows its
filters select. Text cells that a spreadsheet would run as a formula (starting ``=``, ``+``,
``-``, ``@``, or a tab or carriage return) are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import tablib
from django.http import HttpResponse
from django.utils import timezone

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One exported column: its header and how to read its value from a row."""

    header: str
    value: str | Callable[[Any], Any]

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        obj = row
        for part in self.value.split("."):
            obj = getattr(obj, part, None) if obj is not None else None
            if callable(obj):
                obj = obj()
        return obj


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))


def build_dataset(rows: Iterable[Any], columns: list[Column], *, title: str = "Export") -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[str(c.header) for c in columns], title=title[:31])
    for row in rows:
        dataset.append([_cell(c.read(row)) for c in columns])
    return dataset


def export_response(*, rows: Iterable[Any], columns: list[Column], filename: str, fmt: str) -> HttpResponse:
    """An HTTP download of ``rows`` in ``fmt`` ("csv" or "xlsx")."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    content_type, extension = FORMATS[fmt]
    dataset = build_dataset(rows, columns, title=filename)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename).strip("-") or "export"
    body = dataset.export(fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe}-{timezone.localdate():%Y-%m-%d}.{extension}"'
    return response
