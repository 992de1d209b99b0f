"""KPI validation, health and trend (docs/scoring.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.forecast import linear_fit
from goalkeeper.domain.instants import instant
from goalkeeper.domain.limits import check_value, total
from goalkeeper.domain.periods import Frequency, nominal_length

# No value for more than this many periods turns a KPI grey.
STALE_AFTER_PERIODS = 1.5
# A trend needs at least this many periods with a value inside its window.
TREND_MIN_VALUES = 3


class Direction(StrEnum):
    """Which values of a KPI are good."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    IN_RANGE = "in_range"


class Health(StrEnum):
    """Colour of a KPI for its latest complete period."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    STALE = "stale"
    NO_DATA = "no_data"


class Trend(StrEnum):
    """Whether a KPI moves in its good direction over recent periods."""

    IMPROVING = "improving"
    FLAT = "flat"
    WORSENING = "worsening"
    # Fewer than TREND_MIN_VALUES periods with a value: no direction can be told.
    NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True)
class HealthReading:
    """A KPI's health, and whether it is provisional: judged on the current period so far,
    because the latest complete period holds no value (docs/kpis.md)."""

    health: Health
    provisional: bool = False


@dataclass(frozen=True)
class KpiSpec:
    """A KPI's goal: a target and warning threshold, or a band [low, high].

    For `in_range`, `warning` is the margin outside [low, high] that is still yellow.
    """

    direction: Direction
    target: float | None = None
    warning: float | None = None
    low: float | None = None
    high: float | None = None


_NUMBER_FIELDS = ("target", "warning", "low", "high")
# Fields each direction uses; any other one that is set is refused.
_FIELDS_BY_DIRECTION: dict[Direction, tuple[str, ...]] = {
    Direction.HIGHER_IS_BETTER: ("target", "warning"),
    Direction.LOWER_IS_BETTER: ("target", "warning"),
    Direction.IN_RANGE: ("low", "high", "warning"),
}


def validate_kpi(spec: KpiSpec) -> list[FieldError]:
    """Return every reason `spec` cannot be saved; an empty list means it is valid."""
    errors: list[FieldError] = []
    for name in _NUMBER_FIELDS:
        errors += check_value(name, getattr(spec, name))
    # Relational checks only look at finite values: a NaN has already been reported once.
    usable = {
        name: value
        for name in _NUMBER_FIELDS
        if (value := getattr(spec, name)) is not None and math.isfinite(value)
    }
    used = _FIELDS_BY_DIRECTION[spec.direction]
    for name in _NUMBER_FIELDS:
        if name not in used and getattr(spec, name) is not None:
            errors.append(FieldError(name, f"does not apply to {spec.direction} KPIs"))
    if spec.direction is Direction.IN_RANGE:
        return errors + _validate_range(spec, usable)
    return errors + _validate_target(spec, usable)


def _validate_target(spec: KpiSpec, usable: dict[str, float]) -> list[FieldError]:
    if spec.target is None:
        return [FieldError("target", f"is required for {spec.direction} KPIs")]
    if "target" not in usable or "warning" not in usable:
        return []
    target, warning = usable["target"], usable["warning"]
    if spec.direction is Direction.HIGHER_IS_BETTER and warning > target:
        return [FieldError("warning", f"warning must be below the target for {spec.direction}")]
    if spec.direction is Direction.LOWER_IS_BETTER and warning < target:
        return [FieldError("warning", f"warning must be above the target for {spec.direction}")]
    return []


def _validate_range(spec: KpiSpec, usable: dict[str, float]) -> list[FieldError]:
    errors = [
        FieldError(name, f"is required for {spec.direction} KPIs")
        for name in ("low", "high")
        if getattr(spec, name) is None
    ]
    if "low" in usable and "high" in usable and usable["low"] > usable["high"]:
        errors.append(FieldError("low", "the range is empty: low is above high"))
    if "warning" in usable and usable["warning"] < 0:
        errors.append(FieldError("warning", "the warning margin must not be negative"))
    return errors


def value_health(spec: KpiSpec, value: float) -> Health:
    """Green, yellow or red for one value; no warning means no yellow zone.

    A spec without its target (or without both range bounds) cannot judge anything and
    gives `no_data`, never a colour.
    """
    if spec.direction is Direction.IN_RANGE:
        return _range_health(spec, value)
    if spec.target is None:
        return Health.NO_DATA
    # Mirror lower-is-better onto higher-is-better so that one comparison serves both.
    sign = 1.0 if spec.direction is Direction.HIGHER_IS_BETTER else -1.0
    if sign * value >= sign * spec.target:
        return Health.GREEN
    if spec.warning is not None and sign * value >= sign * spec.warning:
        return Health.YELLOW
    return Health.RED


def _range_health(spec: KpiSpec, value: float) -> Health:
    if spec.low is None and spec.high is None:
        return Health.NO_DATA
    distance = distance_to_band(value, spec.low, spec.high)
    if distance == 0:
        return Health.GREEN
    if spec.warning is not None and distance <= spec.warning:
        return Health.YELLOW
    return Health.RED


def distance_to_band(value: float, low: float | None, high: float | None) -> float:
    """How far `value` lies outside [low, high] (0 inside); a missing bound is open."""
    below = low - value if low is not None else 0.0
    above = value - high if high is not None else 0.0
    return max(below, above, 0.0)


def stale_from(last_measurement_at: datetime, frequency: Frequency) -> datetime:
    """The instant (UTC) after which a KPI last measured at `last_measurement_at` is stale:
    1.5 periods of its frequency without a new value."""
    return instant(last_measurement_at) + STALE_AFTER_PERIODS * nominal_length(frequency)


def relative_change(value: float | None, previous: float | None) -> float | None:
    """How far `value` moved from `previous`, as a share of `previous` (0.25 for +25%).

    None when either is missing or `previous` is zero: a move from nothing has no size.
    """
    if value is None or previous is None or previous == 0:
        return None
    return (value - previous) / abs(previous)


def judge_health(
    spec: KpiSpec,
    frequency: Frequency,
    period_value: float | None,
    last_measurement_at: datetime | None,
    now: datetime,
    current_value: float | None = None,
) -> HealthReading:
    """Health of the latest complete period, whose aggregated value is `period_value`.

    `no_data` only before the first measurement ever. `stale` when the last measurement is
    older than 1.5 periods. When the latest complete period holds no value but the current
    one does (`current_value`, so far) and the KPI is not stale, the current period is
    judged instead and the reading is provisional. With neither, the KPI is `stale`:
    silence is never green.
    """
    if last_measurement_at is None:
        return HealthReading(Health.NO_DATA)
    if instant(now) > stale_from(last_measurement_at, frequency):
        return HealthReading(Health.STALE)
    if period_value is not None:
        return HealthReading(value_health(spec, period_value))
    if current_value is not None:
        health = value_health(spec, current_value)
        return HealthReading(health, provisional=health is not Health.NO_DATA)
    return HealthReading(Health.STALE)


def kpi_health(
    spec: KpiSpec,
    frequency: Frequency,
    period_value: float | None,
    last_measurement_at: datetime | None,
    now: datetime,
    current_value: float | None = None,
) -> Health:
    """The colour of `judge_health`, without saying whether it is provisional."""
    return judge_health(
        spec, frequency, period_value, last_measurement_at, now, current_value
    ).health


def trend(
    values: Sequence[float | None],
    spec: KpiSpec,
    periods: int = 6,
    flat_tolerance: float = 0.01,
) -> Trend:
    """Direction of the least-squares slope over the last `periods` periods' values.

    `values` holds one value per consecutive period, oldest first, None where a period has
    none; the slope is fitted through the periods that have one, at their places. Fewer
    than TREND_MIN_VALUES of them give `not_enough_data`. The change over the window (slope
    times its span) is flat while within `flat_tolerance` of the KPI's scale: the larger
    of the values' mean and the target. For `in_range` the series is the distance to the
    band, so shrinking distance improves and a KPI inside its band throughout is flat.
    """
    window = list(values[-periods:]) if periods > 0 else []
    points = [(float(index), value) for index, value in enumerate(window) if value is not None]
    if len(points) < TREND_MIN_VALUES:
        return Trend.NOT_ENOUGH_DATA
    numbers = [value for _, value in points]
    scale = max(abs(total(numbers) / len(numbers)), abs(spec.target or 0.0), 1e-9)
    if spec.direction is Direction.IN_RANGE:
        # Closer to the band is better: follow the distance, downwards is good.
        points = [(x, distance_to_band(value, spec.low, spec.high)) for x, value in points]
        sign = -1.0
    else:
        sign = 1.0 if spec.direction is Direction.HIGHER_IS_BETTER else -1.0
    fit = linear_fit(points)
    slope = 0.0 if fit is None else fit[0]
    change = sign * slope * (points[-1][0] - points[0][0])
    if abs(change) <= flat_tolerance * scale:
        return Trend.FLAT
    return Trend.IMPROVING if change > 0 else Trend.WORSENING
