"""Reporting tasks: thin wrappers over the analytics, taking only plain values."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from oversight.celery import RETRY_POLICY

from . import analytics


@shared_task(**RETRY_POLICY)
def run_early_warnings(on: str | None = None) -> str:
    """Read released packs and raise a concern for each new warning; safe to run again."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return str(analytics.early_warnings(today=today))


@shared_task(bind=True, **RETRY_POLICY)
def process_upload(self, job_id: str) -> str:
    """Store an uploaded file of values, all or nothing, recording progress on its job. A retry
    (same task id) takes up the job it had started before the transient error."""
    from .uploads import upload_process

    job = upload_process(job_id, task_id=self.request.id or "")
    return job.status if job is not None else "already started"


@shared_task(**RETRY_POLICY)
def evaluate_criteria(on: str | None = None, organisation_id: int | None = None) -> str:
    """Evaluate the de-escalation criteria bound to measures from released data (all, or one
    organisation's after its pack is released); safe to run again: nothing changes twice."""
    from .criteria import evaluate_bound_criteria

    today = date.fromisoformat(on) if on else timezone.localdate()
    organisation_ids = None if organisation_id is None else [organisation_id]
    return str(evaluate_bound_criteria(today=today, organisation_ids=organisation_ids))


@shared_task(**RETRY_POLICY)
def issue_document(document_id: int, actor_id: int) -> str:
    """Render, number and store an approved document's PDF; run twice, it issues once."""
    from .documents import document_issue_now

    return document_issue_now(document_id, actor_id).register_number or ""
