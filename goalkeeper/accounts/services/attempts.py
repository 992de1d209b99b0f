"""Login and password-reset rate-limit bookkeeping: the `Attempt` rows the limits count.

The limits and the reads that check them are in `goalkeeper.accounts.ratelimit`.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from goalkeeper.accounts import emails, ratelimit
from goalkeeper.accounts.models import Attempt, User
from goalkeeper.accounts.ratelimit import Limit

WARNED = "login-warned"


@transaction.atomic
def count_attempt(checks: list[tuple[Limit, str]], now: dt.datetime | None = None) -> None:
    """Count one attempt against every `(limit, key)` pair, and forget expired ones."""
    moment = now or timezone.now()
    Attempt.objects.bulk_create(
        [Attempt(scope=limit.scope, key=key, at=moment) for limit, key in checks if key]
    )
    longest = max((limit.window for limit, _ in checks), default=dt.timedelta(0))
    Attempt.objects.filter(
        scope__in=[limit.scope for limit, _ in checks], at__lt=moment - longest
    ).delete()


def clear_attempts(limit: Limit, key: str) -> None:
    """Forget the attempts of `key` in `limit`'s scope."""
    Attempt.objects.filter(scope=limit.scope, key=key).delete()


def _login_rows(email: str, address: str, device: str, moment: dt.datetime) -> list[Attempt]:
    pair, account = ratelimit.login_pair_delay(), ratelimit.login_account_delay()
    address_limit = ratelimit.login_address_limit()
    counted = ratelimit.device_address(device) if device else address
    rows = [
        Attempt(scope=pair.scope, key=ratelimit.pair_key(email, counted), at=moment),
        Attempt(scope=account.scope, key=email, at=moment),
        Attempt(scope=address_limit.scope, key=address, at=moment),
    ]
    return [row for row in rows if row.key]


def begin_login(
    email: str, address: str, now: dt.datetime | None = None, *, device: str = ""
) -> tuple[ratelimit.Lock | None, tuple[int, ...]]:
    """Before a password is checked: refuse the attempt while a wait is on, else count it.

    The attempt is written as a failure first, committed, and only then are the counts read
    again (leaving this attempt out): of two attempts made at once, the one that reads last
    sees the other, so attempts sent in parallel cannot all pass the check before any of
    them is counted. An attempt refused here leaves no row. Returns the lock that refuses
    it, or the ids of its rows for `end_login`.
    """
    moment = now or timezone.now()
    lock = ratelimit.login_lock(email, address, moment, device=device)
    if lock is not None:
        return lock, ()
    with transaction.atomic():
        rows = _login_rows(email, address, device, moment)
        for row in rows:
            row.save()
    ids = tuple(row.pk for row in rows)
    lock = ratelimit.login_lock(email, address, moment, device=device, exclude=ids)
    if lock is not None:
        Attempt.objects.filter(pk__in=ids).delete()
        return lock, ()
    return None, ids


@transaction.atomic
def end_login(
    email: str,
    address: str,
    attempt: tuple[int, ...],
    *,
    succeeded: bool,
    device: str = "",
    now: dt.datetime | None = None,
) -> None:
    """After the password was checked: a right one takes back the attempt's rows and clears
    the failures of its pair (`clear_login`); a wrong one leaves them counted as a failure."""
    if succeeded:
        Attempt.objects.filter(pk__in=list(attempt)).delete()
        clear_login(email, address)
        if device:
            clear_login(email, ratelimit.device_address(device))
        return
    _after_failure(email, address, now or timezone.now())


@transaction.atomic
def count_failed_login(
    email: str, address: str, now: dt.datetime | None = None, *, device: str = ""
) -> None:
    """Count a wrong password for `email` from `address`, and warn its owner when it is
    the `LOGIN_WARN_AFTER`th failure within the account's window (once per window)."""
    moment = now or timezone.now()
    Attempt.objects.bulk_create(_login_rows(email, address, device, moment))
    _after_failure(email, address, moment)


def _after_failure(email: str, address: str, moment: dt.datetime) -> None:
    """Forget expired rows; warn the owner at the `LOGIN_WARN_AFTER`th failure.

    The warning goes out once the failure is committed, to an active login only: an email
    nobody has gets nothing, so the counting does not tell which emails have a login.
    """
    pair, account = ratelimit.login_pair_delay(), ratelimit.login_account_delay()
    address_limit = ratelimit.login_address_limit()
    for scope, window in (
        (pair.scope, pair.window),
        (account.scope, account.window),
        (address_limit.scope, address_limit.window),
        (WARNED, account.window),
    ):
        Attempt.objects.filter(scope=scope, at__lt=moment - window).delete()
    if not email:
        return
    count, _last = ratelimit.failures(account.scope, email, account.window, moment)
    warn_after = ratelimit.login_warning_after()
    if warn_after <= 0 or count < warn_after:
        return
    if Attempt.objects.filter(scope=WARNED, key=email, at__gt=moment - account.window).exists():
        return
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return
    Attempt.objects.create(scope=WARNED, key=email, at=moment)
    transaction.on_commit(
        partial(emails.send_login_warning, user, address=address, at=moment, failures=count)
    )


def clear_login(email: str, address: str) -> None:
    """A right password from `address`: forget that pair's failures (only those: the
    account's count from elsewhere stays, so a guesser elsewhere keeps waiting)."""
    Attempt.objects.filter(
        scope=ratelimit.login_pair_delay().scope, key=ratelimit.pair_key(email, address)
    ).delete()


@transaction.atomic
def clear_account(email: str) -> None:
    """A password reset: whoever reads the mailbox owns the account; lift every wait on it."""
    Attempt.objects.filter(
        scope=ratelimit.login_pair_delay().scope, key__startswith=ratelimit.pair_prefix(email)
    ).delete()
    Attempt.objects.filter(scope=ratelimit.login_account_delay().scope, key=email).delete()
