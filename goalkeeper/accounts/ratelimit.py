"""Rate limits on logins and password resets, counted in the database.

Failed logins slow down rather than lock (docs/security.md, "Accounts and sign-in"):

- per account *and* client address: the first `LOGIN_DELAY_AFTER` failures are free, then
  each further attempt waits 2 s, 4 s, 8 s... after the last failure, up to
  `LOGIN_DELAY_MAX` seconds. Someone guessing from one address slows down fast; the owner,
  signing in from their own address, is not slowed by them at all;
- per account from every address: the same doubling, but only after `LOGIN_ACCOUNT_DELAY_AFTER`
  failures within an hour, against guessing spread over many addresses. Attempts refused
  while waiting are not counted, so nobody can keep an account closed: once the wait is
  over, the right password signs in;
- per client address, over every account: at most `LOGIN_LIMIT_ADDRESS_COUNT` failures per
  window, against one address trying many accounts.

Reset requests are "at most N per window" per email and per address. Every refusal knows
when it lifts, for the `Retry-After` header. Counts live in `Attempt` rows so every web
process sees the same numbers; this module reads them, `goalkeeper.accounts.services.attempts`
writes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
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


def login_address_limit() -> Limit:
    return _limit("login-address", "LOGIN_LIMIT_ADDRESS", 20, 15 * 60)


@dataclass(frozen=True)
class Delay:
    """After `after` failures of one key within `window`, each further attempt waits twice
    as long as the one before (2 s first), at most `longest` seconds after the last failure."""

    scope: str
    after: int
    window: dt.timedelta
    longest: int

    def seconds(self, failures: int) -> int:
        """How long a further attempt waits after the last of `failures` failures."""
        if self.after <= 0 or failures < self.after:
            return 0
        doublings = min(failures - self.after + 1, 32)
        return min(self.longest, 1 << doublings)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def login_pair_delay() -> Delay:
    """Failures for one account from one address."""
    return Delay(
        "login-pair",
        _setting("LOGIN_DELAY_AFTER", 3),
        dt.timedelta(seconds=_setting("LOGIN_DELAY_WINDOW", 24 * 60 * 60)),
        _setting("LOGIN_DELAY_MAX", 15 * 60),
    )


def login_account_delay() -> Delay:
    """Failures for one account from every address."""
    return Delay(
        "login-account",
        _setting("LOGIN_ACCOUNT_DELAY_AFTER", 20),
        dt.timedelta(seconds=_setting("LOGIN_ACCOUNT_WINDOW", 60 * 60)),
        _setting("LOGIN_DELAY_MAX", 15 * 60),
    )


def login_warning_after() -> int:
    """At this many failures for an account within its window, its person gets an email."""
    return _setting("LOGIN_WARN_AFTER", 5)


def digest(text: str) -> str:
    """A fixed-length stand-in for `text` in a key: the SHA-256 of it, in hex."""
    return hashlib.sha256(text.encode()).hexdigest()


def pair_key(email: str, address: str) -> str:
    """The key of an account and address pair: `digest(email)|digest(address)`.

    Hashed, not cut: two long emails that share their first characters keep two counts.
    `address` may also name a device (`device_address`).
    """
    return f"{digest(email)}|{digest(address)}" if email else ""


def pair_prefix(email: str) -> str:
    """What every pair key of `email` starts with."""
    return f"{digest(email)}|"


def device_address(device: str) -> str:
    """The stand-in address of a trusted device, for its own pair count."""
    return f"device:{device}"


def reset_account_limit() -> Limit:
    return _limit("reset-account", "RESET_LIMIT_ACCOUNT", 3, 60 * 60)


def reset_address_limit() -> Limit:
    return _limit("reset-address", "RESET_LIMIT_ADDRESS", 10, 60 * 60)


@dataclass(frozen=True)
class Lock:
    """No more attempts in `scope` until `until`."""

    scope: str
    until: dt.datetime

    def seconds_left(self, now: dt.datetime) -> int:
        """Whole seconds until the lock lifts, at least 1: the `Retry-After` value."""
        return max(1, math.ceil((self.until - now).total_seconds()))

    def minutes_left(self, now: dt.datetime) -> int:
        """Whole minutes until the lock lifts, at least 1."""
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def too_many(response: HttpResponse, lock: Lock, now: dt.datetime) -> HttpResponse:
    """Mark a refusal as 429 with `Retry-After` (seconds), as RFC 9110 describes it."""
    response.status_code = 429
    response["Retry-After"] = str(lock.seconds_left(now))
    return response


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
        return address_key(remote)
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return address_key(remote)
    return address_key(forwarded[-proxies][:254])


def address_key(address: str) -> str:
    """How an address is counted: an IPv6 address by its /64 network.

    One subscriber usually holds a whole /64, and could take a fresh address from it for
    every attempt; an IPv4 address (also one mapped into IPv6) counts alone.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def normalise_email(raw: object) -> str:
    """Emails are stored lower-case and stripped; count them that way."""
    return str(raw or "").strip().lower()[:254]


def lock_for(
    limit: Limit, key: str, now: dt.datetime | None = None, exclude: Collection[int] = ()
) -> Lock | None:
    """The lock on `key` in `limit`'s scope, or None when another attempt is allowed.

    Rows whose ids are in `exclude` (the attempt being judged) are not counted."""
    if not key or limit.count <= 0:
        return None
    moment = now or timezone.now()
    recent = list(
        Attempt.objects.filter(scope=limit.scope, key=key, at__gt=moment - limit.window)
        .exclude(pk__in=list(exclude))
        .order_by("-at")
        .values_list("at", flat=True)[: limit.count]
    )
    if len(recent) < limit.count:
        return None
    # The lock lifts when the oldest of the last `count` attempts leaves the window.
    return Lock(scope=limit.scope, until=recent[-1] + limit.window)


def failures(
    scope: str, key: str, window: dt.timedelta, now: dt.datetime, exclude: Collection[int] = ()
) -> tuple[int, Any]:
    """How many attempts `key` made in `scope` within `window`, and when the last was."""
    found = (
        Attempt.objects.filter(scope=scope, key=key, at__gt=now - window)
        .exclude(pk__in=list(exclude))
        .aggregate(count=Count("id"), last=Max("at"))
    )
    return int(found["count"]), found["last"]


def delay_for(
    delay: Delay, key: str, now: dt.datetime | None = None, exclude: Collection[int] = ()
) -> Lock | None:
    """The wait `key` must still sit out in `delay`'s scope, or None."""
    if not key:
        return None
    moment = now or timezone.now()
    count, last = failures(delay.scope, key, delay.window, moment, exclude)
    wait = delay.seconds(count)
    if not wait or last is None or last + dt.timedelta(seconds=wait) <= moment:
        return None
    return Lock(scope=delay.scope, until=last + dt.timedelta(seconds=wait))


def login_lock(
    email: str,
    address: str,
    now: dt.datetime | None = None,
    *,
    device: str = "",
    exclude: Collection[int] = (),
) -> Lock | None:
    """What stops a login attempt for `email` from `address` now: the longest wait, or None.

    `device` is the id of a device cookie this account gave the browser at an earlier
    sign-in ("" when there is none): such a browser has its own count instead of its
    address's, and the account-wide wait does not apply to it, so guessing spread over many
    addresses cannot keep the owner out of a browser they used before.
    """
    moment = now or timezone.now()
    pair = pair_key(email, device_address(device) if device else address)
    locks = [
        delay_for(login_pair_delay(), pair, moment, exclude),
        None if device else delay_for(login_account_delay(), email, moment, exclude),
        lock_for(login_address_limit(), address, moment, exclude),
    ]
    found = [lock for lock in locks if lock is not None]
    return max(found, key=lambda lock: lock.until) if found else None


DEVICE_COOKIE = "goalkeeper_device"
_DEVICE_SALT = "goalkeeper.accounts.device"


def device_lifetime() -> int:
    """How long a device cookie stays valid, in seconds (`LOGIN_DEVICE_DAYS`, a year)."""
    return _setting("LOGIN_DEVICE_DAYS", 365) * 24 * 60 * 60


def device_of(request: HttpRequest, email: str) -> str:
    """The id of the device cookie `request` carries for `email`, or "".

    Only a cookie this server signed for this very account counts: a forged, expired or
    other account's cookie is ignored, and the attempt is counted like any other.
    """
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw or not email:
        return ""
    try:
        data = signing.loads(raw, salt=_DEVICE_SALT, max_age=device_lifetime())
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict):
        return ""
    account, device = data.get("a"), data.get("d")
    if not isinstance(account, str) or not isinstance(device, str) or not device:
        return ""
    if not hmac.compare_digest(account, digest(email)):
        return ""
    return device[:64]


def remember_device(response: HttpResponse, email: str) -> None:
    """After a right password, give the browser a signed cookie naming the account (by a
    hash of its email) and a random device id: `device_of` recognises it next time."""
    value = signing.dumps(
        {"a": digest(email), "d": secrets.token_urlsafe(16)}, salt=_DEVICE_SALT, compress=False
    )
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=device_lifetime(),
        httponly=True,
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        samesite="Lax",
    )


def first_lock(checks: list[tuple[Limit, str]], now: dt.datetime | None = None) -> Lock | None:
    """The first lock among `(limit, key)` pairs; None when all allow an attempt."""
    for limit, key in checks:
        lock = lock_for(limit, key, now)
        if lock is not None:
            return lock
    return None
