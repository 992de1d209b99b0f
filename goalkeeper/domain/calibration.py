"""Calibration: how well forecasts of success matched what happened (docs/signals.md).

The Brier score of forecasts `p_i` (probabilities 0..1) against outcomes `o_i` (1 when the
thing happened, else 0) is `mean((p_i - o_i)^2)`: 0 is perfect, 0.25 is what always saying
50% earns, 1 is always certain and always wrong. An owner's confidence 0-10 is read as a
probability of 0-100%.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from goalkeeper.domain.limits import total

G = TypeVar("G", bound=Hashable)

MAX_CONFIDENCE = 10


@dataclass(frozen=True)
class Forecast(Generic[G]):
    """One forecast of one group (a person, a team, the model) and whether it came true."""

    group: G
    probability: float
    happened: bool


@dataclass(frozen=True)
class Calibration:
    """A group's Brier score and the number of forecasts it rests on."""

    brier: float
    count: int


def confidence_probability(confidence: int) -> float:
    """An owner's confidence 0-10 read as a probability: 7 is 0.7.

    Raises ValueError outside 0-10.
    """
    if not 0 <= confidence <= MAX_CONFIDENCE:
        raise ValueError(f"confidence must be between 0 and {MAX_CONFIDENCE}, not {confidence}")
    return confidence / MAX_CONFIDENCE


def brier_score(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """Mean squared difference between probabilities and outcomes (1 happened, 0 not).

    None without forecasts. Raises ValueError for a probability outside 0..1 (NaN too).
    """
    if not pairs:
        return None
    for probability, _ in pairs:
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, not {probability}")
    return total((probability - float(happened)) ** 2 for probability, happened in pairs) / len(
        pairs
    )


def calibration_by_group(forecasts: Iterable[Forecast[G]]) -> dict[G, Calibration]:
    """The Brier score of each group's forecasts, in the order groups first appear."""
    grouped: dict[G, list[tuple[float, bool]]] = {}
    for forecast in forecasts:
        grouped.setdefault(forecast.group, []).append((forecast.probability, forecast.happened))
    result: dict[G, Calibration] = {}
    for group, pairs in grouped.items():
        brier = brier_score(pairs)
        # A group only exists with at least one forecast, so its score is never None.
        result[group] = Calibration(brier=brier if brier is not None else 0.0, count=len(pairs))
    return result


@dataclass(frozen=True)
class ForecastSums:
    """The forecasts of one group about one outcome, summed: how many, the sum of their
    probabilities and of their squares. A database adds these up without sending each row."""

    count: int
    total: float
    squares: float


def calibration_from_sums(items: Iterable[tuple[ForecastSums, bool]]) -> Calibration | None:
    """The Brier score of forecasts given as sums per outcome (`ForecastSums`, whether it
    happened): `sum((p - o)^2) = sum(p^2) - 2 o sum(p) + o n`, the same number
    `brier_score` gives from the forecasts one by one. None without forecasts."""
    count = 0
    squared_errors: list[float] = []
    for sums, happened in items:
        outcome = float(happened)
        count += sums.count
        squared_errors.append(sums.squares - 2 * outcome * sums.total + outcome * sums.count)
    if count == 0:
        return None
    # Rounding can leave a hair below zero for perfect forecasts; the score is never negative.
    return Calibration(brier=max(0.0, total(squared_errors) / count), count=count)
