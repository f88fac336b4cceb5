"""Demo data and one sign-in per role, for trying the service locally. Never in production."""

from importlib import import_module, util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo sign-ins (one per role) and demo data. Refuses to run unless DEBUG is on."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo data is only for local demonstrations: it creates accounts with a published password. "
                "It runs only with DEBUG on (the development default)."
            )
        lines: list[str] = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                name = f"{config.name}.demo"
                if util.find_spec(name) is None:
                    continue
                lines.extend(import_module(name).seed() or [])
        self.stdout.write("\nDemo sign-ins (demo mode only):")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("")
