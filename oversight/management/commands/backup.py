"""Back up the database and the private files into a new folder, with a manifest."""

from pathlib import Path

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from oversight.backup import BackupError, Database, backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump --format=custom; SQLite: the sqlite3 backup API) and the "
        "private files into a new folder, with manifest.json: every table's row count and every stored "
        "file's SHA-256 (issued documents, attachments)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="a new or empty folder for this backup")
        parser.add_argument("--database", default="default", help="the settings.DATABASES alias (default: default)")
        parser.add_argument("--pg-bin", help="folder holding pg_dump, if not /usr/lib/postgresql/<major>/bin or PATH")

    def handle(self, *args, **options):
        files_root, output = Path(storages["private"].location), options["output"]
        try:
            manifest = backup(
                Database.from_settings(connections[options["database"]].settings_dict),
                files_root,
                Path(output),
                pg_bin=options["pg_bin"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up {manifest['server_version']} with {manifest['tool']} into {output}")
        self.stdout.write(f"  {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows")
        self.stdout.write(f"  {manifest['files_count']} private files from {files_root}")
        self.stdout.write(f"  {len(manifest['stored_files'])} stored files with a recorded checksum")
        damaged = [row for row in manifest["stored_files"] if row["stored_sha256"] != row["sha256"]]
        for row in damaged:
            found = "missing" if row["stored_sha256"] is None else "a different SHA-256"
            self.stderr.write(f"  WARNING: {row['model']} {row['number'] or row['id']}: {row['file']} is {found}")
        if damaged:
            raise CommandError(
                f"The backup is written, but {len(damaged)} stored file(s) already differ from their recorded "
                "checksum in the live service (listed above)."
            )
