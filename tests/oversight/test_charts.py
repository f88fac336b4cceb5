"""Charts are real Matplotlib SVG: text stays text, the same data gives the same bytes, and
labels typed by users are escaped."""

import re
from datetime import date
from xml.etree import ElementTree

from django.urls import reverse

from escalation import services
from oversight import charts

SVG = "{http://www.w3.org/2000/svg}"


def _timeline():
    return [
        charts.Series("Whole organisation", [(date(2024, 2, 1), 4), (date(2025, 3, 3), 5)]),
        charts.Series("Finance <script>", [(date(2026, 5, 5), 4)]),
    ]


def test_a_step_chart_is_well_formed_svg_with_a_title_a_description_and_text_as_text():
    svg = charts.step_chart(
        _timeline(), title="Levels over time", description="One line per scope", until=date(2026, 11, 30)
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output) well-formed, so "<script>" was escaped
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Levels over time"
    assert root.find(f"{SVG}desc").text == "One line per scope"
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"Whole organisation", "Finance <script>", "1", "5"} <= texts
    assert "<script>" not in svg


def test_the_same_data_draws_the_same_bytes():
    first = charts.step_chart(_timeline(), title="t", description="d", until=date(2026, 11, 30))
    second = charts.step_chart(_timeline(), title="t", description="d", until=date(2026, 11, 30))
    assert first == second
    assert "<metadata>" not in first and "<?xml" not in first


def test_a_line_chart_joins_the_dates_that_have_a_score():
    svg = charts.line_chart(
        [charts.Series("Culture", [(date(2025, 4, 1), 1), (date(2025, 10, 1), None), (date(2026, 4, 1), 2)])],
        title="Maturity",
        description="d",
        y_values=(1, 2, 3, 4, 5),
    )
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    path = next(
        p.get("d")
        for p in root.iter(f"{SVG}path")
        if p.get("clip-path") and "stroke: #1d70b8" in (p.get("style") or "")
    )
    assert len(re.findall(r"[ML]\s", path)) == 2  # one segment between the two scores


def test_the_organisation_page_and_the_case_page_draw_their_charts(world, frameworks, client):
    analyst, decider = world.personas["analyst"], world.personas["decision_maker"]
    draft = services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=services.Scope("organisation"),
        to_level=4,
        rationale="r",
        planned_on=date(2025, 3, 3),
    )
    decided = services.decision_decide(
        actor=decider,
        decision=draft,
        expected_version=draft.version,
        decided_on=date(2025, 3, 3),
        minister_decided_on=date(2025, 3, 3),
    )
    plan = services.support_plan_create(
        actor=analyst, case=decided.case, kind="targeted_support", started_on=date(2025, 3, 10)
    )
    services.maturity_score_record(
        actor=analyst, plan=plan, area_name="Governance", assessed_on=date(2025, 4, 1), score=2
    )
    client.force_login(world.personas["submitter_a"])
    page = client.get(reverse("escalation:organisation", args=[world.org_a.pk])).content.decode()
    assert 'class="app-chart"' in page and "Escalation levels of" in page
    panel = client.get(reverse("escalation:organisation", args=[world.org_a.pk]), HTTP_HX_REQUEST="true")
    assert 'class="app-chart"' not in panel.content.decode()  # the panel stays light
    case_page = client.get(decided.case.get_absolute_url()).content.decode()
    assert "Maturity scores: Targeted support" in case_page
