"""Backups: make one, restore one, and the scheduled run with its retention.

A backup is one file (goalkeeper/backups/archive.py): the database, copied consistently
while the app runs; the data directory's files (the secret key, data source files, prepared
exports) without what the app rebuilds (collected static files, the job queue); and a
manifest. A restore goes into an empty installation only, then migrates to this version.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import goalkeeper
from goalkeeper.backups import databases
from goalkeeper.backups.archive import Manifest, Reader, now_iso, write
from goalkeeper.backups.databases import SQLITE, BackupError
from goalkeeper.backups.models import BackupRun, RunStatus
from goalkeeper.core.migrating import migrate_if_needed
from goalkeeper.domain.backups import beyond_retention, due_period, file_name, parse_schedule

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - the file's name, not a key


# --- What the data directory holds -------------------------------------------------------


def _skipped_paths() -> list[Path]:
    """What a backup leaves out of the data directory: the database (dumped on its own),
    the job queue, collected static files and the backups themselves."""
    skipped = [Path(settings.STATIC_ROOT), Path(settings.BACKUP_DIR)]
    database = databases.sqlite_path() if databases.kind() == SQLITE else None
    queue = settings.HUEY.get("filename")
    for path in (database, Path(queue) if queue else None):
        if path is not None:
            skipped += [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    return [path.resolve() for path in skipped]


def data_files(data_dir: Path | None = None) -> list[tuple[Path, str]]:
    """The data directory's regular files a backup carries, as (path, relative name),
    sorted; symbolic links and half-written backups are left out."""
    root = Path(data_dir or settings.DATA_DIR).resolve()
    if not root.is_dir():
        return []
    skipped = _skipped_paths()
    found: list[tuple[Path, str]] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skipped)
        for name in sorted(names):
            path = here / name
            if path.is_symlink() or not path.is_file() or path.resolve() in skipped:
                continue
            if name.startswith((".goalkeeper-backup-", ".goalkeeper-restore-")):
                continue
            found.append((path, path.relative_to(root).as_posix()))
    return sorted(found, key=lambda item: item[1])


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations applied to the database, by app, sorted."""
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# --- Backup --------------------------------------------------------------------------------


@contextmanager
def _partial(output: Path) -> Iterator[Path]:
    """A hidden file beside `output`, owner-only (a backup holds the secret key and the
    sealed secrets), renamed onto `output` when complete and deleted when not."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".goalkeeper-backup-", suffix=".partial", dir=output.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def make_backup(output: Path) -> Manifest:
    """Write a backup of this installation to `output` (replaced if it exists)."""
    output = Path(output).resolve()
    if output.is_dir():
        raise BackupError(f"output: {output} is a directory; name a file")
    kind = databases.kind()
    files = data_files()
    with tempfile.TemporaryDirectory(prefix="goalkeeper-backup-") as scratch:
        database = Path(scratch) / databases.MEMBER[kind]
        # The migrations are read before the copy: the copy is then at least that recent.
        migrations = applied_migrations()
        if kind == SQLITE:
            databases.dump_sqlite(database)
        else:
            databases.dump_postgres(database)
        manifest = Manifest(
            app_version=goalkeeper.__version__,
            database=kind,
            created_at=now_iso(),
            migrations=migrations,
            files=len(files),
            secret_key_file=any(relative == SECRET_KEY_FILE for _path, relative in files),
        )
        with _partial(output) as partial, partial.open("wb") as handle:
            write(handle, manifest, database, files)
    return manifest


# --- Restore -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    files: int
    migrations_applied: int


def _unknown_migrations(manifest: Manifest) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.migrations.items())
        for name in names
        if (app, name) not in known
    ]


def _check_target(manifest: Manifest, source: str) -> Path | None:
    """Refuse a target that is not empty or not of the backup's kind; the SQLite file to
    restore into (None on PostgreSQL)."""
    kind = databases.kind()
    if manifest.database != kind:
        raise BackupError(
            f"{source}: the backup holds a {manifest.database} database and this installation "
            f"runs on {kind} (DATABASE_URL); restore it into a {manifest.database} database"
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            f"{source}: made by a newer Goalkeeper ({manifest.app_version}): migrations "
            f"unknown here: {', '.join(unknown[:5])}; upgrade this installation first"
        )
    target: Path | None = None
    if kind == SQLITE:
        target = databases.sqlite_path()
        if target is None:
            raise BackupError("database: an in-memory database cannot be restored into")
        if not databases.sqlite_is_empty(target):
            raise BackupError(
                f"database: {target} is not empty; restore into a new data directory "
                "(GOALKEEPER_DATA_DIR) or move the database away first"
            )
    else:
        databases.require_tool("pg_restore")
        if not databases.postgres_is_empty():
            name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
            raise BackupError(
                f"database: the PostgreSQL database {name!r} is not empty; restore into a "
                "new, empty database (createdb) named by DATABASE_URL"
            )
    leftovers = [relative for _path, relative in data_files() if relative != SECRET_KEY_FILE]
    if leftovers:
        shown = ", ".join(leftovers[:3]) + (" ..." if len(leftovers) > 3 else "")
        raise BackupError(
            f"data directory: {settings.DATA_DIR} is not empty (it holds {shown}); "
            "restore into an empty data directory (GOALKEEPER_DATA_DIR)"
        )
    return target


def restore_backup(path: Path, migrate_verbosity: int = 0) -> Restored:
    """Restore the backup at `path` into this (empty) installation, then migrate it to this
    version. Everything is checked before anything is written; a failure while writing
    takes back what was written."""
    data_dir = Path(settings.DATA_DIR).resolve()
    written: list[Path] = []
    replaced: dict[Path, bytes] = {}
    with Reader(Path(path)) as backup:
        manifest = backup.manifest
        target = _check_target(manifest, backup.source)
        # Beside the database file, so that putting it in place is a rename.
        near = target.parent if target is not None else None
        with tempfile.TemporaryDirectory(prefix=".goalkeeper-restore-", dir=near) as scratch:
            copy = Path(scratch) / databases.MEMBER[manifest.database]
            backup.extract_database(copy)
            if target is not None:
                databases.check_sqlite_file(copy)
            # The files first, the database last: putting the database in place is all or
            # nothing (a rename, or pg_restore in one transaction), files can be taken back.
            try:
                count = 0
                for relative, member in backup.data_files():
                    dest = (data_dir / relative).resolve()
                    if not dest.is_relative_to(data_dir):
                        raise BackupError(f"{backup.source}: refusing {relative!r}")
                    if dest.exists():
                        # Only the key generated by this installation's first start.
                        replaced[dest] = dest.read_bytes()
                    else:
                        written.append(dest)
                    backup.extract(member, dest)
                    if relative == SECRET_KEY_FILE:
                        dest.chmod(0o600)
                    count += 1
                if target is not None:
                    databases.install_sqlite(copy, target)
                else:
                    databases.restore_postgres(copy)
            except BaseException:
                for done in written:
                    done.unlink(missing_ok=True)
                for done, content in replaced.items():
                    done.write_bytes(content)
                raise
    pending = migrate_if_needed(verbosity=migrate_verbosity)
    return Restored(manifest=manifest, files=count, migrations_applied=pending)


# --- Scheduled backups ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledRun:
    period: str
    status: str
    file: Path | None
    deleted: tuple[str, ...]
    error: str = ""


def claim_period(period: str) -> BackupRun | None:
    """Insert the period's row, or None when another worker has it (the row is the claim)."""
    try:
        with transaction.atomic():
            return BackupRun.objects.create(period=period)
    except IntegrityError:
        return None


@transaction.atomic
def finish_run(run: BackupRun, *, file: Path | None, deleted: list[str], error: str) -> None:
    run.status = RunStatus.FAILED if error else RunStatus.DONE
    run.finished_at = timezone.now()
    run.file_name = file.name if file else ""
    run.size_bytes = file.stat().st_size if file else None
    run.deleted = deleted
    run.error = error[:2000]
    run.save(update_fields=["status", "finished_at", "file_name", "size_bytes", "deleted", "error"])


def prune(folder: Path, keep: int) -> list[str]:
    """Delete the backups of `folder` beyond the `keep` newest; the names deleted."""
    gone = beyond_retention((entry.name for entry in folder.iterdir()), keep)
    for name in gone:
        (folder / name).unlink(missing_ok=True)
    return gone


def run_scheduled(now: dt.datetime | None = None) -> ScheduledRun | None:
    """Make the backup due now, once per period whatever the number of workers, and apply
    retention; None when backups are off, or the period's backup is made or being made."""
    schedule = parse_schedule(settings.BACKUP_SCHEDULE, settings.BACKUP_HOUR)
    moment = now or timezone.now()
    period = due_period(schedule, timezone.localtime(moment))
    if period is None or BackupRun.objects.filter(period=period).exists():
        return None
    run = claim_period(period)
    if run is None:
        return None
    folder = Path(settings.BACKUP_DIR)
    output = folder / file_name(moment)
    try:
        make_backup(output)
        deleted = prune(folder, settings.BACKUP_KEEP)
    except (BackupError, OSError) as exc:
        finish_run(run, file=None, deleted=[], error=str(exc))
        log.error("backup of %s failed: %s", period, exc)
        return ScheduledRun(period, RunStatus.FAILED, None, (), str(exc))
    finish_run(run, file=output, deleted=deleted, error="")
    return ScheduledRun(period, RunStatus.DONE, output, tuple(deleted))
