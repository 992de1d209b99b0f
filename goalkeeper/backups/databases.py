"""The database half of a backup: SQLite's online backup or PostgreSQL's pg_dump, and back.

SQLite is copied through its online backup API in one step: the copy reads one snapshot in
one read transaction, and in WAL mode the app's writers go on committing meanwhile. (Copied
page by page instead, every write from another connection restarts the copy, which on a
busy database might never finish.) PostgreSQL is dumped by `pg_dump`, which reads one
snapshot too, in its custom format; `pg_restore` loads it in one transaction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# What the database of each kind is called inside a backup file.
MEMBER = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}


class BackupError(Exception):
    """A backup or a restore refused or failed; the message says what and why."""


def kind(alias: str = DEFAULT_DB_ALIAS) -> str:
    """`sqlite` or `postgresql`: the database this installation runs on."""
    vendor = connections[alias].vendor
    if vendor not in MEMBER:
        raise BackupError(f"database: backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def sqlite_path(alias: str = DEFAULT_DB_ALIAS) -> Path | None:
    """The SQLite file, or None for an in-memory database (the test suite's)."""
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:memorydb") or "mode=memory" in name:
        return None
    return Path(name).resolve()


def copy_sqlite(source: sqlite3.Connection, dest: Path) -> None:
    """Copy the database open on `source` into a new file `dest`, consistently."""
    target = sqlite3.connect(dest)
    try:
        source.backup(target, pages=-1)
        # The copy gets the source's journal mode in its header; a file that travels alone
        # is better off without a -wal beside it (the app turns WAL back on when it opens it).
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def dump_sqlite(dest: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Copy the app's SQLite database into `dest` through its online backup API."""
    connection = connections[alias]
    if connection.in_atomic_block:
        # SQLite cannot copy a database its own connection is writing: the copy would wait
        # for a lock it holds itself.
        raise BackupError("database: a backup cannot be taken inside a transaction")
    connection.ensure_connection()
    raw: Any = connection.connection
    copy_sqlite(raw, dest)


def sqlite_is_empty(path: Path) -> bool:
    """Whether the file holds no table (or does not exist): a place a backup may go."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        row = db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    return int(row[0]) == 0


def check_sqlite_file(path: Path) -> None:
    """Refuse a database copy that SQLite does not read as a sound database."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"database: the backup's SQLite copy does not open ({exc})") from exc
    if verdict != "ok":
        raise BackupError(f"database: the backup's SQLite copy is damaged ({verdict})")


def install_sqlite(copy: Path, target: Path) -> None:
    """Put the checked copy in place of the (empty) database file, atomically."""
    connections.close_all()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(copy, target)


def postgres_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the PostgreSQL database (its search path) holds no table."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name}: not found on PATH. PostgreSQL backups need PostgreSQL's client tools "
            "(pg_dump and pg_restore, of the server's major version or newer; on Debian "
            "the package postgresql-client)"
        )
    return found


def _libpq_env(alias: str) -> dict[str, str]:
    """The connection of the app's database as libpq variables: a password never shows in
    the process list."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], alias: str) -> None:
    done = subprocess.run(  # noqa: S603 - the tool's absolute path, arguments of ours
        command, env=_libpq_env(alias), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tool = Path(command[0]).name
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{tool} failed: {detail[-1] if detail else done.returncode}")


def dump_postgres(dest: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """pg_dump the app's database into `dest`, in the custom format."""
    name = str(connections[alias].settings_dict["NAME"])
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={dest}",
            f"--dbname={name}",
        ],
        alias,
    )


def restore_postgres(dump: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """pg_restore `dump` into the app's (empty) database, all or nothing."""
    name = str(connections[alias].settings_dict["NAME"])
    tool = _tool("pg_restore")
    connections.close_all()
    _run(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(dump),
        ],
        alias,
    )
    # pg_restore brings rows, not the planner's statistics: gather them now, or the first
    # pages plan their queries blind until autovacuum gets round to it.
    with connections[alias].cursor() as cursor:
        cursor.execute("ANALYZE")


def require_tool(name: str) -> None:
    """Fail early, before anything is written, when a PostgreSQL tool is missing."""
    _tool(name)
