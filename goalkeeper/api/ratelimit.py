"""Requests per minute per token, counted in the database, announced on every answer.

Each answer under /api/v1/ carries `RateLimit-Limit` (requests allowed per window),
`RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window ends). Past the limit
the answer is 429 with `Retry-After`. A request is counted for its token (the digest of
the `Authorization` header, so an unknown token is counted too), else for its address.
`API_RATE_LIMIT` sets the requests per minute; 0 turns the limit off.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from goalkeeper.api.models import RateCount

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Quota:
    limit: int
    used: int
    reset: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit


def bucket_of(request: HttpRequest) -> str:
    """Who a request is counted for: its bearer token's digest, else its address."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        digest = hashlib.sha256(header[7:].strip().encode("utf-8", "surrogatepass"))
        return "token:" + digest.hexdigest()[:64]
    return "addr:" + str(request.META.get("REMOTE_ADDR", ""))[:70]


def count(bucket: str, now: float | None = None) -> Quota:
    """Count one request of `bucket` in the current window (one upsert) and say what is left."""
    now = time.time() if now is None else now
    started = int(now) // WINDOW_SECONDS * WINDOW_SECONDS
    table = connection.ops.quote_name(RateCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, started, hits) VALUES (%s, %s, 1) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (bucket, started) DO UPDATE SET hits = {table}.hits + 1 "
            "RETURNING hits",
            [bucket, started],
        )
        (hits,) = cursor.fetchone()
    reset = max(1, started + WINDOW_SECONDS - int(now))
    return Quota(limit=settings.API_RATE_LIMIT, used=int(hits), reset=reset)


def purge(now: float | None = None) -> int:
    """Forget the windows that have ended; returns how many rows went."""
    now = time.time() if now is None else now
    deleted, _ = RateCount.objects.filter(started__lt=int(now) - WINDOW_SECONDS).delete()
    return deleted
