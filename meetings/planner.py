"""The planner: keeps every organisation's oversight meetings scheduled by its escalation level.

It runs daily from Celery beat, from ``manage.py plan_meetings``, and for one organisation as
soon as a decision changes its level. Each run looks at today and makes only the writes that
are needed, so a second run changes nothing. Each meeting it keeps is a *slot*, named by
``Meeting.plan_key``, and the database holds at most one upcoming meeting per slot (and one
system meeting per type and month), so two runs at once cannot duplicate a meeting either.

What it keeps scheduled [issue "Meetings and risk-based cadence"; ARCHITECTURE "Driving level
for cadence" and "Where the cadence counts from"]:

- for each organisation that holds levels: its next CEO/Executive Review, by its driving
  level [001 §6.3]; its next review of the Chair's objectives, by the same level [002 §25;
  defaults in the cadence data, see docs/decisions.md]; Whole Board meetings while it is at
  level 5 organisation-wide; and its Public Accountability Meeting(s) [001 §6.1];
- system-wide: the monthly WG–NHS P&I Oversight Meeting, with an item for each organisation
  at levels 2-5 [001 §6.1, §6.3], and the six-monthly tripartite meeting [002 §37];
- for each region under Ministerial Direction: a six-monthly regional meeting [001 §6.3].

The arithmetic is in ``meetings.rules``; this module reads the state and writes meetings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q

from escalation import selectors as escalation_selectors
from organisations.models import Organisation, Region
from organisations.rules import LEVEL_HOLDING_KINDS
from oversight.concurrency import change_reason

from . import rules
from .choices import HELD_STATUSES, UPCOMING_STATUSES, MeetingStatus
from .models import AgendaItem, CadencePolicy, Meeting, MeetingInvitation, MeetingType, PublicAccountabilitySetting

LONDON = ZoneInfo("Europe/London")
START = time(10, 0)  # meetings are planned for 10:00 London time; the secretariat moves them
PLANNER = "Planned by the planner"


@dataclass
class PlanReport:
    created: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def writes(self) -> int:
        return len(self.created) + len(self.moved) + len(self.cancelled)

    def __str__(self):
        return (
            f"{len(self.created)} planned, {len(self.moved)} moved, {len(self.cancelled)} cancelled, "
            f"{self.unchanged} unchanged"
        )


def plan_meetings(*, today: date, organisation_ids: list[int] | None = None) -> PlanReport:
    """Plan forward from ``today``. With ``organisation_ids``, only those organisations'
    meetings (as after a decision); otherwise everything."""
    report = PlanReport()
    types = {t.code: t for t in MeetingType.objects.in_force(today)}
    levels = escalation_selectors.driving_levels(on=today)
    organisations = Organisation.objects.filter(statutory=True, active=True, kind__in=LEVEL_HOLDING_KINDS)
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=organisation_ids)
    for organisation in organisations.order_by("code"):
        driving = levels.get(organisation.pk)
        _plan_review(report, types.get("ceo_review"), organisation, driving, today)
        _plan_review(report, types.get("chair_review"), organisation, driving, today, slot="chair_review")
        _plan_whole_board(report, types.get("whole_board"), organisation, driving, today)
        _plan_public_accountability(report, types.get("public_accountability"), organisation, today)
    if organisation_ids is None:
        _plan_oversight_meetings(report, types.get("wg_nhspi_oversight"), levels, today)
        _plan_tripartite(report, types.get("tripartite"), today)
        _plan_regional(report, types.get("regional"), today)
    return report


# --- Organisation meetings ----------------------------------------------------------------------


def _plan_review(report, meeting_type, organisation, driving, today, *, slot: str = "review") -> None:
    """A level-driven review with the organisation: the CEO/Executive Review (slot ``review``)
    or the review of the Chair's objectives (slot ``chair_review``) [001 §6.3; 002 §25]."""
    if meeting_type is None:
        return
    level = driving.level if driving else 1
    policy = CadencePolicy.objects.table(meeting_type, on=today)
    if level not in policy:  # no cadence in force for this level (yet): nothing to keep scheduled
        return
    interval = rules.review_interval(level, policy)
    due = rules.review_due(
        interval_months=interval,
        last_held_on=_last_held(meeting_type, organisation=organisation),
        level_effective_from=(driving.since if driving else None) or today,
    )
    _keep(
        report,
        meeting_type,
        plan_key=f"{slot}:{organisation.code}",
        due_on=due,
        level=level,
        today=today,
        title=f"{meeting_type.name}: {organisation.short_name or organisation.name}",
        organisation=organisation,
    )


def _plan_whole_board(report, meeting_type, organisation, driving, today) -> None:
    if meeting_type is None:
        return
    key = f"whole_board:{organisation.code}"
    if not driving or not rules.whole_board_meeting_applies(driving.organisation_level):
        # No longer at level 5 organisation-wide: a meeting still only planned is not needed.
        for meeting in Meeting.objects.filter(plan_key=key, status=MeetingStatus.PLANNED):
            _cancel(report, meeting, "The organisation is no longer in special measures (level 5) organisation-wide.")
        return
    policy = CadencePolicy.objects.table(meeting_type, on=today)
    due = rules.review_due(
        interval_months=rules.review_interval(5, policy),
        last_held_on=_last_held(meeting_type, organisation=organisation),
        level_effective_from=driving.organisation_level_since or today,
    )
    _keep(
        report,
        meeting_type,
        plan_key=key,
        due_on=due,
        level=5,
        today=today,
        title=f"{meeting_type.name}: {organisation.short_name or organisation.name}",
        organisation=organisation,
    )


def _plan_public_accountability(report, meeting_type, organisation, today) -> None:
    if meeting_type is None:
        return
    setting = PublicAccountabilitySetting.objects.filter(organisation=organisation).first()
    interval = setting.interval_months if setting else 12
    due = rules.review_due(
        interval_months=interval,
        last_held_on=_last_held(meeting_type, organisation=organisation),
        level_effective_from=meeting_type.valid_from or today,
    )
    _keep(
        report,
        meeting_type,
        plan_key=f"public_accountability:{organisation.code}",
        due_on=due,
        level=None,
        today=today,
        title=f"{meeting_type.name}: {organisation.short_name or organisation.name}",
        organisation=organisation,
    )


# --- System and regional meetings ---------------------------------------------------------------


def _plan_oversight_meetings(report, meeting_type, levels, today) -> None:
    """This month's meeting if it is still to come, and next month's: two months ahead."""
    if meeting_type is None:
        return
    months = [(today.year, today.month)]
    following = rules.add_months(date(today.year, today.month, 1), 1)
    months.append((following.year, following.month))
    escalated = (
        Organisation.objects.filter(pk__in=[pk for pk, d in levels.items() if rules.has_organisation_item(d.level)])
        .filter(statutory=True, active=True)
        .order_by("name")
    )
    for year, month in months:
        day = rules.oversight_meeting_day(year, month)
        if day < today:
            continue
        period = f"{year:04d}-{month:02d}"
        meetings = list(Meeting.objects.filter(meeting_type=meeting_type, plan_period=period))
        meeting = next((m for m in meetings if m.status != MeetingStatus.CANCELLED), None)
        if meeting is None and meetings:
            report.unchanged += 1  # this month's was cancelled: the secretariat decides what follows
            continue
        if meeting is None:
            meeting = _create(
                report,
                meeting_type,
                plan_key=f"oversight:{period}",
                on=day,
                title=f"{meeting_type.name}: {day:%B %Y}",
                plan_period=period,
            )
            if meeting is None:
                continue
        else:
            report.unchanged += 1
        if meeting.status == MeetingStatus.PLANNED:
            _keep_agenda(meeting, escalated)


def _keep_agenda(meeting: Meeting, escalated) -> None:
    """A system update, then an item for each organisation at levels 2-5 (level 1: the system
    update only) [001 §6.3]. Items already there are kept."""
    present = set(AgendaItem.objects.filter(meeting=meeting).values_list("organisation_id", "title"))
    if (None, "System update") not in present:
        AgendaItem.objects.create(meeting=meeting, organisation=None, title="System update", order=0)
    covered = {organisation_id for organisation_id, _title in present}
    for order, organisation in enumerate(escalated, start=1):
        if organisation.pk not in covered:  # the secretariat may have added more items about it
            AgendaItem.objects.create(
                meeting=meeting,
                organisation=organisation,
                order=order,
                title=organisation.short_name or organisation.name,
            )


def _plan_tripartite(report, meeting_type, today) -> None:
    if meeting_type is None:
        return
    last = _last_held(meeting_type)
    due = rules.add_months(last, 6) if last else today - timedelta(days=1)  # never held: soon
    meeting = _keep(
        report,
        meeting_type,
        plan_key="tripartite",
        due_on=due,
        level=None,
        today=today,
        title=meeting_type.name,
    )
    if meeting is not None:
        partners = Organisation.objects.filter(kind__in=("inspectorate", "auditor"), active=True)
        _invite(meeting, partners)


def _plan_regional(report, meeting_type, today) -> None:
    if meeting_type is None:
        return
    for region in Region.objects.filter(under_ministerial_direction=True).order_by("code"):
        last = _last_held(meeting_type, region=region)
        due = rules.add_months(last, 6) if last else today - timedelta(days=1)
        meeting = _keep(
            report,
            meeting_type,
            plan_key=f"regional:{region.code}",
            due_on=due,
            level=None,
            today=today,
            title=f"{meeting_type.name}: {region.name}",
            region=region,
        )
        if meeting is not None:
            _invite(meeting, Organisation.objects.filter(region=region, statutory=True, active=True))


# --- Writes -------------------------------------------------------------------------------------


def _last_held(meeting_type, **with_whom) -> date | None:
    return (
        Meeting.objects.filter(meeting_type=meeting_type, status__in=HELD_STATUSES, **with_whom)
        .exclude(held_on__isnull=True)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def _last_cancelled(plan_key: str) -> date | None:
    meeting = Meeting.objects.filter(plan_key=plan_key, status=MeetingStatus.CANCELLED).order_by("-starts_at").first()
    return meeting.meeting_on if meeting else None


def _keep(report, meeting_type, *, plan_key, due_on, level, today, title, **with_whom) -> Meeting | None:
    """Make sure the slot has an upcoming meeting on the right date: plan one if there is
    none, or move a still-unconfirmed one when the level it was planned for has changed."""
    meeting = Meeting.objects.filter(plan_key=plan_key, status__in=UPCOMING_STATUSES).first()
    if meeting is None:
        on = rules.schedule_after_cancellation(due_on=due_on, cancelled_on=_last_cancelled(plan_key), today=today)
        return _create(report, meeting_type, plan_key=plan_key, on=on, title=title, level=level, **with_whom)
    if meeting.is_movable and meeting.meeting_on < today:
        # Its day passed and it was neither held nor cancelled: plan it again, soon.
        new_on = rules.schedule_on(due_on=min(due_on, meeting.meeting_on), today=today)
        reason = "Moved by the planner: its date passed and it was not held"
    elif level is None or meeting.planned_for_level in (None, level) or not meeting.is_movable:
        report.unchanged += 1
        return meeting
    else:
        new_on = rules.replan(
            planned_on=meeting.meeting_on,
            status=meeting.status,
            new_due_on=due_on,
            today=today,
            old_level=meeting.planned_for_level,
            new_level=level,
        )
        reason = f"Moved by the planner: the driving level changed from {meeting.planned_for_level} to {level}"
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.PLANNED:  # confirmed meanwhile: it stays where it is
            report.unchanged += 1
            return locked
        if new_on != locked.meeting_on:
            shift = _at(new_on) - locked.starts_at
            locked.starts_at += shift
            locked.ends_at += shift
            report.moved.append(f"{plan_key}: {meeting.meeting_on} → {new_on}")
        else:
            report.unchanged += 1
        locked.planned_for_level = level if level is not None else locked.planned_for_level
        locked._change_reason = change_reason(reason)
        locked.version += 1
        locked.save()
    return locked


def _create(report, meeting_type, *, plan_key, on, title, level=None, plan_period="", **with_whom) -> Meeting | None:
    starts_at = _at(on)
    meeting = Meeting(
        meeting_type=meeting_type,
        plan_key=plan_key,
        plan_period=plan_period,
        title=title[:300],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=meeting_type.default_duration_minutes or 120),
        chair=meeting_type.chair_role,
        planned_for_level=level,
        **with_whom,
    )
    meeting._change_reason = PLANNER
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        # Another run planned this slot a moment ago: the unique constraints keep one.
        report.unchanged += 1
        return Meeting.objects.filter(
            Q(plan_key=plan_key, status__in=UPCOMING_STATUSES)
            | (Q(meeting_type=meeting_type, plan_period=plan_period) & ~Q(plan_period=""))
        ).first()
    report.created.append(f"{plan_key}: {on}")
    return meeting


def _cancel(report, meeting: Meeting, reason: str) -> None:
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.PLANNED:
            return
        locked.status, locked.cancelled_reason = MeetingStatus.CANCELLED, reason
        locked._change_reason = change_reason(f"Cancelled by the planner: {reason}")
        locked.version += 1
        locked.save()
    report.cancelled.append(f"{meeting.plan_key}: {meeting.meeting_on}")


def _invite(meeting: Meeting, organisations) -> None:
    for organisation in organisations:
        MeetingInvitation.objects.get_or_create(meeting=meeting, organisation=organisation)


def _at(day: date) -> datetime:
    return datetime.combine(day, START, tzinfo=LONDON)
