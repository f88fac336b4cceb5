from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting import analytics


class Command(BaseCommand):
    help = (
        "Run the SPC analysis over released packs and raise a concern in the escalation triage queue for "
        "each new warning. Safe to run again: a warning already raised is not raised twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, on=None, **options):
        try:
            today = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"“{on}” is not a date. Give it as YYYY-MM-DD, e.g. 2026-12-01.") from exc
        report = analytics.early_warnings(today=today)
        for key in report.raised:
            self.stdout.write(f"raised    {key}")
        self.stdout.write(self.style.SUCCESS(f"Analytics: {report}"))
