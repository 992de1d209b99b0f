"""`goalkeeper backup` and `goalkeeper restore`: what the file holds, what a restore refuses
(with the reason, and nothing written), and the PostgreSQL tools' absence told plainly."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import goalkeeper
from goalkeeper.backups import databases, services
from goalkeeper.backups.archive import Manifest
from goalkeeper.backups.databases import BackupError
from goalkeeper.backups.services import applied_migrations, data_files
from tests.backups.conftest import goalkeeper as run

pytestmark = pytest.mark.django_db(transaction=True)


def _backup(tmp_path: Path) -> tuple[Path, str]:
    output = tmp_path / "out" / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", output=output, stdout=out)
    return output, out.getvalue()


def test_a_backup_holds_a_manifest_the_database_and_the_data_files(
    tmp_path: Path, settings: Any
) -> None:
    source_file = Path(settings.DATA_DIR) / "files" / "backup-test" / "sales.csv"
    source_file.parent.mkdir(parents=True, exist_ok=True)
    source_file.write_text("month,value\n2026-11,3\n")
    try:
        output, said = _backup(tmp_path)
    finally:
        source_file.unlink()

    assert "keep it safe" in said
    # Owner-only: the file holds the secret key and the sealed secrets.
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    with tarfile.open(output) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    kind = connection.vendor
    assert names[0] == "manifest.json"
    assert databases.MEMBER[kind] in names
    assert "data/files/backup-test/sales.csv" in names
    # What the app rebuilds stays out: collected static files, the job queue, the database.
    assert not any(name.startswith(("data/static/", "data/queue.sqlite3")) for name in names)
    assert manifest["database"] == kind
    assert manifest["app_version"] == goalkeeper.__version__
    assert manifest["format"] == 1
    assert manifest["migrations"] == applied_migrations()
    assert "0001_backup_runs" in manifest["migrations"]["backups"]
    assert manifest["created_at"].endswith("+00:00")
    assert not list(output.parent.glob(".goalkeeper-backup-*")), "no partial file is left"


def test_a_backup_needs_an_output_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"output: .* is a directory; name a file"):
        call_command("backup", output=tmp_path, stdout=io.StringIO())


def _fake(tmp_path: Path, manifest: dict[str, Any] | None, member: str | None = None) -> Path:
    path = tmp_path / "fake.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        entries: list[tuple[str, bytes]] = []
        if manifest is not None:
            entries.append(("manifest.json", json.dumps(manifest).encode()))
        if member is not None:
            entries.append((member, b"not a database"))
        for name, content in entries:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def _manifest(**changes: Any) -> dict[str, Any]:
    fields = {
        "app_version": goalkeeper.__version__,
        "database": connection.vendor,
        "created_at": "2026-12-03T03:00:00+00:00",
        "migrations": applied_migrations(),
        "files": 0,
        "format": 1,
    }
    return {**fields, **changes}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: p / "absent.tar.gz", "absent.tar.gz: no such file"),
        (lambda p: _text(p), "not a Goalkeeper backup"),
        (lambda p: _fake(p, None, "database.sqlite3"), "it holds no manifest.json"),
        (lambda p: _fake(p, _manifest(format=7), "x"), "backup format 7 is not known"),
        (lambda p: _fake(p, {"format": 1}), "its manifest.json is not readable"),
        (lambda p: _fake(p, _manifest()), "the backup holds no database"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_sound_backup(
    tmp_path: Path, build: Any, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("restore", build(tmp_path), stdout=io.StringIO())


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    return path


def test_restore_refuses_a_backup_of_the_other_database_kind(tmp_path: Path) -> None:
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    backup = _fake(tmp_path, _manifest(database=other), databases.MEMBER[other])
    with pytest.raises(CommandError, match=f"holds a {other} database and this installation"):
        call_command("restore", backup, stdout=io.StringIO())


def test_restore_refuses_a_backup_from_a_newer_version(tmp_path: Path) -> None:
    migrations = {**applied_migrations(), "okrs": ["0001_initial", "0999_from_the_future"]}
    backup = _fake(tmp_path, _manifest(migrations=migrations), databases.MEMBER[connection.vendor])
    with pytest.raises(CommandError, match=r"migrations unknown here: okrs\.0999_from_the_future"):
        call_command("restore", backup, stdout=io.StringIO())


def test_without_pg_dump_the_error_names_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"pg_dump: not found on PATH.*postgresql-client"):
        databases.dump_postgres(tmp_path / "dump")
    with pytest.raises(BackupError, match="pg_restore: not found on PATH"):
        databases.restore_postgres(tmp_path / "dump")


# --- Restores into a data directory of their own (SQLite, in a process of their own) -------


@pytest.fixture(scope="module")
def small_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A migrated installation with one admin and a data file, and its backup."""
    home = tmp_path_factory.mktemp("original")
    run(
        "createadmin",
        "--email",
        "ada@example.com",
        "--password",
        "a long password 42",
        "--workspace",
        "Acme",
        data_dir=home,
    )
    (home / "files").mkdir(exist_ok=True)
    (home / "files" / "sales.csv").write_text("month,value\n2026-11,3\n")
    backup = home.parent / "small.tar.gz"
    said = run("backup", "--output", str(backup), data_dir=home).stdout
    assert "sqlite database" in said
    assert "2 data file(s)" in said
    return home, backup


def test_a_restore_brings_back_the_database_the_files_and_the_secret_key(
    tmp_path: Path, small_backup: tuple[Path, Path]
) -> None:
    home, backup = small_backup
    said = run("restore", str(backup), data_dir=tmp_path).stdout

    assert "the database and 2 data file(s)" in said
    assert (tmp_path / "files" / "sales.csv").read_text() == "month,value\n2026-11,3\n"
    assert (tmp_path / "secret_key").read_text() == (home / "secret_key").read_text()
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    with sqlite3.connect(tmp_path / "goalkeeper.sqlite3") as db:
        assert db.execute("SELECT email FROM accounts_user").fetchall() == [("ada@example.com",)]


def test_a_restore_over_a_database_in_use_is_refused(small_backup: tuple[Path, Path]) -> None:
    home, backup = small_backup
    done = run("restore", str(backup), data_dir=home, check=False)
    assert done.returncode != 0
    assert "database: " in done.stderr
    assert "goalkeeper.sqlite3 is not empty" in done.stderr


def test_a_restore_into_a_used_data_directory_is_refused_and_writes_nothing(
    tmp_path: Path, small_backup: tuple[Path, Path]
) -> None:
    _home, backup = small_backup
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "mine.csv").write_text("x\n")

    done = run("restore", str(backup), data_dir=tmp_path, check=False)

    assert done.returncode != 0
    assert "data directory:" in done.stderr
    assert "files/mine.csv" in done.stderr
    assert not (tmp_path / "files" / "sales.csv").exists()
    assert databases.sqlite_is_empty(tmp_path / "goalkeeper.sqlite3")


def test_a_restore_of_a_damaged_database_is_refused_and_writes_nothing(
    tmp_path: Path, small_backup: tuple[Path, Path]
) -> None:
    _home, backup = small_backup
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(backup) as source, tarfile.open(damaged, "w:gz") as tar:
        for member in source.getmembers():
            content = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "database.sqlite3":
                content = content[:100] + b"\0" * 4096 + content[4196:]
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    target = tmp_path / "target"

    done = run("restore", str(damaged), data_dir=target, check=False)

    assert done.returncode != 0
    assert "database: the backup's SQLite copy" in done.stderr
    assert not (target / "files" / "sales.csv").exists()
    assert databases.sqlite_is_empty(target / "goalkeeper.sqlite3")


def test_data_files_leave_out_what_the_app_rebuilds(settings: Any) -> None:
    names = [relative for _path, relative in data_files()]
    assert not any(name.startswith("static/") for name in names)
    assert "queue.sqlite3" not in names
    assert Manifest.from_json(json.dumps(_manifest()).encode(), "x").migration_count > 50


def test_a_failure_while_putting_the_database_in_place_takes_the_files_back(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = Path(settings.DATA_DIR) / "files" / "rollback-test" / "x.csv"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("a\n")
    try:
        output, _said = _backup(tmp_path)
    finally:
        extra.unlink()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "secret_key").write_text("generated at first start")
    settings.DATA_DIR = fresh

    def refuse(dump: Path) -> None:
        raise BackupError("pg_restore failed: disk full")

    monkeypatch.setattr(services, "_check_target", lambda manifest, source: None)
    monkeypatch.setattr(databases, "restore_postgres", refuse)
    with pytest.raises(BackupError, match="disk full"):
        services.restore_backup(output)

    left = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert left == ["secret_key"]
    assert (fresh / "secret_key").read_text() == "generated at first start"
