"""What every outbound delivery shares: the retry policy, the lease, the outcome, signing.

A delivery row (a webhook's `Delivery`, a chat channel's `ChatDelivery`) carries `status`
("pending", then a delivered value or "failed"), `attempts`, `next_attempt_at`,
`last_attempt_at`, `last_status_code`, `last_error` and `delivered_at`. The worker claims a
due row with one conditional UPDATE (a lease), makes one attempt, and records the outcome
here, so both kinds of delivery retry, lease and give up the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import TypeVar

from django.db import models
from django.db.models import F
from django.utils import timezone

PENDING = "pending"
FAILED = "failed"
# A worker that claims a delivery pushes its due time this far ahead, so that another
# worker (or the sweeper) does not send it at the same time; longer than any HTTP timeout.
LEASE = dt.timedelta(minutes=10)
# Scheduled retries may wake a moment early (queue and database clocks differ slightly).
EARLY_TOLERANCE = dt.timedelta(seconds=1)
MAX_DELAY = dt.timedelta(hours=6)
ERROR_LENGTH = 500

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Policy:
    """How hard to try: attempts in all, the first retry's delay (doubling after), timeout."""

    max_attempts: int
    backoff: dt.timedelta
    timeout: float

    def delay_after(self, attempts: int) -> dt.timedelta:
        """Wait before the next try once `attempts` have failed: backoff * 2^(attempts-1)."""
        doublings = min(max(attempts - 1, 0), 32)
        return min(self.backoff * (1 << doublings), MAX_DELAY)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp` (unix seconds).

    `sha256=<hex>`: the HMAC-SHA256 of `"<timestamp>." + body`, keyed with the secret;
    signing the timestamp too lets receivers refuse a replayed old delivery (docs/api.md).
    """
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def claim(rows: models.QuerySet[Row], pk: int, now: dt.datetime) -> bool:
    """Take the due, pending row `pk` of `rows` for one attempt; False if not due or taken.

    One conditional UPDATE: of several workers woken for the same delivery, one wins.
    """
    won = rows.filter(pk=pk, status=PENDING, next_attempt_at__lte=now + EARLY_TOLERANCE).update(
        next_attempt_at=now + LEASE
    )
    return bool(won)


def record(
    rows: models.QuerySet[Row],
    pk: int,
    *,
    attempts_before: int,
    now: dt.datetime,
    status_code: int | None,
    error: str,
    rules: Policy,
    retryable: bool,
    delivered: str,
) -> None:
    """Write the outcome of one attempt on row `pk`.

    No error: the row becomes `delivered`. An error: logged on the row and, while it is
    retryable and attempts remain, the next attempt is due after the policy's delay;
    otherwise the row is failed.
    """
    attempts = attempts_before + 1
    fields: dict[str, object] = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "last_status_code": status_code,
    }
    if error:
        # A success keeps the error of the attempt before it: it explains the retries.
        fields["last_error"] = error[:ERROR_LENGTH]
    if not error:
        fields.update(status=delivered, delivered_at=now, next_attempt_at=None)
    elif retryable and attempts < rules.max_attempts:
        fields.update(next_attempt_at=timezone.now() + rules.delay_after(attempts))
    else:
        fields.update(status=FAILED, next_attempt_at=None)
    rows.filter(pk=pk).update(**fields)


def due_ids(rows: models.QuerySet[Row], now: dt.datetime, limit: int = 500) -> list[int]:
    """Pending rows whose time has come (for the sweeper), oldest first."""
    return list(
        rows.filter(status=PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
