"""The `goalkeeper` command, run for real in a subprocess against a fresh data directory."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

GOALKEEPER = [sys.executable, "-m", "goalkeeper.cli"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    # The embedded SQLite file, even during the PostgreSQL run of the suite.
    env["GOALKEEPER_DATA_DIR"] = str(data_dir)
    return env


def run(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603
        [*GOALKEEPER, *args],
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_lists_goalkeeper_commands(data_dir: Path) -> None:
    out = run(data_dir, "help").stdout
    for command in ("serve", "worker", "demo", "createadmin", "migrate"):
        assert command in out


def test_migrate_creates_a_sqlite_file_in_wal_mode(data_dir: Path) -> None:
    run(data_dir, "migrate", "-v0")
    database = data_dir / "goalkeeper.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_secret_key_is_generated_once_and_kept_private(data_dir: Path) -> None:
    run(data_dir, "check")
    key_file = data_dir / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    run(data_dir, "check")
    assert key_file.read_text() == first


def test_createadmin_with_flags_makes_workspace_and_admin(data_dir: Path) -> None:
    result = run(
        data_dir,
        "createadmin",
        "--email",
        "Boss@Example.com",
        "--password",
        "a-long-enough-passphrase",
        "--workspace",
        "Initech",
    )
    assert "boss@example.com is an admin of workspace 'Initech'" in result.stdout
    # Running it again is safe: the same person stays the admin.
    run(
        data_dir,
        "createadmin",
        "--email",
        "boss@example.com",
        "--password",
        "another-long-passphrase",
        "--workspace",
        "Initech",
    )
    with sqlite3.connect(data_dir / "goalkeeper.sqlite3") as conn:
        rows = conn.execute(
            "SELECT w.name, p.role FROM accounts_person p"
            " JOIN accounts_workspace w ON w.id = p.workspace_id"
        ).fetchall()
    assert rows == [("Initech", "admin")]


def test_createadmin_without_terminal_names_the_missing_field(data_dir: Path) -> None:
    result = run(data_dir, "createadmin", check=False)
    assert result.returncode != 0
    assert "Email is required" in result.stderr


def test_createadmin_refuses_a_bad_email_and_a_weak_password(data_dir: Path) -> None:
    bad_email = run(
        data_dir, "createadmin", "--email", "not-an-email", "--password", "x" * 20, check=False
    )
    assert "email: 'not-an-email' is not a valid email address" in bad_email.stderr
    weak = run(
        data_dir, "createadmin", "--email", "a@example.com", "--password", "123", check=False
    )
    assert "password:" in weak.stderr
    assert "too short" in weak.stderr


@pytest.fixture(scope="module")
def serve_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the serve tests: static files are collected on the first start."""
    return tmp_path_factory.mktemp("served")


def start(data_dir: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`goalkeeper serve` on a free port, once it answers /healthz."""
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [*GOALKEEPER, "serve", "--port", str(port), *args],
        env=cli_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                assert response.status == 200
                return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(proc.stdout.read() if proc.stdout else "server died") from None
            time.sleep(0.3)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    """Stop the server as a terminal or a service manager would; returns what it printed."""
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=30)
    return out


@pytest.fixture
def server(serve_dir: Path) -> Iterator[str]:
    proc, base = start(serve_dir)
    try:
        yield base
    finally:
        stop(proc)


def test_serve_migrates_first_and_answers_http(server: str, serve_dir: Path) -> None:
    with urllib.request.urlopen(f"{server}/login/", timeout=5) as response:  # noqa: S310
        assert response.status == 200
        page = response.read().decode()
        assert "csrfmiddlewaretoken" in page
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with urllib.request.urlopen(f"{server}/static/vendor/echarts/echarts.min.js", timeout=5) as js:  # noqa: S310
        assert js.status == 200
    assert (serve_dir / "goalkeeper.sqlite3").exists()
    # Collected on start: hashed names, with a manifest.
    assert (serve_dir / "static" / "staticfiles.json").exists()
    assert re.search(r"/static/goalkeeper/css/app\.[0-9a-f]{12}\.css", page)


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_serve_runs_gunicorn_processes_and_stops_them_with_the_worker(serve_dir: Path) -> None:
    proc, _ = start(serve_dir, "--workers", "2", "--threads", "2", "--with-worker")
    # Two web processes and the background worker. /healthz answers as soon as the first web
    # process is up; the second may still be forking on a busy machine.
    deadline = time.monotonic() + 30
    while len(kids := children(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(kids) == 3
    out = stop(proc, signal.SIGINT)
    assert "Server: gunicorn, 2 processes x 2 threads." in out
    assert out.count("Booting worker with pid") == 2
    deadline = time.monotonic() + 15
    while any(alive(kid) for kid in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [kid for kid in kids if alive(kid)], "a child outlived the server"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_serve_falls_back_to_waitress_and_stops_the_worker_on_sigterm(serve_dir: Path) -> None:
    proc, base = start(serve_dir, "--server", "waitress", "--with-worker")
    with urllib.request.urlopen(f"{base}/login/", timeout=5) as response:  # noqa: S310
        assert response.status == 200
    kids = children(proc.pid)
    assert len(kids) == 1
    out = stop(proc, signal.SIGTERM)
    assert "Server: waitress, 1 process x 8 threads" in out
    deadline = time.monotonic() + 15
    while any(alive(kid) for kid in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [kid for kid in kids if alive(kid)], "the worker outlived the server"


def test_serve_refuses_zero_workers(data_dir: Path) -> None:
    result = run(data_dir, "serve", "--workers", "0", check=False)
    assert result.returncode != 0
    assert "--workers" in result.stderr


def test_worker_starts(data_dir: Path) -> None:
    run(data_dir, "migrate", "-v0")
    proc = subprocess.Popen(  # noqa: S603
        [*GOALKEEPER, "worker"],
        env=cli_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first_line = proc.stdout.readline()
        assert "Goalkeeper worker started" in first_line
        time.sleep(1)
        assert proc.poll() is None, "the worker exited on its own"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
