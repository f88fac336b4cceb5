"""Pack uploads: the template round-trips, CSV and XLSX, all or nothing naming the row, and
the bulk upload across organisations and months."""

import csv
import io
from datetime import date, timedelta

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from oversight.errors import PermissionRefused, UploadRefused
from reporting import imports, reference, selectors, services
from reporting.choices import PackStatus, Unit, ValueSource
from reporting.models import Pack, PackValue

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
SAMPLE = {Unit.PERCENT: "80", Unit.YES_NO: "1", Unit.GBP_MILLIONS: "-1.5"}


@pytest.fixture
def catalogue():
    reference.seed()


@pytest.fixture
def p(world):
    return world.personas


@pytest.fixture
def pack(world, p, catalogue):
    return services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)


def filled_template(pack, *, bad=None):
    data = tablib.Dataset().load(imports.template_csv(pack.organisation, pack.period), format="csv")
    rows = []
    for code, name, unit, _value, _reason in data:
        rows.append([code, name, unit, SAMPLE.get(next(k for k in Unit if k.label == unit), "10"), ""])
    if bad:
        for line, column, value in bad:
            rows[line - 2][imports.TEMPLATE_COLUMNS.index(column)] = value
    return tablib.Dataset(*rows, headers=imports.TEMPLATE_COLUMNS)


def upload(dataset, fmt="csv"):
    return SimpleUploadedFile(f"pack.{fmt}", dataset.export(fmt).encode() if fmt == "csv" else dataset.export(fmt))


def test_template_lists_every_measure_in_force(world, pack):
    data = tablib.Dataset().load(imports.template_csv(world.org_a, MAY), format="csv")
    assert data.headers == imports.TEMPLATE_COLUMNS
    codes = data["measure"]
    assert codes == [m.code for m in selectors.pack_measures(world.org_a, MAY)]
    assert "UEC-RED8" not in codes  # ended 30 June 2025
    xlsx = tablib.Dataset().load(imports.template_xlsx(world.org_a, MAY), format="xlsx")
    assert xlsx["measure"] == codes


def test_template_round_trips(world, p, pack):
    data = filled_template(pack)
    pack = imports.pack_values_import(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=upload(data)
    )
    assert pack.values.count() == len(data)
    assert set(pack.values.values_list("source", flat=True)) == {ValueSource.UPLOAD}
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    assert pack.status == PackStatus.SUBMITTED


def test_ten_rows_ok_and_resend_changes_nothing(p, pack):
    data = tablib.Dataset(*filled_template(pack)[:10], headers=imports.TEMPLATE_COLUMNS)
    pack = imports.pack_values_import(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=upload(data)
    )
    assert pack.values.count() == 10
    version = pack.version
    pack = imports.pack_values_import(
        actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=upload(data)
    )
    assert pack.version == version
    assert PackValue.history.filter(pack_id=pack.pk).count() == 10


def test_a_bad_row_29_stores_nothing_and_names_it(p, pack):
    data = filled_template(pack, bad=[(29, "value", "lots")])
    with pytest.raises(services.ValuesRefused) as refused:
        imports.pack_values_import(
            actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=upload(data)
        )
    assert refused.value.errors == ["Row 29, column value: “lots” is not a number."]
    assert "Row 29" in refused.value.message
    assert not PackValue.objects.filter(pack=pack).exists()


def test_every_kind_of_bad_row_is_named(p, pack):
    data = filled_template(pack)
    first = data[0]
    rows = list(data)
    rows.append(("NOPE", "", "", "1", ""))
    rows.append(first)  # duplicate
    data = tablib.Dataset(*rows, headers=imports.TEMPLATE_COLUMNS)
    percent = next(i for i, r in enumerate(rows) if r[2] == "Percentage")
    rows = [list(r) for r in data]
    rows[percent][3] = "140"
    rows[1][2] = "Hours" if rows[1][2] != "Hours" else "Minutes"
    rows[2][3], rows[2][4] = "", ""
    data = tablib.Dataset(*rows, headers=imports.TEMPLATE_COLUMNS)
    with pytest.raises(services.ValuesRefused) as refused:
        imports.pack_values_import(
            actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=upload(data)
        )
    text = refused.value.message
    n = len(rows) + 1
    assert f"Row {n - 1}: there is no measure with the code “NOPE”" in text
    assert f"Row {n}, column measure: {first[0]} is already given in row 2" in text
    assert f"Row {percent + 2}: " in text and "is a percentage" in text
    assert "Row 3, column unit" in text
    assert "Row 4: " in text and "say why there is none" in text
    assert not PackValue.objects.filter(pack=pack).exists()


def test_period_outside_the_pack(p, pack):
    data = tablib.Dataset(["UEC-ED4H", "80", "2026-04"], headers=["measure", "value", "period"])
    with pytest.raises(services.ValuesRefused) as refused:
        imports.pack_values_import(
            actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=upload(data)
        )
    assert "Row 2, column period: 2026-04 is outside this pack" in refused.value.message


def test_xlsx_works(p, pack):
    data = filled_template(pack)
    data[0] = (data[0][0], data[0][1], data[0][2], 12.3456789, "")  # a spreadsheet's float
    data = tablib.Dataset(*data, headers=imports.TEMPLATE_COLUMNS)
    file = SimpleUploadedFile("anything.bin", data.export("xlsx"))  # told by content, not name
    pack = imports.pack_values_import(actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=file)
    assert pack.values.count() == len(data)


def test_upload_permissions_and_empty_file(p, pack):
    data = filled_template(pack)
    with pytest.raises(Http404):
        imports.pack_values_import(
            actor=p["submitter_b"], pack=pack, expected_version=pack.version, upload=upload(data)
        )
    with pytest.raises(PermissionRefused):
        imports.pack_values_import(actor=p["official"], pack=pack, expected_version=pack.version, upload=upload(data))
    with pytest.raises(UploadRefused):
        imports.pack_values_import(actor=p["submitter_a"], pack=pack, expected_version=pack.version, upload=b"")


def bulk_csv(rows):
    out = io.StringIO()
    out.write("organisation,period,measure,value,reason\n")
    for row in rows:
        out.write(",".join(row) + "\n")
    return out.getvalue().encode()


def test_bulk_import_across_organisations_and_months(world, p, catalogue):
    rows = [
        (org.code, period, "UEC-ED4H", "70", "")
        for org in (world.org_a, world.org_b)
        for period in ("2026-04", "2026-05")
    ]
    report = imports.values_import(actor=p["analyst"], upload=bulk_csv(rows))
    assert report.packs_created == 4 and report.rows == 4
    assert PackValue.objects.filter(measure__code="UEC-ED4H").count() == 4
    assert Pack.objects.get(organisation=world.org_a, period=MAY).due_on == date(2026, 6, 12)
    again = imports.values_import(actor=p["analyst"], upload=bulk_csv(rows))
    assert again.packs_created == 0 and again.packs_changed == []
    rows[0] = (world.org_a.code, "2026-04", "UEC-ED4H", "71", "")
    changed = imports.values_import(actor=p["analyst"], upload=bulk_csv(rows))
    assert len(changed.packs_changed) == 1
    assert Pack.objects.get(organisation=world.org_a, period=date(2026, 4, 1)).version == 2


def test_bulk_import_history_repeats_each_new_and_changed_value(world, p, catalogue):
    """One history row per new ("+") or changed ("~") value, repeating the stored row, with
    the importer, the reason and the time; text with quotes, commas, a newline, a tab and a
    backslash survives the bulk write (COPY on PostgreSQL)."""
    awkward = 'System "outage", see\nnote \\ 2\tlater'

    def one_row(value, reason):
        out = io.StringIO()
        csv.writer(out).writerows([imports.BULK_COLUMNS, [world.org_a.code, "2026-05", "UEC-ED4H", value, reason]])
        return out.getvalue().encode()

    started = timezone.now()
    imports.values_import(actor=p["analyst"], upload=one_row("70", ""))
    imports.values_import(actor=p["analyst"], upload=one_row("", awkward))
    imports.values_import(actor=p["analyst"], upload=one_row("", awkward))  # the same: no history
    stored = PackValue.objects.get(measure__code="UEC-ED4H")
    assert (stored.value, stored.not_available_reason, stored.version) == (None, awkward, 2)
    history = list(PackValue.history.filter(id=stored.pk).order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[0].value == 70 and history[0].not_available_reason == "" and history[0].version == 1
    columns = ["id", "pack_id", "measure_id", "value", "not_available_reason", "source", "comment", "version"]
    assert [getattr(history[1], c) for c in columns] == [getattr(stored, c) for c in columns]
    assert history[1].updated_at == stored.updated_at and history[1].created_at == stored.created_at
    for h in history:
        assert h.history_user == p["analyst"]
        assert h.history_change_reason == "Values imported (file upload)"
        assert started <= h.history_date <= timezone.now() + timedelta(seconds=1)


def test_bulk_import_refuses_packs_the_actor_may_not_edit(world, p, catalogue):
    rows = [
        (world.org_a.code, "2026-05", "UEC-ED4H", "70", ""),
        (world.org_b.code, "2026-05", "UEC-ED4H", "70", ""),
        ("ZZZ", "2026-05", "UEC-ED4H", "70", ""),
        (world.org_a.code, "May", "UEC-ED4H", "70", ""),
    ]
    with pytest.raises(services.ValuesRefused) as refused:
        imports.values_import(actor=p["submitter_a"], upload=bulk_csv(rows))
    assert refused.value.errors == [
        f"Row 3, column organisation: you may not enter values in {world.org_b.code}'s packs.",
        "Row 4, column organisation: there is no organisation with the code “ZZZ”.",
        "Row 5, column period: “May” is not a month (write it as YYYY-MM, e.g. 2026-05).",
    ]
    assert not Pack.objects.exists()


def test_bulk_import_refuses_a_submitted_pack(world, p, catalogue):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    values = {m.code: SAMPLE.get(m.unit, "10") for m in selectors.pack_measures(world.org_a, MAY)}
    pack = services.pack_values_set(actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=values)
    services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    rows = [
        (world.org_b.code, "2026-05", "UEC-ED4H", "70", ""),
        (world.org_a.code, "2026-05", "UEC-ED4H", "70", ""),
    ]
    with pytest.raises(services.ValuesRefused) as refused:
        imports.values_import(actor=p["analyst"], upload=bulk_csv(rows))
    assert "Row 3, column period" in refused.value.message and "is submitted" in refused.value.message
    assert not Pack.objects.filter(organisation=world.org_b).exists()
