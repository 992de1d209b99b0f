"""Background jobs of the weekly rhythm, run by `goalkeeper worker`."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from goalkeeper.digests import sending

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def send_due_digests() -> None:
    """Send the reminders and digests due now in each workspace's zone, once each.

    Every five minutes: a round falls due at its local time (to the minute the schedule
    names) and stays due until the week ends, so a worker that was down catches up.
    """
    report = sending.run_due(timezone.now())
    if report.outcomes:
        log.info(
            "digests: %s sent, %s failed, %s skipped",
            report.sent,
            report.failed,
            sum(report.skipped().values()),
        )
