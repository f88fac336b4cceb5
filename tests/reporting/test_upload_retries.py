"""An upload left marked "running" by a run that cannot still be going is taken up again: by a
retry of the same task (a transient error after the job was started), or by any run once the job
has been running longer than a task may (the worker would have killed it). A job really running
elsewhere is left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reporting.models import PackValue, UploadJob
from reporting.tasks import process_upload
from tests.reporting.test_pack_pages import catalogue, filled_csv, open_pack, p  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _running_job(world, p, *, task_id: str, seconds_ago: int) -> UploadJob:  # noqa: F811 - p is the fixture's value
    pack = open_pack(world, p)
    return UploadJob.objects.create(
        kind=UploadJob.Kind.PACK,
        pack=pack,
        expected_version=pack.version,
        file_name="pack.csv",
        content=filled_csv(pack),
        created_by=p["submitter_a"],
        status=UploadJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=seconds_ago),
        started_by_task=task_id,
    )


def test_a_retry_of_the_task_that_started_the_job_takes_it_up_again(world, p):  # noqa: F811
    """The task had started the job when a transient error stopped it; its retry (Celery keeps
    the task's id) finds the job "running" and stores the file."""
    job = _running_job(world, p, task_id="task-1", seconds_ago=2)
    result = process_upload.apply(args=[str(job.pk)], task_id="task-1")
    assert result.get() == UploadJob.Status.STORED
    job.refresh_from_db()
    assert job.status == UploadJob.Status.STORED and job.finished_at is not None
    assert PackValue.objects.filter(pack=job.pack).count() == job.rows > 0
    # Run once more (the message delivered again): nothing changes.
    assert process_upload.apply(args=[str(job.pk)], task_id="task-1").get() == "already started"


def test_a_job_running_longer_than_a_task_may_is_taken_up_by_any_run(world, p, settings):  # noqa: F811
    settings.CELERY_TASK_TIME_LIMIT = 300
    job = _running_job(world, p, task_id="task-lost", seconds_ago=301)
    assert process_upload.apply(args=[str(job.pk)], task_id="task-2").get() == UploadJob.Status.STORED
    job.refresh_from_db()
    assert job.status == UploadJob.Status.STORED and job.started_by_task == "task-2"


def test_a_job_running_elsewhere_is_left_alone(world, p, settings):  # noqa: F811
    settings.CELERY_TASK_TIME_LIMIT = 300
    job = _running_job(world, p, task_id="task-1", seconds_ago=60)
    assert process_upload.apply(args=[str(job.pk)], task_id="task-2").get() == "already started"
    job.refresh_from_db()
    assert job.status == UploadJob.Status.RUNNING and not PackValue.objects.filter(pack=job.pack).exists()
