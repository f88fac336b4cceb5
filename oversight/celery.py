"""The Celery application.

With no ``CELERY_BROKER_URL`` in the environment, tasks run eagerly in-process (see
settings). The beat schedule is declared here, in code, so that every deployment runs
the same periodic work; periodic tasks only enqueue per-object work.
"""

import logging
import os
import smtplib
import threading

import kombu.exceptions
import redis.exceptions
from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun, worker_ready, worker_shutdown
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

app = Celery("oversight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Contention(Exception):
    """Another writer took what this one needed (a register number, say) a moment ago, again
    and again: try later, when the writers are no longer in step."""


class MailDeferred(Exception):
    """The mail server answered "not now" (a 4xx: greylisting, a full mailbox, a busy server) to
    an e-mail it may take later; a 5xx refusal is final and is recorded instead
    (``oversight.services.notification_send``)."""


# Errors that say "not now" rather than "not this": the database, the broker, the cache or the
# mail server was away, busy or slow, or another writer kept winning. A task retries on these
# only (docs/decisions.md, "Proof under pressure"); any other error, a refusal by a rule or bad
# input, fails the task once and is logged by the worker. Every task is idempotent, so a retry
# is safe.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    Contention,
    MailDeferred,
    DatabaseOperationalError,  # connection lost, deadlock, serialisation failure, "database is locked"
    DatabaseInterfaceError,  # the connection was closed under us
    ConnectionError,  # refused or reset sockets: SMTP, HTTP
    TimeoutError,  # socket timeouts
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    kombu.exceptions.OperationalError,  # the broker, when a task queues another
    redis.exceptions.ConnectionError,  # the cache or the broker
    redis.exceptions.TimeoutError,
)

# Every task of ours is declared with ``@shared_task(**RETRY_POLICY)``: retried on a transient
# error only, with exponential backoff (1 s, 2 s, 4 s, ... at most 10 minutes, jittered), five
# times at most; acknowledged only once done, so a worker lost mid-task leaves it to be run again.
RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}

# Periodic work, declared in code. Times are Europe/London (settings.CELERY_TIMEZONE).
app.conf.beat_schedule = {
    # Beat is running and the queue moves: whichever worker takes it records the time, read by
    # /healthz. (That a worker process is alive is recorded by its own heartbeat thread, below.)
    "worker-heartbeat": {"task": "oversight.tasks.heartbeat", "schedule": 60.0, "options": {"expires": 55}},
    # Keep every organisation's oversight meetings scheduled by its level (meetings.planner).
    "plan-meetings": {"task": "meetings.tasks.plan_meetings", "schedule": crontab(hour=5, minute=30)},
    # Deadlines, overdue actions, criteria not agreed, terms of reference (meetings.reminders).
    "send-reminders": {"task": "meetings.tasks.send_reminders", "schedule": crontab(hour=6, minute=0)},
    # Early warnings from released packs into the escalation triage queue (reporting.analytics).
    "run-early-warnings": {"task": "reporting.tasks.run_early_warnings", "schedule": crontab(hour=6, minute=30)},
    # De-escalation criteria bound to measures, tested from released packs (reporting.criteria).
    "evaluate-criteria": {"task": "reporting.tasks.evaluate_criteria", "schedule": crontab(hour=6, minute=45)},
    # Required submissions kept scheduled by level, and one reminder per overdue one (plans.submissions).
    "track-submissions": {"task": "plans.tasks.track_submissions", "schedule": crontab(hour=6, minute=15)},
    # The month's draft NHS P&I system synthesis, made once a month (accountability.synthesis):
    # daily, so a missed day is caught up; a second run in the month makes nothing.
    "assemble-synthesis": {"task": "accountability.tasks.assemble_synthesis", "schedule": crontab(hour=7, minute=0)},
}


# The worker's heartbeat: a daemon thread in the worker's main process writes the time to
# ``WorkerHeartbeat`` every WORKER_HEARTBEAT_SECONDS, beside the pool rather than through the
# queue, so a worker whose pool is busy with long tasks (letters, uploads, the synthesis) is
# still seen alive by /healthz (docs/decisions.md, "Operations").
_heartbeat_stop = threading.Event()


def _write_heartbeat(hostname: str) -> None:
    from django.db import connection

    from oversight.models import WorkerHeartbeat

    try:
        WorkerHeartbeat.beat(worker=hostname)
    except Exception:  # the database away: /healthz will say so; try again next time
        logging.getLogger(__name__).warning("Could not record the worker's heartbeat", exc_info=True)
    finally:
        connection.close()  # this thread's own connection: not held between heartbeats


def _heartbeat_loop(hostname: str, interval: float) -> None:
    while True:
        _write_heartbeat(hostname)
        if _heartbeat_stop.wait(interval):
            return


@worker_ready.connect
def _start_worker_heartbeat(sender=None, **kwargs):
    """A worker that has just started is seen at once, and then every few seconds while it lives."""
    from django.conf import settings

    _heartbeat_stop.clear()
    thread = threading.Thread(
        target=_heartbeat_loop,
        args=(getattr(sender, "hostname", "") or "", settings.WORKER_HEARTBEAT_SECONDS),
        name="oversight-worker-heartbeat",
        daemon=True,
    )
    thread.start()


@worker_shutdown.connect
def _stop_worker_heartbeat(**kwargs):
    _heartbeat_stop.set()


@task_prerun.connect
def _log_with_task_id(task_id=None, **kwargs):
    from oversight.logs import task_started

    task_started(task_id)


@task_postrun.connect
def _log_without_task_id(task_id=None, **kwargs):
    from oversight.logs import task_finished

    task_finished(task_id)
