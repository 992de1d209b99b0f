"""Rate limits on logins and password resets, counted in the database.

A limit is "at most N attempts per window" for one key in one scope: failed logins per
account (the email typed) and per client address, reset requests per email and per
address. Counts live in `Attempt` rows so every web process sees the same numbers; this
module reads them, `goalkeeper.accounts.services.attempts` writes them.

Locking an account after a few failures lets anyone who knows an email lock its owner out
for a while; the window is short for that reason, and a password reset (which still works
while locked) clears the lock.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from goalkeeper.accounts.models import Attempt


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts per `window` in one scope."""

    scope: str
    count: int
    window: dt.timedelta


def _limit(scope: str, setting: str, default_count: int, default_window: int) -> Limit:
    count = int(getattr(settings, f"{setting}_COUNT", default_count))
    window = int(getattr(settings, f"{setting}_WINDOW", default_window))
    return Limit(scope, count, dt.timedelta(seconds=window))


def login_account_limit() -> Limit:
    return _limit("login-account", "LOGIN_LIMIT_ACCOUNT", 5, 15 * 60)


def login_address_limit() -> Limit:
    return _limit("login-address", "LOGIN_LIMIT_ADDRESS", 20, 15 * 60)


def reset_account_limit() -> Limit:
    return _limit("reset-account", "RESET_LIMIT_ACCOUNT", 3, 60 * 60)


def reset_address_limit() -> Limit:
    return _limit("reset-address", "RESET_LIMIT_ADDRESS", 10, 60 * 60)


@dataclass(frozen=True)
class Lock:
    """A limit is reached: no more attempts until `until`."""

    limit: Limit
    until: dt.datetime

    def minutes_left(self, now: dt.datetime) -> int:
        """Whole minutes until the lock lifts, at least 1."""
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def client_address(request: HttpRequest) -> str:
    """The address a request comes from, for per-address limits.

    REMOTE_ADDR is the peer of the TCP connection and cannot be forged. X-Forwarded-For is
    written by whoever sends the request, so a client could put any address there and
    dodge the per-address limit; it is read only when TRUSTED_PROXY_COUNT says how many
    proxies of ours stand in front, and then only the entry our first proxy appended.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies][:254]


def normalise_email(raw: object) -> str:
    """Emails are stored lower-case and stripped; count them that way."""
    return str(raw or "").strip().lower()[:254]


def lock_for(limit: Limit, key: str, now: dt.datetime | None = None) -> Lock | None:
    """The lock on `key` in `limit`'s scope, or None when another attempt is allowed."""
    if not key or limit.count <= 0:
        return None
    moment = now or timezone.now()
    recent = list(
        Attempt.objects.filter(scope=limit.scope, key=key, at__gt=moment - limit.window)
        .order_by("-at")
        .values_list("at", flat=True)[: limit.count]
    )
    if len(recent) < limit.count:
        return None
    # The lock lifts when the oldest of the last `count` attempts leaves the window.
    return Lock(limit=limit, until=recent[-1] + limit.window)


def first_lock(checks: list[tuple[Limit, str]], now: dt.datetime | None = None) -> Lock | None:
    """The first lock among `(limit, key)` pairs; None when all allow an attempt."""
    for limit, key in checks:
        lock = lock_for(limit, key, now)
        if lock is not None:
            return lock
    return None
