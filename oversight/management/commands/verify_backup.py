"""Compare a restored database and files folder with a backup's manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from oversight.backup import BackupError, Comparison, Database, verify


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
        parser.add_argument("--database-url", required=True, help="the restored database, e.g. postgres://…/name")
        parser.add_argument("--files-dir", required=True, help="the folder the private files were restored into")

    def handle(self, *args, **options):
        try:
            database = Database.from_url(options["database_url"])
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
