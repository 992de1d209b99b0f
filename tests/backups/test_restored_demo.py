"""A restored demo answers as the original: every page a signed-in admin reaches from the
home page and every GET endpoint of the API, status and body, the clock frozen alike.

Both installations run in processes of their own, as an operator would run them: the demo is
loaded, a session and an API token are made, a backup is taken, the original is asked; the
backup is restored into a fresh data directory (and, on PostgreSQL, a fresh database) and
asked the same questions with the same session cookie and token.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.backups.conftest import answers, goalkeeper
from tests.demo_copy import demo_into

ADMIN = "admin@northwind.example"
SESSION_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SESSION_URL.startswith(("postgres://", "postgresql://"))


def _compare(tmp: Path, original: Path, restored: Path, urls: dict[str, str | None]) -> None:
    if urls["original"] is None:
        demo_into(original)
    else:
        goalkeeper("demo", "--no-progress", data_dir=original, database_url=urls["original"])
    session = answers("login", ADMIN, data_dir=original, database_url=urls["original"])
    token = goalkeeper(
        "token",
        "create",
        "--user",
        ADMIN,
        "--name",
        "restore check",
        data_dir=original,
        database_url=urls["original"],
    ).stdout.strip()
    backup = tmp / "demo-backup.tar.gz"
    goalkeeper("backup", "--output", str(backup), data_dir=original, database_url=urls["original"])
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()

    before = json.loads(
        answers("crawl", session, token, at, data_dir=original, database_url=urls["original"])
    )
    asked = tmp / "urls.json"
    asked.write_text(json.dumps(list(before)))
    restored_dir_output = goalkeeper(
        "restore", str(backup), data_dir=restored, database_url=urls["restored"]
    ).stdout
    assert "Restored the backup" in restored_dir_output
    after = json.loads(
        answers(
            "crawl",
            session,
            token,
            at,
            str(asked),
            data_dir=restored,
            database_url=urls["restored"],
        )
    )

    # The questions were real ones: signed in, the demo's pages and the API's lists.
    assert before["/"][0] == 200
    assert "Northwind" in before["/"][2]
    assert sum(1 for answer in before.values() if answer[0] == 200) > 60
    assert any(url.startswith("/api/v1/objectives") for url in before)
    assert list(after) == list(before)
    # Pages that name the installation's own folders (the backups page) name each its own.
    # (Sources reading files keep the paths they were given, the original's folder.)
    before = _in_any_folder(_in_any_folder(before, original), restored)
    after = _in_any_folder(_in_any_folder(after, restored), original)
    differing = [url for url in before if before[url] != after[url]]
    assert differing == [], _explain(differing, before, after)


def _in_any_folder(answered: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    return {
        url: [*answer[:2], str(answer[2]).replace(str(data_dir), "DATA_DIR")]
        for url, answer in answered.items()
    }


def _explain(differing: list[str], before: dict[str, Any], after: dict[str, Any]) -> str:
    first = differing[0]
    lines = difflib.unified_diff(
        str(before[first][2]).splitlines(), str(after[first][2]).splitlines(), lineterm="", n=1
    )
    status = f"{first}: {before[first][:2]} then {after[first][:2]}"
    return f"the restored installation answers otherwise: {differing[:10]}\n{status}\n" + "\n".join(
        list(lines)[:40]
    )


def test_a_restored_sqlite_demo_answers_every_page_and_api_call_as_the_original(
    tmp_path: Path,
) -> None:
    _compare(
        tmp_path,
        tmp_path / "original",
        tmp_path / "restored",
        {"original": None, "restored": None},
    )


@pytest.fixture
def two_databases() -> Iterator[dict[str, str | None]]:
    """Two new, empty PostgreSQL databases on the test run's server, dropped afterwards."""
    parts = urlsplit(SESSION_URL)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    names = {role: f"gk_backup_{role}_{uuid.uuid4().hex[:8]}" for role in ("original", "restored")}
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in names.values():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield {role: urlunsplit(parts._replace(path=f"/{name}")) for role, name in names.items()}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            for name in names.values():
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.mark.postgresql_pass
@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL run of the suite checks this")
@pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are not installed",
)
def test_a_restored_postgresql_demo_answers_every_page_and_api_call_as_the_original(
    tmp_path: Path, two_databases: dict[str, str | None]
) -> None:
    _compare(tmp_path, tmp_path / "original", tmp_path / "restored", two_databases)
