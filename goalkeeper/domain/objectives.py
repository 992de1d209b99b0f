"""Objective progress: the weighted mean of its key results' scores (docs/scoring.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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
    total_weight = math.fsum(item.weight for item in items)
    if total_weight <= 0:
        return None
    mean = math.fsum(item.weight * item.score for item in items) / total_weight
    # A weighted mean lies between the smallest and largest score; rounding can push it one
    # ulp outside (0.30000000000000004 from three 0.3), so put it back.
    scores = [item.score for item in items]
    return min(max(mean, min(scores)), max(scores))
