from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans import submissions


class Command(BaseCommand):
    help = (
        "Keep every open escalation case's required submissions scheduled by its level, and remind "
        "organisations about overdue ones, as of today (or --on). Safe to run again: a second run "
        "schedules and sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--no-reminders", action="store_true", help="Schedule only; send no reminders.")

    def handle(self, *args, on=None, no_reminders=False, **options):
        try:
            today = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"“{on}” is not a date. Give it as YYYY-MM-DD, e.g. 2026-12-01.") from exc
        report = submissions.submissions_schedule(today=today)
        if not no_reminders:
            report.add(submissions.submissions_remind(today=today))
        self.stdout.write(self.style.SUCCESS(f"Submissions: {report}"))
