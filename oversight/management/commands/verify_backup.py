"""Compare a restored database and files folder with a backup's manifest."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oversight.backup import BackupError, Comparison, Database, verify

URL_ENV = "RESTORE_DATABASE_URL"


def add_database_arguments(parser, what: str) -> None:
    """The restored database: a URL in an environment variable (password and all), or on the
    command line only without a password (``ps`` and the shell's history would show it)."""
    parser.add_argument(
        "--database-url-env",
        default=URL_ENV,
        metavar="NAME",
        help=f"the environment variable holding the URL of {what}, password and all (default: {URL_ENV})",
    )
    parser.add_argument(
        "--database-url",
        help=f"the URL of {what} instead, without a password (postgres://USER@HOST:5432/NAME, the password in "
        "PGPASSWORD or ~/.pgpass; or sqlite:////path/to/file); refused if it holds one",
    )


def database_from_options(options) -> Database:
    url = options["database_url"]
    if url:
        database = Database.from_url(url)
        if database.password:
            raise BackupError(
                "--database-url must not hold the password: other users see it in `ps` and the shell keeps it "
                f"in its history. Put the URL in {options['database_url_env']} (or the variable "
                "--database-url-env names), or leave the password out of it and set PGPASSWORD or ~/.pgpass."
            )
        return database
    name = options["database_url_env"]
    url = os.environ.get(name, "").strip()
    if not url:
        raise BackupError(f"Say which database: set {name} to its URL, or give --database-url without a password.")
    return Database.from_url(url)


def report(stdout, comparison: Comparison) -> None:
    """The comparison as a table: what, expected (the manifest), found (restored), result."""
    header = ("check", "backup", "restored", "result")
    rows = [header, *comparison.rows]
    widths = [min(max(len(row[i]) for row in rows), 64) for i in range(3)]
    for row in rows:
        cells = [cell if len(cell) <= 64 else cell[:61] + "..." for cell in row[:3]]
        stdout.write("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + "  " + row[3])


class Command(BaseCommand):
    help = (
        "Compare a restored database and files folder with a backup's manifest.json: the rows in every table and "
        "every stored file's SHA-256. Exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="the backup folder (holding manifest.json)")
        add_database_arguments(parser, "the restored database")
        parser.add_argument("--files-dir", required=True, help="the folder the private files were restored into")

    def handle(self, *args, **options):
        try:
            database = database_from_options(options)
            comparison = verify(Path(options["input"]), database, Path(options["files_dir"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        verdict(self, comparison)


def verdict(command: BaseCommand, comparison: Comparison) -> None:
    report(command.stdout, comparison)
    differences = comparison.differences
    if differences:
        raise CommandError(f"The restore differs from the backup in {len(differences)} check(s): {differences[0][0]}…")
    command.stdout.write(command.style.SUCCESS(f"All {len(comparison.rows)} checks match the backup."))
