"""A test-only task that keeps a worker's pool busy: the worker in
``test_healthz_worker.py`` imports this module (``celery worker -I tests.project.slow_tasks``).
No product task is reliably slow, and a test must not wait minutes for one. It imports nothing of
Django's, so the worker can import it before Django is set up."""

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.project.slow_tasks.occupy")
def occupy(seconds: float, marker: str) -> None:
    """Write "started" to ``marker``, hold the pool for ``seconds``, then write "done"."""
    Path(marker).write_text("started")
    time.sleep(seconds)
    Path(marker).write_text("done")
