"""Load every app's reference data. Idempotent: running it twice changes nothing."""

from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oversight.errors import OversightError


class Command(BaseCommand):
    help = "Load reference data (regions, organisations and, as they arrive, frameworks, measures...)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace values an administrator has edited with those in the reference files.",
        )

    def handle(self, *args, overwrite=False, **options):
        # Each app with a ``reference`` module contributes, in dependency order.
        try:
            with transaction.atomic():
                for config in apps.get_app_configs():
                    name = f"{config.name}.reference"
                    if util.find_spec(name) is None:
                        continue
                    report = import_module(name).seed(overwrite=overwrite)
                    self.stdout.write(f"{config.verbose_name}: {report}")
        except OversightError as error:
            raise CommandError(f"Nothing was loaded: {error.message}") from error
