"""W5: on PostgreSQL, two web processes and two workers against one of each, under the same
mixed load (pages, the API and check-ins): the throughput ratio.

The company is loaded into a fresh database (dropped afterwards); a smaller company than
the other workloads' keeps the run short. Without `goalkeeper serve --workers`, two servers
on two ports stand for two processes and the clients alternate between them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.company import PASSWORD, Site, build, inside
from benchmarks.load import Call, Identity, Plan, closed_loop, login
from benchmarks.server import Ports, Process, Server, running, serve_has_workers, worker

CLIENTS = 16


@contextmanager
def databases(server_url: str) -> Iterator[tuple[str, str]]:
    """A fresh database for the app and one for the job queue, dropped afterwards."""
    import psycopg

    suffix = secrets.token_hex(4)
    names = (f"gk_bench_{suffix}", f"gk_bench_{suffix}_queue")
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url}/{names[0]}", f"{server_url}/{names[1]}"
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _plan(ids: dict[str, Any]) -> Plan:
    pages = [
        Call("home", "/"),
        Call("objective page", f"/objectives/{ids['objective']}/"),
        Call("KPI page", f"/kpis/{ids['kpi']}/"),
        Call("API objectives", "/api/v1/objectives"),
    ]
    key_results = ids["key_results"]

    def plan(client: int, iteration: int) -> Call:
        step = iteration % (len(pages) + 1)
        if step < len(pages):
            return pages[step]
        key_result = key_results[client % len(key_results)]
        start, target = float(key_result["start"]), float(key_result["target"])
        return Call(
            "check-in",
            f"/api/v1/key-results/{key_result['id']}/check-ins",
            "POST",
            {"value": start + (target - start) * ((iteration % 7) / 7), "confidence": 5},
        )

    return plan


def _configuration(
    site: Site, processes: int, ports: Ports, logs: Path, has_workers: bool
) -> list[Process]:
    if has_workers:
        web: list[Process] = [Server(site, ports.take(), processes, logs / f"web-{processes}.log")]
    else:
        web = []
        for number in range(processes):
            port = ports.take()
            server = Server(site, port, None, logs / f"web-{processes}-{number}.log")
            server.start()  # started here so the next free port is really free
            web.append(server)
    workers = [worker(site, logs / f"worker-{processes}-{n}.log") for n in range(processes)]
    return web + workers


def run(
    server_url: str, work_dir: Path, people: int, seconds: float, ports: Ports
) -> dict[str, Any]:
    result: dict[str, Any] = {"people": people, "seconds": seconds, "clients": CLIENTS}
    with databases(server_url) as (database_url, queue_url):
        site = Site(work_dir / "postgresql", database_url, queue_url)
        built = build(site, people)
        result["build_s"] = built.seconds
        ids = inside(site, "prepare", "--people", str(CLIENTS), "--series", "0")
        has_workers = serve_has_workers(site)
        result["serve_workers_flag"] = has_workers
        identities: list[Identity] = []
        runs = []
        for processes in (1, 2):
            configured = _configuration(site, processes, ports, work_dir / "logs", has_workers)
            with running(configured):
                urls = [p.base_url for p in configured if isinstance(p, Server)]
                if not identities:
                    for person in ids["people"]:
                        session = login(urls[0], person["email"], PASSWORD)
                        identities.append(
                            Identity(
                                cookies=session.cookies,
                                headers={"Authorization": f"Bearer {person['token']}"},
                            )
                        )
                figures = closed_loop(urls, identities, _plan(ids), seconds)
            runs.append({"processes": processes, "workers": processes, **figures})
        result["runs"] = runs
        result["ratio"] = round(runs[1]["rps"] / runs[0]["rps"], 2) if runs[0]["rps"] else None
    return result
