"""Reminders, in the app and by e-mail, each sent once per thing per due date.

Runs daily from Celery beat (and ``manage.py send_reminders``). Every reminder carries a
dedupe key naming the thing and its due date, and ``oversight.services.notification_send``
holds one notification per (recipient, key) in the database: a second run, or a retried
task, sends nothing new; a moved deadline is a new due date, so it is reminded again.

What is reminded [issue "Meetings and risk-based cadence", Reminders]:
- an agenda due (to the secretariat), papers due (to the organisations' staff and the
  secretariat), and the draft minutes due after a meeting (to the secretariat);
- an action overdue (to its owner, or the organisation's staff when it has no named user);
- de-escalation criteria not agreed within six weeks of a decision (to WG officials and NHS
  P&I analysts) [002 §41];
- terms of reference due for review (JET every two years, a committee every year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch

from escalation import rules as escalation_rules
from escalation.choices import DecisionStatus
from escalation.models import EscalationCase
from organisations.choices import Role
from oversight.services import notification_send

from . import rules
from .choices import UPCOMING_STATUSES, MeetingStatus
from .models import Action, Committee, Meeting, MeetingType

AHEAD_DAYS = 7  # a deadline is reminded from a week before it
TOR_AHEAD_DAYS = 30  # a review of terms of reference, from a month before


@dataclass
class ReminderReport:
    sent: int = 0
    already_sent: int = 0

    def __str__(self):
        return f"{self.sent} sent, {self.already_sent} already sent"


def send_reminders(*, today: date) -> ReminderReport:
    report = ReminderReport()
    secretariat = list(_users(roles=[Role.WG_SECRETARIAT]))  # read once for the run
    _meeting_deadlines(report, today, secretariat)
    _minutes_due(report, today, secretariat)
    _actions_overdue(report, today)
    _criteria_not_agreed(report, today)
    _terms_of_reference(report, today, secretariat)
    return report


def _users(*, roles, organisations=None):
    users = get_user_model().objects.filter(is_active=True, memberships__role__in=roles)
    if organisations is not None:
        users = users.filter(memberships__organisation__in=organisations)
    return users.distinct().order_by("pk")


def _secretariat(meeting: Meeting | None, everyone: list):
    """The meeting's named secretariat, or else everyone in WG's secretariat."""
    if meeting is not None and meeting.secretariat_id:
        return [meeting.secretariat]
    return everyone


def _send(report, recipients, *, key: str, subject: str, body: str, url: str = "") -> None:
    for recipient in recipients:
        _notification, new = notification_send(recipient=recipient, subject=subject, dedupe_key=key, body=body, url=url)
        if new:
            report.sent += 1
        else:
            report.already_sent += 1


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page is not built yet
        return ""


def _within(due: date | None, today: date, ahead: int = AHEAD_DAYS) -> bool:
    return due is not None and due - timedelta(days=ahead) <= today <= due


def _meeting_deadlines(report, today, secretariat) -> None:
    horizon = today + timedelta(days=60)
    meetings = (
        Meeting.objects.filter(status__in=UPCOMING_STATUSES, starts_at__date__gte=today, starts_at__date__lte=horizon)
        .select_related("meeting_type", "organisation", "secretariat")
        .prefetch_related("invitations")
    )
    for meeting in meetings:
        agenda_due = meeting.agenda_due_on
        if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.CONFIRMED) and _within(agenda_due, today):
            _send(
                report,
                _secretariat(meeting, secretariat),
                key=f"agenda:{meeting.pk}:{agenda_due}",
                subject=f"Agenda due {agenda_due:%-d %B %Y}: {meeting.title}",
                body=f"The agenda for {meeting.title} on {meeting.meeting_on:%-d %B %Y} is due to go out by "
                f"{agenda_due:%-d %B %Y}.",
                url=_url(meeting),
            )
        papers_due = meeting.due_on_for("paper")
        if meeting.status != MeetingStatus.PAPERS_ISSUED and _within(papers_due, today):
            organisations = [meeting.organisation_id] if meeting.organisation_id else []
            organisations += [i.organisation_id for i in meeting.invitations.all()]
            staff = list(_users(roles=[Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE], organisations=organisations))
            _send(
                report,
                staff + [u for u in _secretariat(meeting, secretariat) if u not in staff],
                key=f"papers:{meeting.pk}:{papers_due}",
                subject=f"Papers due {papers_due:%-d %B %Y}: {meeting.title}",
                body=f"Papers for {meeting.title} on {meeting.meeting_on:%-d %B %Y} are due by {papers_due:%-d %B %Y}. "
                "A paper sent after that date is marked late.",
                url=_url(meeting),
            )


def _minutes_due(report, today, secretariat) -> None:
    held = (
        Meeting.objects.filter(status=MeetingStatus.HELD, held_on__isnull=False, minutes__isnull=True)
        .filter(held_on__gte=today - timedelta(days=90))
        .select_related("secretariat")
    )
    for meeting in held:
        due = rules.minutes_draft_due(meeting.held_on)
        if today >= due - timedelta(days=3):
            _send(
                report,
                _secretariat(meeting, secretariat),
                key=f"minutes:{meeting.pk}:{due}",
                subject=f"Draft minutes due {due:%-d %B %Y}: {meeting.title}",
                body=f"The draft combined minutes and actions of {meeting.title}, held on "
                f"{meeting.held_on:%-d %B %Y}, are due by {due:%-d %B %Y}.",
                url=_url(meeting),
            )


def _actions_overdue(report, today) -> None:
    actions = Action.objects.filter(
        status__in=("open", "in_progress"), due_on__lt=today, due_on__gte=today - timedelta(days=365)
    ).select_related("owner", "organisation", "meeting")
    for action in actions:
        recipients = (
            [action.owner]
            if action.owner_id
            else list(_users(roles=[Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE], organisations=[action.organisation_id]))
        )
        _send(
            report,
            recipients,
            key=f"action-overdue:{action.pk}:{action.due_on}",
            subject=f"Action overdue since {action.due_on:%-d %B %Y}: {action.title[:120]}",
            body=f"The action “{action.title}” from {action.meeting.title} was due on {action.due_on:%-d %B %Y}.",
            url=_url(action.meeting),
        )


def _criteria_not_agreed(report, today) -> None:
    """A case whose latest decision is more than six weeks old with criteria not yet agreed."""
    cases = (
        EscalationCase.objects.exclude(phase="closed")
        .select_related("organisation")
        .prefetch_related("criteria", "decisions")
    )
    officials = None
    for case in cases:
        decided = [d for d in case.decisions.all() if d.status == DecisionStatus.DECIDED and d.decided_on]
        if not decided:
            continue
        latest = max(decided, key=lambda d: (d.decided_on, d.pk))
        overdue = escalation_rules.criteria_overdue(
            decided_on=latest.decided_on,
            criteria=[(c.status, c.agreed_on) for c in case.criteria.all()],
            today=today,
        )
        if not overdue:
            continue
        if officials is None:
            officials = list(_users(roles=[Role.WG_OFFICIAL, Role.NHSPI_ANALYST]))
        due = escalation_rules.criteria_agreement_due(latest.decided_on)
        who = case.organisation.short_name or case.organisation.name
        _send(
            report,
            officials,
            key=f"criteria:{case.pk}:{due}",
            subject=f"Criteria not agreed: {who}, {case.scope_label}",
            body=f"De-escalation criteria were due to be agreed by {due:%-d %B %Y}, six weeks after the decision "
            f"of {latest.decided_on:%-d %B %Y} (Oversight and Escalation Framework 2024, para 41).",
            url=case.get_absolute_url(),
        )


def _terms_of_reference(report, today, secretariat) -> None:
    reviews = [(f"tor:type:{t.pk}", t.name, t.tor_review_due_on) for t in MeetingType.objects.in_force(today)]
    reviews += [(f"tor:committee:{c.pk}", c.name, c.tor_review_due_on) for c in Committee.objects.all()]
    for key, name, due in reviews:
        if due is None or today < due - timedelta(days=TOR_AHEAD_DAYS):
            continue
        _send(
            report,
            secretariat,
            key=f"{key}:{due}",
            subject=f"Terms of reference review due {due:%-d %B %Y}: {name}",
            body=f"The terms of reference of {name} are due for review by {due:%-d %B %Y}.",
        )
