"""Sending one chat delivery: POST its JSON, record the outcome, decide when to try again.

The HTTP call lives in `send` alone, under the outbound policy (goalkeeper/outbound.py).
Redirects are never followed (a webhook URL that redirects is misconfigured, and following
it could carry the body to another host); the answer is not read; errors are summarised in
one line with the URL masked, and never carry the remote body.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils import timezone

from goalkeeper import outbound, outbox
from goalkeeper.channels import sealed
from goalkeeper.channels.models import ChatDelivery, DeliveryStatus, Kind

USER_AGENT = "Goalkeeper-Chat/1"
SUMMARY_LENGTH = 120
# Worth another try: the receiver was busy, throttled us or failed for a moment.
RETRYABLE_STATUS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Outcome:
    """What one POST gave: the status code (None if no answer), an error, retry or not."""

    status_code: int | None
    error: str = ""
    retryable: bool = True


def policy() -> outbox.Policy:
    """The policy from settings (CHAT_MAX_ATTEMPTS, CHAT_BACKOFF_SECONDS, ...)."""
    return outbox.Policy(
        max_attempts=int(getattr(settings, "CHAT_MAX_ATTEMPTS", 6)),
        backoff=dt.timedelta(seconds=float(getattr(settings, "CHAT_BACKOFF_SECONDS", 30))),
        timeout=float(getattr(settings, "CHAT_TIMEOUT_SECONDS", 10)),
    )


def body_of(delivery: ChatDelivery) -> bytes:
    """The JSON body: the same bytes on every attempt of a delivery."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def send(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    transport: httpx.BaseTransport | None = None,
) -> Outcome:
    """POST `body` to `url` once, under the outbound policy (docs/security.md): the address
    is checked first, a redirect is never followed, the answer is not read."""
    try:
        answer = outbound.send(
            "POST",
            url,
            content=body,
            headers=headers,
            timeout=timeout,
            read_body=False,
            transport=transport,
        )
    except outbound.RefusedAddressError as exc:
        # The address will not change its kind by waiting: trying again would not help.
        return Outcome(None, sealed.scrub(exc.message, url), retryable=False)
    except outbound.OutboundError as exc:
        return Outcome(None, sealed.scrub(exc.message, url)[:SUMMARY_LENGTH])
    code = answer.status_code
    if 200 <= code < 300:
        return Outcome(code)
    if 300 <= code < 400:
        return Outcome(code, f"HTTP {code}: redirect refused (use the final URL)", retryable=False)
    retryable = code >= 500 or code in RETRYABLE_STATUS
    reason = f" {answer.reason}" if answer.reason else ""
    return Outcome(code, f"HTTP {code}{reason}", retryable=retryable)


def claim(delivery_id: int, now: dt.datetime) -> ChatDelivery | None:
    """Take a due delivery for one attempt, or None if it is not due or someone has it."""
    if not outbox.claim(ChatDelivery.objects.all(), delivery_id, now):
        return None
    return ChatDelivery.objects.select_related("channel").get(pk=delivery_id)


def attempt(
    delivery_id: int,
    *,
    rules: outbox.Policy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> ChatDelivery | None:
    """Make one attempt at a delivery; returns it as left, or None when it was not due.

    A 2xx answer delivers it. A 5xx, 408, 429, a timeout or a refused connection is retried
    after a growing delay while attempts remain; a redirect or another 4xx (a revoked
    webhook, a refused payload) fails it at once, since repeating would not help.
    """
    rules = rules or policy()
    now = timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        return None
    channel = delivery.channel
    if not channel.is_active:
        outcome = Outcome(None, "the channel is paused", retryable=False)
    else:
        try:
            target = sealed.unseal(channel.sealed)
        except sealed.UnreadableTargetError as exc:
            outcome = Outcome(None, str(exc), retryable=False)
        else:
            body = body_of(delivery)
            headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
            if channel.kind == Kind.JSON:
                timestamp = int(now.timestamp())
                headers.update(
                    {
                        "X-Goalkeeper-Event": "chat.message",
                        "X-Goalkeeper-Delivery": str(delivery.delivery_id),
                        "X-Goalkeeper-Timestamp": str(timestamp),
                        "X-Goalkeeper-Signature": outbox.sign(target.secret, timestamp, body),
                    }
                )
            outcome = send(target.url, body, headers, timeout=rules.timeout, transport=transport)
    outbox.record(
        ChatDelivery.objects.all(),
        delivery.pk,
        attempts_before=delivery.attempts,
        now=now,
        status_code=outcome.status_code,
        error=outcome.error,
        rules=rules,
        retryable=outcome.retryable,
        delivered=DeliveryStatus.DELIVERED,
    )
    delivery.refresh_from_db()
    return delivery


def due_ids(now: dt.datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (for the sweeper), oldest first."""
    return outbox.due_ids(ChatDelivery.objects.all(), now, limit)
