"""The scheduled backup, run by `goalkeeper worker` (docs/operations.md, "Scheduled backups")."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from goalkeeper.backups import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def make_scheduled_backup() -> None:
    """Every five minutes: the period's backup, when it is due and nobody made it yet.

    A period stays due until the next one starts, so a worker that was down at the backup
    hour makes it when it comes back; the period's row keeps a second worker out.
    """
    run = services.run_scheduled()
    if run is None:
        return
    if run.file is not None:
        log.info(
            "backup of %s written to %s; %s old backup(s) deleted",
            run.period,
            run.file,
            len(run.deleted),
        )
