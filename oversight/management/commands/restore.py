"""Restore a backup into a fresh, empty database and files folder, then verify it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oversight.backup import BackupError, restore, verify

from .verify_backup import add_database_arguments, database_from_options, verdict


class Command(BaseCommand):
    help = (
        "Restore a backup folder into a fresh, empty database (PostgreSQL: pg_restore; SQLite: a new file) and "
        "the private files into an empty folder, then compare both with the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="the backup folder (holding manifest.json)")
        add_database_arguments(
            parser, "the empty database to restore into (PostgreSQL: createdb first; or a new SQLite file)"
        )
        parser.add_argument("--files-dir", required=True, help="a new or empty folder for the private files")
        parser.add_argument("--pg-bin", help="folder holding pg_restore (default: the server's version's, or PATH)")
        parser.add_argument("--no-verify", action="store_true", help="skip the comparison with the manifest")

    def handle(self, *args, **options):
        folder, files_dir = Path(options["input"]), Path(options["files_dir"])
        try:
            database = database_from_options(options)
            manifest = restore(folder, database, files_dir, pg_bin=options["pg_bin"])
            self.stdout.write(
                f"Restored the backup of {manifest['created_at']} into {database.engine} database {database.name} "
                f"and {manifest['files_count']} files into {files_dir}"
            )
            if options["no_verify"]:
                return
            comparison = verify(folder, database, files_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        verdict(self, comparison)
