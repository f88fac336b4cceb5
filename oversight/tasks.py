"""Shared tasks: thin wrappers over services, taking only ids and plain values."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services
from .celery import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def notify_user(recipient_id: int, subject: str, dedupe_key: str, body: str = "", url: str = "") -> int | None:
    """Send one notification. Idempotent: a second run with the same key changes nothing."""
    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        return None
    notification, _created = services.notification_send(
        recipient=recipient, subject=subject, dedupe_key=dedupe_key, body=body, url=url
    )
    return notification.pk


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every minute, through the queue: whichever worker runs it records that
    beat is running and the queue moves (``WorkerHeartbeat.beat_seen_at``, read by /healthz).
    Not retried: the next one comes a minute later."""
    from .models import WorkerHeartbeat

    WorkerHeartbeat.beat_ran(worker=heartbeat.request.hostname or "")
