"""The meetings API: what each caller may see, papers in and out, actions updated by other
systems, and the caller's calendar."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Action, Meeting, MeetingType

LONDON = ZoneInfo("Europe/London")


def _meeting(world, organisation, on=date(2027, 1, 20)):
    return services.meeting_create(
        actor=world.personas["official"],
        meeting_type=MeetingType.objects.get(code="ceo_review"),
        starts_at=datetime(on.year, on.month, on.day, 10, tzinfo=LONDON),
        organisation=organisation,
    )


def pdf(name="paper.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a paper\n")


def test_a_caller_sees_only_the_meetings_it_may(world, frameworks, api_client):
    a, b = _meeting(world, world.org_a), _meeting(world, world.org_b)
    api_client.force_login(world.personas["submitter_a"])
    listed = api_client.get(reverse("api:meeting-list")).json()
    assert [m["id"] for m in listed["results"]] == [a.pk]
    assert listed["results"][0]["papers_due_on"] == "2027-01-10"  # ten days before
    assert api_client.get(reverse("api:meeting-detail", args=[b.pk])).status_code == 404
    assert api_client.get(reverse("api:meeting-papers", args=[b.pk])).status_code == 404
    api_client.force_login(world.personas["official"])
    filtered = api_client.get(reverse("api:meeting-list"), {"organisation": "ORGB"}).json()
    assert [m["id"] for m in filtered["results"]] == [b.pk]


def test_papers_go_in_with_their_late_flag_and_come_out_with_a_download_link(world, frameworks, api_client):
    meeting = _meeting(world, world.org_a)
    url = reverse("api:meeting-papers", args=[meeting.pk])
    with time_machine.travel(datetime(2027, 1, 8, 9, tzinfo=LONDON)):
        api_client.force_login(world.personas["submitter_a"])
        on_time = api_client.post(url, {"file": pdf("plan.pdf"), "kind": "paper"}, format="multipart")
    with time_machine.travel(datetime(2027, 1, 12, 9, tzinfo=LONDON)):
        api_client.force_login(world.personas["submitter_a"])
        late = api_client.post(url, {"file": pdf("late.pdf"), "kind": "paper"}, format="multipart")
    assert on_time.status_code == 201 and late.status_code == 201, (on_time.content, late.content)
    assert (on_time.json()["late"], late.json()["late"]) == (False, True)
    api_client.force_login(world.personas["submitter_a"])
    assert on_time.json()["due_on"] == "2027-01-10"
    papers = api_client.get(url).json()
    assert [p["file"]["name"] for p in papers] == ["plan.pdf", "late.pdf"]
    assert api_client.get(papers[0]["file"]["download"]).status_code == 200
    refused = api_client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ\x90 program")}, format="multipart")
    assert refused.status_code == 400 and "x.pdf" in refused.json()["detail"]
    wrong_item = api_client.post(url, {"file": pdf(), "agenda_item": 999999}, format="multipart")
    assert wrong_item.status_code == 400 and wrong_item.json()["code"] == "invalid_agenda_item"


def test_another_system_moves_an_action_on_and_a_stale_update_is_a_conflict(world, frameworks, api_client):
    meeting = _meeting(world, world.org_a)
    action = services.action_create(
        actor=world.personas["official"],
        meeting=meeting,
        title="Send the recovery plan",
        organisation=world.org_a,
        owner_name="Director of Finance",
        due_on=date(2027, 2, 1),
    )
    url = reverse("api:meeting-action-set-status", args=[action.pk])
    api_client.force_login(world.personas["submitter_a"])
    done = api_client.post(url, {"version": action.version, "status": "done", "on": "2027-01-25"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["completed_on"] == "2027-01-25"
    stale = api_client.post(url, {"version": action.version, "status": "open", "on": "2027-01-26"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Action.objects.get(pk=action.pk).status == "done"
    api_client.force_login(world.personas["submitter_b"])
    assert api_client.post(url, {"version": 9, "status": "open", "on": "2027-01-26"}, format="json").status_code == 404


def test_the_callers_calendar_holds_the_meetings_it_may_see(world, frameworks, api_client):
    _meeting(world, world.org_a, on=date(2027, 3, 29))  # after the clocks go forward
    _meeting(world, world.org_b)
    url = reverse("api:meeting-calendar")
    assert api_client.get(url).status_code == 401
    with time_machine.travel(datetime(2027, 1, 1, 9, tzinfo=LONDON)):
        api_client.force_login(world.personas["submitter_a"])
        response = api_client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).events
    assert len(events) == 1
    start = events[0].decoded("DTSTART")
    assert start.astimezone(LONDON).hour == 10 and start.utcoffset().total_seconds() == 3600


@pytest.mark.parametrize("name", ["api:meeting-list", "api:meeting-action-list"])
def test_list_endpoints_make_as_many_queries_for_ten_meetings_as_for_one(world, frameworks, api_client, name):
    api_client.force_login(world.personas["submitter_a"])

    def add(on):
        meeting = _meeting(world, world.org_a, on=on)
        services.action_create(
            actor=world.personas["official"],
            meeting=meeting,
            title="t",
            organisation=world.org_a,
            owner=world.personas["submitter_a"],
            due_on=on,
        )

    add(date(2027, 1, 4))
    api_client.get(reverse(name))
    with CaptureQueriesContext(connection) as one:
        assert api_client.get(reverse(name)).json()["count"] == 1
    for day in range(5, 14):
        add(date(2027, 1, day))
    with CaptureQueriesContext(connection) as ten:
        assert api_client.get(reverse(name)).json()["count"] == 10
    assert len(ten) == len(one)
    assert Meeting.objects.count() == 10


def test_a_meeting_and_its_lists_match_the_schema(world, frameworks, api_client):
    # Found by the API fuzz test: agenda/, papers/ and attendance/ answer a plain list but the
    # schema said a paginated page; a meeting in person has a blank online link (not a URI) and
    # a meeting with no committee or region has null for them, where the schema said strings.
    meeting = _meeting(world, world.org_a)
    api_client.force_login(world.personas["official"])
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    for name in ("agenda", "papers", "attendance"):
        path = f"/api/v1/meetings/{{id}}/{name}/"
        documented = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert documented["type"] == "array", name
        assert isinstance(api_client.get(reverse(f"api:meeting-{name}", args=[meeting.pk])).json(), list), name
    properties = schema["components"]["schemas"]["Meeting"]["properties"]
    assert {"type": "string", "maxLength": 0} in properties["online_link"]["oneOf"]
    assert properties["committee"]["nullable"] is True and properties["region"]["nullable"] is True
    body = api_client.get(reverse("api:meeting-detail", args=[meeting.pk])).json()
    assert body["online_link"] == "" and body["committee"] is None and body["region"] is None
