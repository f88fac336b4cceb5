"""The Celery application.

With no ``CELERY_BROKER_URL`` in the environment, tasks run eagerly in-process (see
settings). The beat schedule is declared here, in code, so that every deployment runs
the same periodic work; periodic tasks only enqueue per-object work.
"""

import logging
import os
import smtplib

import kombu.exceptions
import redis.exceptions
from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun, worker_ready
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

app = Celery("oversight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Contention(Exception):
    """Another writer took what this one needed (a register number, say) a moment ago, again
    and again: try later, when the writers are no longer in step."""


# Errors that say "not now" rather than "not this": the database, the broker, the cache or the
# mail server was away, busy or slow, or another writer kept winning. A task retries on these
# only (docs/decisions.md, "Proof under pressure"); any other error, a refusal by a rule or bad
# input, fails the task once and is logged by the worker. Every task is idempotent, so a retry
# is safe.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    Contention,
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
    # A worker is alive: whichever worker takes it records the time, read by /healthz.
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


@worker_ready.connect
def _record_worker_start(sender=None, **kwargs):
    """A worker that has just started is seen at once, before beat's first heartbeat."""
    from oversight.models import WorkerHeartbeat

    try:
        WorkerHeartbeat.beat(worker=getattr(sender, "hostname", "") or "")
    except Exception:  # a worker must start even if the database is away; beat retries
        logging.getLogger(__name__).exception("Could not record the worker's start")


@task_prerun.connect
def _log_with_task_id(task_id=None, **kwargs):
    from oversight.logs import task_started

    task_started(task_id)


@task_postrun.connect
def _log_without_task_id(task_id=None, **kwargs):
    from oversight.logs import task_finished

    task_finished(task_id)
