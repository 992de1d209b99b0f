"""Objective progress: the weighted mean of its key results' scores (docs/scoring.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from goalkeeper.domain.limits import total

# An aligned child objective counts as one more item of this weight when rolled up.
CHILD_WEIGHT = 1.0


@dataclass(frozen=True)
class WeightedScore:
    """A key result's score together with its weight."""

    weight: float
    score: float


def objective_progress(
    key_results: Sequence[WeightedScore],
    children: Sequence[float | None] = (),
    roll_up_children: bool = False,
) -> float | None:
    """Weighted mean `sum(w * s) / sum(w)` of the key results (and children when rolled up).

    Returns None when there is nothing to average: an objective without key results has no
    progress, which is shown as "-" and never as 0% or 100%.
    """
    items = list(key_results)
    if roll_up_children:
        # A child that has no progress itself contributes nothing rather than a zero.
        items += [WeightedScore(CHILD_WEIGHT, child) for child in children if child is not None]
    if not items:
        return None
    # Weights are scaled by a power of two so that the largest lies in [0.5, 1). That changes
    # no digit of any weight of usual size, so the mean is the same, and no sum can overflow,
    # even of weights stored before the limits (docs/scoring.md, "Limits") such as 1.7e308.
    largest = max(abs(item.weight) for item in items)
    shift = -math.frexp(largest)[1] if math.isfinite(largest) else 0
    scaled = [math.ldexp(item.weight, shift) for item in items]
    total_weight = total(scaled)
    if not total_weight > 0:
        return None
    mean = total(w * item.score for w, item in zip(scaled, items, strict=True)) / total_weight
    if not math.isfinite(mean):
        return None
    # A weighted mean lies between the smallest and largest score; rounding can push it one
    # ulp outside (0.30000000000000004 from three 0.3), so put it back.
    scores = [item.score for item in items]
    return min(max(mean, min(scores)), max(scores)) + 0.0
