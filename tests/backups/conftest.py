"""Helpers for the backup tests: a `goalkeeper` command run in its own process, against a
data directory (and a database) of its own, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def env_for(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "SOURCE_FILE_ROOTS", "SECRET_KEY", "BACKUP_DIR"):
        env.pop(name, None)
    env.update(
        GOALKEEPER_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="goalkeeper.settings",
        PYTHONPATH=str(PROJECT),
        API_RATE_LIMIT="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def goalkeeper(
    *args: str, data_dir: Path, database_url: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`goalkeeper ARGS...` for the installation in `data_dir`."""
    done = subprocess.run(  # noqa: S603 - this interpreter, our own modules
        [sys.executable, "-m", "goalkeeper.cli", *args],
        cwd=PROJECT,
        env=env_for(data_dir, database_url),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"goalkeeper {' '.join(args)} failed:\n{done.stderr}")
    return done


def answers(*args: str, data_dir: Path, database_url: str | None = None) -> str:
    """Run tests/backups/answers.py in the installation's own process; its stdout."""
    done = subprocess.run(  # noqa: S603 - this interpreter, our own modules
        [sys.executable, "-m", "tests.backups.answers", *args],
        cwd=PROJECT,
        env=env_for(data_dir, database_url),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"answers {args[0]} failed:\n{done.stderr}")
    return done.stdout.strip()
