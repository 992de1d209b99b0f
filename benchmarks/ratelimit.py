"""W7, under Django: what the rate limiter's write costs each API request.

Every answer under /api/v1/ counts its request in the database first (one upsert statement,
goalkeeper/api/ratelimit.py). In the built company this times, in one process, the upsert
alone (each in its own transaction, as in a request), and whole API requests through
Django's handler (its test client: no network) with the limiter on and off, in alternating
rounds so that a drift of the machine touches both alike: requests per second and the
milliseconds the limiter adds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client

from goalkeeper.api import ratelimit

# A limit no run reaches: the limiter counts, never refuses.
NEVER_REACHED = 10**9


def _per_second(action: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - started)


def _upserts(count: int, rounds: int) -> dict[str, Any]:
    """Microseconds per `ratelimit.count` of one bucket (median of the rounds)."""
    rates = [_per_second(lambda: ratelimit.count("token:benchmark"), count) for _ in range(rounds)]
    rate = statistics.median(rates)
    return {"per_second": round(rate), "us": round(1e6 / rate, 1)}


def _requests(token: str, path: str, count: int, rounds: int) -> dict[str, Any]:
    """Requests per second of `GET path` with the limiter on and off (median of the rounds)."""
    client = Client(HTTP_HOST=urlsplit(settings.SITE_URL).netloc)
    headers = {"Authorization": f"Bearer {token}"}

    def send() -> None:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")

    on: list[float] = []
    off: list[float] = []
    kept = settings.API_RATE_LIMIT
    try:
        send()  # warm-up: imports, caches, the token's first read
        for _ in range(rounds):
            settings.API_RATE_LIMIT = NEVER_REACHED
            on.append(_per_second(send, count))
            settings.API_RATE_LIMIT = 0
            off.append(_per_second(send, count))
    finally:
        settings.API_RATE_LIMIT = kept
    with_limit, without = statistics.median(on), statistics.median(off)
    return {
        "path": path,
        "with_per_second": round(with_limit, 1),
        "without_per_second": round(without, 1),
        "added_ms": round(1000 / with_limit - 1000 / without, 2),
        "share": round(1 - with_limit / without, 3),
    }


def rate_limit(token: str, paths: list[str], count: int, rounds: int) -> dict[str, Any]:
    """The upsert alone, then each of `paths` with and without the limiter."""
    return {
        "engine": connection.vendor,
        "count": count,
        "rounds": rounds,
        "upsert": _upserts(count, rounds),
        "requests": [_requests(token, path, count, rounds) for path in paths],
    }
