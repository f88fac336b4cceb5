"""The meetings pages, driven through the test client as their users drive them: the list
and the calendar with their filters and export, the meeting page's forms (a refusal shown
beside the field with nothing saved, a stale form a conflict), the calendar download and
the private feed, the action lists, committees and the register of interests, and the
number of queries each page makes however much it shows."""

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from meetings import calendar, services
from meetings.choices import ActionStatus, DecisionMethod, MeetingStatus, MembershipKind
from meetings.models import Action, Committee, CommitteeMember, Meeting, MeetingType, Paper, Vote
from oversight.models import Attachment
from tests.factories import OrganisationFactory, UserFactory

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def pdf(name="paper.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a meeting paper\n")


@pytest.fixture
def types(frameworks):
    return {t.code: t for t in MeetingType.objects.all()}


@pytest.fixture
def official(world):
    return world.personas["official"]


@pytest.fixture
def review(world, types, official):
    def _review(starts_at=None, organisation=None, **extra):
        return services.meeting_create(
            actor=official,
            meeting_type=types["ceo_review"],
            starts_at=starts_at or at(2026, 12, 9),
            organisation=organisation or world.org_a,
            **extra,
        )

    return _review


@pytest.fixture
def system_meeting(world, types, official):
    """A WG–NHS P&I Oversight Meeting organisation A and HIW are invited to."""
    return services.meeting_create(
        actor=official,
        meeting_type=types["wg_nhspi_oversight"],
        starts_at=at(2026, 12, 8),
        invited=[world.org_a, world.hiw],
    )


def page(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- The list and the calendar ---------------------------------------------------------------


def test_the_list_filters_by_organisation_type_month_and_status_and_exports_what_it_shows(
    world, review, system_meeting, official, client
):
    a = review(title="Review with A")
    b = review(at(2027, 1, 13), organisation=world.org_b, title="Review with B")
    services.meeting_cancel(actor=official, meeting=b, expected_version=b.version, reason="Clash with Board")
    client.force_login(official)
    url = reverse("meetings:meeting-list")

    def titles(**params):
        return [row["Meeting"] for row in csv_rows(client.get(url, {**params, "export": "csv"}))]

    assert titles() == [system_meeting.title, "Review with A", "Review with B"]
    # Organisation A's own meetings and the system meetings it is invited to.
    assert titles(organisation="ORGA") == [system_meeting.title, "Review with A"]
    assert titles(organisation="HIW") == [system_meeting.title]
    assert titles(meeting_type="ceo_review") == ["Review with A", "Review with B"]
    assert titles(month="2027-01") == ["Review with B"]
    assert titles(status="cancelled") == ["Review with B"]
    rows = csv_rows(client.get(url, {"organisation": "ORGA", "meeting_type": "ceo_review", "export": "csv"}))
    assert rows == [
        {
            "Date": "2026-12-09",
            "Starts": "2026-12-09 10:00",
            "Meeting": "Review with A",
            "Type": "CEO/Executive Review",
            "With": world.org_a.name,
            "Status": "Planned",
            "Papers due": "2026-11-29",
        }
    ]
    listed = page(client.get(url, {"organisation": "ORGA"}))
    assert a.get_absolute_url() in listed and b.get_absolute_url() not in listed
    assert "29 Nov 2026" in listed  # papers due ten days before
    assert "System-wide" in listed


def test_a_month_that_is_not_a_month_is_explained_beside_the_filter(world, review, official, client):
    review()
    client.force_login(official)
    response = client.get(reverse("meetings:meeting-list"), {"month": "December"})
    assert response.status_code == 200
    assert 'id="id_month-error"' in page(response)
    assert "Give the month as YYYY-MM." in page(response)


def test_an_organisation_user_lists_only_its_own_meetings_and_those_it_is_invited_to(
    world, review, system_meeting, client
):
    a, b = review(), review(organisation=world.org_b)
    client.force_login(world.personas["submitter_a"])
    shown = page(client.get(reverse("meetings:meeting-list")))
    assert a.get_absolute_url() in shown and system_meeting.get_absolute_url() in shown
    assert b.get_absolute_url() not in shown
    client.force_login(world.personas["partner"])
    shown = page(client.get(reverse("meetings:meeting-list")))
    assert system_meeting.get_absolute_url() in shown
    assert a.get_absolute_url() not in shown and b.get_absolute_url() not in shown


def test_the_calendar_is_a_monday_first_month_grid_with_each_days_meetings_and_links_to_the_months_around(
    world, review, system_meeting, official, client
):
    a = review()
    client.force_login(official)
    response = client.get(reverse("meetings:meeting-calendar"), {"month": "2026-12"})
    html = page(response)
    assert "<caption" in html and "Meetings in December 2026" in html
    headers = re.findall(r'<th scope="col" class="govuk-table__header">.*?visually-hidden">(\w+)</span>', html)
    assert headers == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    # 1 December 2026 is a Tuesday: the grid starts on Monday 30 November.
    cells = re.findall(r'visually-hidden">(\w+ \d+ \w+ \d{4})</span>', html)
    assert cells[0] == "Monday 30 November 2026" and cells[-1] == "Sunday 3 January 2027"
    day_9 = html.split("Wednesday 9 December 2026", 1)[1].split("</td>", 1)[0]
    assert a.get_absolute_url() in day_9 and "10:00 CEO/Executive Review: Org A" in day_9
    day_8 = html.split("Tuesday 8 December 2026", 1)[1].split("</td>", 1)[0]
    assert system_meeting.get_absolute_url() in day_8
    assert "month=2026-11" in html and "month=2027-01" in html
    january = page(client.get(reverse("meetings:meeting-calendar"), {"month": "2027-01"}))
    assert a.get_absolute_url() not in january
    filtered = page(client.get(reverse("meetings:meeting-calendar"), {"month": "2026-12", "organisation": "ORGB"}))
    assert a.get_absolute_url() not in filtered
    wrong = client.get(reverse("meetings:meeting-calendar"), {"month": "2026-13"})
    assert wrong.status_code == 200 and 'data-error-code="invalid_month"' in page(wrong)


# --- The meeting page --------------------------------------------------------------------------


def test_the_meeting_page_shows_when_and_with_whom_in_london_time_and_its_deadlines(world, review, client):
    meeting = review(at(2027, 3, 31, 14, 30), online_link="https://teams.example/join/1", chair="NHS Wales CEO")
    with time_machine.travel(at(2027, 3, 25), tick=False):
        client.force_login(world.personas["submitter_a"])  # sessions last eight hours
        html = page(client.get(meeting.get_absolute_url()))
    assert "Wednesday 31 March 2027, 14:30 to 16:30" in html  # British Summer Time, not UTC
    assert world.org_a.name in html and "NHS Wales CEO" in html
    assert 'href="https://teams.example/join/1"' in html
    deadlines = html.split('id="deadlines"', 1)[1].split("</table>", 1)[0]
    assert "Agenda issued by" in deadlines and "Wednesday 10 March 2027" in deadlines
    assert "Papers due" in deadlines and "Sunday 21 March 2027" in deadlines
    assert deadlines.count("Late") == 3  # agenda, slides and papers: still planned, past each date
    assert reverse("meetings:meeting-ics", args=[meeting.pk]) in html
    # An organisation's submitter may submit papers but does not run the meeting.
    assert 'name="paper-file"' in html
    assert 'name="advance-status"' not in html and 'name="action-title"' not in html


def test_a_paper_is_submitted_from_the_page_with_its_date_and_a_late_one_is_tagged(world, review, client):
    meeting = review(at(2027, 3, 15))
    url = reverse("meetings:paper-submit", args=[meeting.pk])
    with time_machine.travel(at(2027, 3, 5, 17), tick=False):  # the papers' due date: on time
        client.force_login(world.personas["submitter_a"])  # sessions last eight hours
        response = client.post(url, {"paper-file": pdf("board-report.pdf"), "paper-kind": "paper"})
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    with time_machine.travel(at(2027, 3, 8), tick=False):
        client.force_login(world.personas["submitter_a"])
        client.post(url, {"paper-file": pdf("late-report.pdf"), "paper-kind": "paper", "paper-title": "Late report"})
        html = page(client.get(meeting.get_absolute_url()))
    on_time, late = Paper.objects.order_by("submitted_at")
    assert (on_time.late, late.late) == (False, True)
    rows = html.split('id="papers"', 1)[1].split("</table>", 1)[0].split('class="govuk-table__row app-paper"')[1:]
    assert "board-report.pdf" in rows[0] and "5 Mar 2027" in rows[0] and "Late" not in rows[0]
    assert "Late report" in rows[1] and "8 Mar 2027" in rows[1] and "Late" in rows[1]
    assert late.history.get().history_change_reason == "Submitted late: due by 5 March 2027"


def test_a_paper_for_a_cancelled_meeting_is_refused_on_the_page_and_nothing_is_kept(world, review, official, client):
    meeting = review()
    client.force_login(world.personas["submitter_a"])
    stale_page = page(client.get(meeting.get_absolute_url()))
    assert 'name="paper-file"' in stale_page
    services.meeting_cancel(actor=official, meeting=meeting, expected_version=meeting.version, reason="Clash")
    response = client.post(
        reverse("meetings:paper-submit", args=[meeting.pk]), {"paper-file": pdf(), "paper-kind": "paper"}
    )
    html = page(response)
    assert response.status_code == 200
    assert 'data-error-code="meeting_cancelled"' in html
    assert "This meeting was cancelled (Clash)" in html
    assert not Paper.objects.exists() and not Attachment.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused_beside_the_file_field(world, review, client):
    meeting = review()
    client.force_login(world.personas["submitter_a"])
    response = client.post(
        reverse("meetings:paper-submit", args=[meeting.pk]),
        {"paper-file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 a program"), "paper-kind": "paper"},
    )
    assert response.status_code == 200
    assert 'id="id_paper-file-error"' in page(response)
    assert not Paper.objects.exists()


def test_a_stale_status_form_is_a_conflict_and_nothing_changes(world, review, official, client):
    meeting = review()
    client.force_login(official)
    url = reverse("meetings:meeting-advance", args=[meeting.pk])
    stale = meeting.version
    response = client.post(url, {"advance-version": stale, "advance-status": MeetingStatus.CONFIRMED})
    assert response.status_code == 302
    response = client.post(url, {"advance-version": stale, "advance-status": MeetingStatus.AGENDA_ISSUED})
    assert response.status_code == 200
    assert 'data-error-code="conflict"' in page(response)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.version) == (MeetingStatus.CONFIRMED, stale + 1)
    history = page(client.get(meeting.get_absolute_url())).split('id="history"', 1)[1]
    assert "Planned → Confirmed on" in history and official.get_full_name() in history


def test_cancelling_needs_a_reason_given_beside_the_field_and_is_recorded(world, review, official, client):
    meeting = review()
    client.force_login(official)
    url = reverse("meetings:meeting-cancel", args=[meeting.pk])
    response = client.post(url, {"cancel-version": meeting.version, "cancel-reason": ""})
    assert 'id="id_cancel-reason-error"' in page(response)
    response = client.post(url, {"cancel-version": meeting.version, "cancel-reason": "Chief executive unwell"})
    assert response.status_code == 302
    html = page(client.get(meeting.get_absolute_url()))
    assert "This meeting was cancelled: Chief executive unwell" in html
    assert 'name="paper-file"' not in html  # a cancelled meeting takes no papers


@pytest.fixture
def committee(world, types):
    """A, B and C core; B also has an attendee; quorum half the core organisations."""
    org_c = OrganisationFactory(code="ORGC", name="Organisation C NHS Trust", short_name="Org C")
    group = Committee.objects.create(
        name="Pan Cluster Planning Group",
        meeting_type=types["committee"],
        host_organisation=world.org_a,
        quorum_fraction_numerator=1,
        quorum_fraction_denominator=2,
        voting_rule="One vote per member organisation; the chair has a casting vote.",
        chair="Dr Chair",
        chair_rotates_on=date(2027, 4, 1),
        vice_chair="Ms Vice",
        tor_last_reviewed_on=date(2025, 11, 1),
    )
    people = {}
    for key, organisation, role, kind in (
        ("a", world.org_a, "Cluster lead", MembershipKind.CORE),
        ("b", world.org_b, "Planning lead", MembershipKind.CORE),
        ("c", org_c, "Director", MembershipKind.CORE),
        ("observer", world.org_b, "Observer", MembershipKind.ATTENDEE),
    ):
        people[key] = UserFactory(username=f"member_{key}", first_name=key.upper(), last_name="Member")
        CommitteeMember.objects.create(
            committee=group, organisation=organisation, role=role, kind=kind, representative=people[key]
        )
    group.people, group.org_c = people, org_c
    return group


@pytest.fixture
def committee_meeting(committee, types, official):
    return services.meeting_create(
        actor=official, meeting_type=types["committee"], committee=committee, starts_at=at(2026, 12, 10, 14)
    )


def test_the_quorum_line_counts_core_organisations_only(world, committee, committee_meeting, official, client):
    for key in ("a", "observer"):
        services.attendance_record(actor=official, meeting=committee_meeting, person=committee.people[key])
    client.force_login(official)
    html = page(client.get(committee_meeting.get_absolute_url()))
    assert "Not quorate" in html and "1 of 3 core organisations present; 2 needed" in html
    client.post(
        reverse("meetings:attendance-record", args=[committee_meeting.pk]),
        {"attendance-person": committee.people["b"].pk, "attendance-mark": "present"},
    )
    html = page(client.get(committee_meeting.get_absolute_url()))
    assert "2 of 3 core organisations present; 2 needed" in html and "Not quorate" not in html


def test_an_attendees_vote_is_refused_beside_the_votes_and_nothing_is_saved(
    world, committee, committee_meeting, official, client
):
    people = committee.people
    for key in ("a", "b", "observer"):
        services.attendance_record(actor=official, meeting=committee_meeting, person=people[key])
    client.force_login(official)
    response = client.post(
        reverse("meetings:decision-record", args=[committee_meeting.pk]),
        {"decision-text": "Adopt the cluster plan", "decision-method": DecisionMethod.VOTE},
    )
    assert response.status_code == 302
    decision = committee_meeting.decisions.get()
    rows = {row.person_id: row for row in committee_meeting.attendance.all()}
    prefix = f"v{decision.pk}"
    votes = {
        f"{prefix}-vote_{rows[people['a'].pk].pk}": "for",
        f"{prefix}-vote_{rows[people['b'].pk].pk}": "against",
        f"{prefix}-vote_{rows[people['observer'].pk].pk}": "against",
    }
    response = client.post(reverse("meetings:vote-record", args=[decision.pk]), votes)
    html = page(response)
    assert response.status_code == 200
    assert 'data-error-code="attendee_cannot_vote"' in html
    assert f'id="id_{prefix}-votes-error"' in html  # beside the votes, not only at the top
    assert not Vote.objects.exists()
    decision.refresh_from_db()
    assert decision.outcome == ""
    # Without the attendee it is a tie, decided by the chair's casting vote.
    del votes[f"{prefix}-vote_{rows[people['observer'].pk].pk}"]
    response = client.post(
        reverse("meetings:vote-record", args=[decision.pk]), {**votes, f"{prefix}-chair_casting_vote": "for"}
    )
    assert response.status_code == 302
    html = page(client.get(committee_meeting.get_absolute_url()))
    assert "Carried" in html and "tied, decided by the chair's casting vote (for)" in html


def test_minutes_are_drafted_after_the_meeting_and_approved_at_a_later_one_shown_on_both(
    world, committee, committee_meeting, types, official, client
):
    client.force_login(official)
    draft = reverse("meetings:minutes-draft", args=[committee_meeting.pk])
    refused = client.post(draft, {"minutes-key_points": "Plan adopted", "minutes-on": "2026-12-11"})
    assert 'data-error-code="not_yet_held"' in page(refused)
    with time_machine.travel(at(2026, 12, 11), tick=False):
        client.force_login(official)  # sessions last eight hours
        held = services.meeting_advance(
            actor=official,
            meeting=committee_meeting,
            expected_version=committee_meeting.version,
            to_status=MeetingStatus.HELD,
            on=date(2026, 12, 10),
        )
        assert client.post(draft, {"minutes-key_points": "Plan adopted", "minutes-on": "2026-12-11"}).status_code == 302
    later = services.meeting_create(
        actor=official, meeting_type=types["committee"], committee=committee, starts_at=at(2027, 2, 11, 14)
    )
    approve = reverse("meetings:minutes-approve", args=[held.pk])
    refused = client.post(approve, {"approve-at_meeting": later.pk, "approve-on": "2027-02-11"})
    assert 'data-error-code="approving_meeting_not_held"' in page(refused)
    assert 'id="id_approve-at_meeting-error"' in page(refused)
    services.meeting_advance(
        actor=official, meeting=later, expected_version=later.version, to_status="held", on=date(2027, 2, 11)
    )
    assert client.post(approve, {"approve-at_meeting": later.pk, "approve-on": "2027-02-11"}).status_code == 302
    assert "Approved" in page(client.get(held.get_absolute_url()))
    assert held.get_absolute_url() in page(client.get(later.get_absolute_url()))
    held.refresh_from_db()
    assert held.status == MeetingStatus.MINUTED


def test_the_letter_is_drafted_from_the_minutes_for_a_review_and_then_edited(world, review, official, client):
    meeting = review(at(2026, 12, 9))
    client.force_login(official)
    refused = client.post(reverse("meetings:letter-generate", args=[meeting.pk]), {})
    assert 'data-error-code="no_minutes"' in page(refused)
    with time_machine.travel(at(2026, 12, 10), tick=False):
        meeting = services.meeting_advance(
            actor=official, meeting=meeting, expected_version=meeting.version, to_status="held", on=date(2026, 12, 9)
        )
        services.minutes_draft(
            actor=official,
            meeting=meeting,
            key_points="Deficit growing\nRecovery plan due",
            body="",
            on=date(2026, 12, 10),
        )
    assert client.post(reverse("meetings:letter-generate", args=[meeting.pk]), {}).status_code == 302
    meeting.refresh_from_db()
    assert "- Deficit growing" in meeting.letter_draft
    response = client.post(
        reverse("meetings:letter-edit", args=[meeting.pk]),
        {"letter_edit-version": meeting.version, "letter_edit-letter_draft": "Dear Chief Executive,\nEdited."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.letter_draft == "Dear Chief Executive,\r\nEdited." or meeting.letter_draft.endswith("Edited.")


def test_an_item_about_another_organisation_on_a_system_meeting_is_not_shown_to_a_guest(
    world, system_meeting, official, client
):
    services.agenda_item_add(actor=official, meeting=system_meeting, title="Org A finances", organisation=world.org_a)
    services.agenda_item_add(actor=official, meeting=system_meeting, title="HIW inspection programme")
    client.force_login(world.personas["partner"])
    html = page(client.get(system_meeting.get_absolute_url()))
    assert "HIW inspection programme" in html and "Org A finances" not in html
    client.force_login(world.personas["submitter_a"])
    assert "Org A finances" in page(client.get(system_meeting.get_absolute_url()))


# --- Calendar files and feeds --------------------------------------------------------------------


def test_the_ics_download_parses_at_the_right_london_time(world, review, client):
    summer = review(at(2027, 3, 31, 14, 30))
    client.force_login(world.personas["submitter_a"])
    response = client.get(reverse("meetings:meeting-ics", args=[summer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="{calendar.meeting_filename(summer)}"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (14, 30, 3600)
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert start == at(2027, 3, 31, 14, 30)
    assert str(event["summary"]) == summer.title
    client.force_login(world.personas["submitter_b"])
    assert client.get(reverse("meetings:meeting-ics", args=[summer.pk])).status_code == 404


def test_the_feed_works_without_signing_in_and_stops_when_revoked_or_replaced(world, review, system_meeting, client):
    a, b = review(), review(organisation=world.org_b)
    submitter = world.personas["submitter_a"]
    client.force_login(submitter)
    html = page(client.get(reverse("meetings:calendar-feed")))
    assert "You do not have a calendar feed yet." in html
    assert client.post(reverse("meetings:calendar-feed")).status_code == 302
    feed = submitter.calendar_feed
    html = page(client.get(reverse("meetings:calendar-feed")))
    url = f"http://testserver/meetings/feed/{feed.token}.ics"
    assert f'value="{url}"' in html
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    uids = {str(event["uid"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {calendar.meeting_uid(a), calendar.meeting_uid(system_meeting)}  # not B's
    client.force_login(submitter)
    client.post(reverse("meetings:calendar-feed"))  # a new address: the old one stops working
    feed.refresh_from_db()
    client.logout()
    assert client.get(url).status_code == 404
    new_url = f"/meetings/feed/{feed.token}.ics"
    assert client.get(new_url).status_code == 200
    client.force_login(submitter)
    assert client.post(reverse("meetings:calendar-feed-revoke")).status_code == 302
    assert "Your feed was revoked on" in page(client.get(reverse("meetings:calendar-feed")))
    client.logout()
    assert client.get(new_url).status_code == 404
    assert b  # B's meeting exists but was never in A's feed


# --- Actions ---------------------------------------------------------------------------------------


@pytest.fixture
def actions(world, review, official):
    meeting = review(at(2026, 12, 9))
    owner = world.personas["submitter_a"]

    b_meeting = review(at(2026, 12, 10), organisation=world.org_b, title="Review with B")

    def action(title, due_on, organisation=world.org_a, owner=owner):
        return services.action_create(
            actor=official,
            meeting=meeting if organisation == world.org_a else b_meeting,
            title=title,
            organisation=organisation,
            due_on=due_on,
            owner=owner,
        )

    done = action("Publish the board papers", date(2026, 12, 1))
    services.action_update_status(
        actor=official, action=done, expected_version=done.version, status=ActionStatus.DONE, on=date(2026, 12, 1)
    )
    return {
        "meeting": meeting,
        "overdue": action("Send the recovery plan", date(2026, 12, 20)),
        "later": action("Agree the savings", date(2027, 2, 1)),
        "undated": action("Name a turnaround director", None),
        "done": done,
        "b": action(
            "B's own action", date(2026, 12, 20), organisation=world.org_b, owner=world.personas["submitter_b"]
        ),
    }


def test_my_actions_lists_open_ones_first_tags_overdue_and_updates_inline(world, actions, client):
    client.force_login(world.personas["submitter_a"])
    url = reverse("meetings:my-actions")
    with time_machine.travel(at(2027, 1, 5), tick=False):
        client.force_login(world.personas["submitter_a"])  # sessions last eight hours
        html = page(client.get(url))
        rows = [row["Action"] for row in csv_rows(client.get(url, {"export": "csv"}))]
        overdue_only = [row["Action"] for row in csv_rows(client.get(url, {"overdue": "true", "export": "csv"}))]
    assert rows == [
        "Send the recovery plan",
        "Agree the savings",
        "Name a turnaround director",
        "Publish the board papers",
    ]
    assert overdue_only == ["Send the recovery plan"]
    overdue_row = html.split(f'id="action-{actions["overdue"].pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Overdue" in overdue_row
    later_row = html.split(f'id="action-{actions["later"].pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Overdue" not in later_row
    assert "B&#x27;s own action" not in html
    item = actions["overdue"]
    response = client.post(
        reverse("meetings:action-status", args=[item.pk]),
        {f"a{item.pk}-version": item.version, f"a{item.pk}-status": ActionStatus.DONE, "next": url},
    )
    assert response.status_code == 302 and response.url == url
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE and item.completed_on is not None
    # The same form again is stale: the refusal is shown beside the action on the meeting page.
    response = client.post(
        reverse("meetings:action-status", args=[item.pk]),
        {f"a{item.pk}-version": 1, f"a{item.pk}-status": ActionStatus.OPEN, "next": url},
    )
    assert response.status_code == 200 and 'data-error-code="conflict"' in page(response)


def test_an_organisations_actions_are_its_own_and_hidden_from_another_organisations_staff(world, actions, client):
    url = reverse("meetings:organisation-actions", args=[world.org_a.pk])
    client.force_login(world.personas["analyst"])
    rows = {row["Action"] for row in csv_rows(client.get(url, {"export": "csv"}))}
    assert rows == {
        "Send the recovery plan",
        "Agree the savings",
        "Name a turnaround director",
        "Publish the board papers",
    }
    assert {row["Action"] for row in csv_rows(client.get(url, {"status": "done", "export": "csv"}))} == {
        "Publish the board papers"
    }
    client.force_login(world.personas["submitter_b"])
    assert client.get(url).status_code == 404
    item = actions["overdue"]
    response = client.post(
        reverse("meetings:action-status", args=[item.pk]),
        {f"a{item.pk}-version": item.version, f"a{item.pk}-status": ActionStatus.DONE},
    )
    assert response.status_code == 404
    assert Action.objects.get(pk=item.pk).status == ActionStatus.OPEN


# --- Committees and the register of interests -----------------------------------------------------


def test_the_committee_page_shows_its_terms_of_reference_and_flags_a_review_that_is_due(
    world, committee, committee_meeting, client
):
    client.force_login(world.personas["submitter_a"])
    with time_machine.travel(at(2026, 12, 1), tick=False):
        client.force_login(world.personas["submitter_a"])  # sessions last eight hours
        html = page(client.get(reverse("meetings:committee-detail", args=[committee.pk])))
        listed = page(client.get(reverse("meetings:committee-list")))
    assert "At least 1 in 2 of the core organisations present" in html
    assert "One vote per member organisation; the chair has a casting vote." in html
    assert "Every 2 months" in html
    assert "Dr Chair" in html and "Rotates on 1 April 2027" in html and "Ms Vice" in html
    assert "1 November 2025" in html and "1 November 2026" in html
    assert "The terms of reference were due for review on 1 November 2026." in html
    membership = html.split('<h2 class="govuk-heading-m">Membership</h2>', 1)[1].split("</table>", 1)[0]
    assert membership.count("Core member") == 3 and membership.count("Attendee") == 1
    assert "A Member" in membership and "Observer" in membership
    assert committee_meeting.get_absolute_url() in html
    assert "Review due" in listed
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("meetings:committee-detail", args=[committee.pk])).status_code == 404


def test_a_persons_register_lists_their_declarations_for_themself_and_wg_only(world, review, official, client):
    april, july = review(at(2026, 10, 15)), review(at(2027, 1, 15))
    person = world.personas["submitter_a"]
    for meeting, interest in ((april, "Trustee of a local hospice"), (july, "Spouse works for a supplier")):
        services.declaration_record(
            actor=official, meeting=meeting, person=person, interest=interest, on=meeting.meeting_on
        )
    url = reverse("meetings:declaration-register", args=[person.pk])
    for viewer in ("submitter_a", "official", "analyst"):
        client.force_login(world.personas[viewer])
        rows = csv_rows(client.get(url, {"export": "csv"}))
        assert [row["Interest"] for row in rows] == ["Spouse works for a supplier", "Trustee of a local hospice"]
    client.force_login(world.personas["submitter_a"])
    rows = csv_rows(client.get(url, {"declared_before": "2026-12-31", "export": "csv"}))
    assert [row["Interest"] for row in rows] == ["Trustee of a local hospice"]
    for viewer in ("submitter_b", "partner"):
        client.force_login(world.personas[viewer])
        assert client.get(url).status_code == 404


def test_a_person_declares_their_own_interest_from_the_meeting_page(world, review, client):
    meeting = review()
    person = world.personas["submitter_a"]
    client.force_login(person)
    html = page(client.get(meeting.get_absolute_url()))
    assert 'name="declaration-interest"' in html
    response = client.post(
        reverse("meetings:declaration-record", args=[meeting.pk]),
        {
            "declaration-person": person.pk,
            "declaration-interest": "Governor of a college",
            "declaration-on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    # Not someone else's: only the secretariat records another person's declaration.
    response = client.post(
        reverse("meetings:declaration-record", args=[meeting.pk]),
        {
            "declaration-person": world.personas["analyst"].pk,
            "declaration-interest": "x",
            "declaration-on": "2026-12-01",
        },
    )
    assert response.status_code == 200 and 'id="id_declaration-person-error"' in page(response)
    assert person.declarations_of_interest.count() == 1


# --- Queries: the same however much a page shows ---------------------------------------------------


def queries(client, url, params=None):
    client.get(url, params or {})  # warm: session and roles
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["official", "submitter_a"])
def test_the_list_and_calendar_make_as_many_queries_for_ten_meetings_as_for_one(
    world, review, types, official, persona, client
):
    client.force_login(world.personas[persona])

    def grow(start, n):
        for day in range(start, start + n):
            review(at(2026, 12, day))
            services.meeting_create(
                actor=official,
                meeting_type=types["wg_nhspi_oversight"],
                starts_at=at(2026, 12, day, 14),
                invited=[world.org_a],
            )

    grow(1, 1)
    small = [
        queries(client, reverse("meetings:meeting-list")),
        queries(client, reverse("meetings:meeting-calendar"), {"month": "2026-12"}),
    ]
    grow(2, 9)
    large = [
        queries(client, reverse("meetings:meeting-list")),
        queries(client, reverse("meetings:meeting-calendar"), {"month": "2026-12"}),
    ]
    assert large == small
    assert Meeting.objects.count() == 20


@pytest.mark.parametrize("persona", ["official", "submitter_a"])
def test_the_meeting_page_makes_as_many_queries_with_ten_papers_and_actions_as_with_one(
    world, committee, committee_meeting, official, persona, client
):
    committee.members.create(organisation=world.org_a, role="Deputy lead", representative=world.personas["submitter_a"])
    client.force_login(world.personas[persona])

    def grow(start, n):
        for i in range(start, start + n):
            person = UserFactory(username=f"guest{i}")
            services.attendance_record(
                actor=official, meeting=committee_meeting, person=person, organisation=world.org_b, kind="attendee"
            )
            item = services.agenda_item_add(actor=official, meeting=committee_meeting, title=f"Item {i}")
            services.paper_submit(actor=official, meeting=committee_meeting, upload=pdf(f"p{i}.pdf"), agenda_item=item)
            services.declaration_record(
                actor=official, meeting=committee_meeting, person=person, interest="x", on=date(2026, 12, 10)
            )
            services.action_create(
                actor=official,
                meeting=committee_meeting,
                title=f"Action {i}",
                organisation=world.org_a,
                due_on=date(2027, 1, 1),
                owner=world.personas["submitter_a"],
            )
            services.decision_record(
                actor=official, meeting=committee_meeting, text=f"Decision {i}", method=DecisionMethod.VOTE
            )

    url = committee_meeting.get_absolute_url()
    grow(0, 1)
    small = queries(client, url)
    grow(1, 9)
    assert queries(client, url) == small
    assert committee_meeting.papers.count() == 10 and committee_meeting.actions.count() == 10


@pytest.mark.parametrize("name", ["meetings:my-actions", "meetings:organisation-actions", "meetings:committee-list"])
def test_the_action_and_committee_lists_make_as_many_queries_for_ten_rows_as_for_one(
    world, review, types, official, name, client
):
    meeting = review()
    client.force_login(world.personas["submitter_a"])
    url = reverse(name, args=[world.org_a.pk]) if name == "meetings:organisation-actions" else reverse(name)

    def grow(start, n):
        for i in range(start, start + n):
            services.action_create(
                actor=official,
                meeting=meeting,
                title=f"Action {i}",
                organisation=world.org_a,
                due_on=date(2026, 11, 1),
                owner=world.personas["submitter_a"],
            )
            committee = Committee.objects.create(
                name=f"Group {i}", meeting_type=types["committee"], host_organisation=world.org_a, quorum_minimum=1
            )
            committee.members.create(organisation=world.org_a, role="Lead")

    grow(0, 1)
    small = queries(client, url)
    grow(1, 9)
    assert queries(client, url) == small


def test_an_item_about_another_organisation_stays_hidden_on_the_page_and_in_the_api(
    world, types, official, client, api_client
):
    """At a meeting several organisations are invited to, an item about organisation B, and the
    papers, decisions, declarations and history on it, are for B (and WG and NHS P&I) only."""
    meeting = services.meeting_create(
        actor=official,
        meeting_type=types["wg_nhspi_oversight"],
        starts_at=at(2026, 12, 8),
        invited=[world.org_a, world.org_b],
    )
    item = services.agenda_item_add(actor=official, meeting=meeting, title="SECRET-B item", organisation=world.org_b)
    services.paper_submit(
        actor=world.personas["submitter_b"], meeting=meeting, upload=pdf("secret-b.pdf"), agenda_item=item
    )
    services.decision_record(actor=official, meeting=meeting, text="SECRET-B decision", agenda_item=item)
    services.declaration_record(
        actor=official,
        meeting=meeting,
        person=official,
        interest="SECRET-B interest",
        on=date(2026, 12, 8),
        agenda_item=item,
    )
    client.force_login(world.personas["submitter_a"])
    html = page(client.get(reverse("meetings:meeting-detail", args=[meeting.pk])))
    assert "SECRET-B" not in html and "secret-b.pdf" not in html
    api_client.force_login(world.personas["submitter_a"])
    agenda = api_client.get(reverse("api:meeting-agenda", args=[meeting.pk])).json()
    papers = api_client.get(reverse("api:meeting-papers", args=[meeting.pk])).json()
    assert agenda == [] and papers == []
    attached = api_client.post(
        reverse("api:meeting-papers", args=[meeting.pk]), {"file": pdf(), "agenda_item": item.pk}, format="multipart"
    )
    assert attached.status_code == 400 and attached.json()["code"] == "invalid_agenda_item"
    client.force_login(world.personas["submitter_b"])
    html = page(client.get(reverse("meetings:meeting-detail", args=[meeting.pk])))
    assert "SECRET-B item" in html and "secret-b.pdf" in html


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "0001-01", "2027-13", "x"])
def test_a_month_out_of_range_is_explained_not_a_server_error(world, review, client, month):
    client.force_login(world.personas["official"])
    assert client.get(reverse("meetings:meeting-calendar"), {"month": month}).status_code == 200
    listed = client.get(reverse("meetings:meeting-list"), {"month": month})
    assert listed.status_code == 200 and "Give the month as YYYY-MM." in page(listed)
    assert client.get(reverse("meetings:meeting-list"), {"month": month, "export": "csv"}).status_code in (200, 400)


def test_an_official_arranges_a_meeting_and_changes_its_time_and_link(world, types, client):
    client.force_login(world.personas["official"])
    url = reverse("meetings:meeting-arrange")
    assert "Arrange a meeting" in page(client.get(reverse("meetings:meeting-list")))
    wrong = client.post(url, {"meeting_type": types["ceo_review"].pk, "date": "2027-02-03", "starts": "14:00"})
    assert wrong.status_code == 200 and "data-error-code=" in page(wrong)  # a review needs an organisation
    assert not Meeting.objects.exists()
    client.post(
        url,
        {
            "meeting_type": types["targeted_support_clinic"].pk,
            "organisation": world.org_a.pk,
            "date": "2027-02-03",
            "starts": "14:00",
            "online_link": "https://meet.example.test/clinic",
        },
    )
    meeting = Meeting.objects.get()
    assert meeting.starts_at == at(2027, 2, 3, 14) and meeting.online_link == "https://meet.example.test/clinic"
    edit = reverse("meetings:meeting-edit", args=[meeting.pk])
    form = {"version": meeting.version, "date": "2027-02-10", "starts": "09:30", "title": meeting.title}
    assert client.post(edit, form).status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == at(2027, 2, 10, 9, 30)
    assert "Rescheduled by hand" in meeting.history.first().history_change_reason
    stale = client.post(edit, {**form, "starts": "11:00"})
    assert 'data-error-code="conflict"' in page(stale)
    meeting.refresh_from_db()
    assert meeting.starts_at == at(2027, 2, 10, 9, 30)
    client.force_login(world.personas["submitter_a"])
    assert client.get(url).status_code == 403
    assert client.get(edit).status_code == 403


def test_an_agenda_item_about_a_case_shows_the_meeting_on_the_case_page_panel(world, review, official, client):
    from escalation import services as escalation

    draft = escalation.decision_draft(
        actor=world.personas["analyst"],
        organisation=world.org_a,
        scope=escalation.Scope("organisation"),
        to_level=3,
        rationale="r",
        planned_on=date(2026, 11, 2),
    )
    case = escalation.decision_decide(
        actor=world.personas["decision_maker"],
        decision=draft,
        expected_version=draft.version,
        decided_on=date(2026, 11, 2),
    ).case
    meeting = review(at(2027, 1, 13))
    client.force_login(official)
    client.post(
        reverse("meetings:agenda-item-add", args=[meeting.pk]),
        {"agenda-title": "Recovery plan", "agenda-case": case.pk},
    )
    assert meeting.agenda_items.get().case == case
    services.action_create(
        actor=official,
        meeting=meeting,
        title="Revise the plan",
        organisation=world.org_a,
        owner_name="Director of Finance",
        due_on=date(2027, 2, 1),
        case=case,
    )
    client.force_login(world.personas["submitter_a"])
    panel = page(client.get(reverse("meetings:case-panel", args=[case.pk])))
    assert meeting.title in panel and "Revise the plan" in panel
    assert f'hx-get="{reverse("meetings:case-panel", args=[case.pk])}"' in page(client.get(case.get_absolute_url()))
    client.force_login(world.personas["submitter_b"])
    assert client.get(reverse("meetings:case-panel", args=[case.pk])).status_code == 404


def test_a_paper_welsh_government_files_for_a_system_meeting_downloads_for_those_invited(
    world, system_meeting, official, client
):
    paper = services.paper_submit(actor=official, meeting=system_meeting, upload=pdf("system-update.pdf"))
    assert paper.attachment.organisation_id is None
    url = reverse("attachment-download", args=[paper.attachment.pk])
    client.force_login(world.personas["submitter_a"])  # org A is invited
    assert client.get(url).status_code == 200
    client.force_login(world.personas["submitter_b"])  # org B is not
    assert client.get(url).status_code == 404
