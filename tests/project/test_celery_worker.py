"""A real task through a real Redis broker to a real `celery worker` process.

The test starts the worker, sends ``notify_user`` through the broker, waits for the
notification row the worker writes, then stops the worker by its pid file. It runs
whenever Redis answers (CELERY_BROKER_URL, or redis://127.0.0.1:6379/15); CI's second pass
sets REQUIRE_BROKER=1, so there a missing broker fails instead of skipping.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from oversight.celery import app
from oversight.models import Notification
from oversight.tasks import notify_user
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


def _broker_answers() -> bool:
    try:
        with app.connection_for_write(BROKER) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means no broker here
        return False


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise AssertionError(f"unexpected database vendor {connection.vendor}")


def require_broker(what: str) -> None:
    """Skip loudly when no Redis answers, or fail when CI requires one (REQUIRE_BROKER=1)."""
    if _broker_answers():
        return
    message = f"no Redis broker answers at {BROKER}: start redis-server to run {what}"
    if os.environ.get("REQUIRE_BROKER") == "1":
        pytest.fail(f"REQUIRE_BROKER=1 but {message}")
    pytest.skip(message)


@contextmanager
def running_worker(tmp_path, *, env: dict | None = None, args: tuple = ()):
    """A real ``celery worker`` process on a queue of its own, against the test database; yields
    the queue's name, then stops the worker by its pid file and prints the end of its log."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    pidfile = tmp_path / "worker.pid"
    worker_env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DEBUG"}},
        "CELERY_BROKER_URL": BROKER,
        "DATABASE_URL": _database_url(),
        **(env or {}),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "oversight", "worker", "--loglevel=info", "--pool=solo",
         "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
         *args, f"--pidfile={pidfile}", "-Q", queue],
        cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield queue
    finally:
        pid = int(pidfile.read_text()) if pidfile.exists() else process.pid
        os.kill(pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print((tmp_path / "worker.log").read_text()[-3000:])


@pytest.fixture
def worker(tmp_path):
    require_broker("the real-worker test")
    with running_worker(tmp_path) as queue:
        yield queue


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_a_notification_sent_through_the_broker(worker):
    user = UserFactory(username="recipient", email="recipient@example.org")
    key = f"worker-test:{uuid.uuid4()}"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(BROKER) as conn:
            notify_user.apply_async(
                args=[user.pk, "Agenda due for the review", key],
                kwargs={"body": "Send the agenda by Friday."},
                queue=worker,
                connection=conn,
            )
    finally:
        app.conf.task_always_eager = eager

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        notification = Notification.objects.filter(dedupe_key=key).first()
        if notification is not None:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the worker did not write the notification within 90 seconds")
    assert notification.recipient_id == user.pk
    assert notification.subject == "Agenda due for the review"
    assert notification.emailed_at is not None


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_stores_an_uploaded_pack_and_the_progress_page_follows_it(worker, world, client):
    """A pack's file goes through the broker to a worker, which stores it all or nothing and
    records its progress; the uploader's progress page shows it stored."""
    import csv
    import io
    from datetime import date

    from django.urls import reverse

    from reporting import imports, reference, selectors, services
    from reporting.models import PackValue, UploadJob
    from reporting.tasks import process_upload

    reference.seed()
    submitter = world.personas["submitter_a"]
    pack = services.pack_create(actor=submitter, organisation=world.org_a, period=date(2026, 10, 1))
    rows = list(csv.DictReader(io.StringIO(imports.template_csv(pack.organisation, pack.period))))
    for row in rows:
        row["value"] = "1"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    job = UploadJob.objects.create(
        kind=UploadJob.Kind.PACK,
        pack=pack,
        expected_version=pack.version,
        file_name="october.csv",
        content=out.getvalue().encode(),
        created_by=submitter,
    )
    client.force_login(submitter)
    progress = reverse("reporting:upload-progress", args=[job.pk])
    assert 'data-status="queued"' in client.get(progress).content.decode()

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(BROKER) as conn:
            process_upload.apply_async(args=[str(job.pk)], queue=worker, connection=conn)
    finally:
        app.conf.task_always_eager = eager

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the worker did not finish the upload within 90 seconds")
    assert job.status == UploadJob.Status.STORED, job.errors or job.message
    assert job.rows == len(selectors.pack_measures(world.org_a, pack.period))
    assert PackValue.objects.filter(pack=pack).count() == job.rows
    page = client.get(progress).content.decode()
    assert 'data-status="stored"' in page and "hx-trigger" not in page
