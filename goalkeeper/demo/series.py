"""KPI definitions for one team and their measurement series: trend, seasonality and noise.

Each series has one measurement per period, at the period's start (hourly on the hour, daily
at 00:00 UTC, weekly on Monday, monthly on the 1st), up to the current period. Its value for
the latest complete period is drawn inside the zone of the KPI's intended health, so the
demo shows green, yellow and red KPIs; a stale KPI stops a few periods before now.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from goalkeeper.demo.catalog import HIGHER, IN_RANGE, KpiTemplate
from goalkeeper.domain.errors import DomainValidationError
from goalkeeper.domain.kpis import Direction, Health, KpiSpec, validate_kpi, value_health

GREEN, YELLOW, RED, STALE = Health.GREEN, Health.YELLOW, Health.RED, Health.STALE
# How healths beyond the first three of a team are drawn.
HEALTH_CHOICES = (GREEN, YELLOW, RED, STALE)
HEALTH_WEIGHTS = (0.6, 0.2, 0.12, 0.08)

_STEP = {"hourly": dt.timedelta(hours=1), "daily": dt.timedelta(days=1)}


@dataclass(frozen=True)
class KpiPlan:
    """One KPI of one team: its (possibly rescaled) definition and how its series behaves."""

    template: KpiTemplate
    seed: str
    health: Health
    # Periods from the first measurement to the current period, inclusive.
    periods: int
    # Trailing periods without a value (0 unless the KPI is stale).
    silent: int = 0

    @property
    def spec(self) -> KpiSpec:
        """The domain's view of the definition."""
        return spec_of(self.template)


def spec_of(template: KpiTemplate) -> KpiSpec:
    """The domain's view of a catalog KPI."""
    t = template
    return KpiSpec(Direction(t.direction), t.target, t.warning, t.low, t.high)


def nice(value: float, decimals: int, digits: int = 3) -> float:
    """Round to `digits` significant digits, and never finer than `decimals` places."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    magnitude = math.floor(math.log10(abs(value)))
    places = min(decimals, digits - 1 - magnitude)
    return round(value, places) if places > 0 else float(round(value, places))


def scaled(template: KpiTemplate, factor: float) -> KpiTemplate:
    """A smaller team's version of a counting KPI: every threshold times `factor`."""
    if not template.scalable or factor == 1:
        return template

    def scale(value: float | None) -> float | None:
        return None if value is None else nice(value * factor, template.decimals)

    return replace(
        template,
        target=scale(template.target),
        warning=scale(template.warning),
        low=scale(template.low),
        high=scale(template.high),
    )


def history_periods(frequency: str, rng: random.Random) -> int:
    """One to two years of history; hourly KPIs keep one to two months to stay small."""
    if frequency == "hourly":
        return rng.randint(30, 60) * 24 + 1
    if frequency == "daily":
        return rng.randint(365, 730)
    if frequency == "weekly":
        return rng.randint(52, 104)
    return rng.randint(12, 24)


def plan_kpis(
    templates: Sequence[KpiTemplate],
    *,
    seed: str,
    rng: random.Random,
    factor: float,
    want_stale: bool,
) -> list[KpiPlan]:
    """Pick the team's KPIs' healths: one green, yellow and red at least, then at random."""
    healths = [GREEN, YELLOW, RED]
    extra = max(0, len(templates) - len(healths))
    healths += rng.choices(HEALTH_CHOICES, HEALTH_WEIGHTS, k=extra)
    healths = healths[: len(templates)]
    rng.shuffle(healths)
    # An hourly feed going quiet is a broken pipe rather than a story: only slower KPIs
    # go stale.
    slow = [i for i, t in enumerate(templates) if t.frequency != "hourly"]
    if want_stale and STALE not in healths and len(healths) > 3 and slow:
        healths[rng.choice(slow)] = STALE
    plans: list[KpiPlan] = []
    for template, health in zip(templates, healths, strict=True):
        definition = scaled(template, factor)
        wanted = GREEN if health is STALE and definition.frequency == "hourly" else health
        if wanted is not STALE and _zone_value(definition, wanted, random.Random(0)) is None:
            wanted = GREEN
        periods = history_periods(definition.frequency, rng)
        silent = rng.randint(3, 6) if wanted is STALE else 0
        plans.append(KpiPlan(definition, f"{seed}/{template.name}", wanted, periods, silent))
    return plans


def check_definition(template: KpiTemplate) -> None:
    """Refuse a definition the model would refuse (the catalog is data, so check it)."""
    errors = validate_kpi(spec_of(template))
    if errors:
        raise DomainValidationError(errors)


# --- Timestamps -------------------------------------------------------------------------------


def current_period_start(frequency: str, now: dt.datetime) -> dt.datetime:
    """Start of the period containing `now` (UTC)."""
    now = now.astimezone(dt.UTC)
    if frequency == "hourly":
        return now.replace(minute=0, second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == "daily":
        return midnight
    if frequency == "weekly":
        return midnight - dt.timedelta(days=midnight.weekday())
    return midnight.replace(day=1)


# The longest history `history_periods` draws, per frequency: one calendar of that length
# serves every KPI of the frequency, each reading its own tail of it.
_LONGEST = {"hourly": 60 * 24 + 1, "daily": 730, "weekly": 104}


@dataclass(frozen=True)
class Calendar:
    """Period starts up to the current one, oldest first, with what a series reads of each.

    Computed once per frequency and load, not once per KPI: a large demo generates millions
    of values from a few thousand distinct instants.
    """

    stamps: tuple[dt.datetime, ...]
    # 2 pi * day of year / 365.25: the phase of the yearly season.
    year_angles: tuple[float, ...]
    weekends: tuple[bool, ...]
    # sin(2 pi * (hour - 8) / 24): the shape of an hourly KPI's day.
    day_waves: tuple[float, ...]


def calendar(frequency: str, now: dt.datetime, count: int) -> Calendar:
    """A calendar of at least the last `count` periods (its tail is what a KPI reads)."""
    return _calendar(frequency, now, max(count, _LONGEST.get(frequency, 24)))


@lru_cache(maxsize=32)
def _calendar(frequency: str, now: dt.datetime, count: int) -> Calendar:
    stamps = _stamps(frequency, now, count)
    return Calendar(
        stamps=stamps,
        year_angles=tuple(2 * math.pi * s.timetuple().tm_yday / 365.25 for s in stamps),
        weekends=tuple(s.weekday() >= 5 for s in stamps),
        day_waves=tuple(math.sin(2 * math.pi * (s.hour - 8) / 24) for s in stamps),
    )


def timestamps(frequency: str, now: dt.datetime, count: int) -> tuple[dt.datetime, ...]:
    """Start of each of the last `count` periods, oldest first, the current one last."""
    stamps = calendar(frequency, now, count).stamps
    return stamps[len(stamps) - count :]


def _stamps(frequency: str, now: dt.datetime, count: int) -> tuple[dt.datetime, ...]:
    last = current_period_start(frequency, now)
    if frequency == "monthly":
        index = last.year * 12 + last.month - 1
        return tuple(
            last.replace(year=(index - k) // 12, month=(index - k) % 12 + 1)
            for k in range(count - 1, -1, -1)
        )
    step = _STEP.get(frequency, dt.timedelta(weeks=1))
    return tuple(last - step * k for k in range(count - 1, -1, -1))


# --- Values -----------------------------------------------------------------------------------


def spread(template: KpiTemplate) -> float:
    """The KPI's natural scale of variation: the width of its yellow zone or of its band."""
    if template.direction == IN_RANGE:
        width = (template.high or 0.0) - (template.low or 0.0)
        raw = max(width / 2, template.warning or 0.0)
        reference = abs(template.high or 0.0)
    else:
        raw = abs((template.target or 0.0) - (template.warning or 0.0))
        reference = abs(template.target or 0.0)
    return raw or max(reference * 0.1, 10.0**-template.decimals)


def _bounded(template: KpiTemplate, value: float) -> float:
    if template.floor is not None:
        value = max(value, template.floor)
    if template.ceiling is not None:
        value = min(value, template.ceiling)
    return round(value, template.decimals)


def _zone_value(template: KpiTemplate, health: Health, rng: random.Random) -> float | None:
    """A value whose health is `health`, or None when rounding and bounds leave no room."""
    spec = spec_of(template)
    for _ in range(40):
        value = _bounded(template, _raw_zone_value(template, health, rng))
        if value_health(spec, value) is health:
            return value
    return None


def _raw_zone_value(template: KpiTemplate, health: Health, rng: random.Random) -> float:
    if template.direction == IN_RANGE:
        low, high = template.low or 0.0, template.high or 0.0
        margin = template.warning or 0.0
        side = rng.choice((-1.0, 1.0))
        edge = high if side > 0 else low
        if health is GREEN:
            return low + rng.uniform(0.15, 0.85) * (high - low)
        if health is YELLOW:
            return edge + side * rng.uniform(0.15, 0.85) * margin
        return edge + side * (margin + rng.uniform(0.2, 1.0) * max(margin, (high - low) / 4))
    target, warning = template.target or 0.0, template.warning or 0.0
    gap = abs(target - warning) or spread(template)
    sign = 1.0 if template.direction == HIGHER else -1.0
    if health is GREEN:
        return target + sign * rng.uniform(0.02, 0.6) * gap
    if health is YELLOW:
        return warning + sign * rng.uniform(0.15, 0.85) * gap
    return warning - sign * rng.uniform(0.2, 1.2) * gap


def generate(plan: KpiPlan, now: dt.datetime) -> list[tuple[dt.datetime, float]]:
    """The KPI's measurements, oldest first: the same plan and `now` give the same values."""
    values = generate_values(plan, now)
    stamps = timestamps(plan.template.frequency, now, plan.periods)
    return list(zip(stamps, values, strict=False))


def generate_values(plan: KpiPlan, now: dt.datetime) -> list[float]:
    """The values of `generate`, one per timestamp from the first (a stale KPI's stop early).

    This loop runs millions of times for a large demo: per-instant terms come from the
    calendar and everything it calls is bound to a local name.
    """
    template = plan.template
    rng = random.Random(plan.seed)
    cal = calendar(template.frequency, now, plan.periods)
    offset = len(cal.stamps) - plan.periods
    # The period whose value decides the health: the latest complete one, or for a stale
    # KPI the last one that still received a value.
    anchor = plan.periods - 2 if plan.health is not STALE else plan.periods - 1 - plan.silent
    intended = plan.health if plan.health is not STALE else rng.choice((GREEN, YELLOW))
    end_value = _zone_value(template, intended, rng)
    if end_value is None:
        end_value = _bounded(template, template.target or (template.low or 0.0))
    scale = spread(template)
    start_value = end_value + rng.uniform(-2.0, 2.0) * scale
    noise = rng.uniform(0.08, 0.2) * scale
    yearly = rng.uniform(0.0, 0.4) * scale
    phase = rng.uniform(0, 2 * math.pi)
    weekly = rng.uniform(0.1, 0.5) * scale if template.frequency in _STEP else 0.0
    daily = rng.uniform(0.3, 0.7) * scale if template.frequency == "hourly" else 0.0
    slope = (end_value - start_value) / max(anchor, 1)
    floor, ceiling, decimals = template.floor, template.ceiling, template.decimals
    gauss, sin = rng.gauss, math.sin
    angles, weekends, waves = cal.year_angles, cal.weekends, cal.day_waves
    values: list[float] = []
    append = values.append
    for index in range(plan.periods - plan.silent):
        if index == anchor:
            append(end_value)
            continue
        at = offset + index
        value = start_value + slope * index + gauss(0.0, noise)
        value += yearly * sin(angles[at] + phase)
        if weekly:
            # Weekends are quiet for most business numbers.
            value -= weekly if weekends[at] else -weekly * 0.4
        if daily:
            value += daily * waves[at]
        if floor is not None:
            value = max(value, floor)
        if ceiling is not None:
            value = min(value, ceiling)
        append(round(value, decimals))
    return values
