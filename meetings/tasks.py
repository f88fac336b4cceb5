"""Meeting tasks: thin wrappers over the planner, taking only plain values."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from oversight.celery import RETRY_POLICY

from . import planner, reminders


@shared_task(**RETRY_POLICY)
def plan_meetings(on: str | None = None, organisation_ids: list[int] | None = None) -> str:
    """Plan forward from ``on`` (an ISO date; today by default). Safe to run again: a second
    run makes no writes, and two at once cannot duplicate a meeting."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return str(planner.plan_meetings(today=today, organisation_ids=organisation_ids))


@shared_task(**RETRY_POLICY)
def send_reminders(on: str | None = None) -> str:
    """Send the day's reminders; each goes once per thing per due date, however often this runs."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return str(reminders.send_reminders(today=today))
