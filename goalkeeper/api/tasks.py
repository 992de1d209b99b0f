"""Background jobs of the API app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from goalkeeper.api import idempotency, ratelimit


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def purge_idempotency_keys_and_rate_counts() -> None:
    """Every ten minutes: forget idempotency keys past 24 hours and ended rate windows."""
    idempotency.purge()
    ratelimit.purge()
