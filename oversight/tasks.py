"""Shared tasks: thin wrappers over services, taking only ids and plain values."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_user(recipient_id: int, subject: str, dedupe_key: str, body: str = "", url: str = "") -> int | None:
    """Send one notification. Idempotent: a second run with the same key changes nothing."""
    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        return None
    notification, _created = services.notification_send(
        recipient=recipient, subject=subject, dedupe_key=dedupe_key, body=body, url=url
    )
    return notification.pk
