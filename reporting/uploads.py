"""Uploads of values that run in the background: the file is kept with an ``UploadJob``, a
Celery task stores it all or nothing (``reporting.imports``), and the page shows how far it
has got. The task runs eagerly in development and tests, on a worker in production.

Progress is recorded between the steps (read, then checked and stored in one transaction),
outside the storing transaction, so the page can read it while the work goes on.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight import access
from oversight.errors import OversightError

from . import imports
from .models import Pack, UploadJob
from .services import ValuesRefused

logger = logging.getLogger(__name__)

ACCEPTED = (".csv", ".xlsx")


def _check_file(upload) -> tuple[str, bytes]:
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(ACCEPTED):
        raise OversightError(
            "Upload a CSV or Excel (.xlsx) file: download the template to see the columns.",
            field="file",
            code="wrong_file_type",
        )
    if upload.size > imports.MAX_UPLOAD_BYTES:
        raise OversightError(
            f"The file is larger than {imports.MAX_UPLOAD_BYTES // (1024 * 1024)} MB: split it and upload each part.",
            field="file",
            code="file_too_large",
        )
    content = upload.read()
    if not content:
        raise OversightError("The file is empty.", field="file", code="empty_file")
    return name, content


def upload_start(*, actor, upload, pack: Pack | None = None, expected_version: int | None = None) -> UploadJob:
    """Accept a file for storing in the background: into one pack (``pack``, at the version the
    uploader was shown), or for many organisations and months (no pack). Permission is checked
    now, and again by the import when it runs."""
    if pack is not None:
        access.require(actor, "reporting.pack.edit", pack)
    else:
        access.require(actor, "reporting.values.upload")
    name, content = _check_file(upload)
    job = UploadJob.objects.create(
        kind=UploadJob.Kind.PACK if pack is not None else UploadJob.Kind.BULK,
        pack=pack,
        expected_version=expected_version,
        file_name=name[:255],
        content=content,
        created_by=actor,
    )
    from .tasks import process_upload

    transaction.on_commit(lambda: process_upload.delay(str(job.pk)))
    return job


def _record(job: UploadJob, **changes) -> None:
    for name, value in changes.items():
        setattr(job, name, value)
    UploadJob.objects.filter(pk=job.pk).update(**changes, updated_at=timezone.now())


def upload_process(job_id, *, task_id: str = "") -> UploadJob | None:
    """Store an accepted file. Safe to run twice: only a job still waiting is started, or one
    left marked running by a run that cannot still be going: by this same task (``task_id``: a
    retry after a transient error, or the message handed back after its worker was lost), or
    for longer than a task may run (``CELERY_TASK_TIME_LIMIT``: the worker would have killed
    it). Storing is all or nothing, so starting again is safe."""
    now = timezone.now()
    abandoned = Q(status=UploadJob.Status.RUNNING) & (
        Q(started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)) | Q(started_at__isnull=True)
    )
    if task_id:
        abandoned |= Q(status=UploadJob.Status.RUNNING, started_by_task=task_id)
    started = (
        UploadJob.objects.filter(pk=job_id)
        .filter(Q(status=UploadJob.Status.QUEUED) | abandoned)
        .update(status=UploadJob.Status.RUNNING, started_at=now, started_by_task=task_id[:64])
    )
    if not started:
        return None
    job = UploadJob.objects.select_related("pack__organisation", "created_by").get(pk=job_id)

    def upload():
        return SimpleUploadedFile(job.file_name, bytes(job.content))

    try:
        rows = imports.read_rows(upload(), required=["measure", "value"])
        _record(job, rows=len(rows))
        if job.pack is not None:
            imports.pack_values_import(
                actor=job.created_by, pack=job.pack, expected_version=job.expected_version, upload=upload()
            )
            message = "The values are stored in the pack."
        else:
            report = imports.values_import(actor=job.created_by, upload=upload())
            message = (
                f"{report.rows} values are stored in {len(report.packs_changed)} packs "
                f"({report.packs_created} of them opened by this upload)."
            )
    except ValuesRefused as error:
        _record(job, status=UploadJob.Status.REFUSED, errors=error.errors, message="", finished_at=timezone.now())
    except OversightError as error:
        _record(job, status=UploadJob.Status.REFUSED, errors=[error.message], message="", finished_at=timezone.now())
    except Exception:
        logger.exception("Upload %s failed", job_id)
        _record(
            job,
            status=UploadJob.Status.FAILED,
            message="Something went wrong while storing the file, and nothing was stored. "
            "Try again; if it happens again, tell the service team the upload's reference.",
            finished_at=timezone.now(),
        )
    else:
        _record(job, status=UploadJob.Status.STORED, stored=len(rows), message=message, finished_at=timezone.now())
    return job
