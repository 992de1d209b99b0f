"""Background jobs of the okrs app, run by `goalkeeper worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from goalkeeper.okrs.services.odds import refresh_odds, refresh_open_odds


@db_task()  # type: ignore[untyped-decorator]
def refresh_odds_task(key_result_ids: list[int], check_in_ids: list[int]) -> None:
    """Store the odds of many key results at once (a bulk write, a KPI driving several)."""
    refresh_odds(key_result_ids, check_in_ids)


@db_periodic_task(crontab(hour="3", minute="41"))  # type: ignore[untyped-decorator]
def refresh_odds_daily() -> None:
    """Move the stored odds on each night: the cycle end comes nearer (docs/signals.md)."""
    refresh_open_odds()
