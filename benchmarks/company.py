"""The company under test: where it lives, how it is built, and how it is prepared.

Every Goalkeeper command runs in a child process with the site's environment, so the
benchmark itself never loads Django settings: the same run measures an SQLite site and a
PostgreSQL one side by side.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "goalkeeper-demo"  # noqa: S105 - the published password of every demo login


@dataclass(frozen=True)
class Site:
    """A data directory and, on PostgreSQL, the database and job-queue URLs."""

    data_dir: Path
    database_url: str | None = None
    queue_url: str | None = None

    @property
    def sqlite_path(self) -> Path | None:
        return None if self.database_url else self.data_dir / "goalkeeper.sqlite3"

    @property
    def engine(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a Goalkeeper process for this site (this checkout's code)."""
        env = dict(os.environ)
        env["GOALKEEPER_DATA_DIR"] = str(self.data_dir)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        for name, value in (("DATABASE_URL", self.database_url), ("HUEY_URL", self.queue_url)):
            if value:
                env[name] = value
            else:
                env.pop(name, None)
        env.update(extra)
        return env


def goalkeeper(*args: str) -> list[str]:
    """The command line of `goalkeeper ARGS` with this interpreter."""
    return [sys.executable, "-m", "goalkeeper.cli", *args]


@dataclass(frozen=True)
class Built:
    """How long `goalkeeper demo` took (None when the company was copied)."""

    seconds: float | None


def build(site: Site, people: int | None, seed: int = 2026) -> Built:
    """Load the demo company of `people` people (None: the demo as shipped) into the site,
    timing the whole command."""
    site.data_dir.mkdir(parents=True, exist_ok=True)
    scale = [] if people is None else ["--people", str(people)]
    started = time.perf_counter()
    done = subprocess.run(
        goalkeeper("demo", *scale, "--seed", str(seed), "--no-progress"),
        env=site.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"goalkeeper demo failed:\n{done.stdout}\n{done.stderr}")
    return Built(seconds=seconds)


def copy(source: Path, site: Site) -> Built:
    """Use an already built data directory (SQLite) instead of building one."""
    shutil.copytree(source, site.data_dir, dirs_exist_ok=True)
    return Built(seconds=None)


def inside(site: Site, *args: str) -> dict[str, Any]:
    """Run `benchmarks.inside ARGS` under Django for the site; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.inside", *args],
        env=site.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.inside {' '.join(args)} failed:\n{done.stderr}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def snapshot(site: Site, target: Path) -> Path:
    """A consistent copy of the site's SQLite file (the backup API, safe while it is open)."""
    source = site.sqlite_path
    if source is None:
        raise ValueError("snapshot: only an SQLite site has a file to copy")
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
