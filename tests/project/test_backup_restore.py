"""Backup and restore: a dump, a restore into a fresh database and folder, and a verification
of every table's rows and every issued document's checksum against the backup's manifest.

Runs on whichever database the suite runs on: SQLite in CI's first pass (the sqlite3 backup
API), PostgreSQL in the second (pg_dump and pg_restore, into a database the test creates and
drops). Transactional tests, so that the dump sees committed rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import uuid
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from escalation import services as escalation_services
from organisations.models import Organisation
from oversight.backup import BackupError, Database, backup, pg_tool
from reporting import documents
from reporting.models import Document

DAY = date(2026, 11, 2)


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the suite's kind: its URL (dropped afterwards on PostgreSQL)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    assert connection.vendor == "postgresql", connection.vendor
    import psycopg2

    source = Database.from_settings(connection.settings_dict)
    name = f"{source.name[:40]}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**source.connect_args())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(name)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def issued(world, frameworks):
    """Two issued letters to organisation A (numbered, their PDFs stored with checksums)."""
    analyst, decision_maker, official = (world.personas[p] for p in ("analyst", "decision_maker", "official"))
    decision = escalation_services.decision_draft(
        actor=analyst,
        organisation=world.org_a,
        scope=escalation_services.Scope("organisation"),
        to_level=2,
        rationale="Persistent 12-hour waits in the emergency department",
        planned_on=DAY,
    )
    decision = escalation_services.decision_decide(
        actor=decision_maker, decision=decision, expected_version=decision.version, decided_on=DAY
    )
    for addressee in ("Dr Jane Jones", "Mr Rhys Evans"):
        draft = documents.document_draft_from_decision(
            actor=analyst, decision=decision, addressee_name=addressee, addressee_role="Chief Executive"
        )
        approved = documents.document_approve(actor=official, document=draft, expected_version=draft.version)
        # Not in an atomic block: the issue task is queued on commit and runs at once (eagerly).
        documents.document_issue(actor=official, document=approved, expected_version=approved.version)
    docs = list(Document.objects.filter(status=Document.Status.ISSUED).order_by("register_number"))
    assert len(docs) == 2 and all(d.sha256 and d.file.name for d in docs)
    return docs


def _execute(url: str, sql: str) -> None:
    """Run one statement in the restored database, outside Django."""
    database = Database.from_url(url)
    with closing(database.connect()) as conn:
        cursor = conn.cursor()
        cursor.execute(sql)
        conn.commit()
        cursor.close()


def _backup(tmp_path) -> tuple[Path, dict]:
    folder = tmp_path / "backup"
    call_command("backup", "--output", str(folder))
    return folder, json.loads((folder / "manifest.json").read_text())


@pytest.fixture
def usual_umask():
    """The common umask (022), under which a folder would be 0755 and a file 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _assert_private(folder: Path) -> None:
    """Only the owner may open the backup or anything in it: it holds password hashes,
    second-factor keys and sessions."""
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    assert set(modes) >= {"manifest.json", "private-files.tar"}
    assert modes == dict.fromkeys(modes, 0o600), modes


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_checksums_and_verify_catches_damage(
    issued, tmp_path, fresh_database, capsys, monkeypatch, usual_umask
):
    folder, manifest = _backup(tmp_path)

    _assert_private(folder)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["reporting_document"] == 2
    assert manifest["tables"]["organisations_organisation"] == 5
    by_number = {row["number"]: row for row in manifest["stored_files"] if row["model"] == "reporting.document"}
    assert set(by_number) == {d.register_number for d in issued}
    private = Path(storages["private"].location)
    for document in issued:
        row = by_number[document.register_number]
        assert row["file"] == document.file.name
        assert row["sha256"] == row["stored_sha256"] == document.sha256
        assert hashlib.sha256((private / document.file.name).read_bytes()).hexdigest() == document.sha256

    restored_files = tmp_path / "restored-files"
    capsys.readouterr()
    # The target's URL, password and all, comes from the environment, never the command line.
    monkeypatch.setenv("RESTORE_DATABASE_URL", fresh_database)
    call_command("restore", "--input", str(folder), "--files-dir", str(restored_files))
    out = capsys.readouterr().out
    assert "DIFFERS" not in out
    assert "checks match the backup" in out
    for document in issued:
        assert document.register_number in out
        restored = (restored_files / document.file.name).read_bytes()
        assert restored == (private / document.file.name).read_bytes()

    # The restored database is a separate, complete copy: its own counts, read outside Django.
    with closing(Database.from_url(fresh_database).connect()) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT register_number, sha256 FROM reporting_document ORDER BY register_number")
        assert cursor.fetchall() == [(d.register_number, d.sha256) for d in issued]
        cursor.close()

    # Verifying again on its own says the same (the URL in a variable of the operator's choosing).
    monkeypatch.delenv("RESTORE_DATABASE_URL")
    monkeypatch.setenv("RESTORED_DB", fresh_database)
    call_command(
        "verify_backup", "--input", str(folder), "--database-url-env", "RESTORED_DB", "--files-dir", str(restored_files)
    )

    # Then damage the restore: one document's file changed, one row gone. Verify names both and fails.
    tampered, kept = issued
    path = restored_files / tampered.file.name
    path.write_bytes(path.read_bytes() + b"%tampered")
    _execute(
        fresh_database,
        "DELETE FROM reporting_historicaldocument"
        " WHERE history_id = (SELECT MIN(history_id) FROM reporting_historicaldocument)",
    )
    capsys.readouterr()

    with pytest.raises(CommandError, match="differs from the backup in 2 check"):
        call_command(
            "verify_backup",
            "--input",
            str(folder),
            "--database-url-env",
            "RESTORED_DB",
            "--files-dir",
            str(restored_files),
        )
    lines = capsys.readouterr().out.splitlines()
    differs = [line for line in lines if line.endswith("DIFFERS")]
    assert len(differs) == 2, lines
    assert any(f"reporting.document {tampered.register_number}: file" in line for line in differs)
    assert any("rows in reporting_historicaldocument" in line for line in differs)
    assert not any(kept.register_number in line for line in differs)


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty_and_a_damaged_dump(world, tmp_path, fresh_database, monkeypatch):
    # Not transactional: the dump has what was committed before the test (the frameworks), enough here.
    folder, manifest = _backup(tmp_path)
    assert manifest["tables"]["escalation_era"] > 0
    source = connection.settings_dict
    live = f"sqlite:///{source['NAME']}" if connection.vendor == "sqlite" else _url(source["NAME"])
    monkeypatch.setenv("RESTORE_DATABASE_URL", live)
    with pytest.raises(CommandError, match=r"not empty|already exists"):
        call_command("restore", "--input", str(folder), "--files-dir", str(tmp_path / "a"))
    assert Organisation.objects.count() == 5  # the live database untouched

    dump = folder / manifest["database_file"]
    with dump.open("r+b") as handle:
        handle.seek(-16, 2)
        handle.write(b"\0" * 16)
    monkeypatch.setenv("RESTORE_DATABASE_URL", fresh_database)
    with pytest.raises(CommandError, match="SHA-256 differs"):
        call_command("restore", "--input", str(folder), "--files-dir", str(tmp_path / "b"))
    if connection.vendor == "sqlite":
        assert not Path(Database.from_url(fresh_database).name).exists()
    else:
        with closing(Database.from_url(fresh_database).connect()) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            assert cursor.fetchone()[0] == 0


def test_sqlite_backup_api_copies_a_database_being_written(tmp_path, usual_umask):
    """The SQLite path without Django: a WAL-mode database with uncheckpointed writes is copied
    whole, and the manifest's counts are the copy's; the folder and its files are the owner's alone."""
    live = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(live)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t (v) VALUES (?)", [(str(i),) for i in range(250)])
        conn.commit()
        manifest = backup(Database.from_url(f"sqlite:///{live}"), tmp_path / "nofiles", tmp_path / "out")
    assert manifest["tables"]["t"] == 250
    assert manifest["files_count"] == 0
    _assert_private(tmp_path / "out")
    with closing(sqlite3.connect(tmp_path / "out" / "database.sqlite3")) as copy:
        assert copy.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 250

    files = tmp_path / "files"
    (files / "documents").mkdir(parents=True)
    with pytest.raises(BackupError, match="inside the private files"):  # it would archive itself
        backup(Database.from_url(f"sqlite:///{live}"), files, files / "backups" / "today")
    with pytest.raises(BackupError, match="not empty"):
        backup(Database.from_url(f"sqlite:///{live}"), files, tmp_path / "out")


@pytest.mark.parametrize("command", ["restore", "verify_backup"])
def test_a_password_on_the_command_line_is_refused_and_the_url_comes_from_the_environment(
    command, tmp_path, monkeypatch
):
    monkeypatch.delenv("RESTORE_DATABASE_URL", raising=False)
    args = ["--input", str(tmp_path / "backup"), "--files-dir", str(tmp_path / "files")]

    with pytest.raises(CommandError, match="must not hold the password") as refused:
        call_command(command, *args, "--database-url", "postgres://oversight:s3cret-pw@db.example:5432/restored")
    assert "s3cret-pw" not in str(refused.value)
    assert "RESTORE_DATABASE_URL" in str(refused.value)
    with pytest.raises(CommandError, match="set RESTORE_DATABASE_URL to its URL"):
        call_command(command, *args)
    # Without a password, or from the variable, the command goes on (to find no backup there).
    with pytest.raises(CommandError, match=r"No manifest\.json"):
        call_command(command, *args, "--database-url", "postgres://oversight@db.example:5432/restored")
    monkeypatch.setenv("RESTORE_DATABASE_URL", "postgres://oversight:s3cret-pw@db.example:5432/restored")
    with pytest.raises(CommandError, match=r"No manifest\.json"):
        call_command(command, *args)


def test_ssl_settings_from_the_url_or_the_options_reach_psycopg2_and_the_tools():
    url = "postgres://oversight:pw@db.example:5432/oversight?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem"
    for database in (
        Database.from_url(url),
        Database.from_settings(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "oversight",
                "USER": "oversight",
                "PASSWORD": "pw",
                "HOST": "db.example",
                "PORT": 5432,
                "OPTIONS": {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/ca.pem", "connect_timeout": 5},
            }
        ),
    ):
        assert database.connect_args() == {
            "dbname": "oversight",
            "user": "oversight",
            "password": "pw",
            "host": "db.example",
            "port": "5432",
            "sslmode": "verify-full",
            "sslrootcert": "/etc/ssl/ca.pem",
        }
        env = database.tool_env()
        assert (env["PGSSLMODE"], env["PGSSLROOTCERT"], env["PGPASSWORD"]) == ("verify-full", "/etc/ssl/ca.pem", "pw")
        assert "pw" not in repr(database)
    key = Database.from_url("postgres://u@h/db?sslmode=require&sslcert=/c.pem&sslkey=/k.pem").tool_env()
    assert (key["PGSSLCERT"], key["PGSSLKEY"]) == ("/c.pem", "/k.pem")


@pytest.mark.django_db
def test_the_url_s_sslmode_is_honoured_by_psycopg2_and_pg_dump(tmp_path):
    """On the local server, which has no TLS: ``sslmode=disable`` backs up; ``sslmode=require``
    makes psycopg2 and pg_dump each refuse, saying so (before, both were silently dropped)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW ssl")
        if cursor.fetchone()[0] == "on":
            pytest.skip("the server offers TLS, so sslmode=require would connect")
    url = _url(connection.settings_dict["NAME"])

    plain = Database.from_url(f"{url}?sslmode=disable")
    with closing(plain.connect()) as conn:
        assert conn.get_dsn_parameters()["sslmode"] == "disable"
        server_major = conn.server_version // 10000
    manifest = backup(plain, tmp_path / "nofiles", tmp_path / "plain")
    assert manifest["engine"] == "postgresql" and manifest["tables"]

    required = Database.from_url(f"{url}?sslmode=require")
    with pytest.raises(BackupError, match=r"Cannot connect to PostgreSQL database .*SSL"):
        backup(required, tmp_path / "nofiles", tmp_path / "required")
    # pg_dump itself gets it too (in PGSSLMODE), not only psycopg2.
    from oversight.backup import _run

    pg_dump, _version = pg_tool("pg_dump", server_major)
    with pytest.raises(BackupError, match=r"pg_dump failed .*SSL"):
        _run([pg_dump, "--schema-only", *required.tool_args(), required.name], required.tool_env())
