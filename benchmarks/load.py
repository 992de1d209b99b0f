"""The HTTP side: logging in, one-request timings, and closed-loop load.

The load client is asyncio with one `httpx.AsyncClient` per simulated client (its own
connection and cookies). It runs on the same machine as the server, so it takes CPU from
it; the CPU time it used is reported with each run.
"""

from __future__ import annotations

import asyncio
import math
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

CLIENT_NOTE = (
    "client: asyncio + httpx, one connection and session per client, on the same machine "
    "as the server (they share its cores)"
)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOCKED = "database is locked"


@dataclass(frozen=True)
class Identity:
    """How a client is known: a session's cookies or an API token's header."""

    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def token(raw: str) -> Identity:
    return Identity(headers={"Authorization": f"Bearer {raw}"})


def login(base_url: str, email: str, password: str) -> Identity:
    """Log in through the login form, as a browser does; the session's cookies."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        form = client.get("/login/")
        found = _CSRF.search(form.text)
        if found is None:
            raise RuntimeError(f"no CSRF token on the login page ({form.status_code})")
        answer = client.post(
            "/login/",
            data={"username": email, "password": password, "csrfmiddlewaretoken": found[1]},
            headers={"Referer": f"{base_url}/login/"},
        )
        if answer.status_code != 302 or "sessionid" not in client.cookies:
            raise RuntimeError(f"login of {email} failed ({answer.status_code})")
        return Identity(cookies=dict(client.cookies.items()))


@dataclass(frozen=True)
class Single:
    """One page or endpoint fetched alone: the median of a few requests after a warm-up."""

    status: int
    ms: float
    html_bytes: int
    wire_bytes: int


def single(base_url: str, who: Identity, path: str, repeat: int = 3) -> Single:
    with httpx.Client(
        base_url=base_url, cookies=who.cookies, headers=who.headers, timeout=300
    ) as client:
        client.get(path)  # warm-up: the first request of a process fills its caches
        times: list[float] = []
        answer: httpx.Response | None = None
        for _ in range(repeat):
            started = time.perf_counter()
            answer = client.get(path)
            times.append(time.perf_counter() - started)
        assert answer is not None
        return Single(
            status=answer.status_code,
            ms=round(statistics.median(times) * 1000, 1),
            html_bytes=len(answer.content),
            wire_bytes=answer.num_bytes_downloaded,
        )


@dataclass(frozen=True)
class Call:
    """One request of a load plan; `label` groups its timings in the result."""

    label: str
    path: str
    method: str = "GET"
    json: Any = None


# A plan gives a client's next request from the client's number and its request count.
Plan = Callable[[int, int], Call]


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1); 0 without values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


@dataclass
class _Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    locked: int = 0


def _figures(latencies: Sequence[float], seconds: float) -> dict[str, float | int]:
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
    }


async def _client(
    number: int,
    base_url: str,
    who: Identity,
    plan: Plan,
    deadline: float,
    timeout: float,
    tally: _Tally,
) -> None:
    async with httpx.AsyncClient(
        base_url=base_url, cookies=who.cookies, headers=who.headers, timeout=timeout
    ) as client:
        count = 0
        while time.monotonic() < deadline:
            call = plan(number, count)
            count += 1
            started = time.perf_counter()
            try:
                answer = await client.request(call.method, call.path, json=call.json)
            except httpx.HTTPError as error:
                tally.errors[type(error).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            tally.statuses[answer.status_code] += 1
            if answer.status_code >= 400:
                tally.errors[str(answer.status_code)] += 1
                if LOCKED in answer.text:
                    tally.locked += 1
                continue
            tally.latencies.setdefault(call.label, []).append(elapsed)


def closed_loop(
    base_urls: Sequence[str],
    clients: Sequence[Identity],
    plan: Plan,
    seconds: float,
    timeout: float = 120.0,
) -> dict[str, Any]:
    """Each client sends its next request as soon as the last one answered, for `seconds`.

    Requests under way at the end are waited for and counted: throughput is the answered
    requests over the whole time. Client i talks to `base_urls[i % len(base_urls)]`.
    """
    tally = _Tally()

    async def everyone() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _client(i, base_urls[i % len(base_urls)], who, plan, deadline, timeout, tally)
                for i, who in enumerate(clients)
            )
        )

    cpu, started = time.process_time(), time.perf_counter()
    asyncio.run(everyone())
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu
    every = [value for values in tally.latencies.values() for value in values]
    return {
        **_figures(every, elapsed),
        "seconds": round(elapsed, 1),
        "clients": len(clients),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "locked": tally.locked,
        "server_errors": sum(n for status, n in tally.statuses.items() if status >= 500),
        "client_cpu_share": round(client_cpu / elapsed, 2) if elapsed else 0.0,
        "by_label": {
            label: _figures(values, elapsed) for label, values in sorted(tally.latencies.items())
        },
    }
