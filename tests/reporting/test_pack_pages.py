"""The pack pages: opening a pack, entering values by form and by upload (stored by a Celery
task, eager here, with progress), the submission and validation screens, who sees what, stale
versions, exports and query caps."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting import imports, reference, selectors, services
from reporting.choices import PackStatus, Unit
from reporting.models import Pack, PackValue, UploadJob

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
SAMPLE = {Unit.PERCENT: "80", Unit.YES_NO: "1", Unit.GBP_MILLIONS: "-1.5"}


@pytest.fixture(autouse=True)
def catalogue():
    reference.seed()


@pytest.fixture
def p(world):
    return world.personas


def as_user(client, user):
    client.force_login(user)
    return client


def open_pack(world, p, period=MAY):
    return services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=period)


def filled_csv(pack, *, bad_line: int | None = None) -> bytes:
    """The pack's own template, filled in; optionally row ``bad_line`` (as a spreadsheet counts,
    the heading being row 1) has a value that is not a number."""
    rows = list(csv.DictReader(io.StringIO(imports.template_csv(pack.organisation, pack.period))))
    measures = {m.code: m for m in selectors.pack_measures(pack.organisation, pack.period)}
    for line, row in enumerate(rows, start=2):
        row["value"] = "lots" if line == bad_line else SAMPLE.get(measures[row["measure"]].unit, "10")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, pack, content: bytes, django_capture_on_commit_callbacks, name="pack.csv"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("reporting:pack-upload", args=[pack.pk]),
            {"version": pack.version, "file": SimpleUploadedFile(name, content)},
        )


# --- Opening and entering ---------------------------------------------------------------------


def test_a_submitter_opens_their_pack_and_asking_again_opens_the_same_one(world, p, client):
    as_user(client, p["submitter_a"])
    page = client.get(reverse("reporting:pack-create"))
    assert page.status_code == 200
    assert world.org_a.name in page.content.decode() and world.org_b.name not in page.content.decode()
    first = client.post(reverse("reporting:pack-create"), {"organisation": world.org_a.pk, "period": "2026-05"})
    again = client.post(reverse("reporting:pack-create"), {"organisation": world.org_a.pk, "period": "2026-05"})
    pack = Pack.objects.get(organisation=world.org_a, period=MAY)
    assert first.url == again.url == pack.get_absolute_url()


def test_opening_a_pack_for_another_organisation_is_refused_by_the_form(world, p, client):
    as_user(client, p["submitter_a"])
    response = client.post(reverse("reporting:pack-create"), {"organisation": world.org_b.pk, "period": "2026-05"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Pack.objects.exists()


def test_the_values_form_stores_nothing_when_one_value_is_wrong_and_names_it(world, p, client):
    pack = open_pack(world, p)
    measures = selectors.pack_measures(pack.organisation, pack.period)
    percent = next(m for m in measures if m.unit == Unit.PERCENT)
    count = next(m for m in measures if m.unit == Unit.COUNT)
    as_user(client, p["submitter_a"])
    data = {"version": pack.version, f"value_{percent.code}": "140", f"value_{count.code}": "12"}
    response = client.post(reverse("reporting:pack-values", args=[pack.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and f'id="id_value_{percent.code}-error"' in body
    assert not PackValue.objects.filter(pack=pack).exists()
    data[f"value_{percent.code}"] = "94.5"
    response = client.post(reverse("reporting:pack-values", args=[pack.pk]), data)
    assert response.status_code == 302
    stored = {v.measure.code: v.value for v in PackValue.objects.filter(pack=pack).select_related("measure")}
    assert stored == {percent.code: Decimal("94.5"), count.code: Decimal("12")}


def test_a_stale_values_form_is_a_conflict_and_keeps_what_was_typed(world, p, client):
    pack = open_pack(world, p)
    count = next(m for m in selectors.pack_measures(pack.organisation, pack.period) if m.unit == Unit.COUNT)
    services.pack_values_set(actor=p["analyst"], pack=pack, expected_version=pack.version, values={count.code: "5"})
    as_user(client, p["submitter_a"])
    response = client.post(
        reverse("reporting:pack-values", args=[pack.pk]), {"version": pack.version, f"value_{count.code}": "7"}
    )
    assert response.status_code == 409
    assert 'value="7"' in response.content.decode()
    assert PackValue.objects.get(pack=pack, measure=count).value == Decimal("5")


def test_a_pack_upload_is_stored_by_the_task_and_its_progress_page_says_so(
    world, p, client, django_capture_on_commit_callbacks
):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    response = upload(client, pack, filled_csv(pack), django_capture_on_commit_callbacks)
    job = UploadJob.objects.get()
    assert response.url == reverse("reporting:upload-progress", args=[job.pk])
    assert job.status == UploadJob.Status.STORED and job.rows == len(selectors.pack_measures(world.org_a, MAY))
    assert PackValue.objects.filter(pack=pack).count() == job.rows
    page = client.get(response.url)
    assert 'data-status="stored"' in page.content.decode() and "hx-trigger" not in page.content.decode()
    history_rows = PackValue.history.count()
    pack.refresh_from_db()
    upload(client, pack, filled_csv(pack), django_capture_on_commit_callbacks)
    assert PackValue.history.count() == history_rows, "the same file again changes nothing"


def test_an_upload_with_one_bad_row_stores_nothing_and_names_the_row(
    world, p, client, django_capture_on_commit_callbacks
):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    response = upload(client, pack, filled_csv(pack, bad_line=7), django_capture_on_commit_callbacks)
    job = UploadJob.objects.get()
    assert job.status == UploadJob.Status.REFUSED
    assert not PackValue.objects.filter(pack=pack).exists()
    page = client.get(response.url).content.decode()
    assert "Row 7" in page and "lots" in page and "Nothing was stored" in page


def test_an_upload_progress_page_is_only_for_its_uploader(world, p, client, django_capture_on_commit_callbacks):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    upload(client, pack, filled_csv(pack), django_capture_on_commit_callbacks)
    job = UploadJob.objects.get()
    for persona in ("analyst", "official", "submitter_b"):
        as_user(client, p[persona])
        assert client.get(reverse("reporting:upload-progress", args=[job.pk])).status_code == 404


def test_a_progress_page_polls_until_the_job_finishes(world, p, client):
    pack = open_pack(world, p)
    job = UploadJob.objects.create(
        kind=UploadJob.Kind.PACK, pack=pack, file_name="big.csv", content=b"x", created_by=p["submitter_a"]
    )
    as_user(client, p["submitter_a"])
    page = client.get(reverse("reporting:upload-progress", args=[job.pk]), headers={"HX-Request": "true"})
    body = page.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'data-status="queued"' in body and "<html" not in body


def test_a_file_that_is_not_csv_or_excel_is_refused_beside_the_field(world, p, client):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    response = client.post(
        reverse("reporting:pack-upload", args=[pack.pk]),
        {"version": pack.version, "file": SimpleUploadedFile("pack.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 200
    assert 'data-error-code="wrong_file_type"' in response.content.decode()
    assert not UploadJob.objects.exists()


def test_templates_download_as_csv_and_excel(world, p, client):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    as_csv = client.get(reverse("reporting:pack-template", args=[pack.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert {r["measure"] for r in rows} == {m.code for m in selectors.pack_measures(world.org_a, MAY)}
    as_xlsx = client.get(reverse("reporting:pack-template", args=[pack.pk, "xlsx"]))
    assert as_xlsx.content[:2] == b"PK"
    assert client.get(reverse("reporting:pack-template", args=[pack.pk, "pdf"])).status_code == 404


def test_narrative_and_risk_forms(world, p, client):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    url = reverse("reporting:pack-narrative", args=[pack.pk])
    empty = client.post(url, {"pillar": "finance", "finance-pillar": "finance", "finance-version": pack.version})
    assert empty.status_code == 200 and "govuk-error-summary" in empty.content.decode()
    saved = client.post(
        url,
        {
            "pillar": "finance",
            "finance-pillar": "finance",
            "finance-version": pack.version,
            "finance-text": "Deficit narrowing.",
        },
    )
    assert saved.status_code == 302
    pack.refresh_from_db()
    risk = client.post(
        reverse("reporting:pack-risk-add", args=[pack.pk]),
        {"version": pack.version, "description": "Winter pressures", "likelihood": "4", "consequence": "4"},
    )
    assert risk.status_code == 302
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "Deficit narrowing." in page and "Winter pressures" in page and ">16<" in page


# --- The submission and validation screens ----------------------------------------------------


def post_action(client, pack, action, **data):
    pack.refresh_from_db()
    return client.post(reverse(f"reporting:pack-{action}", args=[pack.pk]), {"version": pack.version, **data})


def test_submit_return_correct_and_release_through_the_screens(world, p, client, django_capture_on_commit_callbacks):
    pack = open_pack(world, p)
    submitter = as_user(client, p["submitter_a"])
    incomplete = post_action(submitter, pack, "submit")
    assert incomplete.status_code == 200 and "not complete" in incomplete.content.decode()
    upload(submitter, pack, filled_csv(pack), django_capture_on_commit_callbacks)
    assert post_action(submitter, pack, "submit").status_code == 302

    analyst = as_user(client, p["analyst"])
    page = analyst.get(pack.get_absolute_url()).content.decode()
    assert "Validate the pack" in page and "Return the pack" in page and "Submit the pack" not in page
    no_comment = post_action(analyst, pack, "return", comment=" ")
    assert no_comment.status_code == 200
    assert post_action(analyst, pack, "return", comment="Check the stroke figures.").status_code == 302

    submitter = as_user(client, p["submitter_a"])
    page = submitter.get(pack.get_absolute_url()).content.decode()
    assert "Check the stroke figures." in page and "Submit the pack" in page
    assert post_action(submitter, pack, "submit").status_code == 302

    analyst = as_user(client, p["analyst"])
    assert post_action(analyst, pack, "validate").status_code == 302
    assert post_action(analyst, pack, "release").status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.RELEASED
    reasons = [r.history_change_reason for r in pack.history.order_by("history_date")]
    assert reasons[-5:] == ["Submitted", "Returned: Check the stroke figures.", "Submitted", "Validated", "Released"]

    response = post_action(analyst, pack, "correct", reason="Stroke figure was for April.")
    correction = Pack.objects.get(corrects=pack)
    assert response.url == correction.get_absolute_url()
    old = analyst.get(pack.get_absolute_url()).content.decode()
    assert "A correction of this pack has been started" in old


def test_a_submitter_cannot_validate_and_an_analyst_cannot_submit(world, p, client):
    pack = open_pack(world, p)
    assert post_action(as_user(client, p["submitter_a"]), pack, "validate").status_code == 403
    assert post_action(as_user(client, p["analyst"]), pack, "submit").status_code == 403


def test_a_stale_action_is_a_conflict(world, p, client, django_capture_on_commit_callbacks):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    upload(client, pack, filled_csv(pack), django_capture_on_commit_callbacks)
    response = client.post(reverse("reporting:pack-submit", args=[pack.pk]), {"version": 1})
    assert response.status_code == 409
    pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT


# --- Who sees what ----------------------------------------------------------------------------


def test_another_organisations_unreleased_pack_is_a_404_until_it_is_released(world, p, client):
    pack = open_pack(world, p)
    as_user(client, p["submitter_b"])
    for name in ("pack-detail", "pack-values", "pack-upload", "pack-narrative", "pack-risk-add"):
        assert client.get(reverse(f"reporting:{name}", args=[pack.pk])).status_code == 404, name
    assert client.get(reverse("reporting:pack-template", args=[pack.pk, "csv"])).status_code == 404
    listed = client.get(reverse("reporting:pack-list"), {"export": "csv"}).content.decode()
    assert world.org_a.code not in listed
    values = {m.code: SAMPLE.get(m.unit, "10") for m in selectors.pack_measures(world.org_a, MAY)}
    pack = services.pack_values_set(actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=values)
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    pack = services.pack_validate(actor=p["analyst"], pack=pack, expected_version=pack.version)
    services.pack_release(actor=p["analyst"], pack=pack, expected_version=pack.version)
    assert client.get(reverse("reporting:pack-detail", args=[pack.pk])).status_code == 200
    assert client.get(reverse("reporting:pack-values", args=[pack.pk])).status_code == 403


def test_the_pack_list_exports_and_filters(world, p, client):
    open_pack(world, p)
    open_pack(world, p, period=date(2026, 6, 1))
    as_user(client, p["analyst"])
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reporting:pack-list"), {"export": "csv"}).text)))
    assert sorted(r["Month"] for r in rows) == ["2026-05", "2026-06"]
    filtered = client.get(reverse("reporting:pack-list"), {"period_from": "2026-06-01", "export": "csv"}).text
    assert [r["Month"] for r in csv.DictReader(io.StringIO(filtered))] == ["2026-06"]
    bad = client.get(reverse("reporting:pack-list"), {"period_from": "June"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()


def test_pack_list_and_page_query_counts_do_not_grow_with_packs(
    world, p, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    as_user(client, p["analyst"])
    for month in range(1, 13):
        pack = services.pack_create(actor=p["analyst"], organisation=world.org_a, period=date(2025, month, 1))
        services.pack_create(actor=p["analyst"], organisation=world.org_b, period=date(2025, month, 1))
    values = {m.code: SAMPLE.get(m.unit, "10") for m in selectors.pack_measures(world.org_a, pack.period)}
    services.pack_values_set(actor=p["analyst"], pack=pack, expected_version=pack.version, values=values)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reporting:pack-list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(pack.get_absolute_url()).status_code == 200


# --- Deep dives and the values export ---------------------------------------------------------


def test_a_deep_dive_goes_on_a_quarter_end_pack_only(world, p, client):
    june = open_pack(world, p, period=date(2026, 6, 1))
    may = open_pack(world, p)
    as_user(client, p["submitter_a"])
    assert client.get(reverse("reporting:pack-deep-dive-add", args=[may.pk])).status_code == 404
    with pytest.raises(services.RuleRefused) as refused:
        services.pack_deep_dive_add(actor=p["submitter_a"], pack=may, expected_version=may.version, title="Stroke")
    assert refused.value.code == "deep_dive_not_quarter_end"
    url = reverse("reporting:pack-deep-dive-add", args=[june.pk])
    assert client.post(url, {"version": june.version, "title": " "}).status_code == 200
    added = client.post(url, {"version": june.version, "title": "Stroke services", "summary": "Thrombolysis times."})
    assert added.status_code == 302
    june.refresh_from_db()
    again = client.post(url, {"version": june.version, "title": "Stroke services"})
    assert 'data-error-code="duplicate"' in again.content.decode()
    page = client.get(june.get_absolute_url()).content.decode()
    assert "Stroke services" in page and "Thrombolysis times." in page


def test_the_pack_values_table_exports_with_statuses(world, p, client, django_capture_on_commit_callbacks):
    pack = open_pack(world, p)
    as_user(client, p["submitter_a"])
    upload(client, pack, filled_csv(pack), django_capture_on_commit_callbacks)
    rows = list(csv.DictReader(io.StringIO(client.get(pack.get_absolute_url(), {"export": "csv"}).text)))
    assert {r["Measure"] for r in rows} == {m.code for m in selectors.pack_measures(world.org_a, MAY)}
    by_code = {r["Measure"]: r for r in rows}
    measures = selectors.pack_measures(world.org_a, MAY)
    percent = next(m for m in measures if m.unit == Unit.PERCENT and m.national_target and m.direction != "none")
    assert by_code[percent.code]["Value"] == "80.0000"
    expected = "Met" if (percent.national_target <= 80) == (percent.direction == "higher") else "Missed"
    assert by_code[percent.code]["Against target"] == expected
    xlsx = client.get(pack.get_absolute_url(), {"export": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_a_released_pack_shows_others_its_numbers_but_not_the_organisations_trajectories_or_workflow(world, p, client):
    from reporting.models import Trajectory

    pack = open_pack(world, p)
    measures = selectors.pack_measures(world.org_a, MAY)
    values = {m.code: SAMPLE.get(m.unit, "10") for m in measures}
    pack = services.pack_values_set(actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=values)
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    pack = services.pack_return(
        actor=p["analyst"], pack=pack, expected_version=pack.version, comment="Private: recheck stroke data."
    )
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    pack = services.pack_validate(actor=p["analyst"], pack=pack, expected_version=pack.version)
    pack = services.pack_release(actor=p["analyst"], pack=pack, expected_version=pack.version)
    measure = next(m for m in measures if m.unit == Unit.COUNT)
    Trajectory.objects.create(organisation=world.org_a, measure=measure, period=MAY, value=Decimal("424242"))

    own = as_user(client, p["submitter_a"]).get(pack.get_absolute_url()).content.decode()
    assert "424242" in own and "Private: recheck stroke data." in own
    other = as_user(client, p["submitter_b"])
    page = other.get(pack.get_absolute_url()).content.decode()
    assert measure.code in page
    assert "424242" not in page and "Private: recheck stroke data." not in page
    rows = {
        r["Measure"]: r for r in csv.DictReader(io.StringIO(other.get(pack.get_absolute_url(), {"export": "csv"}).text))
    }
    assert rows[measure.code]["Trajectory"] == "" and rows[measure.code]["Value"] == "10.0000"
