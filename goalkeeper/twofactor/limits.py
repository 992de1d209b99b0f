"""Attempt limits on the proofs two-factor asks for: codes and the password.

Each attempt is counted *before* it is checked, so requests sent in parallel cannot each
get a guess past the limit: every request writes its row first, then reads how many
there are, and only the first `count` of the window go on to the check. An attempt
refused because the limit was already reached is not counted, so waiting lifts it.

- Codes (the login's code step, turning two-factor off with a code, new recovery codes):
  `login.code_limit()`, per login, shared by all three pages.
- The password (setting up, turning off with the password): `password_limit()`, per login.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts import services as account_services


def password_limit() -> ratelimit.Limit:
    """Wrong passwords per login on the two-factor pages: 5 per hour
    (`TWOFACTOR_PASSWORD_LIMIT_COUNT`, `_WINDOW`)."""
    return ratelimit.Limit(
        "twofactor-password",
        int(getattr(settings, "TWOFACTOR_PASSWORD_LIMIT_COUNT", 5)),
        dt.timedelta(seconds=int(getattr(settings, "TWOFACTOR_PASSWORD_LIMIT_WINDOW", 60 * 60))),
    )


def _one_more(limit: ratelimit.Limit) -> ratelimit.Limit:
    """`limit` read after this attempt was counted: it may be the `count`th, not more."""
    return ratelimit.Limit(limit.scope, limit.count + 1, limit.window)


def take_attempt(
    checks: list[tuple[ratelimit.Limit, str]], now: dt.datetime | None = None
) -> ratelimit.Lock | None:
    """Count an attempt against `checks` and say whether it may go on: None, or the lock.

    A right answer afterwards may clear the count (`clear`); a wrong one leaves it counted.
    """
    moment = now or timezone.now()
    lock = ratelimit.first_lock(checks, moment)
    if lock is not None:
        return lock
    account_services.count_attempt(checks, moment)
    return ratelimit.first_lock([(_one_more(limit), key) for limit, key in checks], moment)


def clear(limit: ratelimit.Limit, key: str) -> None:
    """A right answer: forget the attempts of `key` in `limit`'s scope."""
    account_services.clear_attempts(limit, key)


def refusal(lock: ratelimit.Lock, now: dt.datetime, *, codes: bool) -> str:
    """The message of a refused attempt, translated."""
    minutes = lock.minutes_left(now)
    if codes:
        text = ngettext(
            "Too many wrong codes. Try again in %(minutes)s minute.",
            "Too many wrong codes. Try again in %(minutes)s minutes.",
            minutes,
        )
    else:
        text = ngettext(
            "Too many wrong passwords. Try again in %(minutes)s minute.",
            "Too many wrong passwords. Try again in %(minutes)s minutes.",
            minutes,
        )
    return text % {"minutes": minutes}
