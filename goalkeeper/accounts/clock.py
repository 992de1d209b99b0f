"""The workspace's clock: "now" as one workspace sees it.

Every figure that depends on time (pace, staleness, KPI periods, "week 5 of 13") reads the
instant, the local date, the zone, the pace thresholds and the fiscal year from one `Clock`,
made by `Workspace.clock()`. Nothing else converts instants to a workspace's days.
See docs/scoring.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from goalkeeper.domain.pace import PaceThresholds


def zone_named(name: str) -> dt.tzinfo:
    """The time zone called `name`; UTC when the name is unknown to this system."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@dataclass(frozen=True)
class Clock:
    """ "Now" for one workspace: the instant, its local date, zone, thresholds, fiscal year."""

    workspace_id: int
    now: dt.datetime
    zone: dt.tzinfo
    thresholds: PaceThresholds
    fiscal_year_start_month: int = 1

    @property
    def today(self) -> dt.date:
        """Today's date in the workspace's zone: cycles are counted in its days."""
        return self.now.astimezone(self.zone).date()

    @property
    def local_now(self) -> dt.datetime:
        """The instant in the workspace's zone (KPI periods are cut in local time)."""
        return self.now.astimezone(self.zone)

    @property
    def week_start(self) -> dt.date:
        """The Monday of the workspace's current week."""
        today = self.today
        return today - dt.timedelta(days=today.weekday())
