"""The demo company served by `goalkeeper serve` from a data folder of its own, once per test
module: the accessibility and keyboard tests visit many pages of a rich world, and loading the
demo per test would take most of their time.

The instance runs this checkout's code on SQLite in a temporary folder (never the test run's
database); `tests/browser/accessibility_world.py` reads the ids of the objects to visit.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.demo_copy import demo_into

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "goalkeeper-demo"
SERVE = [sys.executable, "-m", "goalkeeper.cli", "serve", "--host", "127.0.0.1", "--workers", "1"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def goalkeeper(env: dict[str, str], *args: str) -> str:
    """Run a `goalkeeper` command of this checkout in the served instance's environment."""
    done = subprocess.run(  # noqa: S603 - this checkout's own command
        [sys.executable, "-m", "goalkeeper.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"goalkeeper {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass(frozen=True)
class Served:
    """Where the demo is served, and the ids of the objects to visit."""

    url: str
    ids: dict[str, Any]


@pytest.fixture(scope="module", name="demo")
def demo_fixture() -> Iterator[Served]:
    """The demo company, served by `goalkeeper serve` from a data folder of its own."""
    with tempfile.TemporaryDirectory(prefix="goalkeeper-a11y-") as data_dir:
        env = {**os.environ, "GOALKEEPER_DATA_DIR": data_dir}
        # Never the test run's database: SQLite in the temporary folder.
        env.pop("DATABASE_URL", None)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        demo_into(Path(data_dir))
        printed = goalkeeper(
            env,
            "shell",
            "-c",
            "import json; from tests.browser.accessibility_world import ids; "
            "print('IDS=' + json.dumps(ids()))",
        )
        ids = json.loads(printed.split("IDS=", 1)[1])
        port = free_port()
        log = Path(data_dir) / "serve.log"
        with log.open("w") as output:
            server = subprocess.Popen(  # noqa: S603 - this checkout's own command
                [*SERVE, "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(url, server, log)
                yield Served(url, ids)
            finally:
                server.terminate()
                server.wait(timeout=30)


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"goalkeeper serve stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"goalkeeper serve did not answer in time:\n{log.read_text()}")
