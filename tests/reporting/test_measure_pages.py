"""The measure pages, the SPC chart and the dashboards: released numbers only, for signed-in
users; every chart has a title, a description and a table of the same numbers; exports parse;
the pages make as many queries at three years of data as at one."""

import csv
import io
import re
from datetime import date, timedelta
from xml.etree import ElementTree

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from organisations import reference as organisation_reference
from organisations.models import Organisation
from reporting import demo, page_selectors, reference
from reporting.models import ChangePoint, DailyValue, Measure, Pack, PackValue
from tests.factories import OrganisationFactory

SVG = "{http://www.w3.org/2000/svg}"
END = date(2026, 10, 1)
STABLE = [95, 105] * 12  # two years of common-cause variation around 100


@pytest.fixture
def catalogue(db):
    reference.seed()
    return {m.code: m for m in Measure.objects.all()}


def months(n, end=END):
    """The first days of the ``n`` months up to and including ``end``, oldest first."""
    out, year, month = [], end.year, end.month
    for _ in range(n):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def pack_for(organisation, period, *, status="released", revision=1, corrects=None):
    now = timezone.now()
    released = status == "released"
    pack, _ = Pack.objects.get_or_create(
        organisation=organisation,
        period=period,
        revision=revision,
        defaults={
            "status": status,
            "is_current": True,
            "corrects": corrects,
            "correction_reason": "A late correction" if corrects else "",
            "validated_at": now if status in ("validated", "released") else None,
            "released_at": now if released else None,
        },
    )
    return pack


def release(organisation, measure, values, *, end=END, status="released"):
    """One value a month for the ``len(values)`` months up to ``end``, in released packs."""
    for period, value in zip(months(len(values), end), values, strict=True):
        PackValue.objects.create(pack=pack_for(organisation, period, status=status), measure=measure, value=value)


def page(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def svg_of(html):
    found = re.search(r"<svg.*?</svg>", html, flags=re.S)
    assert found, "no chart on the page"
    return ElementTree.fromstring(found.group(0))  # noqa: S314 (our own output)


def without_charts(html):
    """The page without its SVG (whose coordinates are full of digits)."""
    return re.sub(r"<svg.*?</svg>", "", html, flags=re.S)


def table_rows(html, caption):
    """The body rows of the table with ``caption``, as lists of cell texts."""
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody") :]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells])
    return rows


def measure_url(code):
    return reverse("reporting:measure-detail", args=[code])


# --- Who may see them -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("reporting:measure-list"),
        measure_url("UEC-ED12H"),
        reverse("reporting:dashboard"),
        reverse("reporting:system-dashboard"),
    ],
)
def test_anonymous_users_are_asked_to_sign_in(world, catalogue, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["official", "analyst", "submitter_b", "partner"])
def test_every_signed_in_user_sees_the_released_numbers(world, catalogue, client, persona):
    release(world.org_a, catalogue["UEC-ED12H"], [123])
    client.force_login(world.personas[persona])
    rows = table_rows(page(client, measure_url("UEC-ED12H")), "Latest released value of")
    assert rows[0][:3] == ["Org A SPC chart", "Oct 2026", "123"]
    assert page(client, reverse("reporting:dashboard"), {"pillar": "delivery_performance"})
    assert page(client, reverse("reporting:system-dashboard"))
    assert page(client, reverse("reporting:measure-list"))


# --- The catalogue ----------------------------------------------------------------------------


def test_the_catalogue_filters_by_pillar_frequency_direction_date_and_text(world, catalogue, client):
    client.force_login(world.personas["submitter_a"])
    url = reverse("reporting:measure-list")
    finance = page(client, url, {"pillar": "finance"})
    assert "F-BREAKEVEN" in finance and "UEC-ED4H" not in finance
    daily = page(client, url, {"frequency": "daily"})
    assert "UEC-ED4H-D" in daily and "UEC-ED12H<" not in daily and "Q-CDIFF" not in daily
    context = page(client, url, {"direction": "none"})
    assert "UEC-REDCALLS" in context and "UEC-ED4H" not in context
    # The red 8-minute measure ended on 30 June 2025; the median measure began on 1 July 2025.
    before = page(client, url, {"in_force_on": "2025-06-30", "q": "UEC-RED"})
    after = page(client, url, {"in_force_on": "2025-07-01", "q": "UEC-RED"})
    assert "UEC-RED8" in before and "UEC-RED-MED<" not in before
    assert "UEC-RED8" not in after and "UEC-RED-MED<" in after
    search = page(client, url, {"q": "handover"})
    assert "UEC-HO60" in search and "UEC-ED4H" not in search


def test_the_catalogue_shows_targets_frequencies_and_validity(world, catalogue, client):
    client.force_login(world.personas["submitter_a"])
    html = page(client, reverse("reporting:measure-list"), {"q": "UEC-RED8"})
    row = table_rows(html, "Measures</caption>")[0]
    assert row[0] == "UEC-RED8"
    assert row[3] == "Percentage" and row[4] == "Higher is better" and row[5] == "65%"
    assert row[7] == "1 Oct 2015 to 30 Jun 2025"
    mental_health = table_rows(page(client, reverse("reporting:measure-list"), {"q": "MH-P1A"}), "Measures</caption>")
    assert mental_health[0][6] == "Monthly (quarterly)"


def test_the_catalogue_downloads_as_csv_and_excel(world, catalogue, client):
    client.force_login(world.personas["submitter_a"])
    url = reverse("reporting:measure-list")
    response = client.get(url, {"pillar": "workforce", "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["Code"] for r in rows) == ["W-AGENCY", "W-PADR", "W-SICK", "W-STATMAND"]
    padr = next(r for r in rows if r["Code"] == "W-PADR")
    assert padr["Better when"] == "Higher is better" and padr["Collected"] == "Monthly"
    response = client.get(url, {"pillar": "workforce", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Code" and len(values) == 1 + 4


# --- One organisation's SPC chart -------------------------------------------------------------


def test_the_chart_shows_the_released_numbers_never_a_draft_or_a_superseded_version(world, catalogue, client):
    measure = catalogue["UEC-ED12H"]
    release(world.org_a, measure, STABLE, end=date(2026, 9, 1))
    # October: version 1 released with 140, corrected to 150 (released); version 3 in draft with 777.
    first = pack_for(world.org_a, END)
    PackValue.objects.create(pack=first, measure=measure, value=140)
    Pack.objects.filter(pk=first.pk).update(is_current=False)
    second = pack_for(world.org_a, END, revision=2, corrects=first)
    PackValue.objects.create(pack=second, measure=measure, value=150)
    Pack.objects.filter(pk=second.pk).update(is_current=False)
    third = pack_for(world.org_a, END, revision=3, corrects=second, status="draft")
    PackValue.objects.create(pack=third, measure=measure, value=777)
    # November is only submitted.
    release(world.org_a, measure, [888], end=date(2026, 11, 1), status="submitted")

    client.force_login(world.personas["official"])
    html = page(client, measure_url("UEC-ED12H"), {"organisation": "ORGA"})
    root = svg_of(html)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith(measure.name)
    description = root.find(f"{SVG}desc").text
    assert "25 monthly values from October 2024 to October 2026" in description
    assert "the latest is 150 in October 2026" in description
    assert set(root.get("aria-labelledby").split()) == {
        root.find(f"{SVG}title").get("id"),
        root.find(f"{SVG}desc").get("id"),
    }
    rows = table_rows(html, "The values in the chart")
    assert [r[1] for r in rows] == [str(v) for v in [*STABLE, 150]]
    assert rows[0][0] == "Oct 2024" and rows[-1][0] == "Oct 2026"
    text = without_charts(html)
    assert "777" not in text and "888" not in text and ">140<" not in text
    assert "777" not in root.find(f"{SVG}desc").text


def test_a_special_cause_is_marked_in_the_chart_and_the_table_and_named_in_the_icons(world, catalogue, client):
    release(world.org_a, catalogue["UEC-ED12H"], [*STABLE, 160])  # lower is better: 160 is a concern
    client.force_login(world.personas["analyst"])
    html = page(client, measure_url("UEC-ED12H"), {"organisation": "ORGA"})
    rows = table_rows(html, "The values in the chart")
    assert rows[-1][1] == "160"
    assert rows[-1][5] == "Special cause: concern (outside the process limits)"
    assert rows[0][5] == "Common cause"
    mean = sum([*STABLE, 160]) / 25
    assert rows[0][2] == f"{mean:.2f}".rstrip("0").rstrip(".")
    texts = {"".join(t.itertext()).strip() for t in svg_of(html).iter(f"{SVG}text")}
    assert {"Special cause: concern", "Mean", "Process limits", "Target (0)"} <= texts
    assert "Special cause: concerning, high values" in html  # the variation badge, in words
    assert "Consistently passing the target" not in html
    assert "Consistently failing the target" in html  # a target of 0 lies below the lower limit


def test_limits_are_recalculated_at_a_change_point(world, catalogue, client):
    measure = catalogue["UEC-ED12H"]
    release(world.org_a, measure, [*STABLE, *([195, 205] * 6)])  # a new level from November 2026 - 12
    changed = months(36)[24]
    ChangePoint.objects.create(measure=measure, changed_on=changed, reason="A new emergency department opened")
    client.force_login(world.personas["analyst"])
    html = page(client, measure_url("UEC-ED12H"), {"organisation": "ORGA"})
    rows = table_rows(html, "The values in the chart")
    assert {r[2] for r in rows[:24]} == {"100"} and {r[2] for r in rows[24:]} == {"200"}
    assert "Limits recalculated from this month." in rows[24][5]
    assert all("Limits recalculated" not in r[5] for r in rows[:24] + rows[25:])
    assert "Limits recalculated" in {"".join(t.itertext()).strip() for t in svg_of(html).iter(f"{SVG}text")}


def test_too_few_points_are_said_rather_than_guessed(world, catalogue, client):
    release(world.org_a, catalogue["UEC-ED12H"], [95, 105, 95, 105, 400])
    client.force_login(world.personas["analyst"])
    html = page(client, measure_url("UEC-ED12H"), {"organisation": "ORGA"})
    assert "There are 5 released months, too few to set process limits" in html
    assert "Too few points: 5 in the baseline, at least 12 are needed to set process limits" in html
    rows = table_rows(html, "The values in the chart")
    assert [r[1] for r in rows] == ["95", "105", "95", "105", "400"]
    assert {r[2] for r in rows} == {"–"} and {r[5] for r in rows} == {"–"}
    texts = {"".join(t.itertext()).strip() for t in svg_of(html).iter(f"{SVG}text")}
    assert "Mean" not in texts and "Process limits" not in texts
    assert "Too few points for SPC" in html


def test_an_unknown_organisation_is_not_found(world, catalogue, client):
    client.force_login(world.personas["analyst"])
    assert client.get(measure_url("UEC-ED12H"), {"organisation": "NOPE"}).status_code == 404
    assert client.get(measure_url("NO-SUCH-MEASURE")).status_code == 404


# --- The comparison across organisations ------------------------------------------------------


@pytest.fixture
def org_c(world):
    return OrganisationFactory(code="ORGC", name="Organisation C University Health Board", short_name="Org C")


def test_organisations_are_ranked_best_first_by_the_measures_direction_and_ties_share_a_rank(
    world, catalogue, client, org_c
):
    lower, higher = catalogue["UEC-ED12H"], catalogue["UEC-ED4H"]
    for organisation, waits, four_hours in ((world.org_a, 100, 60), (world.org_b, 50, 70), (org_c, 50, 70)):
        release(organisation, lower, [waits])
        release(organisation, higher, [four_hours])
    waits = page_selectors.measure_comparison(lower)
    assert {r.organisation.code: (r.rank, r.tied) for r in waits.rows} == {
        "ORGA": (3, False),
        "ORGB": (1, True),
        "ORGC": (1, True),
    }
    four_hours = page_selectors.measure_comparison(higher)
    assert {r.organisation.code: (r.rank, r.tied) for r in four_hours.rows} == {
        "ORGA": (3, False),
        "ORGB": (1, True),
        "ORGC": (1, True),
    }
    client.force_login(world.personas["submitter_a"])
    rows = table_rows(page(client, measure_url("UEC-ED4H")), "Latest released value of")
    assert [(r[0].split(" SPC")[0], r[2], r[3]) for r in rows] == [
        ("Org A", "60%", "3"),
        ("Org B", "70%", "=1 (tied)"),
        ("Org C", "70%", "=1 (tied)"),
    ]
    assert [r[4] for r in rows] == ["Missed", "Missed", "Missed"]  # the target is 95%


def test_an_earlier_month_and_a_context_only_measure_are_not_ranked(world, catalogue, org_c):
    lower = catalogue["UEC-ED12H"]
    release(world.org_a, lower, [100])
    release(world.org_b, lower, [10], end=date(2026, 9, 1))  # better, but a month older
    ranks = {r.organisation.code: r.rank for r in page_selectors.measure_comparison(lower).rows}
    assert ranks == {"ORGA": 1, "ORGB": None, "ORGC": None}
    context = catalogue["UEC-REDCALLS"]  # context only, for the ambulance service
    release(world.org_a, context, [300])
    release(world.org_b, context, [200])
    comparison = page_selectors.measure_comparison(context)
    assert not comparison.ranked
    assert {r.organisation.code: (r.rank, r.status) for r in comparison.rows} == {
        "ORGA": (None, None),
        "ORGB": (None, None),
    }  # and Org C, with no values for a measure that is not its own, is not listed


def test_the_comparison_shows_the_icons_and_links_to_each_chart_and_downloads(world, catalogue, client):
    measure = catalogue["UEC-ED12H"]
    release(world.org_a, measure, [*STABLE, 160])
    release(world.org_b, measure, [*STABLE, 100])
    release(world.org_b, measure, [5000], end=date(2026, 11, 1), status="validated")  # not released
    client.force_login(world.personas["official"])
    html = page(client, measure_url("UEC-ED12H"))
    assert 'href="?organisation=ORGA#chart"' in html and 'href="?organisation=ORGB#chart"' in html
    rows = table_rows(html, "Latest released value of")
    assert rows[0][1:4] == ["Oct 2026", "160", "2"] and "Concerning (high)" in rows[0][5]
    assert rows[1][1:4] == ["Oct 2026", "100", "1"] and "Common cause" in rows[1][5]
    assert "5000" not in without_charts(html) and "5,000" not in html

    exported = client.get(measure_url("UEC-ED12H"), {"export": "csv", "organisation": "ORGA"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["Organisation code"], r["Month"], r["Value"], r["Rank"]) for r in rows] == [
        ("ORGA", "2026-10-01", "160.0", "2"),
        ("ORGB", "2026-10-01", "100.0", "1"),
    ]
    assert rows[0]["Variation"] == "Special cause: concerning, high values"
    assert rows[0]["Against the target"] == "Missed" and rows[0]["Released months"] == "25"
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(measure_url("UEC-ED12H"), {"export": "xlsx"}).content))
    values = list(workbook.active.values)
    assert values[0][:4] == ("Organisation code", "Organisation", "Month", "Value")
    assert [v[3] for v in values[1:]] == [160, 100]


# --- The pillar dashboard ---------------------------------------------------------------------


def test_the_pillar_dashboard_shows_each_organisations_latest_released_value_status_and_variation(
    world, catalogue, client
):
    release(world.org_a, catalogue["UEC-ED4H"], [*STABLE[:12], 40])  # higher is better: 40 is a concern
    release(world.org_b, catalogue["UEC-ED4H"], [96], end=date(2026, 9, 1))
    release(world.org_b, catalogue["UEC-ED4H"], [12], end=date(2026, 10, 1), status="submitted")
    client.force_login(world.personas["submitter_b"])
    html = page(client, reverse("reporting:dashboard"), {"pillar": "delivery_performance"})
    assert "<h1" in html and "Pillar dashboard: Delivery/Performance" in html
    caption = "Delivery/Performance: latest released values (latest month October 2026)"
    rows = {r[0].split(" UEC-")[0]: r[1:] for r in table_rows(html, caption)}
    four_hours = rows[catalogue["UEC-ED4H"].name]
    assert four_hours[0].startswith("40%") and "Missed" in four_hours[0] and "Concerning (low)" in four_hours[0]
    assert four_hours[1].startswith("96%") and "Sep 2026" in four_hours[1] and "Met" in four_hours[1]
    assert "Too few points" in four_hours[1]
    assert "12%" not in without_charts(html)
    assert rows[catalogue["UEC-RED-MED"].name] == ["n/a Does not apply", "n/a Does not apply"]  # WAST's
    assert f"{measure_url('UEC-ED4H')}?organisation=ORGA#chart" in html
    assert catalogue["UEC-RED8"].name not in html  # no longer collected


def test_the_pillar_dashboard_starts_at_the_first_pillar_and_refuses_an_unknown_one(world, catalogue, client):
    client.force_login(world.personas["official"])
    html = page(client, reverse("reporting:dashboard"))
    assert "Pillar dashboard: Quality" in html
    assert 'href="?pillar=finance"' in html and 'href="?pillar=quality" aria-current="page"' in html
    assert client.get(reverse("reporting:dashboard"), {"pillar": "morale"}).status_code == 404


def test_the_pillar_dashboard_downloads_as_csv_and_excel(world, catalogue, client):
    release(world.org_a, catalogue["W-SICK"], [6.25])
    client.force_login(world.personas["official"])
    url = reverse("reporting:dashboard")
    rows = list(csv.DictReader(io.StringIO(client.get(url, {"pillar": "workforce", "export": "csv"}).content.decode())))
    assert len(rows) == 4 * 2  # four workforce measures, both organisations
    sickness = next(r for r in rows if r["Measure code"] == "W-SICK" and r["Organisation code"] == "ORGA")
    assert sickness["Value"] == "6.25" and sickness["Month"] == "2026-10-01"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"pillar": "workforce", "export": "xlsx"}).content))
    assert len(list(sheet.active.values)) == 1 + 8


# --- The daily system dashboard ---------------------------------------------------------------


def daily(organisation, measure, values, *, last=date(2026, 10, 31)):
    DailyValue.objects.bulk_create(
        DailyValue(organisation=organisation, measure=measure, day=last - timedelta(days=n), value=value)
        for n, value in enumerate(reversed(values))
    )


def test_the_system_dashboard_says_when_nothing_has_been_reported(world, catalogue, client):
    client.force_login(world.personas["official"])
    assert "No daily values have been reported yet." in page(client, reverse("reporting:system-dashboard"))


def test_the_system_dashboard_shows_the_latest_day_and_the_last_days_as_a_chart_and_table(world, catalogue, client):
    attendances, four_hours = catalogue["UEC-ED-ATT-D"], catalogue["UEC-ED4H-D"]
    daily(world.org_a, attendances, [400 + n for n in range(40)])
    daily(world.org_a, four_hours, [70.5] * 39 + [66.25])
    daily(world.org_b, attendances, [300] * 10, last=date(2026, 10, 30))  # a day behind
    client.force_login(world.personas["submitter_a"])
    url = reverse("reporting:system-dashboard")
    html = page(client, url)
    assert "from 4 October 2026 to 31 October 2026" in html
    latest = {r[0]: r[1:] for r in table_rows(html, "Each organisation's latest reported day")}
    assert latest["Org A"][0] == "439" and latest["Org A"][1].startswith("66.25%") and "Missed" in latest["Org A"][1]
    assert latest["Org B"][0] == "300 30 Oct"
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(charts) == 2
    root = ElementTree.fromstring(charts[0])  # noqa: S314 (our own output)
    assert root.find(f"{SVG}title").text == f"{attendances.name}: the last 28 days across Wales"
    assert root.find(f"{SVG}desc").text
    table = table_rows(html, f"{attendances.name}, by day and organisation")
    assert len(table) == 28 and table[-1] == ["Sat 31 Oct", "439", "–"] and table[-2] == ["Fri 30 Oct", "438", "300"]

    fortnight = page(client, url, {"days": "14"})
    assert len(table_rows(fortnight, f"{attendances.name}, by day and organisation")) == 14
    rows = list(csv.DictReader(io.StringIO(client.get(url, {"days": "14", "export": "csv"}).content.decode())))
    assert len(rows) == 14 + 14 + 10
    assert {"ORGA", "ORGB"} == {r["Organisation code"] for r in rows}
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    assert len(list(sheet.values)) == 1 + 28 + 28 + 10


# --- The pack page's SPC ----------------------------------------------------------------------


def test_pack_spc_uses_released_history_and_marks_an_unreleased_packs_own_value_provisional(
    world, catalogue, django_assert_max_num_queries
):
    waits, four_hours = catalogue["UEC-ED12H"], catalogue["UEC-ED4H"]
    release(world.org_a, waits, STABLE, end=date(2026, 9, 1))
    release(world.org_a, four_hours, [60] * 3, end=date(2026, 9, 1))
    august = Pack.objects.get(organisation=world.org_a, period=date(2026, 8, 1))
    Pack.objects.filter(pk=august.pk).update(is_current=False)
    correction = pack_for(world.org_a, august.period, revision=2, corrects=august, status="draft")
    PackValue.objects.create(pack=correction, measure=waits, value=9999)  # not released: never read
    october = pack_for(world.org_a, END, status="submitted")
    PackValue.objects.create(pack=october, measure=waits, value=160)
    PackValue.objects.create(pack=october, measure=four_hours, value=None, not_available_reason="System outage")
    with django_assert_max_num_queries(4):
        results = page_selectors.pack_spc(october)
    assert set(results) == {waits.pk, four_hours.pk}
    spc_waits = results[waits.pk]
    assert page_selectors.is_provisional(spc_waits)
    assert [p.value for p in spc_waits.points] == [*STABLE, 160]
    assert spc_waits.points[-1].point_type == "special_cause_concern"
    assert not results[four_hours.pk].sufficient and not page_selectors.is_provisional(results[four_hours.pk])

    september = Pack.objects.get(organisation=world.org_a, period=date(2026, 9, 1))
    released = page_selectors.pack_spc(september)
    assert not page_selectors.is_provisional(released[waits.pk])
    assert len(released[waits.pk].points) == 24


def test_the_pack_pages_chart_draws_the_provisional_point_hollow_and_says_so(world, catalogue):
    from reporting.charts import spc_chart

    waits = catalogue["UEC-ED12H"]
    release(world.org_a, waits, STABLE, end=date(2026, 9, 1))
    october = pack_for(world.org_a, END, status="submitted")
    PackValue.objects.create(pack=october, measure=waits, value=101)
    series, result = page_selectors.pack_spc_charts(october)[waits.pk]
    svg = spc_chart(result, series, title="Waits", target=0)
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert "Provisional: not yet released" in texts
    assert "The last point is provisional: it has not been released." in root.find(f"{SVG}desc").text
    rows = page_selectors.chart_rows(result, series)
    assert [row.provisional for row in rows] == [False] * 24 + [True]
    assert rows[-1].period == END and rows[-1].display == "101"
    assert spc_chart(result, series, title="Waits", target=0) == svg  # the same data, the same bytes


def test_pack_spc_makes_the_same_queries_for_many_measures_and_months(world, catalogue, django_assert_num_queries):
    measures = [catalogue[c] for c in ("UEC-ED12H", "UEC-ED4H", "W-SICK", "Q-CDIFF", "PC-RTT26")]
    release(world.org_a, measures[0], [100, 101])
    pack = Pack.objects.get(organisation=world.org_a, period=END)
    with django_assert_num_queries(4):
        page_selectors.pack_spc(pack)
    for measure in measures[1:]:
        release(world.org_a, measure, list(range(36)))
    release(world.org_a, measures[0], list(range(34)), end=date(2026, 8, 1))
    with django_assert_num_queries(4):
        assert len(page_selectors.pack_spc(pack)) == 5


# --- Query counts -----------------------------------------------------------------------------


PAGES = [
    ("reporting:measure-list", [], {}),
    ("reporting:measure-list", [], {"pillar": "quality", "in_force_on": "2026-01-01"}),
    ("reporting:measure-detail", ["UEC-ED4H"], {}),
    ("reporting:measure-detail", ["UEC-ED4H"], {"organisation": "CAVUHB"}),
    ("reporting:measure-detail", ["UEC-ED4H"], {"export": "xlsx"}),
    ("reporting:dashboard", [], {"pillar": "delivery_performance"}),
    ("reporting:dashboard", [], {"pillar": "quality", "export": "csv"}),
    ("reporting:system-dashboard", [], {}),
    ("reporting:system-dashboard", [], {"days": "14", "export": "csv"}),
]
CAP = 8


def test_every_page_stays_within_its_query_cap_and_makes_as_many_queries_at_three_years_as_at_one(
    world, catalogue, client, django_assert_max_num_queries
):
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation_reference.seed()
    assert Organisation.objects.filter(statutory=True).count() >= 12
    today = date(2026, 11, 20)
    client.force_login(world.personas["official"])

    def counts():
        found = {}
        for name, args, params in PAGES:
            url = reverse(name, args=args)
            client.get(url, params)  # warm: the session and the user's roles
            with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(CAP):
                assert client.get(url, params).status_code == 200
            found[(url, str(params))] = len(captured)
        return found

    with time_machine.travel(today):
        demo.generate(today=today, months=12, seed=1)
        one_year = counts()
        demo.generate(today=today, months=36, seed=1)  # adds the two earlier years
        released = Pack.objects.filter(status="released")
        assert released.dates("period", "month").count() == 36
        assert released.values("organisation").distinct().count() == len(page_selectors.level_holding_organisations())
        three_years = counts()
    assert three_years == one_year


# --- Welsh ------------------------------------------------------------------------------------


def test_the_pages_speak_welsh(world, catalogue, client):
    measure = catalogue["UEC-ED12H"]
    assert measure.name_cy
    release(world.org_a, measure, STABLE)
    client.force_login(world.personas["submitter_a"])
    client.get(reverse("switch-language", args=["cy"]) + "?next=/")
    detail = page(client, measure_url("UEC-ED12H"), {"organisation": "ORGA"})
    welsh_name = escape(measure.name_cy)
    assert 'lang="cy"' in detail and welsh_name in detail
    assert measure.name_cy in svg_of(detail).find(f"{SVG}title").text
    listing = page(client, reverse("reporting:measure-list"), {"q": "UEC-ED12H"})
    assert welsh_name in listing
    assert welsh_name in page(client, reverse("reporting:dashboard"), {"pillar": "delivery_performance"})
    assert page(client, reverse("reporting:system-dashboard"))
