"""Meetings as iCalendar: a single meeting's ``.ics`` download and each user's private
subscription feed at a secret, revocable URL.

Times are written as Europe/London wall-clock times with ``TZID=Europe/London`` and the
calendar carries a matching ``VTIMEZONE`` (generated from the zoneinfo database by
``icalendar.Timezone.from_tzid``), so a meeting at 10:00 stays at 10:00 on either side of
a daylight-saving change, whatever the client. Timestamps (``DTSTAMP``, ``LAST-MODIFIED``,
``CREATED``) are in UTC, as RFC 5545 requires.

A feed lists the meetings its user may see (``oversight.access.restrict_meetings``) from 90
days ago onwards, cancelled ones included, so subscribed calendars drop them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from organisations.choices import Role
from oversight import access
from oversight.concurrency import create_recorded, save_new_version
from oversight.errors import PermissionRefused

from .choices import MeetingStatus
from .models import CalendarFeed, Meeting, new_feed_token

LONDON_TZID = "Europe/London"
LONDON = ZoneInfo(LONDON_TZID)
PRODID = "-//Welsh Government//Oversight//EN"
UID_DOMAIN = "oversight.gov.wales"
FEED_HISTORY_DAYS = 90
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


# --- iCalendar ------------------------------------------------------------------------------


def meeting_uid(meeting: Meeting) -> str:
    """The meeting's iCalendar UID: the same in every export, so clients update, not duplicate."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _status(meeting: Meeting) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return "CANCELLED"
    if meeting.status == MeetingStatus.PLANNED:
        return "TENTATIVE"
    return "CONFIRMED"


def _page_link(meeting: Meeting, base_url: str) -> str:
    """The absolute address of the meeting's page, or "" if there is no base URL or no page."""
    if not base_url:
        return ""
    try:
        path = meeting.get_absolute_url()
    except NoReverseMatch:
        return ""
    return base_url.rstrip("/") + path


def _description(meeting: Meeting, base_url: str) -> str:
    lines = [_("Meeting type: %(type)s") % {"type": meeting.meeting_type.display_name}]
    if meeting.organisation_id:
        lines.append(_("Organisation: %(organisation)s") % {"organisation": meeting.organisation})
    if meeting.region_id:
        lines.append(_("Region: %(region)s") % {"region": meeting.region})
    if meeting.committee_id:
        lines.append(_("Committee: %(committee)s") % {"committee": meeting.committee})
    if not (meeting.organisation_id or meeting.region_id or meeting.committee_id):
        lines.append(_("System-wide"))
    if meeting.chair:
        lines.append(_("Chair: %(chair)s") % {"chair": meeting.chair})
    if meeting.online_link:
        lines.append(_("Join online: %(link)s") % {"link": meeting.online_link})
    if meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancelled_reason})
    page = _page_link(meeting, base_url)
    if page:
        lines.append(_("Meeting page: %(link)s") % {"link": page})
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, base_url: str = "", now: datetime | None = None) -> Event:
    """One meeting as a VEVENT, its times in Europe/London with their TZID."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(now or meeting.updated_at))
    event.add("dtstart", meeting.starts_at.astimezone(LONDON))
    event.add("dtend", meeting.ends_at.astimezone(LONDON))
    event.add("summary", meeting.title)
    location = meeting.location or meeting.online_link
    if location:
        event.add("location", location)
    if meeting.online_link:
        event.add("url", meeting.online_link)
    event.add("description", _description(meeting, base_url))
    event.add("status", _status(meeting))
    event.add("sequence", int(meeting.version))
    event.add("created", _utc(meeting.created_at))
    event.add("last-modified", _utc(meeting.updated_at))
    return event


def _timezone_span(meetings: list[Meeting], now: datetime) -> tuple[date, date]:
    """The years the VTIMEZONE must cover: from the first meeting's year to a year past the
    last (deterministic, so the same meetings export the same bytes)."""
    if meetings:
        first = min(m.starts_at.astimezone(LONDON).year for m in meetings)
        last = max(m.ends_at.astimezone(LONDON).year for m in meetings)
    else:
        first = last = now.astimezone(LONDON).year
    return date(first, 1, 1), date(last + 2, 1, 1)


def meeting_ics(meetings: Iterable[Meeting], *, name: str, base_url: str = "", now: datetime | None = None) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of the meetings, with a Europe/London VTIMEZONE.

    ``now`` is each event's DTSTAMP; without it, the meeting's last change is used, so two
    exports of unchanged meetings are identical. ``base_url`` (e.g. ``https://host``) adds a
    link to each meeting's page, when that page exists.
    """
    meetings = list(meetings)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", LONDON_TZID)
    first, last = _timezone_span(meetings, now or timezone.now())
    calendar.add_component(Timezone.from_tzid(LONDON_TZID, first_date=first, last_date=last))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, base_url=base_url, now=now))
    return calendar.to_ical()


def meeting_filename(meeting: Meeting) -> str:
    """A download name for one meeting's ``.ics`` file."""
    return f"meeting-{meeting.pk}-{timezone.localdate(meeting.starts_at):%Y-%m-%d}.ics"


# --- Private subscription feeds -------------------------------------------------------------


def feed_for(token: str) -> CalendarFeed | None:
    """The active feed with this secret token; None if there is none, it was revoked or
    replaced, or its user can no longer sign in."""
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


@transaction.atomic
def feed_create(actor) -> CalendarFeed:
    """The actor's feed at a new secret address. A user has one feed: creating it again
    gives it a new token (the old address stops working) and lifts any revocation. The token
    is kept out of history; the change itself is recorded there."""
    if actor is None or not actor.is_authenticated:
        raise PermissionRefused(_("Sign in to get a calendar feed."))
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        return create_recorded(CalendarFeed(user=actor), actor=actor, reason="Calendar feed created")
    feed.token = new_feed_token()
    feed.revoked_at = None
    return save_new_version(feed, actor=actor, reason="Calendar feed given a new address; the old one was revoked")


@transaction.atomic
def feed_revoke(actor, feed: CalendarFeed) -> CalendarFeed:
    """Stop the feed's address from working. Its owner or an administrator may do this."""
    is_owner = actor is not None and actor.is_authenticated and actor.pk == feed.user_id
    if not (is_owner or access.principal(actor).has_role(Role.ADMINISTRATOR)):
        raise PermissionRefused(_("Only the feed's owner or an administrator may revoke it."))
    current = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if current.revoked_at is not None:
        return current
    current.revoked_at = timezone.now()
    return save_new_version(current, actor=actor, reason="Calendar feed revoked")


def feed_meetings(user, *, now: datetime | None = None):
    """The meetings in ``user``'s feed: those they may see, from 90 days ago onwards,
    cancelled ones included (so that subscribed calendars remove them)."""
    since = (now or timezone.now()) - timedelta(days=FEED_HISTORY_DAYS)
    queryset = Meeting.objects.select_related("meeting_type", "organisation", "region", "committee")
    return access.restrict_meetings(queryset, user).filter(starts_at__gte=since).order_by("starts_at", "pk")


def feed_ics(feed: CalendarFeed, *, base_url: str = "", now: datetime | None = None) -> bytes:
    """The feed's calendar, as served at its secret address."""
    return meeting_ics(feed_meetings(feed.user, now=now), name=_("Oversight meetings"), base_url=base_url, now=now)
