"""The reporting API: who may call each endpoint (written out by hand, persona by persona), the
pack's life with stale versions and rule refusals, bulk writes all or nothing naming the row and
field, re-sending changing nothing, SPC from released numbers only, suggested levels, and query
caps on every list."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import reference, selectors, services
from reporting.choices import PackStatus, Unit
from reporting.models import DailyValue, Measure, Pack, PackValue, Trajectory
from tests.factories import OrganisationFactory

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
def as_(api_client, world):
    def _as(persona):
        api_client.logout()
        user = world.personas[persona]
        if user.is_authenticated:
            api_client.force_login(user)
        return api_client

    return _as


def full_values(organisation, period, **overrides):
    values = {m.code: Decimal(SAMPLE.get(m.unit, "10")) for m in selectors.pack_measures(organisation, period)}
    values.update({code: Decimal(v) for code, v in overrides.items()})
    return values


def filled(world, p, period=MAY, organisation=None, **overrides):
    organisation = organisation or world.org_a
    submitter = p["submitter_a"] if organisation == world.org_a else p["submitter_b"]
    pack = services.pack_create(actor=submitter, organisation=organisation, period=period)
    return services.pack_values_set(
        actor=submitter,
        pack=pack,
        expected_version=pack.version,
        values=full_values(organisation, period, **overrides),
    )


def released(world, p, period=MAY, organisation=None, **overrides):
    organisation = organisation or world.org_a
    submitter = p["submitter_a"] if organisation == world.org_a else p["submitter_b"]
    pack = filled(world, p, period, organisation, **overrides)
    pack = services.pack_submit(actor=submitter, pack=pack, expected_version=pack.version)
    pack = services.pack_validate(actor=p["analyst"], pack=pack, expected_version=pack.version)
    return services.pack_release(actor=p["analyst"], pack=pack, expected_version=pack.version)


def url(name, *args):
    return reverse(f"api:reporting-{name}", args=args)


# --- Anonymous callers ------------------------------------------------------------------------

ANONYMOUS_GETS = [
    "measure-list",
    "trajectory-list",
    "pack-list",
    "daily-value-list",
    "spc-list",
    "suggested-level-list",
]


@pytest.mark.parametrize("name", ANONYMOUS_GETS)
def test_anonymous_callers_are_told_to_authenticate(world, catalogue, as_, name):
    response = as_("anonymous").get(url(name), {"measure": "UEC-ED4H"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("name", ["trajectory-list", "pack-list", "daily-value-list"])
def test_anonymous_bulk_writes_are_401(world, catalogue, as_, name):
    assert as_("anonymous").post(url(name), [], format="json").status_code == 401


def test_anonymous_pack_actions_are_401(world, p, catalogue, as_):
    pack = filled(world, p)
    for name in ["pack-submit", "pack-return", "pack-validate", "pack-release", "pack-correct", "pack-values"]:
        response = as_("anonymous").post(url(name, pack.pk), {"version": pack.version}, format="json")
        assert response.status_code == 401, name


# --- Measures ---------------------------------------------------------------------------------


def test_every_signed_in_user_reads_the_catalogue_with_filters(world, catalogue, as_):
    for persona in ["official", "submitter_b", "partner", "admin"]:
        assert as_(persona).get(url("measure-list")).status_code == 200
    client = as_("submitter_a")
    daily_codes = [m["code"] for m in client.get(url("measure-list"), {"frequency": "daily"}).json()["results"]]
    assert sorted(daily_codes) == ["UEC-ED-ATT-D", "UEC-ED12H-D", "UEC-ED4H-D", "UEC-HO60-D", "UEC-RED-MED-D"]
    finance = client.get(url("measure-list"), {"pillar": "finance"}).json()
    assert sorted(m["code"] for m in finance["results"]) == ["F-BREAKEVEN", "F-FORECAST", "F-IMTP", "F-PSPP"]
    assert client.get(url("measure-list"), {"code": "UEC-RED8"}).json()["count"] == 1
    in_may = [m["code"] for m in client.get(url("measure-list"), {"in_force_on": "2026-05-01"}).json()["results"]]
    assert "UEC-RED8" not in in_may and "UEC-RED-MED" in in_may  # red 8 minutes ended 30 June 2025
    in_2024 = [m["code"] for m in client.get(url("measure-list"), {"in_force_on": "2024-01-01"}).json()["results"]]
    assert "UEC-RED8" in in_2024 and "UEC-RED-MED" not in in_2024
    assert client.get(url("measure-list"), {"pillar": "astrology"}).status_code == 400


def test_a_measure_is_read_by_its_code(world, catalogue, as_):
    body = as_("partner").get(url("measure-detail", "UEC-ED4H-D")).json()
    assert body["unit"] == "percent" and body["frequency"] == "daily" and body["variant_of"] == "UEC-ED4H"
    assert body["national_target"] == "95.0000"
    assert as_("partner").get(url("measure-detail", "NOPE")).status_code == 404


def test_the_measure_list_is_a_bounded_number_of_queries(world, catalogue, as_, django_assert_max_num_queries):
    client = as_("submitter_a")
    with django_assert_max_num_queries(6):
        body = client.get(url("measure-list"), {"page_size": 100}).json()
    assert body["count"] == Measure.objects.count() == 47


# --- Trajectories -----------------------------------------------------------------------------

TRAJECTORY_ROWS = [
    {"organisation": "ORGA", "measure": "UEC-ED4H", "period": "2026-05", "value": 72, "tolerance": "2"},
    {"organisation": "ORGA", "measure": "UEC-ED4H", "period": "2026-06", "value": "73.5"},
    {"organisation": "ORGB", "measure": "UEC-ED12H", "period": "2026-05-01", "value": 500, "note": "Winter plan"},
]


def test_analysts_upsert_trajectories_and_resending_changes_nothing(world, catalogue, as_):
    client = as_("analyst")
    first = client.post(url("trajectory-list"), TRAJECTORY_ROWS, format="json")
    assert first.status_code == 200
    assert first.json() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    may = Trajectory.objects.get(organisation=world.org_a, measure__code="UEC-ED4H", period=MAY)
    assert (may.value, may.tolerance) == (Decimal("72"), Decimal("2"))
    assert may.history.first().history_user == world.personas["analyst"]
    history = Trajectory.history.count()

    again = client.post(url("trajectory-list"), TRAJECTORY_ROWS, format="json")
    assert again.json() == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert Trajectory.history.count() == history

    changed = [{**TRAJECTORY_ROWS[0], "value": 75}]
    assert client.post(url("trajectory-list"), changed, format="json").json()["updated"] == 1
    may.refresh_from_db()
    assert may.value == Decimal("75") and may.version == 2
    assert Trajectory.history.count() == history + 1


def test_a_bad_trajectory_row_refuses_them_all_naming_row_and_field(world, catalogue, as_):
    rows = [
        TRAJECTORY_ROWS[0],
        {"organisation": "ATLANTIS", "measure": "UEC-ED4H", "period": "2026-05", "value": 1},
        {"organisation": "ORGA", "measure": "NOPE", "period": "2026-05", "value": 1},
        {"organisation": "ORGA", "measure": "UEC-ED4H", "period": "May", "value": 101},
        {"organisation": "ORGA", "measure": "UEC-ED4H-D", "period": "2026-05", "value": 1},
        {"organisation": "ORGA", "measure": "UEC-ED4H", "period": "2026-05", "value": 70},
        {"organisation": "ORGA", "measure": "UEC-ED12H", "period": "2026-05", "value": 5, "tolerance": -1},
        "not a row",
    ]
    response = as_("analyst").post(url("trajectory-list"), rows, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rows_refused"
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (1, "organisation", "unknown_organisation"),
        (2, "measure", "unknown_measure"),
        (3, "period", "invalid_period"),
        (3, "value", "value_range"),
        (4, "measure", "daily_measure"),
        (5, "measure", "duplicate"),
        (6, "tolerance", "value_range"),
        (7, "", "invalid_row"),
    ]
    assert "row 0" in body["errors"][5]["message"]
    assert not Trajectory.objects.exists()  # not even the good first row


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 200),
        ("submitter_a", 403),
        ("submitter_b", 403),
        ("partner", 403),
        ("admin", 200),
    ],
)
def test_who_may_upsert_trajectories(world, catalogue, as_, persona, expected):
    response = as_(persona).post(url("trajectory-list"), TRAJECTORY_ROWS[:1], format="json")
    assert response.status_code == expected
    assert Trajectory.objects.exists() == (expected == 200)


@pytest.mark.parametrize(
    ("persona", "organisations"),
    [
        ("official", ["ORGA", "ORGA", "ORGB"]),
        ("analyst", ["ORGA", "ORGA", "ORGB"]),
        ("admin", ["ORGA", "ORGA", "ORGB"]),
        ("submitter_a", ["ORGA", "ORGA"]),
        ("submitter_b", ["ORGB"]),
        ("partner", []),
    ],
)
def test_trajectories_are_seen_by_those_who_see_the_organisation(world, catalogue, as_, persona, organisations):
    as_("analyst").post(url("trajectory-list"), TRAJECTORY_ROWS, format="json")
    results = as_(persona).get(url("trajectory-list")).json()["results"]
    assert [r["organisation"] for r in results] == organisations


def test_trajectories_filter_by_organisation_measure_and_months(world, catalogue, as_):
    as_("analyst").post(url("trajectory-list"), TRAJECTORY_ROWS, format="json")
    client = as_("official")

    def periods(**query):
        return [
            (r["organisation"], r["measure"], r["period"])
            for r in client.get(url("trajectory-list"), query).json()["results"]
        ]

    assert periods(organisation="ORGB") == [("ORGB", "UEC-ED12H", "2026-05-01")]
    assert periods(measure="UEC-ED4H", period_from="2026-06") == [("ORGA", "UEC-ED4H", "2026-06-01")]
    assert periods(period_to="2026-05") == [("ORGA", "UEC-ED4H", "2026-05-01"), ("ORGB", "UEC-ED12H", "2026-05-01")]


def test_the_trajectory_list_is_a_bounded_number_of_queries(world, catalogue, as_, django_assert_max_num_queries):
    rows = [
        {"organisation": org, "measure": code, "period": f"2026-{month:02d}", "value": 50}
        for org in ["ORGA", "ORGB"]
        for code in ["UEC-ED4H", "PC-RTT26", "CAN-SCP62"]
        for month in range(1, 13)
    ]
    assert as_("analyst").post(url("trajectory-list"), rows, format="json").json()["created"] == 72
    client = as_("official")
    with django_assert_max_num_queries(6):
        body = client.get(url("trajectory-list"), {"page_size": 100}).json()
    assert body["count"] == 72


# --- Packs: who sees and who acts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 201),
        ("submitter_a", 201),
        ("submitter_b", 404),  # another organisation's pack does not exist for them
        ("partner", 404),
        ("admin", 403),
    ],
)
def test_who_may_open_organisation_as_pack(world, catalogue, as_, persona, expected):
    response = as_(persona).post(url("pack-list"), {"organisation": "ORGA", "period": "2026-05"}, format="json")
    assert response.status_code == expected
    assert Pack.objects.filter(organisation=world.org_a).exists() == (expected == 201)


def test_opening_a_pack_twice_answers_the_same_pack(world, catalogue, as_):
    client = as_("submitter_a")
    first = client.post(url("pack-list"), {"organisation": "ORGA", "period": "2026-05"}, format="json")
    again = client.post(url("pack-list"), {"organisation": "ORGA", "period": "2026-05-01"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "draft" and first.json()["period"] == "2026-05-01"
    bad = client.post(url("pack-list"), {"organisation": "ATLANTIS", "period": "May"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"organisation", "period"}


@pytest.mark.parametrize(
    ("persona", "draft_a", "released_b"),
    [
        ("official", 200, 200),
        ("decision_maker", 200, 200),
        ("analyst", 200, 200),
        ("submitter_a", 200, 200),
        ("submitter_b", 404, 200),
        ("partner", 404, 200),
        ("admin", 200, 200),
    ],
)
def test_an_unreleased_pack_is_seen_only_by_its_organisation_and_oversight(
    world, p, catalogue, as_, persona, draft_a, released_b
):
    draft = filled(world, p)
    public = released(world, p, organisation=world.org_b)
    client = as_(persona)
    assert client.get(url("pack-detail", draft.pk)).status_code == draft_a
    assert client.get(url("pack-values", draft.pk)).status_code == draft_a
    assert client.get(url("pack-detail", public.pk)).status_code == released_b
    listed = {r["id"] for r in client.get(url("pack-list")).json()["results"]}
    assert (draft.pk in listed) == (draft_a == 200)
    assert public.pk in listed


def test_the_pack_detail_holds_its_values(world, p, catalogue, as_):
    pack = filled(world, p)
    body = as_("submitter_a").get(url("pack-detail", pack.pk)).json()
    values = {v["measure"]: v for v in body["values"]}
    assert values["UEC-ED4H"]["value"] == "80.0000" and values["UEC-ED4H"]["unit"] == "percent"
    assert len(values) == len(selectors.pack_measures(world.org_a, MAY))
    assert body["status"] == "draft" and body["version"] == pack.version


def test_the_pack_list_filters_and_is_a_bounded_number_of_queries(
    world, p, catalogue, as_, django_assert_max_num_queries
):
    for month in range(1, 7):
        for organisation in (world.org_a, world.org_b):
            Pack.objects.create(organisation=organisation, period=date(2025, month, 1))
    for index in range(10):
        Pack.objects.create(organisation=OrganisationFactory(code=f"HB{index}"), period=MAY)
    client = as_("official")
    with django_assert_max_num_queries(6):
        body = client.get(url("pack-list"), {"page_size": 100}).json()
    assert body["count"] == 22
    assert client.get(url("pack-list"), {"organisation": "ORGB"}).json()["count"] == 6
    assert client.get(url("pack-list"), {"period_from": "2025-05", "period_to": "2025-06"}).json()["count"] == 4
    assert client.get(url("pack-list"), {"status": "released"}).json()["count"] == 0


# --- Packs: their life ------------------------------------------------------------------------


def _post(client, name, pack, **data):
    return client.post(url(name, pack.pk), {"version": pack.version, **data}, format="json")


def test_a_pack_goes_through_its_life_through_the_api(world, p, catalogue, as_):
    pack = filled(world, p)
    submitted = _post(as_("submitter_a"), "pack-submit", pack)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    pack.refresh_from_db()
    returned = _post(as_("analyst"), "pack-return", pack, comment="Check the RTT figures")
    assert returned.json()["status"] == "returned" and returned.json()["returned_comment"] == "Check the RTT figures"
    pack.refresh_from_db()
    pack = Pack.objects.get(pk=_post(as_("submitter_a"), "pack-submit", pack).json()["id"])
    assert _post(as_("analyst"), "pack-validate", pack).json()["status"] == "validated"
    pack.refresh_from_db()
    assert _post(as_("analyst"), "pack-release", pack).json()["status"] == "released"
    pack.refresh_from_db()
    correction = _post(as_("analyst"), "pack-correct", pack, reason="RTT figures restated")
    assert correction.status_code == 201
    body = correction.json()
    assert (body["revision"], body["status"], body["corrects"]) == (2, "draft", pack.pk)
    assert body["correction_reason"] == "RTT figures restated"
    # the released version is still what everyone else sees
    assert as_("submitter_b").get(url("pack-detail", pack.pk)).status_code == 200
    assert as_("submitter_b").get(url("pack-detail", body["id"])).status_code == 404


def test_a_stale_version_is_a_conflict(world, p, catalogue, as_):
    pack = filled(world, p)
    stale = pack.version - 1
    response = as_("submitter_a").post(url("pack-submit", pack.pk), {"version": stale}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.DRAFT
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    for name, data in [("pack-validate", {}), ("pack-return", {"comment": "x"})]:
        response = as_("analyst").post(url(name, pack.pk), {"version": pack.version - 1, **data}, format="json")
        assert response.status_code == 409, name


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 403),  # analysts edit but do not submit
        ("submitter_a", 200),
        ("submitter_b", 404),
        ("partner", 404),
        ("admin", 403),
    ],
)
def test_who_may_submit_organisation_as_pack(world, p, catalogue, as_, persona, expected):
    pack = filled(world, p)
    assert _post(as_(persona), "pack-submit", pack).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 200),
        ("submitter_a", 403),
        ("submitter_b", 404),
        ("partner", 404),
        ("admin", 403),
    ],
)
def test_who_may_validate_a_submitted_pack(world, p, catalogue, as_, persona, expected):
    pack = filled(world, p)
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    assert _post(as_(persona), "pack-validate", pack).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 201),
        ("submitter_a", 403),
        ("submitter_b", 403),  # a released pack is visible to every signed-in user
        ("partner", 403),
        ("admin", 403),
    ],
)
def test_who_may_correct_a_released_pack(world, p, catalogue, as_, persona, expected):
    pack = released(world, p)
    assert _post(as_(persona), "pack-correct", pack, reason="Restated").status_code == expected


@pytest.mark.parametrize(
    ("name", "persona", "state", "data", "code"),
    [
        ("pack-return", "analyst", "submitted", {"comment": "  "}, "pack_return_comment"),
        ("pack-validate", "analyst", "draft", {}, "pack_transition"),
        ("pack-release", "analyst", "submitted", {}, "pack_transition"),
        ("pack-submit", "submitter_a", "released", {}, "pack_released"),
        ("pack-correct", "analyst", "released", {"reason": ""}, "required"),
        ("pack-correct", "analyst", "draft", {"reason": "Restated"}, "pack_not_released"),
    ],
)
def test_rule_refusals_answer_400_with_the_rule_code(world, p, catalogue, as_, name, persona, state, data, code):
    pack = filled(world, p)
    if state in ("submitted", "released"):
        pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    if state == "released":
        pack = services.pack_validate(actor=p["analyst"], pack=pack, expected_version=pack.version)
        pack = services.pack_release(actor=p["analyst"], pack=pack, expected_version=pack.version)
    response = _post(as_(persona), name, pack, **data)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Pack.objects.get(pk=pack.pk).status == state


def test_an_incomplete_pack_is_not_submitted_and_the_refusal_names_each_measure(world, p, catalogue, as_):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    values = full_values(world.org_a, MAY)
    del values["UEC-ED4H"], values["W-SICK"]
    pack = services.pack_values_set(actor=p["submitter_a"], pack=pack, expected_version=pack.version, values=values)
    response = _post(as_("submitter_a"), "pack-submit", pack)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "values_refused" and "not complete" in body["detail"]
    assert sorted(e["message"].split(":")[0] for e in body["errors"]) == ["UEC-ED4H", "W-SICK"]


# --- Pack values ------------------------------------------------------------------------------


def _rows(organisation=None, **overrides):
    values = full_values(organisation, MAY) if organisation else {}
    values.update(overrides)
    return [{"measure": code, "value": str(value)} for code, value in values.items()]


def test_values_are_stored_all_at_once_and_resending_them_changes_nothing(world, p, catalogue, as_):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    rows = _rows(world.org_a)
    rows[0] = {"measure": rows[0]["measure"], "value": None, "not_available_reason": "Not yet validated"}
    rows[1] = {**rows[1], "comment": "Winter pressures", "unit": Measure.objects.get(code=rows[1]["measure"]).unit}
    client = as_("submitter_a")
    first = client.post(url("pack-values", pack.pk), {"version": pack.version, "values": rows}, format="json")
    assert first.status_code == 200
    body = first.json()
    assert body["changed"] is True and body["version"] == pack.version + 1
    stored = {v.measure.code: v for v in PackValue.objects.filter(pack=pack).select_related("measure")}
    assert len(stored) == len(rows)
    assert stored[rows[0]["measure"]].value is None
    assert stored[rows[0]["measure"]].not_available_reason == "Not yet validated"
    assert stored[rows[1]["measure"]].comment == "Winter pressures"
    assert stored[rows[1]["measure"]].source == "api"
    history = (PackValue.history.count(), Pack.history.count())

    # the same body again, even with the version it made stale: nothing changes
    again = client.post(url("pack-values", pack.pk), {"version": pack.version, "values": rows}, format="json")
    assert again.status_code == 200 and again.json()["changed"] is False
    assert again.json()["version"] == body["version"]
    assert (PackValue.history.count(), Pack.history.count()) == history

    # ...and with the current version, the same
    same = client.post(url("pack-values", pack.pk), {"version": body["version"], "values": rows}, format="json")
    assert same.json()["changed"] is False and (PackValue.history.count(), Pack.history.count()) == history

    # a changed body with a stale version is a conflict
    changed = [{"measure": "UEC-ED4H", "value": "71"}]
    stale = client.post(url("pack-values", pack.pk), {"version": pack.version, "values": changed}, format="json")
    assert stale.status_code == 409
    fresh = client.post(url("pack-values", pack.pk), {"version": body["version"], "values": changed}, format="json")
    assert fresh.json()["changed"] is True
    assert PackValue.objects.get(pack=pack, measure__code="UEC-ED4H").value == Decimal("71")
    assert PackValue.history.count() == history[0] + 1


def test_a_comment_alone_is_a_change(world, p, catalogue, as_):
    pack = filled(world, p)
    client = as_("submitter_a")
    body = {"version": pack.version, "values": [{"measure": "UEC-ED4H", "value": "80", "comment": "Better week"}]}
    response = client.post(url("pack-values", pack.pk), body, format="json")
    assert response.json()["changed"] is True and response.json()["version"] == pack.version + 1
    value = PackValue.objects.get(pack=pack, measure__code="UEC-ED4H")
    assert value.comment == "Better week" and value.value == Decimal("80")
    assert value.history.first().history_user == world.personas["submitter_a"]


def test_bad_values_refuse_them_all_naming_row_field_and_reason(world, p, catalogue, as_):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    rows = [
        {"measure": "UEC-ED4H", "value": "80"},
        {"measure": "NOPE", "value": "1"},
        {"measure": "UEC-ED12H", "value": "2.5"},
        {"measure": "PC-RTT26", "value": "150"},
        {"measure": "UEC-ED4H", "value": "81"},
        {"measure": "W-SICK", "value": None},
        {"measure": "W-PADR", "value": "12", "unit": "count"},
        {"measure": "UEC-ED4H-D", "value": "80"},
        {"measure": "UEC-RED8", "value": "60"},
        {"measure": "W-AGENCY", "value": "lots"},
        {"value": "1"},
    ]
    response = as_("submitter_a").post(
        url("pack-values", pack.pk), {"version": pack.version, "values": rows}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "values_refused"
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (1, "measure", "unknown_measure"),
        (2, "value", "value_range"),  # a count is a whole number
        (3, "value", "value_range"),  # a percentage is 0-100
        (4, "measure", "duplicate"),
        (5, "not_available_reason", "value_missing_reason"),
        (6, "unit", "wrong_unit"),
        (7, "measure", "measure_not_in_pack"),  # daily values are reported separately
        (8, "measure", "measure_not_in_pack"),  # ended in June 2025
        (9, "value", "not_a_number"),
        (10, "measure", "required"),
    ]
    assert "NOPE" in body["errors"][0]["message"]
    assert "0 to 100" in body["errors"][2]["message"]
    assert not PackValue.objects.filter(pack=pack).exists()  # not even the good first row
    assert Pack.objects.get(pk=pack.pk).version == pack.version


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("official", 403),
        ("decision_maker", 403),
        ("analyst", 200),
        ("submitter_a", 200),
        ("submitter_b", 404),
        ("partner", 404),
        ("admin", 403),
    ],
)
def test_who_may_set_organisation_as_values(world, p, catalogue, as_, persona, expected):
    pack = services.pack_create(actor=p["submitter_a"], organisation=world.org_a, period=MAY)
    body = {"version": pack.version, "values": [{"measure": "UEC-ED4H", "value": "80"}]}
    assert as_(persona).post(url("pack-values", pack.pk), body, format="json").status_code == expected
    assert PackValue.objects.filter(pack=pack).exists() == (expected == 200)


def test_values_of_a_submitted_pack_cannot_change(world, p, catalogue, as_):
    pack = filled(world, p)
    pack = services.pack_submit(actor=p["submitter_a"], pack=pack, expected_version=pack.version)
    body = {"version": pack.version, "values": [{"measure": "UEC-ED4H", "value": "50"}]}
    response = as_("submitter_a").post(url("pack-values", pack.pk), body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "pack_not_editable"


def test_the_values_of_a_pack_are_read_with_its_version(world, p, catalogue, as_):
    pack = filled(world, p)
    body = as_("analyst").get(url("pack-values", pack.pk)).json()
    assert body["pack"] == pack.pk and body["version"] == pack.version
    assert {v["measure"] for v in body["values"]} == {m.code for m in selectors.pack_measures(world.org_a, MAY)}


# --- Daily values -----------------------------------------------------------------------------


def _today():
    return timezone.localdate()


def daily_rows(organisation="ORGA", days=2):
    return [
        {"organisation": organisation, "measure": code, "day": str(_today() - timedelta(days=offset)), "value": value}
        for offset in range(days)
        for code, value in (("UEC-ED4H-D", "68.5"), ("UEC-ED12H-D", 41), ("UEC-ED-ATT-D", 420))
    ]


def test_a_submitter_sends_their_daily_values_and_resending_changes_nothing(world, catalogue, as_):
    client = as_("submitter_a")
    first = client.post(url("daily-value-list"), daily_rows(), format="json")
    assert first.status_code == 200
    assert first.json() == {"rows": 6, "created": 6, "updated": 0, "unchanged": 0}
    value = DailyValue.objects.get(organisation=world.org_a, measure__code="UEC-ED4H-D", day=_today())
    assert value.value == Decimal("68.5") and value.source == "api"
    history = DailyValue.history.count()

    again = client.post(url("daily-value-list"), daily_rows(), format="json")
    assert again.json() == {"rows": 6, "created": 0, "updated": 0, "unchanged": 6}
    assert DailyValue.history.count() == history

    changed = daily_rows()[:1]
    changed[0]["value"] = "70"
    assert client.post(url("daily-value-list"), changed, format="json").json()["updated"] == 1
    value.refresh_from_db()
    assert value.value == Decimal("70") and value.version == 2
    assert DailyValue.history.count() == history + 1
    assert value.history.first().history_user == world.personas["submitter_a"]


@pytest.mark.parametrize(
    ("persona", "orga", "orgb"),
    [
        ("official", 403, 403),
        ("decision_maker", 403, 403),
        ("analyst", 200, 200),
        ("submitter_a", 200, 403),
        ("submitter_b", 403, 200),
        ("partner", 403, 403),
        ("admin", 403, 403),
    ],
)
def test_who_may_send_daily_values(world, catalogue, as_, persona, orga, orgb):
    client = as_(persona)
    assert client.post(url("daily-value-list"), daily_rows("ORGA", 1), format="json").status_code == orga
    assert client.post(url("daily-value-list"), daily_rows("ORGB", 1), format="json").status_code == orgb


def test_a_row_for_an_organisation_not_yours_refuses_the_batch(world, catalogue, as_):
    rows = daily_rows("ORGA", 1) + daily_rows("ORGB", 1)[:1]
    response = as_("submitter_a").post(url("daily-value-list"), rows, format="json")
    assert response.status_code == 400
    assert [(e["row"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (3, "organisation", "permission_denied")
    ]
    assert not DailyValue.objects.exists()


def test_bad_daily_rows_refuse_them_all_naming_row_and_field(world, catalogue, as_):
    today = str(_today())
    rows = [
        {"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": today, "value": "68"},
        {"organisation": "ORGA", "measure": "UEC-ED4H", "day": today, "value": "68"},
        {"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": str(_today() + timedelta(days=1)), "value": "68"},
        {"organisation": "ORGA", "measure": "UEC-ED4H-D", "day": today, "value": "69"},
        {"organisation": "ORGA", "measure": "UEC-ED12H-D", "day": today, "value": "-3"},
        {"organisation": "ORGA", "measure": "UEC-RED-MED-D", "day": today, "value": "8"},
        {"organisation": "ORGA", "measure": "UEC-HO60-D", "day": "yesterday", "value": None},
        {"organisation": "ATLANTIS", "measure": "NOPE", "day": today, "value": "1"},
    ]
    response = as_("analyst").post(url("daily-value-list"), rows, format="json")
    assert response.status_code == 400
    assert [(e["row"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (1, "measure", "not_daily"),
        (2, "day", "day_in_future"),
        (3, "measure", "duplicate"),
        (4, "value", "value_range"),
        (5, "measure", "measure_not_applicable"),  # a WAST measure
        (6, "day", "invalid_day"),
        (6, "value", "required"),
        (7, "organisation", "unknown_organisation"),
        (7, "measure", "unknown_measure"),
    ]
    assert not DailyValue.objects.exists()
    not_a_list = as_("analyst").post(url("daily-value-list"), {"organisation": "ORGA"}, format="json")
    assert not_a_list.status_code == 400 and not_a_list.json()["code"] == "invalid_body"


@pytest.mark.parametrize(
    ("persona", "organisations"),
    [
        ("official", {"ORGA", "ORGB"}),
        ("analyst", {"ORGA", "ORGB"}),
        ("admin", {"ORGA", "ORGB"}),
        ("submitter_a", {"ORGA", "ORGB"}),
        ("submitter_b", {"ORGA", "ORGB"}),
        ("partner", {"ORGA", "ORGB"}),
    ],
)
def test_daily_values_are_shared_with_every_signed_in_user(world, catalogue, as_, persona, organisations):
    """Daily system reporting is shared across NHS Wales, like released pack numbers: the API
    shows what the system dashboard shows."""
    as_("analyst").post(url("daily-value-list"), daily_rows("ORGA") + daily_rows("ORGB"), format="json")
    results = as_(persona).get(url("daily-value-list")).json()["results"]
    assert {r["organisation"] for r in results} == organisations


def test_daily_values_filter_by_organisation_measure_and_days(world, catalogue, as_):
    as_("analyst").post(url("daily-value-list"), daily_rows("ORGA", 5) + daily_rows("ORGB", 5), format="json")
    client = as_("official")
    yesterday = str(_today() - timedelta(days=1))
    query = {
        "organisation": "ORGA",
        "measure": "UEC-ED4H-D",
        "from": str(_today() - timedelta(days=3)),
        "to": yesterday,
    }
    results = client.get(url("daily-value-list"), query).json()["results"]
    assert [r["day"] for r in results] == [str(_today() - timedelta(days=d)) for d in (1, 2, 3)]
    assert {(r["organisation"], r["measure"]) for r in results} == {("ORGA", "UEC-ED4H-D")}
    assert client.get(url("daily-value-list"), {"day": yesterday}).json()["count"] == 6


def test_the_daily_value_list_is_a_bounded_number_of_queries(world, catalogue, as_, django_assert_max_num_queries):
    as_("analyst").post(url("daily-value-list"), daily_rows("ORGA", 30) + daily_rows("ORGB", 30), format="json")
    client = as_("official")
    with django_assert_max_num_queries(6):
        body = client.get(url("daily-value-list"), {"page_size": 500}).json()
    assert body["count"] == 180 and len(body["results"]) == 180


# --- SPC --------------------------------------------------------------------------------------

# Twelve months around 50, then three at 90: the jump is a special cause of improvement for a
# measure where higher is better (UEC-ED4H, target 95%).
SERIES = [50, 52, 48, 51, 49, 50, 52, 48, 51, 49, 50, 51, 90, 90, 90]


def _month(index):
    return date(2025 + (index // 12), index % 12 + 1, 1)


def released_series(organisation, values, measure="UEC-ED4H", start=0):
    measure = Measure.objects.get(code=measure)
    now = timezone.now()
    for index, value in enumerate(values, start=start):
        pack = Pack.objects.create(
            organisation=organisation,
            period=_month(index),
            status=PackStatus.RELEASED,
            validated_at=now,
            released_at=now,
        )
        PackValue.objects.create(pack=pack, measure=measure, value=Decimal(value))


def test_spc_for_one_organisation_reads_released_numbers_only(world, catalogue, as_):
    released_series(world.org_a, SERIES)
    draft = Pack.objects.create(organisation=world.org_a, period=_month(len(SERIES)))
    PackValue.objects.create(pack=draft, measure=Measure.objects.get(code="UEC-ED4H"), value=Decimal("5"))

    body = as_("submitter_b").get(url("spc-list"), {"measure": "UEC-ED4H", "organisation": "ORGA"}).json()
    assert body["sufficient"] is True and body["reason"] == ""
    assert [pt["value"] for pt in body["points"]] == SERIES  # the draft's 5 is not there
    assert body["points"][0]["period"] == "2025-01-01" and body["points"][-1]["period"] == "2026-03-01"
    assert body["direction"] == "higher_is_better" and body["target"] == 95.0
    last = body["points"][-1]
    assert last["point_type"] == "special_cause_improvement"
    assert {"test": "beyond_limits", "side": "high"} in last["signals"]
    assert last["value"] > last["upper_limit"] > last["mean"] > last["lower_limit"]
    assert body["variation_icon"] == "improving_high"
    assert body["assurance_icon"] == "consistently_failing"  # 95% is above the upper limit
    assert len(body["segments"]) == 1
    assert body["segments"][0]["first_period"] == "2025-01-01" and body["segments"][0]["baseline_points"] == 15


def test_spc_with_too_few_points_gives_the_values_and_the_reason(world, catalogue, as_):
    released_series(world.org_b, [60, 61, 59])
    body = as_("official").get(url("spc-list"), {"measure": "UEC-ED4H", "organisation": "ORGB"}).json()
    assert body["sufficient"] is False and "Too few points" in body["reason"]
    assert [pt["value"] for pt in body["points"]] == [60, 61, 59]
    assert body["points"][0]["mean"] is None and body["variation_icon"] is None and body["segments"] == []
    nothing = as_("official").get(url("spc-list"), {"measure": "UEC-ED4H", "organisation": "ORGA"}).json()
    assert nothing["sufficient"] is False and nothing["points"] == []


def test_spc_without_an_organisation_gives_everyone_s_latest_icons(
    world, catalogue, as_, django_assert_max_num_queries
):
    released_series(world.org_a, SERIES)
    released_series(world.org_b, [60, 61, 59])
    for index in range(8):
        released_series(OrganisationFactory(code=f"HB{index}", name=f"Health board {index}"), SERIES[:12])
    client = as_("partner")
    with django_assert_max_num_queries(8):
        body = client.get(url("spc-list"), {"measure": "UEC-ED4H"}).json()
    rows = {r["organisation"]: r for r in body["organisations"]}
    assert len(rows) == 10
    assert rows["ORGA"]["variation_icon"] == "improving_high" and rows["ORGA"]["latest_value"] == 90
    assert rows["ORGA"]["latest_period"] == "2026-03-01" and rows["ORGA"]["points"] == 15
    assert rows["ORGB"]["sufficient"] is False and rows["ORGB"]["variation_icon"] is None
    assert rows["HB0"]["variation_icon"] == "common_cause"


def test_spc_needs_a_known_measure(world, catalogue, as_):
    client = as_("official")
    assert set(client.get(url("spc-list")).json()) == {"measure"}
    assert set(client.get(url("spc-list"), {"measure": "NOPE", "organisation": "ATLANTIS"}).json()) == {
        "measure",
        "organisation",
    }


# --- Suggested levels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 401),
        ("official", 200),
        ("decision_maker", 200),
        ("analyst", 200),
        ("submitter_a", 403),
        ("submitter_b", 403),
        ("partner", 403),
        ("admin", 403),
    ],
)
def test_who_may_see_suggested_levels(world, catalogue, as_, persona, expected):
    response = as_(persona).get(url("suggested-level-list"), {"organisation": "ORGA"})
    assert response.status_code == expected


def test_a_suggested_level_shows_its_breakdown_and_caps(world, p, catalogue, as_):
    # Finance: the public sector payment target met (95%: score 1, so level 1 on its own), but
    # the break-even duty failed (-1.5): no better than level 3.
    released(world, p, **{"F-PSPP": "95", "F-BREAKEVEN": "-1.5"})
    body = as_("decision_maker").get(url("suggested-level-list"), {"organisation": "ORGA"}).json()
    assert [o["organisation"] for o in body] == ["ORGA"]
    pillars = {s["pillar"]: s for s in body[0]["pillars"]}
    assert list(pillars) == ["quality", "workforce", "finance", "delivery_performance", "leadership"]
    finance = pillars["finance"]
    assert (finance["uncapped_level"], finance["level"], finance["average"], finance["capped"]) == (1, 3, "1.00", True)
    assert [(c["rule"], c["value"], c["minimum_level"]) for c in finance["caps"]] == [
        ("finance-break-even", "-1.5000", 3)
    ]
    scores = {sc["measure"]: sc for sc in finance["scores"]}
    assert scores["F-PSPP"]["score"] == 1 and scores["F-PSPP"]["period"] == "2026-05-01"
    assert scores["F-BREAKEVEN"]["score"] is None  # no national target to score against
    assert pillars["leadership"]["level"] is None and pillars["leadership"]["reason"]


def test_suggested_levels_for_every_organisation_are_a_bounded_number_of_queries(
    world, p, catalogue, as_, django_assert_max_num_queries
):
    released(world, p)
    for index in range(10):
        OrganisationFactory(code=f"HB{index}")
    client = as_("analyst")
    with django_assert_max_num_queries(10):
        body = client.get(url("suggested-level-list")).json()
    assert {"ORGA", "ORGB", "HB0", "HB9"} <= {o["organisation"] for o in body}
    assert "WG" not in {o["organisation"] for o in body}  # not a statutory NHS organisation


@pytest.mark.parametrize("endpoint", ["values", "daily", "trajectories"])
def test_a_huge_json_number_is_refused_by_name_not_a_server_error(world, catalogue, as_, endpoint):
    client = as_("analyst")
    if endpoint == "values":
        pack = client.post(url("pack-list"), {"organisation": "ORGA", "period": "2026-05"}, format="json").json()
        body = {"version": pack["version"], "values": [{"measure": "UEC-ED12H", "value": 1e24}]}
        response = client.post(reverse("api:reporting-pack-values", args=[pack["id"]]), body, format="json")
    elif endpoint == "daily":
        row = {"organisation": "ORGA", "measure": "UEC-ED12H-D", "day": str(_today()), "value": 1e24}
        response = client.post(url("daily-value-list"), [row], format="json")
    else:
        row = {"organisation": "ORGA", "measure": "UEC-ED12H", "period": "2026-05", "value": 1e24}
        response = client.post(url("trajectory-list"), [row], format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "value"


# --- Found by the API fuzz test (tests/project/test_api_fuzz.py) -------------------------------


def _schema(client):
    response = client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_a_measure_without_a_daily_parent_matches_the_schema(world, catalogue, as_):
    client = as_("analyst")
    schema = _schema(client)
    assert schema["components"]["schemas"]["Measure"]["properties"]["variant_of"]["nullable"] is True
    variant = Measure.objects.filter(variant_of__isnull=False).select_related("variant_of").first()
    assert variant is not None, "the catalogue has a daily variant"
    assert client.get(url("measure-detail", variant.code)).json()["variant_of"] == variant.variant_of.code
    assert client.get(url("measure-detail", variant.variant_of.code)).json()["variant_of"] is None


@pytest.mark.parametrize("name", ["trajectory-list", "daily-value-list"])
def test_a_bulk_body_that_is_not_rows_is_refused_as_the_schema_says(world, catalogue, as_, name):
    client = as_("analyst")
    response = client.post(url(name), {"not": "rows"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_body" and "errors" not in response.json()
    refused = _schema(client)["components"]["schemas"]["RowsRefused"]
    assert "errors" not in refused.get("required", [])
    assert {"detail", "code"} <= set(refused["required"])
