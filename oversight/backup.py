"""Backup, restore and verification of the database and the private files.

A backup is a folder holding:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  copied with the sqlite3 backup API);
- ``private-files.tar``: the private file storage (issued PDFs, uploaded evidence and papers);
- ``manifest.json``: the row count of every table and, for every stored file with a recorded
  checksum (issued documents, attachments), its name and SHA-256, plus the SHA-256 of the two
  files above.

On PostgreSQL the counts and checksums are read in the very snapshot ``pg_dump`` dumps
(``pg_export_snapshot`` / ``--snapshot``); on SQLite from the copy itself. So the manifest
describes exactly what was saved, even while the service keeps writing.

``restore`` puts a backup into a fresh, empty database and an empty folder; ``verify``
compares a restored database and folder with the manifest. The management commands
``backup``, ``restore`` and ``verify_backup`` are thin wrappers. External tools run with
argument lists (never a shell), the password in ``PGPASSWORD`` and the connection's TLS
settings (``sslmode``, ``sslrootcert``, ``sslcert``, ``sslkey``, ``sslcrl``) in ``PGSSLMODE``
and the like, as psycopg2 gets them. A backup holds password hashes, second-factor keys and
sessions: its folder is made readable by its owner alone (0700, every file in it 0600).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.apps import apps
from django.db import models

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "private-files.tar"
FORMAT = 1
# The libpq connection settings passed on to psycopg2 (as keywords) and to pg_dump and
# pg_restore (in their environment): a DATABASE_URL's ``?sslmode=verify-full&sslrootcert=...``
# or the OPTIONS of settings.DATABASES.
SSL_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
}
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


class BackupError(Exception):
    """A backup, restore or verification that cannot go on; the message says why."""


# --- Databases ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Database:
    """Where a database is, from Django's settings or from a ``DATABASE_URL``."""

    engine: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    ssl: tuple[tuple[str, str], ...] = ()  # (libpq keyword, value) from SSL_OPTIONS

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Database:
        engine = settings_dict["ENGINE"]
        if "postgresql" in engine:
            kind = "postgresql"
        elif "sqlite" in engine:
            kind = "sqlite"
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")
        options = settings_dict.get("OPTIONS") or {}
        return cls(
            engine=kind,
            name=str(settings_dict["NAME"]),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            ssl=tuple((key, str(options[key])) for key in SSL_OPTIONS if options.get(key)),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            return cls.from_settings(environ.Env.db_url_config(url))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"Not a database URL: {exc}") from exc

    # PostgreSQL
    def connect_args(self) -> dict:
        args = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host, "port": self.port}
        return {key: value for key, value in args.items() if value} | dict(self.ssl)

    def tool_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def tool_env(self) -> dict:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        for key, value in self.ssl:
            env[SSL_OPTIONS[key]] = value
        return env

    def connect(self):
        if self.engine == "sqlite":
            if not Path(self.name).is_file():
                raise BackupError(f"No SQLite database at {self.name}.")
            return sqlite3.connect(self.name)
        import psycopg2

        try:
            return psycopg2.connect(**self.connect_args())
        except psycopg2.OperationalError as exc:  # the message names the server, never the password
            where = f" on {self.host}" + (f":{self.port}" if self.port else "") if self.host else ""
            raise BackupError(f"Cannot connect to PostgreSQL database {self.name}{where}: {str(exc).strip()}") from exc


def table_counts(cursor, engine: str) -> dict[str, int]:
    """Rows in every table of the database (SQLite's own tables left out), by table name."""
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - a table name from the catalogue, quoted
        counts[name] = cursor.fetchone()[0]
    return counts


@dataclass(frozen=True)
class ChecksummedFiles:
    """A model that stores a file with its recorded SHA-256 (an issued document, an attachment)."""

    label: str
    table: str
    pk: str
    file: str
    sha256: str
    number: str | None


def checksummed_models() -> list[ChecksummedFiles]:
    found = []
    for model in apps.get_models():
        names = {f.name: f for f in model._meta.concrete_fields}
        if "history_id" in names or "sha256" not in names:  # django-simple-history's copies
            continue
        file_fields = [f for f in names.values() if isinstance(f, models.FileField)]
        if len(file_fields) != 1:
            continue
        number = names.get("register_number")
        found.append(
            ChecksummedFiles(
                label=model._meta.label_lower,
                table=model._meta.db_table,
                pk=model._meta.pk.column,
                file=file_fields[0].column,
                sha256=names["sha256"].column,
                number=number.column if number is not None else None,
            )
        )
    return sorted(found, key=lambda m: m.label)


def stored_files(cursor, tables: dict[str, int]) -> list[dict]:
    """Every row with a stored file and a recorded checksum: model, id, number, file, sha256
    (of the ``tables`` there are: a database may predate a model)."""
    rows = []
    for spec in checksummed_models():
        if spec.table not in tables:
            continue
        q = lambda name: '"' + name + '"'  # noqa: E731 - column names from our own models
        number = q(spec.number) if spec.number else "NULL"
        cursor.execute(
            f"SELECT {q(spec.pk)}, {number}, {q(spec.file)}, {q(spec.sha256)} FROM {q(spec.table)} "  # noqa: S608
            f"WHERE {q(spec.file)} <> '' ORDER BY {q(spec.pk)}"
        )
        for pk, register_number, name, sha256 in cursor.fetchall():
            rows.append({"model": spec.label, "id": str(pk), "number": register_number, "file": name, "sha256": sha256})
    return rows


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL tools -------------------------------------------------------------------------
def pg_tool(name: str, server_major: int, bin_dir: str | None = None) -> tuple[str, str]:
    """The ``pg_dump`` or ``pg_restore`` to use, and its version line.

    It must be at least the server's major version (pg_dump refuses a newer server). Tried in
    order: ``bin_dir``, ``/usr/lib/postgresql/<server major>/bin`` (Debian's layout, where every
    installed version keeps its own tools), then the one on ``PATH``.
    """
    candidates = []
    if bin_dir:
        candidates.append(Path(bin_dir) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    tried = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        result = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, check=False)  # noqa: S603
        match = re.search(r"(\d+)(?:\.\d+)*", result.stdout)
        if result.returncode == 0 and match and int(match.group(1)) >= server_major:
            return str(candidate), result.stdout.strip()
        tried.append(f"{candidate} ({result.stdout.strip() or 'no version'})")
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} or newer"
        + (f" (tried {', '.join(tried)})" if tried else "")
        + f". Install postgresql-client-{server_major} or give its folder with --pg-bin."
    )


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


# --- Backup ---------------------------------------------------------------------------------
def backup(database: Database, files_root: Path, output: Path, *, pg_bin: str | None = None) -> dict:
    """Write a backup of ``database`` and ``files_root`` into the empty or new folder ``output``."""
    if output.resolve().is_relative_to(files_root.resolve()):
        raise BackupError(f"{output} is inside the private files ({files_root}): write backups somewhere else.")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
    if any(output.iterdir()):
        raise BackupError(f"{output} is not empty: give a new folder for each backup.")
    output.chmod(PRIVATE_FOLDER)  # an empty folder made earlier, or a umask that took bits off
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "engine": database.engine,
    }
    if database.engine == "postgresql":
        manifest.update(_backup_postgresql(database, output, pg_bin))
    else:
        manifest.update(_backup_sqlite(database, output))
    manifest["files_archive"] = FILES
    manifest["files_count"] = _archive(files_root, _private_file(output / FILES))
    for row in manifest["stored_files"]:
        path = files_root / row["file"]
        row["stored_sha256"] = sha256_of(path) if path.is_file() else None
    manifest["artifacts"] = {name: sha256_of(output / name) for name in (manifest["database_file"], FILES)}
    with _private_file(output / MANIFEST).open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    for path in output.iterdir():  # anything a tool left beside them (a journal) too
        path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)
    return manifest


def _private_file(path: Path) -> Path:
    """Make ``path`` a new, empty file only its owner may read, for a writer to fill (pg_dump,
    sqlite3 and tarfile keep the mode of a file they write over)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    os.chmod(path, PRIVATE_FILE)  # the mode whatever the umask
    return path


def _backup_postgresql(database: Database, output: Path, pg_bin: str | None) -> dict:
    with closing(database.connect()) as conn:
        server_major = conn.server_version // 10000
        pg_dump, version = pg_tool("pg_dump", server_major, pg_bin)
        # One snapshot for the dump and the manifest: what is counted is what is dumped.
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 f"--file={_private_file(output / PG_DUMP)}", *database.tool_args(), database.name],
                database.tool_env(),
            )  # fmt: skip
            tables = table_counts(cursor, "postgresql")
            files = stored_files(cursor, tables)
        conn.rollback()
    return {
        "database_file": PG_DUMP,
        "server_version": f"PostgreSQL {server_major}",
        "tool": version,
        "tables": tables,
        "stored_files": files,
    }


def _backup_sqlite(database: Database, output: Path) -> dict:
    copy = _private_file(output / SQLITE_COPY)
    with closing(database.connect()) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    with closing(sqlite3.connect(copy)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cursor = conn.cursor()
        tables = table_counts(cursor, "sqlite")
        files = stored_files(cursor, tables)
    return {
        "database_file": SQLITE_COPY,
        "server_version": f"SQLite {sqlite3.sqlite_version}",
        "tool": "sqlite3 backup API",
        "tables": tables,
        "stored_files": files,
    }


def _archive(root: Path, archive: Path) -> int:
    count = 0
    with tarfile.open(archive, "w") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
                    count += 1
    return count


# --- Restore --------------------------------------------------------------------------------
def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"No {MANIFEST} in {folder}: not a backup folder.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not one this version reads ({FORMAT}).")
    return manifest


def check_artifacts(folder: Path, manifest: dict) -> None:
    """The dump and the file archive are the ones the manifest was written with."""
    for name, expected in manifest["artifacts"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from {folder}.")
        if sha256_of(path) != expected:
            raise BackupError(f"{name} in {folder} is not the file the backup wrote (its SHA-256 differs).")


def restore(folder: Path, database: Database, files_root: Path, *, pg_bin: str | None = None) -> dict:
    """Restore the backup in ``folder`` into the fresh, empty ``database`` and the empty (or new)
    folder ``files_root``. Refuses a database that has tables or a folder that has files."""
    manifest = read_manifest(folder)
    if manifest["engine"] != database.engine:
        raise BackupError(f"This is a {manifest['engine']} backup; it cannot be restored into {database.engine}.")
    check_artifacts(folder, manifest)
    if files_root.exists() and any(files_root.iterdir()):
        raise BackupError(f"{files_root} is not empty: restore the files into a new folder.")
    if database.engine == "postgresql":
        with closing(database.connect()) as conn, conn.cursor() as cursor:
            if table_counts(cursor, "postgresql"):
                raise BackupError(f"Database {database.name} is not empty: restore into a new database.")
            server_major = conn.server_version // 10000
        pg_restore, _version = pg_tool("pg_restore", server_major, pg_bin)
        _run(
            [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             *database.tool_args(), f"--dbname={database.name}", str(folder / PG_DUMP)],
            database.tool_env(),
        )  # fmt: skip
    else:
        target = Path(database.name)
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} already exists: restore into a new SQLite file.")
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(folder / SQLITE_COPY)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    files_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / FILES) as tar:
        tar.extractall(files_root, filter="data")
    return manifest


# --- Verify ---------------------------------------------------------------------------------
@dataclass
class Comparison:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # what, expected, found, result

    @property
    def differences(self) -> list[tuple[str, str, str, str]]:
        return [row for row in self.rows if row[3] != "ok"]

    def add(self, what: str, expected, found) -> None:
        self.rows.append((what, str(expected), str(found), "ok" if expected == found else "DIFFERS"))


def verify(folder: Path, database: Database, files_root: Path) -> Comparison:
    """Compare a restored database and files folder with the backup's manifest: the rows in
    every table, and every stored file's checksum (as recorded in the restored rows and as
    computed from the restored file)."""
    manifest = read_manifest(folder)
    with closing(database.connect()) as conn:
        cursor = conn.cursor()
        try:
            counts = table_counts(cursor, database.engine)
            files = {(row["model"], row["id"]): row for row in stored_files(cursor, counts)}
        finally:
            cursor.close()
    result = Comparison()
    for table in sorted(set(manifest["tables"]) | set(counts)):
        result.add(f"rows in {table}", manifest["tables"].get(table, "absent"), counts.get(table, "absent"))
    for row in manifest["stored_files"]:
        name = f"{row['model']} {row['number'] or row['id']}"
        restored = files.pop((row["model"], row["id"]), None)
        result.add(f"{name}: recorded SHA-256", row["sha256"], restored["sha256"] if restored else "no such row")
        path = files_root / row["file"]
        result.add(f"{name}: file {row['file']}", row["sha256"], sha256_of(path) if path.is_file() else "missing")
    for (model, pk), row in sorted(files.items()):
        result.add(f"{model} {row['number'] or pk}: stored file", "not in the backup", row["file"])
    return result
