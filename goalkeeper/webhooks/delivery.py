"""Sending one delivery: sign, POST, record the outcome, decide when to try again.

Receivers verify `X-Goalkeeper-Signature: sha256=<hex>`, the HMAC-SHA256 of
`"<X-Goalkeeper-Timestamp>." + raw body` keyed with the subscription's secret (docs/api.md).
Signing the timestamp too lets them refuse a replayed old delivery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from goalkeeper.webhooks.models import Delivery, DeliveryStatus

USER_AGENT = "Goalkeeper-Webhooks/1"
# A worker that claims a delivery pushes its due time this far ahead, so that another
# worker (or the sweeper) does not send it at the same time; longer than any HTTP timeout.
LEASE = dt.timedelta(minutes=10)
# Scheduled retries may wake a moment early (queue and database clocks differ slightly).
EARLY_TOLERANCE = dt.timedelta(seconds=1)
MAX_DELAY = dt.timedelta(hours=6)
ERROR_LENGTH = 500


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


def policy() -> Policy:
    """The policy from settings (WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_SECONDS, ...)."""
    return Policy(
        max_attempts=int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8)),
        backoff=dt.timedelta(seconds=float(getattr(settings, "WEBHOOK_BACKOFF_SECONDS", 30))),
        timeout=float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)),
    )


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp` (unix seconds)."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def body_of(delivery: Delivery) -> bytes:
    """The JSON body: the same bytes on every attempt of a delivery."""
    envelope = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "workspace": delivery.subscription.workspace_id,
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """Take a due delivery for one attempt, or None if it is not due or someone has it.

    One conditional UPDATE: of several workers woken for the same delivery, one wins.
    """
    won = Delivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now + EARLY_TOLERANCE,
    ).update(next_attempt_at=now + LEASE)
    if not won:
        return None
    return Delivery.objects.select_related("subscription").get(pk=delivery_id)


def attempt(
    delivery_id: int,
    *,
    rules: Policy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Delivery | None:
    """Make one attempt at a delivery; returns it as left, or None when it was not due.

    A 2xx answer delivers it. Anything else (another status, a timeout, a refused
    connection) is logged on the row and, while attempts remain, the next one is due after
    an exponentially growing delay; after the last one the delivery is failed.
    """
    rules = rules or policy()
    now = timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        return None
    subscription = delivery.subscription
    status_code: int | None = None
    error = ""
    if not subscription.is_active:
        error = "the webhook is disabled"
    else:
        body = body_of(delivery)
        timestamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Goalkeeper-Event": delivery.event,
            "X-Goalkeeper-Delivery": str(delivery.event_id),
            "X-Goalkeeper-Timestamp": str(timestamp),
            "X-Goalkeeper-Signature": sign(subscription.secret, timestamp, body),
        }
        try:
            with httpx.Client(
                timeout=rules.timeout, follow_redirects=False, transport=transport
            ) as client:
                response = client.post(subscription.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return _record(delivery, now, status_code, error[:ERROR_LENGTH], rules, subscription.is_active)


def _record(
    delivery: Delivery,
    now: dt.datetime,
    status_code: int | None,
    error: str,
    rules: Policy,
    retryable: bool,
) -> Delivery:
    attempts = delivery.attempts + 1
    fields: dict[str, object] = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "last_status_code": status_code,
    }
    if error:
        # A success keeps the error of the attempt before it: it explains the retries.
        fields["last_error"] = error
    if not error:
        fields.update(status=DeliveryStatus.SUCCEEDED, delivered_at=now, next_attempt_at=None)
    elif retryable and attempts < rules.max_attempts:
        fields.update(next_attempt_at=timezone.now() + rules.delay_after(attempts))
    else:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    delivery.refresh_from_db()
    return delivery


def due_ids(now: dt.datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (for the sweeper), oldest first."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
