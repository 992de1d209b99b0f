"""Odds of a metric key result, and of its objective, by seeded simulation (docs/signals.md).

The model: a least-squares line through the history (check-ins or the linked KPI's period
values), projected to the cycle end. Each simulated end value is the projection plus two
normal draws: the line's own uncertainty at that instant,
`s * sqrt(1/n + (t - mean_t)^2 / Sxx)`, and the scatter of one value around the line, `s`,
where `s` is the residual standard deviation (n - 2 degrees of freedom). With a seasonal
shape (12 monthly factors), values are divided by their month's factor before the fit and
the simulated value multiplied by the end month's factor.

A key result that follows phased targets (`phasing.ExpectedPath`) expects a path that is
not a straight line: the line is then fitted to the deviation from that path (value minus
expected value at each point), projected to the end, and the path's value there added back.
A key result exactly on a back-loaded path so gets high odds where a straight line through
its slow start would give low ones. The path takes the place of a seasonal shape.

The random generator is seeded from the inputs themselves, so the same data always gives
the same odds, on any machine and in any process.
"""

from __future__ import annotations

import hashlib
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from goalkeeper.domain.forecast import linear_fit
from goalkeeper.domain.instants import elapsed
from goalkeeper.domain.key_results import METRIC_KINDS, KeyResultSpec, score
from goalkeeper.domain.limits import total
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.phasing import ExpectedPath
from goalkeeper.domain.scoring import ObjectiveKind, succeeded

MIN_POINTS = 3
DRAWS = 10_000
MONTHS = 12
# The quantiles of a fan chart, in percent.
FAN_QUANTILES = (10, 25, 50, 75, 90)
_SECONDS_PER_DAY = 86_400.0

Point = tuple[datetime, float]


@dataclass(frozen=True)
class Odds:
    """Probabilities (0..1) that the value reaches the target and that the score reaches
    the objective kind's success line."""

    target: float
    success: float


@dataclass(frozen=True)
class FanStep:
    """The 10/25/50/75/90% quantiles of the simulated value at one future instant."""

    at: datetime
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float


@dataclass(frozen=True)
class KeyResultHistory:
    """What the objective's odds need of one key result.

    `points` is its history; `current` and `done` give its score when it cannot be
    simulated (a milestone, or fewer than 3 points), which then counts as it stands.
    """

    spec: KeyResultSpec
    points: tuple[Point, ...] = ()
    current: float | None = None
    done: bool = False
    seasonal: tuple[float, ...] | None = None
    path: ExpectedPath | None = None


def seasonal_factors(monthly: Sequence[float | None]) -> tuple[float, ...] | None:
    """Last year's shape: 12 monthly values (January first) divided by their mean.

    None unless all 12 are present and positive: a multiplicative shape needs them.
    """
    if len(monthly) != MONTHS or any(value is None or not value > 0 for value in monthly):
        return None
    values = [float(value) for value in monthly if value is not None]
    mean = total(values) / MONTHS
    return tuple(value / mean for value in values)


@dataclass(frozen=True)
class _Model:
    origin: datetime
    slope: float
    intercept: float
    mean_t: float
    sxx: float
    n: int
    residual_sd: float
    seasonal: tuple[float, ...] | None

    def days(self, at: datetime) -> float:
        return elapsed(at, self.origin).total_seconds() / _SECONDS_PER_DAY

    def factor(self, at: datetime) -> float:
        return 1.0 if self.seasonal is None else self.seasonal[at.month - 1]

    def projection(self, at: datetime) -> tuple[float, float]:
        """The line's value at `at` and the standard deviation of the line itself there."""
        t = self.days(at)
        line_sd = self.residual_sd * math.sqrt(1 / self.n + (t - self.mean_t) ** 2 / self.sxx)
        return self.intercept + self.slope * t, line_sd


def _model(points: Sequence[Point], seasonal: tuple[float, ...] | None) -> _Model | None:
    if seasonal is not None and (len(seasonal) != MONTHS or not all(f > 0 for f in seasonal)):
        raise ValueError("seasonal must hold 12 positive monthly factors")
    if len(points) < MIN_POINTS:
        return None
    ordered = sorted(points, key=lambda point: elapsed(point[0], points[0][0]))
    origin = ordered[0][0]

    def factor(at: datetime) -> float:
        return 1.0 if seasonal is None else seasonal[at.month - 1]

    xy = [
        (elapsed(at, origin).total_seconds() / _SECONDS_PER_DAY, value / factor(at))
        for at, value in ordered
    ]
    fit = linear_fit(xy)
    if fit is None:
        return None
    slope, intercept = fit
    n = len(xy)
    mean_t = total(x for x, _ in xy) / n
    sxx = total((x - mean_t) ** 2 for x, _ in xy)
    squares = total((y - (intercept + slope * x)) ** 2 for x, y in xy)
    return _Model(
        origin=origin,
        slope=slope,
        intercept=intercept,
        mean_t=mean_t,
        sxx=sxx,
        n=n,
        residual_sd=math.sqrt(squares / (n - 2)),
        seasonal=seasonal,
    )


def _seed(*parts: object) -> int:
    """A seed from the inputs' exact text (`float.hex`, ISO instants), stable everywhere."""
    text = repr([_stable(part) for part in parts])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _stable(part: object) -> object:
    if isinstance(part, float):
        return part.hex()
    if isinstance(part, datetime):
        return part.isoformat()
    if isinstance(part, tuple | list):
        return [_stable(item) for item in part]
    return part


def _deviations(points: Sequence[Point], path: ExpectedPath) -> list[Point]:
    """Each point's distance from the expected path on its day."""
    return [(at, value - path.value_at(at.date())) for at, value in points]


def simulate(
    points: Sequence[Point],
    at: datetime,
    seasonal: tuple[float, ...] | None = None,
    draws: int = DRAWS,
    *,
    path: ExpectedPath | None = None,
) -> list[float] | None:
    """`draws` simulated values at `at` from the history `points`; None with fewer than 3
    points or when they share one instant. `seasonal` comes from `seasonal_factors`; with
    an expected `path` (phased targets), the deviation from it is simulated instead, and
    the seasonal shape is not used."""
    if path is not None:
        points, seasonal = _deviations(points, path), None
    model = _model(points, seasonal)
    if model is None:
        return None
    values = _draws(model, points, at, draws)
    if path is not None:
        offset = path.value_at(at.date())
        values = [value + offset for value in values]
    return values


def _draws(model: _Model, points: Sequence[Point], at: datetime, draws: int) -> list[float]:
    rng = random.Random(_seed(list(points), at, model.seasonal, draws))
    centre, line_sd = model.projection(at)
    factor, residual_sd = model.factor(at), model.residual_sd
    # Each value: the projection, the line's own uncertainty, one value's scatter.
    return [
        (centre + rng.gauss(0.0, line_sd) + rng.gauss(0.0, residual_sd)) * factor
        for _ in range(draws)
    ]


def key_result_odds(
    spec: KeyResultSpec,
    kind: ObjectiveKind,
    points: Sequence[Point],
    end: datetime,
    seasonal: tuple[float, ...] | None = None,
    draws: int = DRAWS,
    *,
    path: ExpectedPath | None = None,
) -> Odds | None:
    """The odds of a metric key result at the cycle end `end`, from `draws` simulated values.

    `target`: share of simulated values at or beyond the target in the key result's
    direction. `success`: share whose score (`key_results.score`, zones included) meets the
    success line of the objective's kind (`scoring.succeeded`). None for key results that
    are not metric (increase, decrease) or lack a target, and with fewer than 3 points.
    `path`: the expected path of phased targets (see `simulate`).
    """
    if spec.kind not in METRIC_KINDS or spec.target is None:
        return None
    values = simulate(points, end, seasonal, draws, path=path)
    if values is None:
        return None
    sign, target = spec.direction, spec.target
    reached = sum(1 for value in values if sign * value >= sign * target)
    successes = sum(1 for value in values if succeeded(kind, score(spec, value)))
    return Odds(target=reached / len(values), success=successes / len(values))


def objective_odds(
    key_results: Sequence[KeyResultHistory],
    kind: ObjectiveKind,
    end: datetime,
    draws: int = DRAWS,
) -> float | None:
    """The probability that the objective's final score meets its kind's success line.

    Simulated jointly: in draw i every metric key result takes its own i-th simulated end
    value; the objective's score for that draw is the weighted mean of the key results'
    scores (`objective_progress`), and the odds are the share of draws that succeed. Key
    results that cannot be simulated count with their current score in every draw. None
    when no key result can be simulated.
    """
    simulated: list[list[float] | None] = []
    for item in key_results:
        values = None
        if item.spec.kind in METRIC_KINDS:
            values = simulate(item.points, end, item.seasonal, draws, path=item.path)
        simulated.append(values)
    if all(values is None for values in simulated):
        return None
    fixed = [score(item.spec, item.current, item.done) for item in key_results]
    successes = 0
    for draw in range(draws):
        scores = [
            WeightedScore(
                item.spec.weight,
                fixed[index] if values is None else score(item.spec, values[draw]),
            )
            for index, (item, values) in enumerate(zip(key_results, simulated, strict=True))
        ]
        progress = objective_progress(scores)
        successes += progress is not None and succeeded(kind, progress)
    return successes / draws


def fan_chart(
    points: Sequence[Point],
    steps: Sequence[datetime],
    seasonal: tuple[float, ...] | None = None,
    *,
    path: ExpectedPath | None = None,
) -> tuple[FanStep, ...] | None:
    """The 10/25/50/75/90% quantiles of the simulated value at each future instant.

    None with fewer than 3 points. Each step is simulated from the same history with its
    own seed, so a step's band does not depend on which other steps are asked for. With an
    expected `path`, each step's band is around the path (see `simulate`).
    """
    fitted = _deviations(points, path) if path is not None else points
    model = _model(fitted, None if path is not None else seasonal)
    if model is None:
        return None
    fan: list[FanStep] = []
    for at in steps:
        values = _draws(model, fitted, at, DRAWS)
        if path is not None:
            offset = path.value_at(at.date())
            values = [value + offset for value in values]
        # Cut points at every 5%: index k is the (k + 1) * 5th percentile.
        cuts = statistics.quantiles(values, n=20, method="inclusive")
        p10, p25, p50, p75, p90 = (cuts[q // 5 - 1] for q in FAN_QUANTILES)
        fan.append(FanStep(at=at, p10=p10, p25=p25, p50=p50, p75=p75, p90=p90))
    return tuple(fan)
