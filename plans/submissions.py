"""Reporting in proportion to level: keeping each open escalation case's required submissions
scheduled, and reminding the organisation about overdue ones [002 §59; 001 §6.3 notes].

``submissions_schedule`` runs daily from Celery beat (``plans.tasks.track_submissions``), and
for one organisation straight after a change of level (``escalation.signals.level_changed``).
The due dates are ``plans.rules.submission_due_dates`` over the editable
``SubmissionRequirement`` rows. It is idempotent by construction: one row per (case, kind, due
date), held by a unique constraint, so a second or concurrent run creates nothing; what a
change of level replaces is marked "no longer required", never deleted.

``submissions_remind`` sends one reminder per overdue submission to each of the organisation's
submitters and executives, through ``oversight.services.notification_send`` with the key
``submission-overdue:<id>:<due date>``: running it twice sends nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse

from escalation import selectors as escalation_selectors
from escalation.choices import CasePhase
from escalation.models import EscalationCase
from organisations.choices import Role
from organisations.models import Membership
from oversight.concurrency import save_new_version
from oversight.services import notification_send

from . import rules
from .choices import SubmissionStatus
from .models import RequiredSubmission, SubmissionRequirement


@dataclass
class TrackReport:
    created: int = 0
    reinstated: int = 0
    cancelled: int = 0
    reminded: int = 0
    already_reminded: int = 0

    def add(self, other: TrackReport) -> None:
        for name in ("created", "reinstated", "cancelled", "reminded", "already_reminded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self):
        return (
            f"{self.created} scheduled, {self.reinstated} reinstated, {self.cancelled} no longer required, "
            f"{self.reminded} reminders sent, {self.already_reminded} already sent"
        )


def requirements() -> list[rules.Requirement]:
    return [
        rules.Requirement(kind=r.kind, level=r.level, interval_months=r.interval_months)
        for r in SubmissionRequirement.objects.all()
    ]


def _decisions_by_scope(organisation_ids) -> dict[tuple[int, str], list[tuple[date, int]]]:
    """(effective from, to level) of every effective decision of those organisations, by scope,
    oldest first, in one query."""
    found: dict[tuple[int, str], list[tuple[date, int]]] = defaultdict(list)
    rows = (
        escalation_selectors.effective_decisions()
        .filter(organisation_id__in=organisation_ids)
        .order_by("effective_from", "decided_on", "created_at")
        .values_list("organisation_id", "scope_key", "effective_from", "to_level")
    )
    for organisation_id, key, effective_from, to_level in rows:
        found[(organisation_id, key)].append((effective_from, to_level))
    return found


def case_level(case: EscalationCase, *, on: date) -> tuple[int, date | None]:
    """The level of the case's scope on ``on`` and the day it reached it."""
    decisions = _decisions_by_scope([case.organisation_id]).get((case.organisation_id, case.scope_key), [])
    return rules.level_since(decisions, on=on)


def submissions_schedule(*, today: date, organisation_ids: list[int] | None = None) -> TrackReport:
    """Schedule what every case owes on ``today``, and mark what a change of level (or the
    closing of a case) has replaced as no longer required. A few queries for the whole run, plus
    one write per change."""
    report = TrackReport()
    needed = requirements()
    cases = EscalationCase.objects.select_related("organisation")
    if organisation_ids is not None:
        cases = cases.filter(organisation_id__in=organisation_ids)
    cases = list(cases)
    if not cases:
        return report
    decisions = _decisions_by_scope({case.organisation_id for case in cases})
    existing: dict[int, list[RequiredSubmission]] = defaultdict(list)
    for row in RequiredSubmission.objects.filter(case__in=cases):
        existing[row.case_id].append(row)
    not_before = today - timedelta(days=rules.SCHEDULE_BACKLOG_DAYS)
    for case in cases:
        rows = existing.get(case.pk, [])
        if case.phase == CasePhase.CLOSED:
            closed = [r.pk for r in rows if r.status == SubmissionStatus.DUE and _after(r, case.closed_on)]
            _cancel(report, rows, closed, reason="The case was closed.")
            continue
        level, since = rules.level_since(decisions.get((case.organisation_id, case.scope_key), []), on=today)
        schedule = rules.submission_due_dates(
            level=level, since=since, today=today, requirements=needed, not_before=not_before
        )
        by_key = {(r.kind, r.due_on): r for r in rows}
        for due in schedule:
            row = by_key.get((due.kind, due.due_on))
            if row is None:
                _create(report, case, due, level)
            elif row.status == SubmissionStatus.CANCELLED:
                row.status, row.cancelled_reason, row.level = SubmissionStatus.DUE, "", level
                save_new_version(row, reason="Required again at this level")
                report.reinstated += 1
        pending = [
            rules.Pending(key=r.pk, kind=r.kind, level=r.level, due_on=r.due_on)
            for r in rows
            if r.status == SubmissionStatus.DUE
        ]
        stale = rules.submissions_to_cancel(pending=pending, schedule=schedule, level=level, since=since, today=today)
        _cancel(report, rows, stale, reason=f"Replaced: the scope has been at level {level} since {since}.")
    return report


def _after(row: RequiredSubmission, day: date | None) -> bool:
    return day is None or row.due_on > day


def _create(report: TrackReport, case: EscalationCase, due: rules.Due, level: int) -> None:
    try:
        with transaction.atomic():
            row = RequiredSubmission(case=case, kind=due.kind, level=level, due_on=due.due_on)
            row._change_reason = f"Required at level {level}"
            row.save()
    except IntegrityError:  # another run made it meanwhile
        return
    report.created += 1


def _cancel(report: TrackReport, rows: list[RequiredSubmission], keys: list[int], *, reason: str) -> None:
    for row in rows:
        if row.pk in keys and row.status == SubmissionStatus.DUE:
            row.status, row.cancelled_reason = SubmissionStatus.CANCELLED, reason[:300]
            save_new_version(row, reason="No longer required")
            report.cancelled += 1


def _staff_by_organisation(organisation_ids) -> dict[int, list]:
    """The active submitters and executives of each organisation, in one query."""
    found: dict[int, list] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            role__in=(Role.ORG_SUBMITTER, Role.ORG_EXECUTIVE),
            organisation_id__in=list(organisation_ids),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        if membership.user not in found[membership.organisation_id]:
            found[membership.organisation_id].append(membership.user)
    return found


def submissions_remind(*, today: date) -> TrackReport:
    """One reminder for each overdue submission (due, its date passed, within the last year) to
    each of the organisation's submitters and executives; never twice for the same due date."""
    report = TrackReport()
    overdue = list(
        RequiredSubmission.objects.filter(
            status=SubmissionStatus.DUE,
            due_on__lt=today,
            due_on__gte=today - timedelta(days=rules.SCHEDULE_BACKLOG_DAYS),
        )
        .select_related("case", "case__organisation", "case__domain")
        .order_by("due_on", "pk")
    )
    staff = _staff_by_organisation({row.case.organisation_id for row in overdue})
    for row in overdue:
        organisation = row.case.organisation
        who = organisation.short_name or organisation.name
        for recipient in staff.get(organisation.pk, []):
            _notification, new = notification_send(
                recipient=recipient,
                subject=f"Overdue: {row.get_kind_display().lower()} due {row.due_on:%-d %B %Y} ({who})",
                dedupe_key=f"submission-overdue:{row.pk}:{row.due_on.isoformat()}",
                body=(
                    f"The {row.get_kind_display().lower()} that {who} owes for its escalation case "
                    f"({row.case.scope_label}, level {row.level}) was due on {row.due_on:%-d %B %Y}. "
                    "Upload it on the organisation's plans page (Oversight and Escalation Framework 2024, para 59)."
                ),
                url=_plans_url(organisation),
            )
            if new:
                report.reminded += 1
            else:
                report.already_reminded += 1
    return report


def _plans_url(organisation) -> str:
    return reverse("plans:organisation", args=[organisation.pk]) + "#submissions"
