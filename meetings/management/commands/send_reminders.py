from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings import reminders


class Command(BaseCommand):
    help = "Send today's reminders (or --on's). Each goes once per thing per due date, however often this runs."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Remind as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, on=None, **options):
        try:
            today = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"“{on}” is not a date. Give it as YYYY-MM-DD, e.g. 2026-12-01.") from exc
        self.stdout.write(self.style.SUCCESS(f"Reminders: {reminders.send_reminders(today=today)}"))
