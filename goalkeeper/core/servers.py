"""The HTTP servers behind `goalkeeper serve`: gunicorn where it runs, waitress elsewhere.

gunicorn forks one process per core (Python runs one thread at a time per process, so
processes are what use the cores), each serving requests on a few threads. It needs a
Unix-like system; on Windows, or when gunicorn cannot be imported, waitress serves from
one process with threads. See docs/operations.md.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.db import connections

WsgiApp = Callable[..., Any]


@dataclass(frozen=True)
class Plan:
    """Which server runs, with how many processes and threads, and why."""

    server: str  # "gunicorn" or "waitress"
    workers: int
    threads: int
    reason: str = ""  # why waitress, when gunicorn was wanted

    def describe(self) -> str:
        if self.server == "gunicorn":
            return (
                f"Server: gunicorn, {self.workers} process{'es' if self.workers != 1 else ''}"
                f" x {self.threads} threads."
            )
        because = f" ({self.reason})" if self.reason else ""
        return f"Server: waitress, 1 process x {self.threads} threads{because}."


def gunicorn_problem() -> str:
    """Why gunicorn cannot run here, or "" when it can."""
    if os.name == "nt":
        return "gunicorn does not run on Windows"
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError as error:
        return f"gunicorn cannot be imported: {error}"
    return ""


def plan(server: str, workers: int | None, threads: int) -> Plan:
    """The server to run: `server` is "auto", "gunicorn" or "waitress"."""
    processes = workers if workers is not None else default_workers()
    if server == "waitress":
        return Plan("waitress", 1, threads, "asked for with --server waitress")
    problem = gunicorn_problem()
    if problem:
        if server == "gunicorn":
            raise RuntimeError(f"--server gunicorn: {problem}")
        return Plan("waitress", 1, threads, problem)
    return Plan("gunicorn", processes, threads)


def default_workers() -> int:
    """One process per core."""
    return os.cpu_count() or 1


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def run_gunicorn(application: WsgiApp, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped: Ctrl+C (SIGINT) stops at once, SIGTERM lets requests finish."""
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": bind_address(host, port),
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # The app is loaded once, here, and the processes are forked with it: they start
        # at once and share its memory.
        "preload_app": True,
        "proc_name": "goalkeeper",
        "errorlog": "-",
        "accesslog": None,
        # A slow request (a large import) must not get its process killed: gthread's
        # heartbeat runs beside the request threads, so this only catches a stuck process.
        "timeout": 120,
        "graceful_timeout": 20,
        # An idle keep-alive connection waits in the poller, not on a thread, so it may stay
        # open a while; gunicorn's 2 s would close connections a browser or a proxy is
        # about to reuse (the client then sees a reset).
        "keepalive": 20,
        # gunicorn >= 25 opens a control socket at one path per user; two servers on one
        # machine would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> WsgiApp:
            return application

    # The forked processes must not share the connections this process opened (migrating,
    # collecting static files): each opens its own on its first request.
    connections.close_all()
    Server().run()


def run_waitress(application: WsgiApp, host: str, port: int, threads: int) -> None:
    """Serve until Ctrl+C or SIGTERM; returns after the server has stopped."""
    from waitress import serve

    def stop(signum: int, frame: FrameType | None) -> None:
        # waitress stops cleanly on SystemExit; without this, SIGTERM would end the
        # process at once and leave the worker child running.
        raise SystemExit(0)

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop)
    serve(application, host=host, port=port, threads=threads, ident="goalkeeper")
    sys.stdout.flush()
