"""Two `goalkeeper worker` processes share one PostgreSQL queue: every slot of a schedule of
50 sources runs exactly once, cycle after cycle.

Real processes, a real PostgreSQL database for the app and another for the queue (huey's
SQL storage), real CSV files. Time is moved by putting the sources' next run in the past,
as a passing minute would, and by enqueueing the "dispatch what is due" job several times
per cycle, as several workers' schedulers do.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

SERVER = "postgresql://postgres@127.0.0.1:5432"
SOURCES = 50
CYCLES = 4
GOALKEEPER = [sys.executable, "-m", "goalkeeper.cli"]

SETUP = f"""
from goalkeeper.accounts.services import company_team, create_workspace
from goalkeeper.kpis.services import create_kpi
from goalkeeper.sources import services
workspace = create_workspace(name="Acme")
team = company_team(workspace)
for number in range({SOURCES}):
    kpi = create_kpi(actor=None, team=team, name=f"KPI {{number}}", frequency="daily", target=100)
    configuration = services.configure(kpi=kpi, kind="csv", values={{
        "location": f"{{ROOT}}/kpi-{{number}}.csv",
        "timestamp_column": "date",
        "value_column": "value",
    }})
    services.create_source(actor=None, kpi=kpi, configuration=configuration, interval_minutes=1)
"""

# Every worker's scheduler enqueues the dispatch job each minute; here, three per cycle.
DISPATCH = """
from goalkeeper.sources.tasks import dispatch_due_sources
for _ in range(3):
    dispatch_due_sources()
"""


def _server_answers() -> bool:
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


pytestmark = [
    pytest.mark.skipif(not _server_answers(), reason="PostgreSQL does not answer"),
    # The test brings its own databases; running it again in the PostgreSQL pass of the
    # suite would prove nothing more.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs once, in the SQLite pass (it makes its own PostgreSQL databases)",
    ),
]


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    suffix = secrets.token_hex(4)
    names = (f"gk_app_{suffix}", f"gk_queue_{suffix}")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{SERVER}/{names[0]}", f"{SERVER}/{names[1]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _write_csv(path: Path, days: int) -> None:
    lines = ["date,value", *(f"2026-11-{day:02d},{day * 10}" for day in range(1, days + 1))]
    path.write_text("\n".join(lines) + "\n")


def _run(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603
        [*GOALKEEPER, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _finished_runs(app: str) -> int:
    with psycopg.connect(app) as conn:
        row = conn.execute(
            "SELECT count(*) FROM sources_syncrun WHERE status IN ('succeeded', 'failed')"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_two_workers_on_one_postgresql_queue_run_every_slot_exactly_once(
    tmp_path: Path, databases: tuple[str, str]
) -> None:
    app, queue = databases
    root = tmp_path / "files"
    root.mkdir()
    for number in range(SOURCES):
        _write_csv(root / f"kpi-{number}.csv", days=1)
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "HUEY_IMMEDIATE"}}
    env.update(
        DATABASE_URL=app,
        HUEY_URL=queue,
        GOALKEEPER_DATA_DIR=str(tmp_path / "data"),
        SOURCE_FILE_ROOTS=str(root),
    )
    _run(env, "migrate", "-v0")
    _run(env, "shell", "-c", SETUP.replace("{ROOT}", str(root)))

    logs = [open(tmp_path / f"worker-{n}.log", "w") for n in (1, 2)]  # noqa: SIM115
    workers = [
        subprocess.Popen(  # noqa: S603
            [*GOALKEEPER, "worker", "--workers", "2", "--max-delay", "0.2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        for cycle in range(1, CYCLES + 1):
            if cycle > 1:
                # A minute passes: each file gains a day, each source is due again.
                for number in range(SOURCES):
                    _write_csv(root / f"kpi-{number}.csv", days=cycle)
                with psycopg.connect(app) as conn:
                    conn.execute(
                        "UPDATE sources_datasource SET next_run_at = now() - interval '1 second'"
                    )
            _run(env, "shell", "-c", DISPATCH)
            deadline = time.monotonic() + 90
            while _finished_runs(app) < SOURCES * cycle and time.monotonic() < deadline:
                assert all(w.poll() is None for w in workers), "a worker stopped"
                time.sleep(0.2)
            # Let stray dispatch jobs finish: they must find nothing more to run.
            time.sleep(1.0)
            assert _finished_runs(app) == SOURCES * cycle, f"cycle {cycle}"
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        for log in logs:
            log.close()

    with psycopg.connect(app) as conn:
        per_source = conn.execute(
            "SELECT s.id, count(r.id), count(DISTINCT r.due_at),"
            " count(*) FILTER (WHERE r.status = 'succeeded')"
            " FROM sources_datasource s LEFT JOIN sources_syncrun r ON r.source_id = s.id"
            " GROUP BY s.id"
        ).fetchall()
        workers_seen = conn.execute("SELECT count(DISTINCT worker) FROM sources_syncrun").fetchone()
        values = conn.execute(
            "SELECT count(*), count(DISTINCT kpi_id) FROM kpis_measurement"
        ).fetchone()
    assert len(per_source) == SOURCES
    # None missed, none twice: one run per source per cycle, each for its own slot.
    assert {(runs, slots, ok) for _, runs, slots, ok in per_source} == {(CYCLES, CYCLES, CYCLES)}
    # Both processes did work (each with two threads).
    assert workers_seen is not None
    assert workers_seen[0] >= 2
    # Each cycle brought one more day to each KPI, and nothing was written twice.
    assert values == (SOURCES * CYCLES, SOURCES)
