"""/healthz's worker check: a Celery worker's heartbeat (``WorkerHeartbeat``), written when a
worker starts and by the ``oversight.tasks.heartbeat`` task beat sends every minute."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.celery import app
from oversight.models import WorkerHeartbeat
from oversight.tasks import heartbeat
from tests.project import test_celery_worker as real_worker

worker = real_worker.worker  # the fixture that starts a real `celery worker` on a queue of its own


@pytest.fixture
def queued(settings):
    """Tasks go to a broker (the in-memory transport: it always answers) and workers run them."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    settings.HEALTHZ_WORKER_STALE_SECONDS = 180


def _seen(seconds_ago: int) -> None:
    WorkerHeartbeat.objects.update_or_create(
        pk=WorkerHeartbeat.SINGLETON, defaults={"seen_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def test_in_eager_mode_the_worker_is_not_configured_and_all_is_well(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "not configured (tasks run in-process)"


def test_a_fresh_heartbeat_is_ok(client, db, queued, django_assert_max_num_queries):
    _seen(42)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "worker": body["checks"]["worker"]},
    }
    assert body["checks"]["worker"] in {"ok (last seen 42 s ago)", "ok (last seen 43 s ago)"}


def test_a_stale_heartbeat_answers_503_and_says_when_the_worker_was_last_seen(client, db, queued, settings):
    settings.HEALTHZ_WORKER_STALE_SECONDS = 60
    _seen(61)
    seen_at = WorkerHeartbeat.last_seen()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok" and body["checks"]["broker"] == "ok"
    assert body["checks"]["worker"].startswith(f"stale: last seen at {seen_at:%Y-%m-%dT%H:%M:%SZ} (6")
    # Within the limit it is well again.
    settings.HEALTHZ_WORKER_STALE_SECONDS = 180
    assert client.get(reverse("healthz")).status_code == 200


def test_a_worker_never_seen_answers_503(client, db, queued):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "stale: never seen"


def test_the_heartbeat_task_records_the_time(db):
    before = timezone.now()
    heartbeat.delay()  # eager in tests: runs here
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.last_seen() >= before
    heartbeat.delay()
    assert WorkerHeartbeat.objects.count() == 1  # one row, updated


def test_beat_sends_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["worker-heartbeat"]
    assert entry["task"] == heartbeat.name == "oversight.tasks.heartbeat"
    assert entry["schedule"] == 60.0


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_is_seen_when_it_starts_and_when_it_runs_the_heartbeat(worker, client, settings):
    deadline = time.monotonic() + 90
    while WorkerHeartbeat.last_seen() is None:
        if time.monotonic() > deadline:
            pytest.fail("the worker did not record its start within 90 seconds")
        time.sleep(0.5)
    started = WorkerHeartbeat.last_seen()

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = real_worker.BROKER
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["worker"].startswith("ok (last seen ")

    time.sleep(1.1)  # so the next heartbeat is a later time
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(real_worker.BROKER) as conn:
            heartbeat.apply_async(queue=worker, connection=conn)
    finally:
        app.conf.task_always_eager = eager
    deadline = time.monotonic() + 90
    while WorkerHeartbeat.last_seen() <= started:
        if time.monotonic() > deadline:
            pytest.fail("the worker did not run the heartbeat within 90 seconds")
        time.sleep(0.5)
    assert WorkerHeartbeat.objects.get().worker.startswith("celery@")
