"""The accountability pages and API: who sees what (another organisation's objectives,
self-assessments and flexibilities are a 404; the synthesis is WG and NHS P&I only), the forms,
and query counts that hold as the lists grow."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accountability import services, synthesis
from accountability.choices import WellLedArea
from accountability.models import ChairObjective, Flexibility, SystemSynthesis, WellLedAssessment
from escalation import services as escalation_services
from oversight.concurrency import create_recorded
from tests.factories import OrganisationFactory

TODAY = date(2026, 11, 15)


def _objective(world, organisation, text="Lead a governance review"):
    return services.objective_set(
        actor=world.personas["official"], organisation=organisation, year=2026, text=text, today=TODAY
    )


def _flexibility(world, organisation, what="Local pathway choice"):
    return services.flexibility_grant(
        actor=world.personas["official"],
        organisation=organisation,
        what=what,
        reason="On plan for three years",
        granted_on=date(2026, 10, 1),
        today=TODAY,
    )


def _assessment(world, organisation, persona="submitter_a", year=2026):
    return services.assessment_start(actor=world.personas[persona], organisation=organisation, year=year, today=TODAY)


@pytest.fixture
def accountability_a(world, frameworks):
    return {
        "objective": _objective(world, world.org_a),
        "flexibility": _flexibility(world, world.org_a),
        "assessment": _assessment(world, world.org_a),
    }


@pytest.fixture
def a_synthesis(world, frameworks):
    escalation_services.concern_raise(
        actor=world.personas["analyst"], organisation=world.org_a, title="t", description="d", on=date(2026, 11, 2)
    )
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    return made


# --- Organisation pages ----------------------------------------------------------------------


def test_the_organisation_page_shows_objectives_assessments_flexibilities_and_the_burden(
    world, accountability_a, login
):
    response = login(world.personas["official"]).get(reverse("accountability:organisation", args=[world.org_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lead a governance review" in page and "Local pathway choice" in page and "Self-assessment 2026" in page
    assert 'data-testid="burden-current">4<' in page and 'data-testid="burden-routine">4<' in page
    assert "Record an objective" in page and "Record a flexibility granted" in page
    assert "Start a self-assessment" not in page  # the organisation's own staff start it


def test_the_earned_autonomy_panel_is_a_fragment_for_htmx(world, frameworks, login):
    client = login(world.personas["submitter_a"])
    url = reverse("accountability:earned-autonomy", args=[world.org_a.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'data-meeting-type="chair_review"' in fragment.content.decode()
    assert client.get(url).content.decode().count("<h1") == 1
    assert client.get(reverse("accountability:earned-autonomy", args=[world.org_b.pk])).status_code == 404


def test_organisation_b_gets_404_for_as_objectives_assessments_and_flexibilities(world, accountability_a, login):
    client = login(world.personas["submitter_b"])
    for url in (
        reverse("accountability:organisation", args=[world.org_a.pk]),
        reverse("accountability:objective-detail", args=[accountability_a["objective"].pk]),
        reverse("accountability:assessment-detail", args=[accountability_a["assessment"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    for name in ("objective-list", "flexibility-list", "assessment-list"):
        page = client.get(reverse(f"accountability:{name}")).content.decode()
        assert "Lead a governance review" not in page and "Local pathway choice" not in page
        assert "Self-assessment 2026" not in page
    api = client.get(reverse("api:accountability-objective-list")).json()
    assert api["count"] == 0
    assert client.get(reverse("api:accountability-flexibility-list")).json()["count"] == 0
    assert (
        client.get(
            reverse("api:accountability-assessment-detail", args=[accountability_a["assessment"].pk])
        ).status_code
        == 404
    )
    # A's own submitter sees A's.
    own = login(world.personas["submitter_a"])
    assert (
        own.get(reverse("accountability:objective-detail", args=[accountability_a["objective"].pk])).status_code == 200
    )
    assert own.get(reverse("api:accountability-flexibility-list")).json()["count"] == 1


def test_organisations_get_404_for_the_synthesis(world, a_synthesis, login):
    for persona in ("submitter_a", "submitter_b", "partner"):
        client = login(world.personas[persona])
        assert client.get(reverse("accountability:synthesis-list")).status_code == 404
        assert client.get(reverse("accountability:synthesis-detail", args=[a_synthesis.pk])).status_code == 404
        assert client.get(reverse("api:accountability-synthesis-list")).status_code == 404
        assert client.get(reverse("api:accountability-synthesis-detail", args=[a_synthesis.pk])).status_code == 404
    client = login(world.personas["official"])
    assert client.get(reverse("accountability:synthesis-detail", args=[a_synthesis.pk])).status_code == 200


@pytest.mark.parametrize("year", ["100000", "0", "1999", "2101", "2026.5", "-5"])
def test_a_year_filter_out_of_range_is_a_filter_error_not_a_500(world, a_synthesis, login, year):
    client = login(world.personas["official"])
    page = client.get(reverse("accountability:synthesis-list"), {"year": year})
    assert page.status_code == 200
    body = page.content.decode()
    assert "govuk-error-summary" in body and "No synthesis matches these filters." in body
    assert a_synthesis.get_absolute_url() not in body
    api = client.get(reverse("api:accountability-synthesis-list"), {"year": year})
    assert api.status_code == 400 and "year" in api.json()
    # The organisation's lists and their API filter on the year too, as bounded.
    for name in ("objective-list", "assessment-list"):
        assert client.get(reverse(f"accountability:{name}"), {"year": year}).status_code == 200
        assert client.get(reverse(f"api:accountability-{name.split('-')[0]}-list"), {"year": year}).status_code == 400


def test_a_year_filter_in_range_finds_the_synthesis(world, a_synthesis, login):
    client = login(world.personas["official"])
    body = client.get(reverse("accountability:synthesis-list"), {"year": "2026"}).content.decode()
    assert a_synthesis.get_absolute_url() in body and "govuk-error-summary" not in body
    assert client.get(reverse("api:accountability-synthesis-list"), {"year": "2026"}).json()["count"] == 1
    assert client.get(reverse("api:accountability-synthesis-list"), {"year": "2027"}).json()["count"] == 0


# --- Forms -----------------------------------------------------------------------------------


def test_the_organisation_rates_itself_and_submits(world, accountability_a, login):
    assessment = accountability_a["assessment"]
    client = login(world.personas["submitter_a"])
    data = {"version": assessment.version, "summary": "Our view."}
    for area in WellLedArea.values:
        data[f"rating_{area}"] = "3"
        data[f"commentary_{area}"] = f"On {area}"
    response = client.post(reverse("accountability:assessment-edit", args=[assessment.pk]), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    stale = client.post(reverse("accountability:assessment-edit", args=[assessment.pk]), {**data, "version": 1})
    assert stale.status_code == 409
    response = client.post(
        reverse("accountability:assessment-submit", args=[assessment.pk]), {"version": assessment.version}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    page = login(world.personas["analyst"]).get(assessment.get_absolute_url()).content.decode()
    assert "Record NHS P&I's assessment" in page


def test_an_analyst_edits_the_synthesis_and_a_stale_edit_is_a_conflict(world, a_synthesis, login):
    entry = a_synthesis.entries.get()
    client = login(world.personas["analyst"])
    url = reverse("accountability:entry-update", args=[entry.pk])
    fields = {f"e{entry.pk}-risks": "Rising waits", f"e{entry.pk}-mitigations": "", f"e{entry.pk}-actions": ""}
    response = client.post(url, {**fields, f"e{entry.pk}-version": entry.version})
    assert response.status_code == 302 and response.url.endswith(f"#entry-{entry.pk}")
    stale = client.post(url, {**fields, f"e{entry.pk}-version": entry.version})
    assert stale.status_code == 409
    official = login(world.personas["official"]).post(url, {**fields, f"e{entry.pk}-version": entry.version + 1})
    assert official.status_code == 403


def test_drafting_a_letter_takes_you_to_the_document(world, frameworks, login):
    response = login(world.personas["official"]).post(
        reverse("accountability:letter-draft", args=[world.org_a.pk]), {"year": 2026}
    )
    assert response.status_code == 302 and response.url.startswith("/reporting/documents/")


def test_the_oversight_meeting_shows_its_synthesis_to_wg_and_nhspi(world, frameworks, login):
    from meetings import services as meeting_services
    from meetings.models import MeetingType

    meeting = meeting_services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="wg_nhspi_oversight"),
        starts_at=datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Europe/London")),
        invited=[world.org_a],
    )
    escalation_services.concern_raise(
        actor=world.personas["analyst"], organisation=world.org_a, title="t", description="d", on=date(2026, 11, 2)
    )
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    assert made.meeting == meeting
    url = reverse("accountability:meeting-synthesis", args=[meeting.pk])
    panel = login(world.personas["official"]).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert made.get_absolute_url() in panel
    # Organisation A is invited to the meeting, but the synthesis is not for it.
    assert login(world.personas["submitter_a"]).get(url).status_code == 404
    page = login(world.personas["submitter_a"]).get(meeting.get_absolute_url()).content.decode()
    assert url not in page


# --- Query counts that hold as the lists grow ------------------------------------------------


def _grow(world, count):
    for n in range(count):
        organisation = OrganisationFactory(code=f"GROW{n}x{count}")
        _objective(world, organisation, text=f"Objective {n}")
        _flexibility(world, organisation, what=f"Flexibility {n}")
        create_recorded(WellLedAssessment(organisation=organisation, year=2026, started_by=world.personas["official"]))


LIST_CAP = 12


@pytest.mark.parametrize(
    "name",
    [
        "accountability:objective-list",
        "accountability:flexibility-list",
        "accountability:assessment-list",
        "accountability:synthesis-list",
        "api:accountability-objective-list",
        "api:accountability-flexibility-list",
        "api:accountability-assessment-list",
        "api:accountability-synthesis-list",
    ],
)
def test_list_query_counts_hold_as_data_grows(world, frameworks, login, django_assert_max_num_queries, name):
    client = login(world.personas["official"])
    _grow(world, 2)
    synthesis.synthesis_assemble(today=date(2026, 10, 2))
    with django_assert_max_num_queries(LIST_CAP):
        assert client.get(reverse(name)).status_code == 200
    _grow(world, 12)
    for month in (11, 12):
        escalation_services.concern_raise(
            actor=world.personas["analyst"],
            organisation=world.org_a,
            title="t",
            description="d",
            on=date(2026, month, 1),
        )
        synthesis.synthesis_assemble(today=date(2026, month, 2))
    assert ChairObjective.objects.count() >= 14 and Flexibility.objects.count() >= 14
    assert SystemSynthesis.objects.count() == 3
    with django_assert_max_num_queries(LIST_CAP):
        assert client.get(reverse(name)).status_code == 200


def test_the_synthesis_page_query_count_holds_as_organisations_grow(
    world, frameworks, login, django_assert_max_num_queries
):
    for n in range(8):
        organisation = OrganisationFactory(code=f"SYN{n}")
        escalation_services.concern_raise(
            actor=world.personas["analyst"], organisation=organisation, title="t", description="d", on=date(2026, 11, 1)
        )
    made, _ = synthesis.synthesis_assemble(today=date(2026, 11, 2))
    assert made.entries.count() == 8
    client = login(world.personas["analyst"])
    with django_assert_max_num_queries(20):
        assert client.get(made.get_absolute_url()).status_code == 200
