"""Meetings as iCalendar: the ``.ics`` export parses back with the icalendar package at the
right Europe/London times across both daylight-saving changes, and each user's private feed
shows only the meetings they may see, at a secret address that can be revoked or replaced."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import feed_create, feed_for, feed_ics, feed_meetings, feed_revoke, meeting_ics
from meetings.choices import MeetingStatus
from meetings.models import CalendarFeed, Meeting, MeetingInvitation, MeetingType
from oversight.errors import PermissionRefused

LONDON = ZoneInfo("Europe/London")
LINK = "https://teams.microsoft.com/l/meetup-join/abc123"

pytestmark = pytest.mark.django_db


# A URLconf with a meeting page, for the "link back to the meeting" test (``@pytest.mark.urls``).
def _meeting_page(request, pk):
    return HttpResponse()


urlpatterns = [
    path("meetings/", include(([path("<int:pk>/", _meeting_page, name="meeting-detail")], "meetings"))),
]


class NoMeetingPages:
    """A URLconf with no meetings pages at all (before the meeting page exists)."""

    urlpatterns = []


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def make_meeting(*, starts_at=None, ends_at=None, type_code="ceo_review", **values):
    starts_at = starts_at or at(2026, 7, 15)
    values.setdefault("title", "CEO/Executive Review")
    return Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code=type_code),
        starts_at=starts_at,
        ends_at=ends_at or starts_at + timedelta(hours=2),
        **values,
    )


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def events_by_uid(ics: bytes) -> dict:
    return {str(event["UID"]): event for event in parse(ics).events}


def unfolded(ics: bytes) -> str:
    return ics.decode().replace("\r\n ", "")


def uid(meeting):
    return f"meeting-{meeting.pk}@oversight.gov.wales"


# --- Times across the daylight-saving changes ------------------------------------------------


def test_ten_oclock_stays_ten_oclock_in_london_either_side_of_the_spring_change(world):
    friday = make_meeting(organisation=world.org_a, starts_at=at(2026, 3, 27))  # GMT, UTC+0
    monday = make_meeting(organisation=world.org_a, starts_at=at(2026, 3, 30))  # BST, UTC+1

    ics = meeting_ics([friday, monday], name="Test")
    events = events_by_uid(ics)

    for meeting in (friday, monday):
        start = events[uid(meeting)].decoded("DTSTART")
        end = events[uid(meeting)].decoded("DTEND")
        assert start.tzinfo is not None and start.utcoffset() is not None
        assert start == meeting.starts_at
        assert end == meeting.ends_at
        assert start.astimezone(LONDON).strftime("%H:%M") == "10:00"
    assert events[uid(friday)].decoded("DTSTART").utcoffset() == timedelta(0)
    assert events[uid(monday)].decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert events[uid(friday)].decoded("DTSTART") == datetime(2026, 3, 27, 10, tzinfo=UTC)
    assert events[uid(monday)].decoded("DTSTART") == datetime(2026, 3, 30, 9, tzinfo=UTC)
    # Written as local wall-clock times with their zone: neither floating nor only in UTC.
    text = unfolded(ics)
    assert "DTSTART;TZID=Europe/London:20260327T100000\r\n" in text
    assert "DTSTART;TZID=Europe/London:20260330T100000\r\n" in text
    assert "DTEND;TZID=Europe/London:20260330T120000\r\n" in text


def test_a_meeting_spanning_the_october_change_keeps_its_true_length(world):
    # Clocks go back at 02:00 BST on 25 October 2026: 00:30 BST to 03:00 GMT is 3½ hours.
    night = make_meeting(organisation=world.org_a, starts_at=at(2026, 10, 25, 0, 30), ends_at=at(2026, 10, 25, 3, 0))
    # (Subtracting two Europe/London times gives wall-clock time; the true length is in UTC.)
    assert night.ends_at.astimezone(UTC) - night.starts_at.astimezone(UTC) == timedelta(hours=3, minutes=30)

    ics = meeting_ics([night], name="Test")
    event = events_by_uid(ics)[uid(night)]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")

    assert (start, end) == (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    assert start.utcoffset() == timedelta(hours=1)
    assert end.utcoffset() == timedelta(0)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=3, minutes=30)
    text = unfolded(ics)
    assert "DTSTART;TZID=Europe/London:20261025T003000\r\n" in text
    assert "DTEND;TZID=Europe/London:20261025T030000\r\n" in text


def test_the_calendar_carries_a_europe_london_vtimezone_that_itself_gives_the_right_offsets(world):
    meeting = make_meeting(organisation=world.org_a, starts_at=at(2026, 3, 27))
    calendar = parse(meeting_ics([meeting], name="Test"))

    [vtimezone] = calendar.timezones
    assert vtimezone.tz_name == "Europe/London"
    assert calendar.get_missing_tzids() == set()
    # Built from the VTIMEZONE's own rules, not looked up by name, as a client without a
    # time zone database would: GMT before 29 March, BST after, GMT again after 25 October.
    embedded = vtimezone.to_tz(lookup_tzid=False)
    assert datetime(2026, 3, 27, 10, tzinfo=embedded).utcoffset() == timedelta(0)
    assert datetime(2026, 3, 30, 10, tzinfo=embedded).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 10, 26, 10, tzinfo=embedded).utcoffset() == timedelta(0)
    assert datetime(2027, 7, 1, 10, tzinfo=embedded).utcoffset() == timedelta(hours=1)


# --- The calendar and its events -------------------------------------------------------------


def test_the_calendar_properties(world):
    meeting = make_meeting(organisation=world.org_a)
    calendar = parse(meeting_ics([meeting], name="Org A meetings"))

    assert str(calendar["PRODID"]) == "-//Welsh Government//Oversight//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Org A meetings"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    assert len(calendar.events) == 1


def test_uids_are_stable_between_exports_and_differ_between_meetings(world):
    first = make_meeting(organisation=world.org_a)
    second = make_meeting(organisation=world.org_b, starts_at=at(2026, 8, 1))

    one = meeting_ics([first, second], name="Test")
    first.title = "Renamed"
    first.save()
    again = meeting_ics(Meeting.objects.filter(pk__in=[first.pk, second.pk]), name="Test")

    assert list(events_by_uid(one)) == [uid(first), uid(second)]
    assert list(events_by_uid(again)) == [uid(first), uid(second)]
    assert str(events_by_uid(again)[uid(first)]["SUMMARY"]) == "Renamed"
    # Unchanged meetings export the same bytes (DTSTAMP is the meeting's last change).
    assert meeting_ics([second], name="Test") == meeting_ics([second], name="Test")


def test_the_online_link_is_the_url_the_location_and_in_the_description(world):
    online = make_meeting(organisation=world.org_a, online_link=LINK, chair="Dr Jane Jones")
    in_person = make_meeting(
        organisation=world.org_a, online_link=LINK, location="Cathays Park, Cardiff", starts_at=at(2026, 8, 1)
    )
    neither = make_meeting(organisation=world.org_a, starts_at=at(2026, 9, 1))

    events = events_by_uid(meeting_ics([online, in_person, neither], name="Test"))

    assert str(events[uid(online)]["URL"]) == LINK
    assert str(events[uid(online)]["LOCATION"]) == LINK
    description = str(events[uid(online)]["DESCRIPTION"])
    assert LINK in description
    assert "CEO/Executive Review" in description  # the meeting type
    assert "Organisation A University Health Board" in description
    assert "Dr Jane Jones" in description
    assert str(events[uid(in_person)]["LOCATION"]) == "Cathays Park, Cardiff"
    assert str(events[uid(in_person)]["URL"]) == LINK
    assert "URL" not in events[uid(neither)]
    assert "LOCATION" not in events[uid(neither)]


def test_status_sequence_and_timestamps(world):
    planned = make_meeting(organisation=world.org_a)
    confirmed = make_meeting(organisation=world.org_a, status=MeetingStatus.CONFIRMED, starts_at=at(2026, 8, 1))
    cancelled = make_meeting(
        organisation=world.org_a,
        status=MeetingStatus.CANCELLED,
        cancelled_reason="Chief executive unavailable",
        starts_at=at(2026, 9, 1),
    )
    Meeting.objects.filter(pk=cancelled.pk).update(version=3)
    cancelled.refresh_from_db()
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    ics = meeting_ics([planned, confirmed, cancelled], name="Test", now=now)
    events = events_by_uid(ics)

    assert str(events[uid(planned)]["STATUS"]) == "TENTATIVE"
    assert str(events[uid(confirmed)]["STATUS"]) == "CONFIRMED"
    assert str(events[uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert "STATUS:CANCELLED\r\n" in unfolded(ics)
    assert "Chief executive unavailable" in str(events[uid(cancelled)]["DESCRIPTION"])
    assert events[uid(planned)].decoded("SEQUENCE") == 1
    assert events[uid(cancelled)].decoded("SEQUENCE") == 3
    assert events[uid(planned)].decoded("DTSTAMP") == now
    # iCalendar times are to the second.
    assert events[uid(cancelled)].decoded("LAST-MODIFIED") == cancelled.updated_at.replace(microsecond=0)
    assert "DTSTAMP:20260601T120000Z\r\n" in unfolded(ics)


def test_commas_semicolons_and_newlines_are_escaped_and_round_trip(world):
    title = "Review: finance, quality; and safety"
    location = "Room 1, Floor 2; Cathays Park\nCardiff"
    chair = "Jones, Dr J; interim"
    meeting = make_meeting(organisation=world.org_a, title=title, location=location, chair=chair)

    ics = meeting_ics([meeting], name="Meetings; A, B")
    text = unfolded(ics)
    event = events_by_uid(ics)[uid(meeting)]

    assert "SUMMARY:Review: finance\\, quality\\; and safety\r\n" in text
    assert "LOCATION:Room 1\\, Floor 2\\; Cathays Park\\nCardiff\r\n" in text
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == location
    assert f"Chair: {chair}" in str(event["DESCRIPTION"]).split("\n")
    assert str(parse(ics)["X-WR-CALNAME"]) == "Meetings; A, B"


@pytest.mark.urls(__name__)
def test_the_description_links_back_to_the_meeting_page_when_given_a_base_url(world):
    meeting = make_meeting(organisation=world.org_a)

    with_base = events_by_uid(meeting_ics([meeting], name="Test", base_url="https://oversight.example/"))
    without_base = events_by_uid(meeting_ics([meeting], name="Test"))

    page = f"https://oversight.example/meetings/{meeting.pk}/"
    assert f"Meeting page: {page}" in str(with_base[uid(meeting)]["DESCRIPTION"]).split("\n")
    assert "oversight.example" not in str(without_base[uid(meeting)]["DESCRIPTION"])


def test_the_link_is_left_out_while_there_is_no_meeting_page(world, settings):
    settings.ROOT_URLCONF = NoMeetingPages
    meeting = make_meeting(organisation=world.org_a, online_link=LINK)

    event = events_by_uid(meeting_ics([meeting], name="Test", base_url="https://oversight.example"))[uid(meeting)]

    assert "oversight.example" not in str(event["DESCRIPTION"])
    assert LINK in str(event["DESCRIPTION"])


# --- Private feeds ----------------------------------------------------------------------------


def test_a_feed_shows_only_the_meetings_its_user_may_see(world):
    soon = timezone.now() + timedelta(days=7)
    a_meeting = make_meeting(organisation=world.org_a, title="Org A review", starts_at=soon)
    b_meeting = make_meeting(organisation=world.org_b, title="Org B review", starts_at=soon)
    system = make_meeting(type_code="wg_nhspi_oversight", title="P&I oversight", starts_at=soon)
    MeetingInvitation.objects.create(meeting=system, organisation=world.org_b)

    def feed_uids(persona):
        feed = feed_for(feed_create(world.personas[persona]).token)
        return set(events_by_uid(feed_ics(feed)))

    assert feed_uids("submitter_b") == {uid(b_meeting), uid(system)}
    assert uid(a_meeting) not in feed_uids("submitter_b")
    assert feed_uids("submitter_a") == {uid(a_meeting)}
    assert feed_uids("official") == {uid(a_meeting), uid(b_meeting), uid(system)}


def test_a_feed_runs_from_ninety_days_ago_and_keeps_cancelled_meetings(world):
    now = timezone.now()
    old = make_meeting(organisation=world.org_a, starts_at=now - timedelta(days=91))
    recent = make_meeting(organisation=world.org_a, starts_at=now - timedelta(days=89))
    cancelled = make_meeting(
        organisation=world.org_a,
        starts_at=now + timedelta(days=10),
        status=MeetingStatus.CANCELLED,
        cancelled_reason="Moved",
    )

    shown = list(feed_meetings(world.personas["submitter_a"], now=now))

    assert shown == [recent, cancelled]
    assert old not in shown


def test_a_revoked_feed_is_not_found(world):
    user = world.personas["submitter_a"]
    feed = feed_create(user)
    assert feed_for(feed.token) == feed

    feed_revoke(user, feed)

    assert feed_for(feed.token) is None
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert feed_for("") is None


def test_recreating_a_feed_replaces_its_token_and_the_old_one_stops_working(world):
    user = world.personas["submitter_a"]
    first = feed_create(user)
    old_token = first.token
    feed_revoke(user, first)

    second = feed_create(user)

    assert second.pk == first.pk  # one feed per user
    assert CalendarFeed.objects.filter(user=user).count() == 1
    assert second.token != old_token
    assert feed_for(old_token) is None
    assert feed_for(second.token) == second  # and the revocation is lifted
    history = list(second.history.order_by("history_id"))
    assert [h.history_change_reason for h in history] == [
        "Calendar feed created",
        "Calendar feed revoked",
        "Calendar feed given a new address; the old one was revoked",
    ]
    assert {h.history_user for h in history} == {user}
    assert all(not hasattr(h, "token") for h in history)  # the secret stays out of history


def test_only_the_owner_or_an_administrator_may_revoke_a_feed(world):
    feed = feed_create(world.personas["submitter_a"])

    with pytest.raises(PermissionRefused):
        feed_revoke(world.personas["submitter_b"], feed)
    assert feed_for(feed.token) == feed

    feed_revoke(world.personas["admin"], feed)
    assert feed_for(feed.token) is None


def test_a_feed_of_a_user_who_can_no_longer_sign_in_is_not_found(world):
    user = world.personas["submitter_a"]
    feed = feed_create(user)
    user.is_active = False
    user.save()

    assert feed_for(feed.token) is None


def test_an_anonymous_user_gets_no_feed(world):
    with pytest.raises(PermissionRefused):
        feed_create(world.personas["anonymous"])
    assert not CalendarFeed.objects.exists()
