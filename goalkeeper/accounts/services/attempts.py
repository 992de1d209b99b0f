"""Login and password-reset rate-limit bookkeeping: the `Attempt` rows the limits count.

The limits and the reads that check them are in `goalkeeper.accounts.ratelimit`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from goalkeeper.accounts.models import Attempt
from goalkeeper.accounts.ratelimit import Limit


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
    """Forget the attempts of `key` (a successful login clears its account's count)."""
    Attempt.objects.filter(scope=limit.scope, key=key).delete()
