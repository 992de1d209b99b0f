"""Final scores, colour bands and success by objective kind (docs/scoring.md)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from goalkeeper.domain.key_results import clamp


class ScoreBand(StrEnum):
    """Colour of a final score."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class ObjectiveKind(StrEnum):
    """Committed objectives must be met in full; aspirational ones are stretch goals."""

    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


RED_MAX = 0.3
GREEN_MIN = 0.7
# The one-decimal final score an objective of each kind needs to count as a success.
SUCCESS_SCORE: dict[ObjectiveKind, float] = {
    ObjectiveKind.COMMITTED: 1.0,
    ObjectiveKind.ASPIRATIONAL: GREEN_MIN,
}


def final_score(progress: float | None) -> float | None:
    """Objective progress on the 0.0-1.0 scale, rounded to one decimal, half up.

    Rounds the float's shortest decimal form (`str`), so 0.65 gives 0.7 and 0.15 gives 0.2
    as a person would expect, although the binary 0.15 is slightly below one half.
    """
    if progress is None or math.isnan(progress):
        return None
    bounded = Decimal(str(clamp(progress, 0.0, 1.0)))
    return float(bounded.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def score_band(score: float) -> ScoreBand:
    """Red for 0.0-0.3, yellow for 0.4-0.6, green for 0.7-1.0, judged on the rounded score."""
    rounded = final_score(score)
    if rounded is None or rounded <= RED_MAX:
        return ScoreBand.RED
    if rounded < GREEN_MIN:
        return ScoreBand.YELLOW
    return ScoreBand.GREEN


def succeeded(kind: ObjectiveKind, score: float) -> bool:
    """Whether an objective of `kind` met its bar: 1.0 if committed, 0.7 if aspirational.

    Judged on the rounded final score, the number people see.
    """
    rounded = final_score(score)
    return rounded is not None and rounded >= SUCCESS_SCORE[kind]


class ReviewBand(StrEnum):
    """Where a score falls in a cycle review: below 0.3, 0.3-0.7, 0.7-1.0, or 1.0 itself.

    Coarser than the colour bands and split at the kinds' success lines: an aspirational
    objective succeeded in the top two, a committed one only in `FULL` (docs/reports.md).
    """

    BELOW = "below"
    LOW = "low"
    HIGH = "high"
    FULL = "full"


REVIEW_BAND_LABELS: dict[ReviewBand, str] = {
    ReviewBand.BELOW: "Below 0.3",
    ReviewBand.LOW: "0.3-0.7",
    ReviewBand.HIGH: "0.7-1.0",
    ReviewBand.FULL: "1.0",
}
# The colour band each review band is drawn in (a final score's colour).
REVIEW_BAND_COLOURS: dict[ReviewBand, ScoreBand] = {
    ReviewBand.BELOW: ScoreBand.RED,
    ReviewBand.LOW: ScoreBand.YELLOW,
    ReviewBand.HIGH: ScoreBand.GREEN,
    ReviewBand.FULL: ScoreBand.GREEN,
}
FULL_SCORE = 1.0


def review_band(score: float) -> ReviewBand:
    """The review band of a score, judged on the rounded final score (each band holds its
    lower bound: 0.3 is in 0.3-0.7, 0.7 in 0.7-1.0)."""
    rounded = final_score(score)
    if rounded is None or rounded < RED_MAX:
        return ReviewBand.BELOW
    if rounded < GREEN_MIN:
        return ReviewBand.LOW
    if rounded < FULL_SCORE:
        return ReviewBand.HIGH
    return ReviewBand.FULL
