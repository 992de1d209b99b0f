"""Background jobs of the kpis app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from goalkeeper.kpis.services import purge_staged_uploads


@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def purge_expired_uploads() -> None:
    """Forget upload previews nobody confirmed within the hour (each new upload also does)."""
    purge_staged_uploads()
