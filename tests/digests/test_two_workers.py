"""Two `goalkeeper worker` processes on one PostgreSQL queue, their clocks frozen at the
moment the reminder and the digests fall due: both schedulers enqueue the periodic job, both
run it, and each person still gets exactly one of each, counted at a real SMTP server.

Real processes, a real PostgreSQL database for the app and another for the queue (huey's
SQL storage). Each process starts through a tiny wrapper that moves its clock with
time-machine (ticking) before running the command.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.mailserver import Inbox

SERVER = "postgresql://postgres@127.0.0.1:5432"
PROJECT = Path(__file__).resolve().parents[2]
WRAPPER = """
import datetime as dt
import sys

import time_machine

moment = dt.datetime.fromisoformat(sys.argv[1])
time_machine.travel(moment, tick=sys.argv[2] == "tick").start()

from goalkeeper.cli import main

main(sys.argv[3:])
"""
BUILD = "from tests.digests.conftest import build_rhythm; build_rhythm()"
BUILT = "2026-11-11T12:00:00+00:00"
# Monday 09:00 UTC: the reminder's default time; the digests are moved to it as well.
DUE = "2026-11-16T09:00:01+00:00"
SCHEDULE = """
import datetime as dt
from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.digests.services import update_schedule
workspace = Workspace.objects.get(slug="rhythm")
ada = Person.objects.get(workspace=workspace, name="Ada Rhythm")
update_schedule(actor=ada, workspace=workspace, digest_time=dt.time(9, 0))
"""
EXPECTED = {
    ("omar@rhythm.test", "reminder"): 1,
    ("omar@rhythm.test", "personal"): 1,
    ("lena@rhythm.test", "personal"): 1,
    ("lena@rhythm.test", "team"): 1,
    ("ada@rhythm.test", "company"): 1,
}


def _server_answers() -> bool:
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


pytestmark = [
    pytest.mark.postgresql_pass,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs in the PostgreSQL pass (two workers on a PostgreSQL queue)",
    ),
    pytest.mark.skipif(not _server_answers(), reason="PostgreSQL does not answer"),
]


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    suffix = secrets.token_hex(4)
    names = (f"gk_digests_app_{suffix}", f"gk_digests_queue_{suffix}")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{SERVER}/{names[0]}", f"{SERVER}/{names[1]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _digests(inbox: Inbox) -> int:
    return sum(1 for m in inbox.messages if m["X-Goalkeeper-Digest"])


def _command(wrapper: Path, moment: str, tick: bool, *args: str) -> list[str]:
    return [sys.executable, str(wrapper), moment, "tick" if tick else "frozen", *args]


def _run(env: dict[str, str], command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603
        command, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_two_workers_send_each_reminder_and_digest_once(
    tmp_path: Path, databases: tuple[str, str], smtp_server: Inbox, settings: object
) -> None:
    app, queue = databases
    wrapper = tmp_path / "at.py"
    wrapper.write_text(WRAPPER)
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "HUEY_IMMEDIATE"}}
    env.update(
        DATABASE_URL=app,
        HUEY_URL=queue,
        GOALKEEPER_DATA_DIR=str(tmp_path / "data"),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),  # type: ignore[attr-defined]
        PYTHONPATH=str(PROJECT),
    )
    _run(env, [sys.executable, "-m", "goalkeeper.cli", "migrate", "-v0"])
    _run(env, _command(wrapper, BUILT, False, "shell", "-c", BUILD))
    _run(env, _command(wrapper, BUILT, False, "shell", "-c", SCHEDULE))

    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in (1, 2)]  # noqa: SIM115
    workers = [
        subprocess.Popen(  # noqa: S603
            _command(wrapper, DUE, True, "worker", "--workers", "2", "--max-delay", "0.2"),
            env=env,
            cwd=PROJECT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        deadline = time.monotonic() + 60
        while _digests(smtp_server) < len(EXPECTED) and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), "a worker stopped"
            time.sleep(0.2)
        # Both schedulers enqueued the job; let the slower run finish: it must send nothing.
        with psycopg.connect(app) as conn:
            while time.monotonic() < deadline:
                (rounds,) = conn.execute("SELECT count(*) FROM digests_digestround").fetchone()
                if rounds >= 4:
                    break
                time.sleep(0.2)
        time.sleep(2.0)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        for log in logs:
            log.close()

    # Other notifications (a lead hears of check-ins on what she watches) come by email too.
    arrived = Counter(
        (str(m["To"]), str(m["X-Goalkeeper-Digest"]))
        for m in smtp_server.messages
        if m["X-Goalkeeper-Digest"]
    )
    assert arrived == EXPECTED, str(arrived) + "\n".join(
        (tmp_path / f"worker-{n}.log").read_text()[-2000:] for n in (1, 2)
    )
    with psycopg.connect(app) as conn:
        rows = conn.execute(
            "SELECT kind, status, count(*) FROM digests_digestsend GROUP BY kind, status"
        ).fetchall()
    assert sorted(rows) == [
        ("company", "sent", 1),
        ("personal", "sent", 2),
        ("reminder", "sent", 1),
        ("team", "sent", 1),
    ]
