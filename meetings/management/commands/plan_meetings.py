from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings import planner


class Command(BaseCommand):
    help = (
        "Keep every organisation's oversight meetings scheduled by its escalation level, from today "
        "(or --on). Safe to run again: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Plan as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, on=None, **options):
        try:
            today = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"“{on}” is not a date. Give it as YYYY-MM-DD, e.g. 2026-12-01.") from exc
        report = planner.plan_meetings(today=today)
        for line in report.created:
            self.stdout.write(f"planned   {line}")
        for line in report.moved:
            self.stdout.write(f"moved     {line}")
        for line in report.cancelled:
            self.stdout.write(f"cancelled {line}")
        self.stdout.write(self.style.SUCCESS(f"Meetings: {report}"))
