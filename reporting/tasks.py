"""Reporting tasks: thin wrappers over the analytics, taking only plain values."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import analytics


@shared_task(acks_late=True)
def run_early_warnings(on: str | None = None) -> str:
    """Read released packs and raise a concern for each new warning; safe to run again."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return str(analytics.early_warnings(today=today))
