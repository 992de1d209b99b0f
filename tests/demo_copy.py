"""The demo company on SQLite, loaded once per test process and copied into each data folder
that asks for it: tests that run `goalkeeper` in processes of their own (serving, backups,
reports) each want a folder of their own, and loading the demo takes far longer than copying
one."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_loaded: list[Path] = []


def _load() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="goalkeeper-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    env = dict(os.environ)
    # The folder's own SQLite database and secret key, whatever the test run uses.
    for name in ("DATABASE_URL", "SECRET_KEY", "SOURCE_FILE_ROOTS", "BACKUP_DIR"):
        env.pop(name, None)
    env["GOALKEEPER_DATA_DIR"] = str(folder)
    done = subprocess.run(
        [sys.executable, "-m", "goalkeeper.cli", "demo", "--no-progress"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"goalkeeper demo:\n{done.stdout}\n{done.stderr}"
    return folder


def demo_into(data_dir: Path) -> Path:
    """Fill `data_dir` with the demo company (database, secret key, files); returns it."""
    if not _loaded:
        _loaded.append(_load())
    shutil.copytree(_loaded[0], data_dir, dirs_exist_ok=True)
    return data_dir
