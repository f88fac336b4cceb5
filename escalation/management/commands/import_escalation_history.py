"""python manage.py import_escalation_history FILE.csv --actor USERNAME [--allow-legacy]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from escalation.imports import ImportRefused, history_import
from oversight.errors import OversightError


class Command(BaseCommand):
    help = (
        "Import historical escalation decisions from a CSV with the columns organisation, date, scope_kind, "
        "scope, level, rationale, source. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--actor", required=True, help="User name of the WG decision maker the decisions are recorded by."
        )
        parser.add_argument(
            "--allow-legacy",
            action="store_true",
            help="Store rows that today's rules refuse, with the refusal recorded as a legacy override.",
        )

    def handle(self, *args, file, actor, allow_legacy, **options):
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user “{actor}”.")
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                report = history_import(actor=user, handle=handle, allow_legacy=allow_legacy)
        except FileNotFoundError as exc:
            raise CommandError(f"No file at {file}.") from exc
        except ImportRefused as refused:
            raise CommandError(refused.message) from refused
        except OversightError as error:
            raise CommandError(f"Nothing was imported: {error.message}") from error
        self.stdout.write(f"Imported {report.imported} decisions.")
        if report.legacy:
            self.stdout.write(f"Stored with a legacy override: {', '.join(report.legacy)}.")
