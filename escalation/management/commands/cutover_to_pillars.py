"""python manage.py cutover_to_pillars --actor USERNAME [--on 2026-04-01] [--choose ORG:DOMAIN=PILLAR ...]"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from escalation.cutover import CUTOVER, cutover_rescope
from oversight.errors import OversightError


class Command(BaseCommand):
    help = "Carry open 2024 domain statuses over to the 2026 pillars, recording each re-scoping. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--actor", required=True, help="User name of the WG official recording the re-scoping.")
        parser.add_argument("--on", default=CUTOVER.isoformat(), help="Cutover date (default 2026-04-01).")
        parser.add_argument(
            "--choose",
            action="append",
            default=[],
            metavar="ORG:DOMAIN=PILLAR",
            help="The pillar chosen for a scope the mapping leaves open, e.g. CTMUHB:fragile=quality.",
        )

    def handle(self, *args, actor, on, choose, **options):
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user “{actor}”.")
        choices = {}
        for item in choose:
            try:
                left, pillar = item.split("=", 1)
                organisation, domain = left.split(":", 1)
            except ValueError as exc:
                raise CommandError(f"“{item}” is not ORG:DOMAIN=PILLAR, e.g. CTMUHB:fragile=quality.") from exc
            choices[(organisation, domain)] = pillar
        try:
            report = cutover_rescope(actor=user, on=date.fromisoformat(on), choices=choices)
        except ValueError as exc:
            raise CommandError(f"“{on}” is not a date (use YYYY-MM-DD).") from exc
        except OversightError as error:
            raise CommandError(f"Nothing was re-scoped: {error.message}") from error
        for line in report.rescoped:
            self.stdout.write(line)
        self.stdout.write(f"{len(report.rescoped)} scopes re-scoped.")
