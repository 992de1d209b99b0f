"""The data the review page's charts draw (ECharts, passed with `json_script`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from goalkeeper.domain.scoring import ReviewBand
from goalkeeper.okrs.calibration import COIN_TOSS
from goalkeeper.reports.review import BandCount, CycleReview


def _tone(band: BandCount) -> str:
    # 1.0 and 0.7-1.0 are both green: the full score is drawn in the darker green.
    return "full" if band.band is ReviewBand.FULL else band.colour.value


def review_charts(review: CycleReview) -> dict[str, Any]:
    """Bands of the whole scope and per team of the page: counts and their colours' tones."""
    return {
        "bands": {
            "labels": [band.label for band in review.bands],
            "tones": [_tone(band) for band in review.bands],
            "counts": [band.count for band in review.bands],
        },
        "teams": {
            "names": [team.name for team in review.teams],
            "series": [
                {
                    "label": band.label,
                    "tone": _tone(band),
                    "counts": [team.bands[index].count for team in review.teams],
                }
                for index, band in enumerate(review.bands)
            ],
        },
        "final": not review.provisional,
        "objectives": _("Objectives"),
        "calibration": _calibration(review),
    }


def _calibration(review: CycleReview) -> dict[str, Any] | None:
    """The Brier score of the model and of each person shown, with the coin toss's line."""
    calibration = review.calibration
    if calibration is None or calibration.empty:
        return None
    rows = ([calibration.model] if calibration.model is not None else []) + list(calibration.people)
    return {
        "names": [row.name for row in rows],
        "scores": [round(row.brier, 3) for row in rows],
        "model": calibration.model is not None,
        "coin": COIN_TOSS,
        "coin_label": _("Coin toss"),
        "label": _("Brier score"),
    }
