"""A real Celery worker killed mid-batch leaves nothing half-written, and issuing the batch again
finishes it with no duplicates.

Thirty post-meeting letters, one per organisation, are approved and issued as one batch
(``reporting.batches.batch_issue``: one Celery group of ``issue_document`` tasks) through the real
broker to a real ``celery worker`` (prefork, two children) that this test starts. Once some
letters are issued, and before all are, the worker's whole process group gets SIGKILL: no
shutdown, no acknowledgement, transactions cut off. Then:

* every letter is either issued in full (register number, PDF stored, checksum of the stored
  bytes) or still approved with none of these: never a number without a file, nor a file
  recorded without its checksum; the batch's progress counts exactly the issued ones;
* the official issues the batch again, as they would from its page, and a new worker starts. The
  letters still approved are queued again (some are also still waiting in the broker from the
  first run, so some tasks run twice); every letter ends issued exactly once: one letter per
  organisation, one register number each, one "Issued" entry in each letter's history.

A PDF written by a task killed before its transaction committed may stay in private storage
with no register entry pointing at it (never served: files are served only through a
document); there are at most as many as tasks running at the kill.

Runs with the real-worker test's rules (``tests/project/test_celery_worker.py``): it needs
Redis at ``CELERY_BROKER_URL`` (this process sends through its own Celery app, as the web
process does); with ``REQUIRE_BROKER=1`` a missing broker is a failure, otherwise a skip.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.db.models import Count

from oversight.celery import app
from reporting import batches
from reporting.models import Document
from tests.factories import OfficeholderFactory, OrganisationFactory
from tests.project.test_celery_worker import BROKER, ROOT, _broker_answers, _database_url
from tests.reporting.test_letters import held_review

LETTERS = 30
CONCURRENCY = 2


def _require_broker() -> None:
    message = ""
    if not os.environ.get("CELERY_BROKER_URL"):
        message = "CELERY_BROKER_URL is not set, so this process's Celery app has no broker to send the batch through"
    elif not _broker_answers():
        message = f"no Redis broker answers at {BROKER}: start redis-server to run the worker crash test"
    if message:
        if os.environ.get("REQUIRE_BROKER") == "1":
            pytest.fail(f"REQUIRE_BROKER=1 but {message}")
        pytest.skip(f"WORKER CRASH TEST SKIPPED: {message}")


class Workers:
    """Real ``celery worker`` processes on this test's own queue, each in its own process group."""

    def __init__(self, tmp_path, queue: str):
        self.tmp_path, self.queue, self.started = tmp_path, queue, []

    def start(self) -> subprocess.Popen:
        number = len(self.started) + 1
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DEBUG"}},
            "CELERY_BROKER_URL": BROKER,
            "DATABASE_URL": _database_url(),
            "PRIVATE_STORAGE_ROOT": str(self.tmp_path / "private"),  # where this test's storage is
        }
        log = (self.tmp_path / f"worker-{number}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "oversight", "worker", "--loglevel=info", "--pool=prefork",
             f"--concurrency={CONCURRENCY}", "--without-gossip", "--without-mingle", "--without-heartbeat",
             f"--hostname=crash-{number}-{self.queue}@%h", "-Q", self.queue],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.started.append((process, log))
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL to the worker and its pool children at once: a machine losing power."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process, log in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=30)
            log.close()
        for number in range(1, len(self.started) + 1):
            print((self.tmp_path / f"worker-{number}.log").read_text()[-2000:])


@pytest.fixture
def workers(tmp_path):
    _require_broker()
    queue = f"test-crash-{uuid.uuid4().hex[:12]}"
    found = Workers(tmp_path, queue)
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    # This process sends as the web process does (through the broker), to this test's queue only.
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield found
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
        found.stop_all()
        with app.connection_for_write(BROKER) as conn:
            conn.default_channel.client.delete(queue)


@pytest.fixture
def approved_batch(world, frameworks):
    """Thirty reviews held in November 2026, each with a different organisation, their letters
    drafted as one batch and approved."""
    for number in range(LETTERS):
        organisation = OrganisationFactory(code=f"CR{number:02d}", name=f"Crash Test Health Board {number:02d}")
        OfficeholderFactory(organisation=organisation, name=f"Chief Executive {number:02d}", title="Chief Executive")
        held_review(world, organisation, on=date(2026, 11, 2 + number % 28), with_draft=False, title=f"Review {number}")
    batch = batches.batch_create_post_meeting_letters(actor=world.personas["official"], month=date(2026, 11, 1))
    approval = batches.batch_approve_drafts(actor=world.personas["decision_maker"], batch=batch)
    assert len(approval.approved) == LETTERS, approval.refused
    return batch


def _issued(batch) -> int:
    return Document.objects.filter(batch=batch, status=Document.Status.ISSUED).count()


def _wait_for(condition, *, seconds: float, every: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds:.0f} seconds")
        time.sleep(every)


def _stored_files() -> set[str]:
    """Every file in private storage, by its name there (e.g. ``documents/2026/12/OVS-2026-000001.pdf``)."""
    root = Path(storages["private"].location)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _check_nothing_half_written(batch) -> set[str]:
    """Every letter issued in full or not at all; returns the names of the issued letters' files."""
    storage = storages["private"]
    names = set()
    for letter in Document.objects.filter(batch=batch):
        if letter.status == Document.Status.ISSUED:
            assert letter.register_number and letter.issued_on and letter.file.name, letter
            with storage.open(letter.file.name) as stored:
                data = stored.read()
            assert hashlib.sha256(data).hexdigest() == letter.sha256, letter.register_number
            assert len(data) == letter.size and letter.page_count >= 1
            names.add(letter.file.name)
        else:
            assert letter.status == Document.Status.APPROVED, letter
            assert not (letter.register_number or letter.file.name or letter.sha256 or letter.issued_on), letter
    return names


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_nothing_half_written_and_the_batch_finishes_once(
    workers, approved_batch, world
):
    batch, official = approved_batch, world.personas["official"]
    first = workers.start()
    assert batches.batch_issue(actor=official, batch=batch).queued == LETTERS

    # Wait until the worker is part of the way through, then pull the plug.
    _wait_for(lambda: _issued(batch) >= 4, seconds=120, every=0.02, what="the worker did not issue four letters")
    workers.kill(first)
    issued_at_the_kill = _issued(batch)
    assert 0 < issued_at_the_kill < LETTERS, "the batch finished before the worker could be killed mid-way"

    # Nothing half-written: each letter issued in full or still approved with nothing of an issue.
    files = _check_nothing_half_written(batch)
    assert len(files) == issued_at_the_kill
    progress = batches.batch_progress(batch)
    assert (progress.issued, progress.approved, progress.complete) == (
        issued_at_the_kill,
        LETTERS - issued_at_the_kill,
        False,
    )
    orphans = _stored_files() - files
    assert len(orphans) <= CONCURRENCY, orphans  # PDFs of tasks cut off before they committed
    print(f"killed with {issued_at_the_kill} of {LETTERS} letters issued; {len(orphans)} PDFs with no register entry")

    # The official issues the batch again from its page, and a new worker starts.
    again = batches.batch_issue(actor=official, batch=batch)
    assert again.queued == LETTERS - issued_at_the_kill
    workers.start()
    _wait_for(lambda: _issued(batch) == LETTERS, seconds=180, every=0.2, what="the batch was not finished")
    with app.connection_for_write(BROKER) as conn:
        client = conn.default_channel.client
        _wait_for(lambda: client.llen(workers.queue) == 0, seconds=60, every=0.2, what="the queue did not drain")
    time.sleep(2)  # the last tasks taken from the queue finish (each finds its letter issued)

    files = _check_nothing_half_written(batch)
    letters = Document.objects.filter(batch=batch)
    assert letters.count() == LETTERS and len(files) == LETTERS
    assert batches.batch_progress(batch).complete
    per_organisation = letters.values("organisation").annotate(n=Count("pk"))
    assert len(per_organisation) == LETTERS and {row["n"] for row in per_organisation} == {1}
    numbers = list(letters.values_list("register_number", flat=True))
    assert len(set(numbers)) == LETTERS
    for letter in letters:
        issues = letter.history.filter(history_change_reason__startswith="Issued as")
        assert issues.count() == 1, (letter.register_number, list(issues.values_list("history_change_reason")))
    orphans = _stored_files() - files
    assert len(orphans) <= CONCURRENCY, orphans
    # No task failed: two children issuing side by side reach for the same register number, and
    # the loser numbers again (retried later if it keeps losing), never giving up on its letter.
    for log in sorted(workers.tmp_path.glob("worker-*.log")):
        failures = [line for line in log.read_text().splitlines() if "raised unexpected" in line]
        assert failures == [], failures[:3]
