"""SQLite's online backup while another connection keeps writing: the copy opens, passes
SQLite's integrity check and holds a state some transaction committed, never a half one."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path

from goalkeeper.backups.databases import check_sqlite_file, copy_sqlite, sqlite_is_empty


def _database(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
        db.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
        db.executemany("INSERT INTO account (balance) VALUES (?)", [(100,)] * 200)
        # A few megabytes, so that a copy takes long enough for writes to land during it.
        db.executemany("INSERT INTO ledger (note) VALUES (?)", [("x" * 400,)] * 20_000)
        db.commit()


class Writer(threading.Thread):
    """Moves money between accounts, one transaction at a time: the total never changes,
    and every transfer adds one ledger row."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.commits = 0

    def run(self) -> None:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        step = 0
        while not self.stop.is_set():
            step += 1
            src, dst = step % 200 + 1, (step * 7) % 200 + 1
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE account SET balance = balance - 1 WHERE id = ?", (src,))
            db.execute("INSERT INTO ledger (note) VALUES (?)", (f"transfer {step}",))
            db.execute("UPDATE account SET balance = balance + 1 WHERE id = ?", (dst,))
            db.execute("COMMIT")
            self.commits += 1
        db.close()


def test_an_online_backup_taken_while_writes_go_on_is_whole_and_consistent(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.sqlite3"
    _database(live)
    writer = Writer(live)
    writer.start()
    overlapped = 0
    try:
        while writer.commits < 20:
            time.sleep(0.01)
        source = sqlite3.connect(live, timeout=30)
        try:
            for round_ in range(5):
                copy = tmp_path / f"copy-{round_}.sqlite3"
                before = writer.commits
                copy_sqlite(source, copy)
                overlapped += writer.commits > before

                check_sqlite_file(copy)
                with contextlib.closing(sqlite3.connect(copy)) as db:
                    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                    total = db.execute("SELECT sum(balance) FROM account").fetchone()[0]
                    transfers = db.execute(
                        "SELECT count(*) FROM ledger WHERE note LIKE 'transfer %'"
                    ).fetchone()[0]
                    latest = db.execute(
                        "SELECT max(CAST(substr(note, 10) AS INTEGER)) FROM ledger "
                        "WHERE note LIKE 'transfer %'"
                    ).fetchone()[0]
                    # A travelling copy needs no -wal beside it.
                    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
                assert total == 200 * 100
                assert transfers == latest
                assert transfers >= before
        finally:
            source.close()
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    # The writer really wrote while copies were made, and was never blocked for good.
    assert writer.commits > 20
    assert overlapped >= 1


def test_a_missing_or_tableless_file_is_an_empty_target(tmp_path: Path) -> None:
    assert sqlite_is_empty(tmp_path / "absent.sqlite3")
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert sqlite_is_empty(empty)
    full = tmp_path / "full.sqlite3"
    _database(full)
    assert not sqlite_is_empty(full)
