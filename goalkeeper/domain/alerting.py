"""When a KPI's change of health is worth telling people about (docs/alerts.md).

A KPI on the edge of its target would flip between two colours with every value; telling
its owner each time teaches them to ignore the alerts. So a change is told only once it
has held for `hold` periods of the KPI's frequency, and only once per change: the health
last told (`notified`) is remembered, and a health that comes back to it before the hold
is over cancels the pending alert.

The rule is a pure function of what the caller keeps per KPI (the health last told, the
health seen now and since when) and the clock; the caller stores the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from goalkeeper.domain.kpis import Health

# The healths that mean "nothing to judge yet": the KPI was never told about, or has no
# value to judge. "" is the state of a KPI nobody has evaluated.
_NONE = frozenset({"", Health.NO_DATA.value})


class Outcome(StrEnum):
    """What to do with a KPI's health now."""

    NOTHING = "nothing"  # the health is the one last told: nothing pending
    ADOPT = "adopt"  # remember the health as told, without telling anyone
    WAIT = "wait"  # a change is pending: look again at `Decision.at`
    NOTIFY = "notify"  # the change held long enough: tell people now, once


@dataclass(frozen=True)
class Decision:
    """The outcome, and for `WAIT` the instant the change will have held long enough."""

    outcome: Outcome
    at: datetime | None = None


def is_none(health: str) -> bool:
    """Whether `health` is no judgement at all (never told, or no data)."""
    return health in _NONE


def hold_for(period: timedelta, hold: int) -> timedelta:
    """How long a new health must hold before it is told: `hold` periods (0: at once)."""
    if hold < 0:
        raise ValueError("hold must not be negative")
    return period * hold


def decide(
    *,
    notified: str,
    current: str,
    seen_since: datetime,
    now: datetime,
    period: timedelta,
    hold: int,
) -> Decision:
    """Decide what a KPI's current health calls for.

    - the health last told again (`current == notified`): nothing, and whatever change was
      pending is cancelled, since the caller's `seen_since` moves with every change;
    - no data (the values were removed) is adopted silently: there is nothing to judge;
    - a first health that is green is adopted silently: a new KPI meeting its target is
      not news; a first health that is yellow, red or stale is;
    - any other change is told once it held `hold` periods from `seen_since`.
    """
    if current == notified or (is_none(current) and is_none(notified)):
        return Decision(Outcome.NOTHING)
    if is_none(current):
        return Decision(Outcome.ADOPT)
    if is_none(notified) and current == Health.GREEN.value:
        return Decision(Outcome.ADOPT)
    due = seen_since + hold_for(period, hold)
    if now >= due:
        return Decision(Outcome.NOTIFY)
    return Decision(Outcome.WAIT, at=due)


def observe(
    seen: str, seen_since: datetime | None, health: str, at: datetime
) -> tuple[str, datetime]:
    """The (health seen, since when) after seeing `health` at `at`: the instant moves only
    when the health changes, so a health seen again keeps counting its hold."""
    if health == seen and seen_since is not None:
        return seen, seen_since
    return health, at


def is_recovery(notified: str, current: str) -> bool:
    """Whether telling `current` is a KPI coming back to green from a worse health."""
    return current == Health.GREEN.value and not is_none(notified)
