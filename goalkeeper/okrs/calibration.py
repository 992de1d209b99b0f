"""Calibration of a closed cycle: how good the forecasts of success were (docs/signals.md,
"Calibration").

Every check-in of the cycle is a forecast about its key result: the owner's confidence
(0-10 read as 0-100%) and the model's odds of success stored when it was recorded
(`CheckIn.odds_success`). What happened is whether the key result's final score met the
success line of its objective's kind. The Brier score of each person (the check-in's
author), each team (the objective's) and the model is computed here, in a fixed number of
queries, from those stored numbers: the database sums the forecasts per person and key
result, so the rows read grow with the key results, never with the check-ins. Automatic
check-ins (a KPI moved the value) carry no one's confidence and count for the model only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast

from goalkeeper.audit.kept import Kept, newest_audit_entry
from goalkeeper.domain.calibration import (
    MAX_CONFIDENCE,
    Calibration,
    ForecastSums,
    calibration_from_sums,
)
from goalkeeper.domain.key_results import METRIC_KINDS
from goalkeeper.domain.scoring import ObjectiveKind, succeeded
from goalkeeper.okrs.facts import KEY_RESULT_FACT_FIELDS, key_result_facts
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult

# The people and teams shown, those with the most forecasts first.
SHOWN = 12
# A coin toss: what always saying 50% scores.
COIN_TOSS = 0.25
# Answers kept per process: a few cycles and teams' worth (the reviews people have open).
KEPT = 8


@dataclass(frozen=True)
class CalibrationRow:
    """One forecaster's Brier score over its forecasts."""

    name: str
    brier: float
    count: int
    # Of its key results, how many met their success line.
    key_results: int
    succeeded: int


@dataclass(frozen=True)
class CycleCalibration:
    """The Brier scores of a closed cycle: the model, people and teams."""

    model: CalibrationRow | None
    people: tuple[CalibrationRow, ...]
    teams: tuple[CalibrationRow, ...]
    people_total: int
    teams_total: int

    @property
    def empty(self) -> bool:
        """No forecast to judge: no confidence was given and no odds were stored."""
        return self.model is None and not self.people


def outcomes(cycle: Cycle, team_ids: Collection[int] | None = None) -> dict[int, bool]:
    """Whether each metric key result of the cycle met its objective kind's success line
    with its final value; one query."""
    rows = KeyResult.objects.filter(objective__cycle=cycle, kind__in=list(METRIC_KINDS))
    if team_ids is not None:
        rows = rows.filter(objective__team_id__in=list(team_ids))
    return {
        values["id"]: succeeded(
            ObjectiveKind(values["objective__kind"]), key_result_facts(values).score
        )
        for values in rows.values(*KEY_RESULT_FACT_FIELDS, "objective__kind")
    }


def _row(
    name: str, items: list[tuple[ForecastSums, bool]], calibration: Calibration
) -> CalibrationRow:
    return CalibrationRow(
        name=name,
        brier=calibration.brier,
        count=calibration.count,
        key_results=len(items),
        succeeded=sum(1 for _, happened in items if happened),
    )


# A person or team: its id and name (two people may share a name).
Group = tuple[int | None, str]


def _ranked(
    groups: dict[Group, list[tuple[ForecastSums, bool]]],
) -> tuple[tuple[CalibrationRow, ...], int]:
    rows = []
    for (_, name), items in groups.items():
        calibration = calibration_from_sums(items)
        if calibration is not None:
            rows.append(_row(name, items, calibration))
    rows.sort(key=lambda row: (-row.count, row.name))
    return tuple(rows[:SHOWN]), len(rows)


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def cycle_calibration(
    cycle: Cycle, team_ids: Collection[int] | None = None, model_label: str = "Model"
) -> CycleCalibration:
    """The calibration of the cycle's forecasts (of the teams `team_ids` only, when given):
    three queries whatever the number of check-ins."""
    happened = outcomes(cycle, team_ids)
    # The same key results as `outcomes`, named by the cycle rather than by a list of ids
    # that grows with the company.
    check_ins = CheckIn.objects.filter(
        key_result__objective__cycle=cycle, key_result__kind__in=list(METRIC_KINDS)
    )
    if team_ids is not None:
        check_ins = check_ins.filter(key_result__objective__team_id__in=list(team_ids))
    confidence = Cast("confidence", FloatField()) / MAX_CONFIDENCE
    people: dict[Group, list[tuple[ForecastSums, bool]]] = defaultdict(list)
    teams: dict[Group, list[tuple[ForecastSums, bool]]] = defaultdict(list)
    stated = (
        check_ins.filter(automatic=False, confidence__isnull=False)
        .values(
            "key_result_id",
            "author_id",
            "author__name",
            "key_result__objective__team_id",
            "key_result__objective__team__name",
        )
        .annotate(n=Count("id"), total=Sum(confidence), squares=Sum(confidence * confidence))
        .order_by()
    )
    for row in stated:
        if row["key_result_id"] not in happened:  # written since `outcomes` read
            continue
        sums = ForecastSums(row["n"], _float(row["total"]), _float(row["squares"]))
        outcome = happened[row["key_result_id"]]
        people[row["author_id"], row["author__name"] or "-"].append((sums, outcome))
        team = (row["key_result__objective__team_id"], row["key_result__objective__team__name"])
        teams[team].append((sums, outcome))
    odds = F("odds_success")
    model_rows = (
        check_ins.filter(odds_success__isnull=False)
        .values("key_result_id")
        .annotate(n=Count("id"), total=Sum(odds), squares=Sum(odds * odds))
        .order_by()
    )
    model_items = [
        (
            ForecastSums(row["n"], _float(row["total"]), _float(row["squares"])),
            happened[row["key_result_id"]],
        )
        for row in model_rows
        if row["key_result_id"] in happened
    ]
    model = calibration_from_sums(model_items)
    ranked_people, people_total = _ranked(people)
    ranked_teams, teams_total = _ranked(teams)
    return CycleCalibration(
        model=_row(model_label, model_items, model) if model is not None else None,
        people=ranked_people,
        teams=ranked_teams,
        people_total=people_total,
        teams_total=teams_total,
    )


_kept: Kept[CycleCalibration] = Kept(KEPT)


def kept_cycle_calibration(
    cycle: Cycle, team_ids: Collection[int] | None = None, model_label: str = "Model"
) -> CycleCalibration:
    """`cycle_calibration`, kept per process while nothing is written in the workspace (its
    newest audit entry is the same): it reads every metric key result of the cycle, about a
    second at 10,000 people, and a closed cycle's forecasts and outcomes change only by a
    write. One query when kept."""
    key = (
        cycle.workspace_id,
        cycle.pk,
        cycle.state,
        newest_audit_entry(cycle.workspace_id),
        None if team_ids is None else frozenset(team_ids),
        model_label,
    )
    return _kept.get(key, lambda: cycle_calibration(cycle, team_ids, model_label))
