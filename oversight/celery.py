"""The Celery application.

With no ``CELERY_BROKER_URL`` in the environment, tasks run eagerly in-process (see
settings). The beat schedule is declared here, in code, so that every deployment runs
the same periodic work; periodic tasks only enqueue per-object work.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

app = Celery("oversight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, declared in code. Times are Europe/London (settings.CELERY_TIMEZONE).
app.conf.beat_schedule = {
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
