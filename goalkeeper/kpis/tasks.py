"""Background jobs of the kpis app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from goalkeeper.kpis.services import purge_staged_uploads, refresh_figures


@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def purge_expired_uploads() -> None:
    """Forget upload previews nobody confirmed within the hour (each new upload also does)."""
    purge_staged_uploads()


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def refresh_due_figures() -> None:
    """Move on the stored figures of KPIs whose period ended (docs/kpis.md, "Stored
    figures"): they hold across one period boundary, this keeps them ahead of the next."""
    refresh_figures(due_only=True)
