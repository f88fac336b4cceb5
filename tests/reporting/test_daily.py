"""Daily system values: ``reporting.daily.daily_values_store`` stores them all or nothing,
naming each bad row and field; sending the same rows again changes nothing; a changed value is
updated with its history; who may send is the access policy's."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from oversight.errors import OversightError, PermissionRefused
from reporting import daily, reference
from reporting.choices import ValueSource
from reporting.models import DailyValue

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


@pytest.fixture
def catalogue():
    reference.seed()


@pytest.fixture
def p(world):
    return world.personas


def rows(organisation="ORGA", days=1, value="68.5"):
    return [
        {"organisation": organisation, "measure": "UEC-ED4H-D", "day": TODAY - timedelta(days=offset), "value": value}
        for offset in range(days)
    ]


def store(actor, data, **kwargs):
    return daily.daily_values_store(actor=actor, rows=data, today=TODAY, **kwargs)


def test_values_are_stored_once_and_sending_them_again_changes_nothing(world, p, catalogue):
    report = store(p["submitter_a"], rows(days=3), source=ValueSource.FORM)
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    stored = DailyValue.objects.get(organisation=world.org_a, day=TODAY)
    assert stored.value == Decimal("68.5") and stored.source == ValueSource.FORM
    assert stored.history.get().history_user == p["submitter_a"]
    history = DailyValue.history.count()

    report = store(p["submitter_a"], rows(days=3))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert DailyValue.history.count() == history

    report = store(p["analyst"], rows(value="70.25"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    stored.refresh_from_db()
    assert stored.value == Decimal("70.25") and stored.version == 2 and stored.source == ValueSource.API
    assert stored.history.first().history_user == p["analyst"]
    assert DailyValue.history.count() == history + 1


def test_iso_days_and_numbers_are_accepted(world, p, catalogue):
    store(p["submitter_a"], [{"organisation": "ORGA", "measure": "UEC-ED12H-D", "day": "2026-05-19", "value": 41}])
    assert DailyValue.objects.get().value == Decimal("41")


def test_one_bad_row_refuses_every_row(world, p, catalogue):
    data = [*rows(days=2), {"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": TODAY, "value": "69"}]
    with pytest.raises(daily.RowsRefused) as refused:
        store(p["submitter_a"], data)
    assert [(e.row, e.field, e.code) for e in refused.value.errors] == [(2, "measure", "duplicate")]
    assert not DailyValue.objects.exists()
    assert refused.value.as_dict()["errors"][0]["row"] == 2
    assert "1 row" in refused.value.message


def test_each_problem_names_its_row_field_and_reason(world, p, catalogue):
    data = [
        {"organisation": "", "measure": "", "day": "", "value": ""},
        {"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": "2026-02-30", "value": "68"},
        {"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": TODAY, "value": "68.12345"},
        {"organisation": "ORGA", "measure": "UEC-RED-MED-D", "day": date(2025, 6, 30), "value": "7"},
        {"organisation": "ORGA", "measure": "PC-RTT26", "day": TODAY, "value": "68"},
        ["ORGA", "UEC-ED4H-D"],
    ]
    with pytest.raises(daily.RowsRefused) as refused:
        store(p["analyst"], data)
    assert [(e.row, e.field, e.code) for e in refused.value.errors] == [
        (0, "organisation", "required"),
        (0, "measure", "required"),
        (0, "day", "required"),
        (0, "value", "required"),
        (1, "day", "invalid_day"),
        (2, "value", "value_precision"),
        (3, "day", "measure_not_in_force"),  # the median measures began on 1 July 2025
        (3, "measure", "measure_not_applicable"),  # and are the ambulance service's
        (4, "measure", "not_daily"),
        (5, "", "invalid_row"),
    ]
    assert "monthly" in refused.value.errors[8].message


def test_a_batch_for_organisations_you_may_not_send_for_is_refused(world, p, catalogue):
    with pytest.raises(PermissionRefused):
        store(p["submitter_a"], rows("ORGB"))
    with pytest.raises(PermissionRefused):
        store(p["official"], rows("ORGA"))
    with pytest.raises(PermissionRefused):
        store(p["anonymous"], rows("ORGA"))
    with pytest.raises(daily.RowsRefused) as refused:
        store(p["submitter_b"], rows("ORGB") + rows("ORGA"))
    assert [(e.row, e.field, e.code) for e in refused.value.errors] == [(1, "organisation", "permission_denied")]
    assert not DailyValue.objects.exists()


def test_too_many_rows_are_refused(world, p, catalogue):
    with pytest.raises(OversightError) as refused:
        store(p["analyst"], rows(days=1) * 10_001)
    assert refused.value.code == "too_many_rows"
    assert "10000" in refused.value.message


def test_a_large_batch_is_a_few_queries(world, p, catalogue, django_assert_max_num_queries):
    data = [
        {"organisation": org, "measure": code, "day": TODAY - timedelta(days=offset), "value": 40}
        for org in ("ORGA", "ORGB")
        for code in ("UEC-ED4H-D", "UEC-ED12H-D", "UEC-HO60-D", "UEC-ED-ATT-D")
        for offset in range(100)
    ]
    # Bulk inserts: SQLite splits them by its limit on parameters (about 20 statements here);
    # one query per row would be 1,600.
    with django_assert_max_num_queries(40):
        report = store(p["analyst"], data)
    assert report.created == 800
    assert DailyValue.history.count() == 800
