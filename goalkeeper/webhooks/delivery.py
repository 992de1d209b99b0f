"""Sending one delivery: sign, POST, record the outcome, decide when to try again.

Receivers verify `X-Goalkeeper-Signature: sha256=<hex>`, the HMAC-SHA256 of
`"<X-Goalkeeper-Timestamp>." + raw body` keyed with the subscription's secret (docs/api.md).
Signing the timestamp too lets them refuse a replayed old delivery.
"""

from __future__ import annotations

import datetime as dt
import json

import httpx
from django.conf import settings
from django.utils import timezone

from goalkeeper import outbound, outbox
from goalkeeper.outbox import MAX_DELAY, Policy, sign
from goalkeeper.webhooks.models import Delivery, DeliveryStatus

__all__ = ["MAX_DELAY", "Policy", "attempt", "body_of", "claim", "due_ids", "policy", "sign"]

USER_AGENT = "Goalkeeper-Webhooks/1"


def policy() -> Policy:
    """The policy from settings (WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_SECONDS, ...)."""
    return Policy(
        max_attempts=int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8)),
        backoff=dt.timedelta(seconds=float(getattr(settings, "WEBHOOK_BACKOFF_SECONDS", 30))),
        timeout=float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)),
    )


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
    """Take a due delivery for one attempt, or None if it is not due or someone has it
    (the lease of goalkeeper/outbox.py)."""
    if not outbox.claim(Delivery.objects.all(), delivery_id, now):
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
    connection or address) is logged on the row, in our words and never with the
    receiver's answer, and, while attempts remain, the next one is due after
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
            # Under the outbound policy (docs/security.md): the address is checked at each
            # attempt, a redirect is not followed, and the receiver's answer is not read.
            answer = outbound.send(
                "POST",
                subscription.url,
                content=body,
                headers=headers,
                timeout=rules.timeout,
                read_body=False,
                transport=transport,
            )
        except outbound.OutboundError as exc:
            error = exc.message
        else:
            status_code = answer.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}" + (f" {answer.reason}" if answer.reason else "")
    outbox.record(
        Delivery.objects.all(),
        delivery.pk,
        attempts_before=delivery.attempts,
        now=now,
        status_code=status_code,
        error=error,
        rules=rules,
        retryable=subscription.is_active,
        delivered=DeliveryStatus.SUCCEEDED,
    )
    delivery.refresh_from_db()
    return delivery


def due_ids(now: dt.datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (for the sweeper), oldest first."""
    return outbox.due_ids(Delivery.objects.all(), now, limit)
