"""Background jobs of the exports app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from goalkeeper.exports.services import running


@db_task()  # type: ignore[untyped-decorator]
def run_export(export_id: int) -> None:
    """Write one queued export's file (a no-op if another worker already took it)."""
    running.run_export(export_id)


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]
def expire_old_exports() -> None:
    """Every hour: remove the files of exports past their expiry (docs/exports.md)."""
    running.expire_exports()
