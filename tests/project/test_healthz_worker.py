"""/healthz's worker and beat checks (``WorkerHeartbeat``): a worker process's heartbeat, written
by a thread each worker starts when ready, beside its pool; and beat's heartbeat task, sent every
minute through the queue. ``/healthz?scope=web`` checks the database only."""

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


def _seen(seconds_ago: int, beat_seconds_ago: int | None = 30) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        pk=WorkerHeartbeat.SINGLETON,
        defaults={
            "seen_at": now - timedelta(seconds=seconds_ago),
            "beat_seen_at": None if beat_seconds_ago is None else now - timedelta(seconds=beat_seconds_ago),
        },
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
        "checks": {
            "database": "ok",
            "broker": "ok",
            "worker": body["checks"]["worker"],
            "beat": body["checks"]["beat"],
        },
    }
    assert body["checks"]["worker"] in {"ok (last seen 42 s ago)", "ok (last seen 43 s ago)"}
    assert body["checks"]["beat"] in {"ok (last seen 30 s ago)", "ok (last seen 31 s ago)"}


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


def test_a_beat_heartbeat_not_run_for_a_quarter_of_an_hour_answers_503(client, db, queued, settings):
    settings.HEALTHZ_BEAT_STALE_SECONDS = 900
    _seen(5, beat_seconds_ago=901)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["worker"].startswith("ok") and checks["beat"].startswith("stale: last seen at ")
    _seen(5, beat_seconds_ago=None)
    assert client.get(reverse("healthz")).json()["checks"]["beat"] == "stale: never run"


def test_scope_web_checks_the_database_only_so_a_stale_worker_does_not_take_the_web_out(
    client, db, queued, django_assert_max_num_queries
):
    _seen(10_000, beat_seconds_ago=None)  # the worker and beat long gone: the full check is 503
    assert client.get(reverse("healthz")).status_code == 503
    with django_assert_max_num_queries(1):
        response = client.get(reverse("healthz"), {"scope": "web"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_the_compose_web_health_check_asks_for_the_web_scope():
    compose = (real_worker.ROOT / "docker-compose.yml").read_text()
    web = compose.split("\n  web:", 1)[1].split("\n  worker:", 1)[0]
    assert "/healthz?scope=web" in web


def test_the_heartbeat_task_records_the_time(db):
    before = timezone.now()
    heartbeat.delay()  # eager in tests: runs here
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.last_seen() >= before
    assert WorkerHeartbeat.objects.get().beat_seen_at >= before
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

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = real_worker.BROKER
    response = client.get(reverse("healthz"))
    assert response.status_code == 503  # beat's heartbeat has not run yet
    assert response.json()["checks"]["worker"].startswith("ok (last seen ")
    assert response.json()["checks"]["beat"] == "stale: never run"

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(real_worker.BROKER) as conn:
            heartbeat.apply_async(queue=worker, connection=conn)
    finally:
        app.conf.task_always_eager = eager
    deadline = time.monotonic() + 90
    while WorkerHeartbeat.objects.get().beat_seen_at is None:
        if time.monotonic() > deadline:
            pytest.fail("the worker did not run the heartbeat within 90 seconds")
        time.sleep(0.5)
    assert WorkerHeartbeat.objects.get().worker.startswith("celery@")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content


@pytest.fixture
def busy_worker(tmp_path):
    """A real worker with one process and no pool of its own (solo: the task runs in the worker's
    main thread), a heartbeat every second, and the test-only slow task."""
    real_worker.require_broker("the busy-worker test")
    with real_worker.running_worker(
        tmp_path, env={"WORKER_HEARTBEAT_SECONDS": "1"}, args=("-I", "tests.project.slow_tasks")
    ) as queue:
        yield queue


def _wait(condition, seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failure)
        time.sleep(0.2)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_worker_busy_with_a_long_task_is_still_seen_alive(busy_worker, tmp_path):
    """The heartbeat comes from the worker's own thread, not through the queue: while the only
    pool slot runs a long task, the heartbeat keeps advancing."""
    _wait(lambda: WorkerHeartbeat.last_seen() is not None, 90, "the worker did not record its start within 90 s")
    marker = tmp_path / "occupy.txt"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(real_worker.BROKER) as conn:
            app.send_task("tests.project.slow_tasks.occupy", args=[20, str(marker)], queue=busy_worker, connection=conn)
    finally:
        app.conf.task_always_eager = eager
    _wait(lambda: marker.exists(), 60, "the worker did not start the long task within 60 s")
    busy_since = WorkerHeartbeat.last_seen()
    _wait(
        lambda: WorkerHeartbeat.last_seen() > busy_since + timedelta(seconds=2),
        15,
        "the heartbeat did not advance while the worker was busy",
    )
    assert marker.read_text() == "started"  # still busy: the heartbeat did not wait for the task
