"""CSV and Excel downloads (``oversight.exports``): safe cells, honest types, the page's own rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.urls import reverse

from organisations.choices import OrganisationKind
from oversight.exports import Column, export_response, neutralise
from tests.factories import OrganisationFactory

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- neutralise --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+44 29 2000 0000", "'+44 29 2000 0000"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\tleading tab", "'\tleading tab"),
    ],
    ids=[
        "equals",
        "hyperlink",
        "plus",
        "minus-formula",
        "minus-number-as-text",
        "at",
        "tab",
        "carriage-return",
        "tab-text",
    ],
)
def test_a_text_cell_a_spreadsheet_would_run_is_prefixed_with_an_apostrophe(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Cardiff and Vale University Health Board", "Cardiff and Vale University Health Board"),
        ("Bwrdd Iechyd Prifysgol Caerdydd a'r Fro", "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro"),
        ("", ""),
        ("1 = 1", "1 = 1"),
        ("a-b", "a-b"),
        ("'=already quoted", "'=already quoted"),
        (42, 42),
        (3.5, 3.5),
        (0, 0),
        (-5, -5),
        (-2.75, -2.75),
        (None, None),
    ],
    ids=[
        "plain-text",
        "welsh-text",
        "empty",
        "equals-inside",
        "minus-inside",
        "already-quoted",
        "int",
        "float",
        "zero",
        "negative-int",
        "negative-float",
        "none",
    ],
)
def test_a_safe_value_is_returned_unchanged(value, expected):
    result = neutralise(value)

    assert result == expected
    assert type(result) is type(expected)


# --- export_response ---------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    count: int
    due: date
    sent: datetime
    statutory: bool
    note: str | None
    ratio: float


COLUMNS = [
    Column("Name", "name"),
    Column("Count", "count"),
    Column("Due", "due"),
    Column("Sent", "sent"),
    Column("Statutory", "statutory"),
    Column("Note", "note"),
    Column("Ratio", "ratio"),
    Column("Upper name", lambda row: row.name.upper()),
]

ROWS = [
    Row(
        name='=HYPERLINK("http://evil.example","x")',
        count=-3,
        due=date(2026, 5, 1),
        # 09:30 UTC on 1 May 2026 is 10:30 in London (British Summer Time).
        sent=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        statutory=True,
        note=None,
        ratio=0.25,
    ),
    Row(
        name="Org B",
        count=7,
        due=date(2026, 12, 31),
        # 15:45 UTC on 15 January 2026 is 15:45 in London (GMT).
        sent=datetime(2026, 1, 15, 15, 45, tzinfo=UTC),
        statutory=False,
        note="@risk",
        ratio=1.5,
    ),
]

HEADER = ["Name", "Count", "Due", "Sent", "Statutory", "Note", "Ratio", "Upper name"]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def read_xlsx(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_csv_export_is_a_csv_download(db):
    response = export_response(rows=ROWS, columns=COLUMNS, filename="escalation report", fmt="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="escalation-report-')
    assert disposition.endswith('.csv"')


def test_an_xlsx_export_is_an_excel_download(db):
    response = export_response(rows=ROWS, columns=COLUMNS, filename="escalation report", fmt="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="escalation-report-')
    assert disposition.endswith('.xlsx"')


def test_the_download_file_name_carries_no_quotes_or_path(db):
    response = export_response(rows=[], columns=COLUMNS, filename='../"evil"/name', fmt="csv")

    disposition = response["Content-Disposition"]
    file_name = disposition.split('filename="', 1)[1].rstrip('"')
    assert '"' not in file_name
    assert "/" not in file_name
    assert file_name.endswith(".csv")


def test_a_csv_export_has_the_header_row_and_safe_typed_cells(db):
    response = export_response(rows=ROWS, columns=COLUMNS, filename="report", fmt="csv")

    assert read_csv(response) == [
        HEADER,
        [
            '\'=HYPERLINK("http://evil.example","x")',
            "-3",
            "2026-05-01",
            "2026-05-01 10:30",
            "yes",
            "",
            "0.25",
            '\'=HYPERLINK("HTTP://EVIL.EXAMPLE","X")',
        ],
        ["Org B", "7", "2026-12-31", "2026-01-15 15:45", "no", "'@risk", "1.5", "ORG B"],
    ]


def test_an_xlsx_export_has_the_header_row_and_safe_typed_cells(db):
    response = export_response(rows=ROWS, columns=COLUMNS, filename="report", fmt="xlsx")

    assert read_xlsx(response) == [
        HEADER,
        [
            '\'=HYPERLINK("http://evil.example","x")',
            -3,
            "2026-05-01",
            "2026-05-01 10:30",
            "yes",
            None,  # an empty cell reads back as None
            0.25,
            '\'=HYPERLINK("HTTP://EVIL.EXAMPLE","X")',
        ],
        ["Org B", 7, "2026-12-31", "2026-01-15 15:45", "no", "'@risk", 1.5, "ORG B"],
    ]


def test_an_xlsx_export_contains_no_formula_cells(db):
    response = export_response(rows=ROWS, columns=COLUMNS, filename="report", fmt="xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data_types = {cell.data_type for row in workbook.worksheets[0].iter_rows() for cell in row}
    assert "f" not in data_types


def test_an_unknown_export_format_is_refused(db):
    with pytest.raises(ValueError, match="pdf"):
        export_response(rows=ROWS, columns=COLUMNS, filename="report", fmt="pdf")


def test_a_dotted_column_reads_through_a_missing_relation_as_empty(db):
    @dataclass
    class Thing:
        region: object

    response = export_response(
        rows=[Thing(region=None)], columns=[Column("Region", "region.name")], filename="x", fmt="csv"
    )

    assert read_csv(response) == [["Region"], [""]]


# --- The organisation list page's export -------------------------------------------------------


def test_the_organisation_list_export_neutralises_a_formula_in_a_name(world, login):
    OrganisationFactory(code="EVIL", name='=HYPERLINK("http://evil.example","Click me")', short_name="Evil")
    client = login(world.personas["submitter_a"])

    response = client.get(reverse("organisations:list"), {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organisations-')
    rows = read_csv(response)
    assert rows[0] == [
        "Code",
        "Name",
        "Welsh name",
        "Short name",
        "Kind",
        "Region",
        "Hosted by",
        "ODS code",
        "ONS code",
        "Statutory",
        "Active",
    ]
    evil = next(row for row in rows[1:] if row[0] == "EVIL")
    assert evil[1] == '\'=HYPERLINK("http://evil.example","Click me")'
    # Every row's name, and nothing starting with a formula character anywhere.
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_the_organisation_list_export_as_excel_neutralises_a_formula_in_a_name(world, login):
    OrganisationFactory(code="EVIL", name='=HYPERLINK("http://evil.example","Click me")', short_name="Evil")
    client = login(world.personas["partner"])

    response = client.get(reverse("organisations:list"), {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    rows = read_xlsx(response)
    evil = next(row for row in rows[1:] if row[0] == "EVIL")
    assert evil[1] == '\'=HYPERLINK("http://evil.example","Click me")'


def test_the_organisation_list_export_honours_the_pages_filters(world, login):
    OrganisationFactory(code="TRUSTX", name="Example NHS Trust", short_name="Trust X", kind=OrganisationKind.TRUST)
    OrganisationFactory(code="TRUSTY", name="Another NHS Trust", short_name="Trust Y", kind=OrganisationKind.TRUST)
    client = login(world.personas["official"])

    response = client.get(reverse("organisations:list"), {"kind": "trust", "export": "csv"})

    assert response.status_code == 200
    rows = read_csv(response)
    assert sorted(row[0] for row in rows[1:]) == ["TRUSTX", "TRUSTY"]
    assert {row[4] for row in rows[1:]} == {"NHS trust"}


def test_the_organisation_list_export_without_filters_lists_every_organisation(world, login):
    client = login(world.personas["submitter_b"])

    response = client.get(reverse("organisations:list"), {"export": "csv"})

    rows = read_csv(response)
    assert sorted(row[0] for row in rows[1:]) == ["HIW", "NHSPI", "ORGA", "ORGB", "WG"]


def test_the_organisation_list_export_with_an_invalid_filter_exports_no_rows(world, login):
    client = login(world.personas["official"])

    response = client.get(reverse("organisations:list"), {"kind": "not-a-kind", "export": "csv"})

    assert response.status_code == 200
    rows = read_csv(response)
    assert len(rows) == 1
    assert rows[0][:2] == ["Code", "Name"]


def test_an_anonymous_visitor_cannot_export_the_organisation_list(world, client):
    response = client.get(reverse("organisations:list"), {"export": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
