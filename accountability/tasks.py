"""Accountability tasks: thin wrappers over services, taking only plain values."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from oversight.celery import RETRY_POLICY

from . import synthesis


@shared_task(**RETRY_POLICY, soft_time_limit=300, time_limit=360)
def assemble_synthesis(on: str | None = None) -> str:
    """Make this month's draft system synthesis if there is none. Run daily by beat; a second
    run in the month makes nothing [001 §3.2]."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    made, created = synthesis.synthesis_assemble(today=today)
    return f"{made.month:%Y-%m}: {'assembled' if created else 'already assembled'}"
