"""Plans tasks: thin wrappers over ``plans.submissions``, taking only plain values."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from oversight.celery import RETRY_POLICY

from . import submissions


@shared_task(**RETRY_POLICY)
def track_submissions(on: str | None = None, organisation_ids: list[int] | None = None, remind: bool = True) -> str:
    """Keep every open case's required submissions scheduled by its level, then remind about
    overdue ones. Safe to run again: a second run writes nothing and sends nothing."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    report = submissions.submissions_schedule(today=today, organisation_ids=organisation_ids)
    if remind:
        report.add(submissions.submissions_remind(today=today))
    return str(report)
