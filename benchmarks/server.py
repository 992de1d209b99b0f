"""Goalkeeper's processes under test: `goalkeeper serve` and `goalkeeper worker`.

Each runs in its own process group, so stopping it stops the processes it started (a
production server's worker processes, the worker's threads).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks.company import REPO, Site, goalkeeper


def serve_has_workers(site: Site) -> bool:
    """Whether this checkout's `goalkeeper serve` takes `--workers` (several processes)."""
    done = subprocess.run(
        goalkeeper("serve", "--help"),
        env=site.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return "--workers" in done.stdout


class Ports:
    """Ports for servers: from `first` on (up to nine of them), or any free one."""

    def __init__(self, first: int | None) -> None:
        self.first = first

    @staticmethod
    def _free(port: int) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
        return True

    def take(self) -> int:
        if self.first is None:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("127.0.0.1", 0))
                port: int = probe.getsockname()[1]
                return port
        for port in range(self.first, self.first + 9):
            if self._free(port):
                return port
        raise RuntimeError(f"no free port in {self.first}-{self.first + 8}")


class Process:
    """A child process in its own session, its output in a log file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command, self.env, self.log = command, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.process is not None:
            return
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # The group holds this process and its children (a server's worker processes).
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Server(Process):
    """`goalkeeper serve` on 127.0.0.1:port, with `--workers` when the command has it."""

    def __init__(self, site: Site, port: int, workers: int | None, log: Path) -> None:
        command = goalkeeper("serve", "--host", "127.0.0.1", "--port", str(port))
        if workers is not None:
            command += ["--workers", str(workers)]
        # A plain-http SITE_URL on this machine keeps session cookies usable over http.
        super().__init__(command, site.env(SITE_URL=f"http://127.0.0.1:{port}"), log)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{self.tail()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{self.tail()}")


def worker(site: Site, log: Path) -> Process:
    """`goalkeeper worker` (the background jobs) for the site."""
    return Process(goalkeeper("worker"), site.env(), log)


@contextmanager
def running(processes: list[Process]) -> Iterator[None]:
    """Start the processes (servers answering before this yields), stop them after."""
    try:
        for process in processes:
            process.start()
        for process in processes:
            if isinstance(process, Server):
                process.wait_ready()
        yield
    finally:
        for process in reversed(processes):
            process.stop()
