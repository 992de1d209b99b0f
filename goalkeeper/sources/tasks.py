"""Background jobs of the sources app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from goalkeeper.sources import connection_tests, services


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def dispatch_due_sources() -> list[int]:
    """Every minute: claim the sources that are due and queue one run each.

    Every worker's scheduler enqueues this job, so several may run it at once; the claim
    in `services.claim_due` lets exactly one of them have each source.
    """
    run_ids = services.claim_due()
    for run_id in run_ids:
        sync_source(run_id)
    return run_ids


@db_task()  # type: ignore[untyped-decorator]
def sync_source(run_id: int) -> None:
    """Carry out one queued run (a no-op if another worker already did)."""
    services.execute(run_id)


@db_task()  # type: ignore[untyped-decorator]
def test_connection(test_id: int) -> None:
    """Carry out one queued "Test connection" (a no-op if another worker already did)."""
    connection_tests.execute(test_id)
