"""Key result validation, progress and score (docs/scoring.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.limits import bounded, check_value, check_weight


class KeyResultKind(StrEnum):
    """How a key result is measured."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"
    MILESTONE = "milestone"


# Kinds measured from a start value towards a target; only these can carry zones.
METRIC_KINDS = frozenset({KeyResultKind.INCREASE, KeyResultKind.DECREASE})

# Zone breakpoints: where start, commit, target and stretch land on the score scale.
COMMIT_SCORE = 0.3
TARGET_SCORE = 0.7


@dataclass(frozen=True)
class KeyResultSpec:
    """The numbers that define a key result; which ones apply depends on `kind`."""

    kind: KeyResultKind
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    commit: float | None = None
    stretch: float | None = None
    weight: float = 1.0

    @property
    def has_zones(self) -> bool:
        """True when a metric key result is scored with commit/target/stretch zones."""
        return self.kind in METRIC_KINDS and self.commit is not None and self.stretch is not None

    @property
    def direction(self) -> float:
        """+1 when larger values are better (increase), -1 when smaller are (decrease)."""
        return -1.0 if self.kind is KeyResultKind.DECREASE else 1.0


_VALUE_FIELDS = ("start", "target", "low", "high", "commit", "stretch")
_NUMBER_FIELDS = (*_VALUE_FIELDS, "weight")
# Fields that only make sense for some kinds; set on any other kind they are refused. Start
# and target are tolerated (and ignored) on maintain and milestone key results, so that
# switching a key result's kind does not force the user to clear them first.
_KIND_SPECIFIC_FIELDS: dict[str, frozenset[KeyResultKind]] = {
    "low": frozenset({KeyResultKind.MAINTAIN}),
    "high": frozenset({KeyResultKind.MAINTAIN}),
    "commit": METRIC_KINDS,
    "stretch": METRIC_KINDS,
}


def validate_key_result(spec: KeyResultSpec) -> list[FieldError]:
    """Return every reason `spec` cannot be saved; an empty list means it is valid."""
    errors: list[FieldError] = []
    for name in _VALUE_FIELDS:
        errors += check_value(name, getattr(spec, name))
    errors += check_weight("weight", spec.weight)
    # Relational checks only look at finite values: a NaN has already been reported once.
    usable = {
        name: value
        for name in _NUMBER_FIELDS
        if (value := getattr(spec, name)) is not None and math.isfinite(value)
    }
    for name, kinds in _KIND_SPECIFIC_FIELDS.items():
        if spec.kind not in kinds and getattr(spec, name) is not None:
            errors.append(FieldError(name, f"does not apply to {spec.kind} key results"))
    if spec.kind in METRIC_KINDS:
        errors += _validate_metric(spec, usable)
    elif spec.kind is KeyResultKind.MAINTAIN:
        errors += _validate_band(spec, usable)
    return errors


def _validate_metric(spec: KeyResultSpec, usable: dict[str, float]) -> list[FieldError]:
    errors = [
        FieldError(name, f"is required for {spec.kind} key results")
        for name in ("start", "target")
        if getattr(spec, name) is None
    ]
    if spec.commit is not None and spec.stretch is None:
        errors.append(FieldError("stretch", "is required when commit is set"))
    if spec.stretch is not None and spec.commit is None:
        errors.append(FieldError("commit", "is required when stretch is set"))
    if "start" not in usable or "target" not in usable:
        return errors
    start, target = usable["start"], usable["target"]
    if target == start:
        errors.append(FieldError("target", "target must differ from start"))
        return errors
    above = spec.kind is KeyResultKind.INCREASE
    if (target > start) != above:
        side = "above" if above else "below"
        errors.append(
            FieldError("target", f"target must be {side} start for {spec.kind} key results")
        )
        return errors
    if "commit" in usable and "stretch" in usable:
        errors += _validate_zones(spec, start, target, usable["commit"], usable["stretch"])
    return errors


def _validate_zones(
    spec: KeyResultSpec, start: float, target: float, commit: float, stretch: float
) -> list[FieldError]:
    # Compare in the key result's own direction so that one set of checks serves both kinds.
    sign = spec.direction
    more, less = ("above", "below") if sign > 0 else ("below", "above")
    errors: list[FieldError] = []
    if not sign * commit > sign * start:
        errors.append(FieldError("commit", f"commit must be {more} start"))
    if not sign * commit < sign * target:
        errors.append(FieldError("commit", f"commit must be {less} target"))
    if not sign * stretch > sign * target:
        errors.append(FieldError("stretch", f"stretch must be {more} target"))
    return errors


def _validate_band(spec: KeyResultSpec, usable: dict[str, float]) -> list[FieldError]:
    if spec.low is None and spec.high is None:
        return [FieldError("low", "low or high is required for maintain key results")]
    if "low" in usable and "high" in usable and usable["low"] > usable["high"]:
        return [FieldError("low", "low must not exceed high")]
    return []


def progress(spec: KeyResultSpec, current: float | None, done: bool = False) -> float | None:
    """Raw progress `p` (may be below 0 or above 1, shown as "130%").

    Returns None when the spec is incomplete (no start or target, an empty band) instead of
    raising, so a half-edited key result still renders.
    """
    if spec.kind is KeyResultKind.MILESTONE:
        return 1.0 if done else 0.0
    if spec.kind is KeyResultKind.MAINTAIN:
        return _band_progress(spec, current)
    if spec.start is None or spec.target is None or spec.target == spec.start:
        return None
    # No check-in yet: the current value is the start value.
    value = spec.start if current is None else current
    # `bounded`: a start and target a few ulps apart could make `p` overflow, and held at
    # +-1e15 it reads the same; a decreasing key result at its start gives 0 / -10, a negative
    # zero, which a reader expects as 0; only non-finite inputs (refused) give NaN, then None.
    return bounded(fraction(value, spec.start, spec.target))


def _band_progress(spec: KeyResultSpec, current: float | None) -> float | None:
    if spec.low is None and spec.high is None:
        return None
    if current is None:
        return 0.0
    above_low = spec.low is None or current >= spec.low
    below_high = spec.high is None or current <= spec.high
    return 1.0 if above_low and below_high else 0.0


def score(spec: KeyResultSpec, current: float | None, done: bool = False) -> float:
    """Score `s` in 0..1: clamped progress, or the zone curve when commit and stretch are set.

    An incomplete spec scores 0.0: silence is never success.
    """
    p = progress(spec, current, done)
    if p is None:
        return 0.0
    curve = _zone_curve(spec)
    if curve is None:
        return clamp(p, 0.0, 1.0)
    # No check-in yet: the current value is the start value, the curve's first point.
    x = curve[0][0] if current is None else spec.direction * current
    return clamp(interpolate(curve, x), 0.0, 1.0)


def _zone_curve(spec: KeyResultSpec) -> list[tuple[float, float]] | None:
    """Breakpoints (value, score) in the key result's direction, or None without zones.

    Zones that are not strictly ordered are ignored (plain progress is used) rather than
    producing a curve that goes backwards; validation reports them.
    """
    if not spec.has_zones:
        return None
    sign = spec.direction
    points = (spec.start, spec.commit, spec.target, spec.stretch)
    values = [sign * v for v in points if v is not None]
    # `not a < b` rather than `a >= b`, so that a NaN counts as out of order.
    if len(values) < len(points) or not all(a < b for a, b in pairwise(values)):
        return None
    return list(zip(values, (0.0, COMMIT_SCORE, TARGET_SCORE, 1.0), strict=True))


def interpolate(curve: Sequence[tuple[float, float]], x: float) -> float:
    """Piecewise-linear value of `curve` (sorted by x) at `x`, flat beyond both ends."""
    first_x, first_y = curve[0]
    if x <= first_x:
        return first_y
    for (x0, y0), (x1, y1) in pairwise(curve):
        if x < x1:
            # Divide first and cap at y1: rounding could otherwise overshoot the next
            # segment's start by one ulp and make the score dip as the value improves.
            return min(y0 + (y1 - y0) * fraction(x, x0, x1), y1)
    return curve[-1][1]


def fraction(x: float, x0: float, x1: float) -> float:
    """Where `x` lies on the way from `x0` to `x1` (0 at x0, 1 at x1); needs x0 != x1."""
    offset, span = x - x0, x1 - x0
    if (math.isinf(offset) or math.isinf(span)) and all(map(math.isfinite, (x, x0, x1))):
        # The difference of two huge finite floats can overflow to infinity (and inf / inf
        # is NaN); halving all three leaves the ratio unchanged and brings it into range.
        return fraction(x / 2, x0 / 2, x1 / 2)
    return offset / span


def clamp(value: float, low: float, high: float) -> float:
    """Bound `value` to [low, high]."""
    return min(max(value, low), high)
