"""Goalkeeper's domain core: every number defined once, as pure functions.

Standard library only and no framework import (a test checks it); time always comes in as
an argument, never from the clock.
"""

from goalkeeper.domain.coach import (
    TASK_VERBS,
    KeyResultDraft,
    ObjectiveDraft,
    Remark,
    Severity,
    coach_objective,
    coach_sandbagging,
    coach_team,
    looks_like_task,
)
from goalkeeper.domain.errors import DomainValidationError, FieldError, check_finite
from goalkeeper.domain.forecast import forecast, linear_fit, series_slope
from goalkeeper.domain.key_results import (
    KeyResultKind,
    KeyResultSpec,
    progress,
    score,
    validate_key_result,
)
from goalkeeper.domain.kpis import (
    Direction,
    Health,
    HealthReading,
    KpiSpec,
    Trend,
    judge_health,
    kpi_health,
    trend,
    validate_kpi,
    value_health,
)
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import PaceStatus, PaceThresholds, elapsed_share, pace_status
from goalkeeper.domain.periods import (
    Aggregation,
    Frequency,
    Period,
    PeriodValue,
    aggregate,
    aggregate_by_period,
    coarser_frequencies,
    latest_complete_period,
    next_period,
    nominal_length,
    period_of,
    previous_period,
)
from goalkeeper.domain.scoring import (
    ObjectiveKind,
    ScoreBand,
    final_score,
    score_band,
    succeeded,
)

__all__ = [
    "TASK_VERBS",
    "Aggregation",
    "Direction",
    "DomainValidationError",
    "FieldError",
    "Frequency",
    "Health",
    "HealthReading",
    "KeyResultDraft",
    "KeyResultKind",
    "KeyResultSpec",
    "KpiSpec",
    "ObjectiveDraft",
    "ObjectiveKind",
    "PaceStatus",
    "PaceThresholds",
    "Period",
    "PeriodValue",
    "Remark",
    "ScoreBand",
    "Severity",
    "Trend",
    "WeightedScore",
    "aggregate",
    "aggregate_by_period",
    "check_finite",
    "coach_objective",
    "coach_sandbagging",
    "coach_team",
    "coarser_frequencies",
    "elapsed_share",
    "final_score",
    "forecast",
    "judge_health",
    "kpi_health",
    "latest_complete_period",
    "linear_fit",
    "looks_like_task",
    "next_period",
    "nominal_length",
    "objective_progress",
    "pace_status",
    "period_of",
    "previous_period",
    "progress",
    "score",
    "score_band",
    "series_slope",
    "succeeded",
    "trend",
    "validate_key_result",
    "validate_kpi",
    "value_health",
]
