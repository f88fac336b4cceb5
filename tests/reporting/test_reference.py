"""The reporting reference data: every row of measures.csv becomes a measure with the right
pillar, unit and direction, a Welsh name and (where the text is plain) a numeric target; the
ambulance measures carry their validity dates; the daily variants, suggestion thresholds and
cap rules are seeded; seeding is idempotent and keeps an administrator's edits."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from reporting import reference
from reporting.choices import Direction, Frequency, Pillar, Unit
from reporting.models import CapRule, Measure, SuggestionThreshold

pytestmark = pytest.mark.django_db

CSV_ROWS = list(csv.DictReader(reference.MEASURES.open(encoding="utf-8", newline="")))
DAILY = {"UEC-ED-ATT-D", "UEC-ED4H-D", "UEC-ED12H-D", "UEC-HO60-D", "UEC-RED-MED-D"}
TOTAL = len(CSV_ROWS) + len(DAILY) + 4 + 1  # measures, thresholds, cap rules


@pytest.fixture
def seeded():
    """tests/conftest.py does not seed reporting's reference data: each test seeds it here."""
    return reference.seed()


def _state():
    return (
        list(Measure.objects.order_by("code").values()),
        list(SuggestionThreshold.objects.order_by("level").values()),
        list(CapRule.objects.order_by("code").values()),
        Measure.history.count(),
        SuggestionThreshold.history.count(),
        CapRule.history.count(),
    )


def test_the_catalogue_is_the_shared_csv_unchanged():
    shared = reference.MEASURES.read_bytes()
    assert len(CSV_ROWS) == 42
    assert shared.startswith(b"code,name,pillar,area,unit,direction,target_text")


def test_first_seed_creates_everything(seeded):
    assert len(seeded.created) == TOTAL
    assert seeded.updated == []
    assert set(Measure.objects.values_list("code", flat=True)) == {r["code"] for r in CSV_ROWS} | DAILY


def test_seeding_twice_changes_nothing(seeded):
    before = _state()
    again = reference.seed()
    assert again.created == [] and again.updated == []
    assert again.unchanged == TOTAL
    assert _state() == before


def test_seed_keeps_an_administrators_edit_unless_told_to_overwrite(seeded):
    Measure.objects.filter(code="UEC-ED4H").update(name_cy="Enw wedi'i wirio", national_target=Decimal("90"))
    reference.seed()
    measure = Measure.objects.get(code="UEC-ED4H")
    assert (measure.name_cy, measure.national_target) == ("Enw wedi'i wirio", Decimal("90"))
    report = reference.seed(overwrite=True)
    measure.refresh_from_db()
    assert measure.national_target == Decimal("95")
    assert measure.name_cy.startswith("Canran y cleifion")
    assert report.updated == ["measure UEC-ED4H"]


def test_a_blank_field_is_filled_on_reseed(seeded):
    Measure.objects.filter(code="Q-SAB").update(name_cy="")
    report = reference.seed()
    assert report.updated == ["measure Q-SAB"]
    assert Measure.objects.get(code="Q-SAB").name_cy


@pytest.mark.parametrize("row", CSV_ROWS, ids=[r["code"] for r in CSV_ROWS])
def test_every_csv_row_becomes_a_measure(seeded, row):
    measure = Measure.objects.get(code=row["code"])
    assert measure.name == row["name"]
    assert measure.pillar == row["pillar"] and measure.pillar in Pillar.values
    assert measure.direction == row["direction"] and measure.direction in Direction.values
    assert measure.unit == reference.UNIT_FROM_CSV[row["unit"]]
    assert measure.target_text == row["target_text"]
    assert measure.target_verified == row["target_verified"]
    assert measure.area == row["area"] and measure.applies_to == row["applies_to"]
    assert measure.frequency_text == row["frequency"]
    assert measure.planning_year == "2026-27"


def test_units_directions_and_pillars_of_some_measures(seeded):
    by_code = {m.code: m for m in Measure.objects.all()}
    assert by_code["UEC-ED4H"].unit == Unit.PERCENT
    assert by_code["UEC-ED12H"].unit == Unit.COUNT and by_code["UEC-ED12H"].direction == Direction.LOWER
    assert by_code["UEC-REDCALLS"].direction == Direction.NONE
    assert by_code["Q-CDIFF"].unit == Unit.RATE_PER_100000 and by_code["Q-CDIFF"].pillar == Pillar.QUALITY
    assert by_code["F-BREAKEVEN"].unit == Unit.GBP_MILLIONS and by_code["F-BREAKEVEN"].pillar == Pillar.FINANCE
    assert by_code["F-IMTP"].unit == Unit.YES_NO and by_code["F-IMTP"].frequency == Frequency.ANNUAL
    assert by_code["W-SICK"].pillar == Pillar.WORKFORCE
    assert by_code["UEC-ED4H"].escalation_domain_code == "delivery"


def test_frequencies_collected_and_published(seeded):
    p1a = Measure.objects.get(code="MH-P1A")
    assert (p1a.frequency, p1a.published_frequency) == (Frequency.MONTHLY, Frequency.QUARTERLY)
    ed = Measure.objects.get(code="UEC-ED4H")
    assert (ed.frequency, ed.published_frequency) == (Frequency.MONTHLY, "")
    assert Measure.objects.get(code="F-BREAKEVEN").frequency == Frequency.MONTHLY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("95%", Decimal("95")),
        ("65%", Decimal("65")),
        ("0 (eradication of 12h+ waits)", Decimal("0")),
        ("90% (commonly cited; NOT verified)", Decimal("90")),
        ("100% (statutory 10-working-day requirement)", Decimal("100")),
        ("12.5", Decimal("12.5")),
        ("6 to 8 minutes (median)", None),
        ("75% (national target); ambition 80% by 2026", None),
        ("0 by end of 2022", None),
        ("0 (maximum 8-week wait); 8 weeks by spring 2024 ambition", None),
        ("none", None),
        ("NOT verified", None),
        ("", None),
    ],
)
def test_target_parsing(text, expected):
    assert reference.parse_target(text) == expected


def test_national_targets_as_seeded(seeded):
    targets = dict(Measure.objects.values_list("code", "national_target"))
    assert targets["UEC-ED4H"] == Decimal("95")
    assert targets["UEC-ED12H"] == Decimal("0")
    assert targets["PC-RTT26"] == Decimal("95")
    assert targets["UEC-RED-MED"] is None
    assert targets["CAN-SCP62"] is None
    assert targets["UEC-REDCALLS"] is None
    assert Measure.objects.get(code="UEC-RED-MED").target_text == "6 to 8 minutes (median)"


def test_the_red_8_minute_measure_ends_when_the_median_measures_begin(seeded):
    red8 = Measure.objects.get(code="UEC-RED8")
    assert red8.valid_to == date(2025, 6, 30)
    for code in ("UEC-PURPLE-MED", "UEC-RED-MED", "UEC-RED-MED-D"):
        assert Measure.objects.get(code=code).valid_from == date(2025, 7, 1)
    on_30_june = set(Measure.objects.in_force(date(2025, 6, 30)).values_list("code", flat=True))
    on_1_july = set(Measure.objects.in_force(date(2025, 7, 1)).values_list("code", flat=True))
    assert "UEC-RED8" in on_30_june and "UEC-RED-MED" not in on_30_june
    assert "UEC-RED8" not in on_1_july and {"UEC-RED-MED", "UEC-PURPLE-MED"} <= on_1_july
    assert red8.in_force_on(date(2025, 6, 30)) and not red8.in_force_on(date(2025, 7, 1))


def test_every_measure_has_a_welsh_name(seeded):
    welsh = list(csv.DictReader(reference.MEASURES_CY.open(encoding="utf-8", newline="")))
    assert {r["code"] for r in welsh} == {r["code"] for r in CSV_ROWS}
    assert all(r["verified"] == "no" for r in welsh)  # not yet checked by a translator
    for measure in Measure.objects.all():
        assert measure.name_cy and measure.name_cy != measure.name, measure.code


def test_the_daily_variants_of_the_urgent_and_emergency_care_measures(seeded):
    daily = Measure.objects.filter(frequency=Frequency.DAILY)
    assert set(daily.values_list("code", flat=True)) == DAILY
    assert Measure.objects.get(code="UEC-ED4H-D").variant_of.code == "UEC-ED4H"
    assert Measure.objects.get(code="UEC-ED4H-D").national_target == Decimal("95")
    assert Measure.objects.get(code="UEC-ED-ATT-D").direction == Direction.NONE
    assert {m.code for m in Measure.objects.get(code="UEC-HO60").variants.all()} == {"UEC-HO60-D"}


def test_suggestion_thresholds_and_cap_rules(seeded):
    assert list(SuggestionThreshold.objects.values_list("level", "max_average")) == [
        (1, Decimal("1.75")),
        (2, Decimal("2.5")),
        (3, Decimal("3.25")),
        (4, None),
    ]
    rule = CapRule.objects.get(code="finance-break-even")
    assert (rule.pillar, rule.measure.code, rule.operator, rule.threshold, rule.minimum_level) == (
        Pillar.FINANCE,
        "F-BREAKEVEN",
        "lt",
        Decimal("0"),
        3,
    )


def test_seed_reference_command_loads_the_catalogue():
    out = io.StringIO()
    call_command("seed_reference", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Reporting:"))
    assert line == f"Reporting: {TOTAL} created, 0 updated, 0 unchanged"
    out = io.StringIO()
    call_command("seed_reference", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Reporting:"))
    assert line == f"Reporting: 0 created, 0 updated, {TOTAL} unchanged"
