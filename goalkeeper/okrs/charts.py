"""The objective page's chart: the objective's progress after each day with check-ins,
replayed from the history through the read model's one roll-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from goalkeeper.accounts.clock import Clock
from goalkeeper.okrs.facts import CycleFacts, KeyResultFacts, ObjectiveFacts, cycle_facts
from goalkeeper.okrs.figures import objective_expected, rolled_up
from goalkeeper.okrs.models import Cycle
from goalkeeper.okrs.view_models import CheckInEntry, KeyResultRow, ObjectiveRow


def _facts(kr: KeyResultRow) -> KeyResultFacts:
    """A key result as it stood before its first check-in."""
    return KeyResultFacts(
        id=kr.id,
        objective_id=kr.objective_id,
        kind=kr.kind,
        weight=kr.weight,
        start=kr.start,
        target=kr.target,
        low=kr.low,
        high=kr.high,
        commit=kr.commit,
        stretch=kr.stretch,
        current=None,
        done=False,
        last_check_in_at=None,
        phases=kr.phases,
    )


def progress_chart(
    cycle: Cycle,
    clock: Clock,
    objective_id: int,
    rows: Mapping[int, ObjectiveRow],
    counted: Collection[int],
    history: Mapping[int, Sequence[CheckInEntry]],
    pace: bool = True,
) -> dict[str, Any]:
    """The objective's progress after each day with check-ins, replayed from the history.

    Each key result starts at its start value (no check-in yet) and takes the value of each
    check-in in turn; after each day, the objective's progress is rolled up again by the read
    model, roll-ups included. `pace` says whether the page draws the expected pace (from 0 at
    the start to 1 at the end): a closed objective is judged by its final score, not by pace.
    """
    period = cycle_facts(cycle)
    members = [rows[pk] for pk in counted if pk in rows]
    states: dict[int, KeyResultFacts] = {
        kr.id: _facts(kr) for row in members for kr in row.key_results
    }

    def objective_value() -> float | None:
        objectives = [
            ObjectiveFacts(
                id=row.id,
                cycle=period,
                parent_id=row.parent_id if row.parent_id in counted else None,
                state=row.state,
                roll_up_children=row.roll_up_children,
                final_score=row.final_score,
                key_results=tuple(states[kr.id] for kr in row.key_results),
            )
            for row in members
        ]
        return rolled_up(objectives)[objective_id].progress

    events = sorted(
        (entry for kr_id in states for entry in history.get(kr_id, [])),
        key=lambda e: (e.at, e.id),
    )
    points: list[list[Any]] = []
    start_value = objective_value()
    if start_value is not None:
        points.append([cycle.start_date.isoformat(), _percent(start_value)])
    last_day: dt.date | None = None
    for entry in events:
        day = max(entry.at.astimezone(clock.zone).date(), cycle.start_date)
        if last_day is not None and day != last_day:
            _add_point(points, last_day, objective_value())
        before = states[entry.key_result_id]
        states[entry.key_result_id] = replace(
            before,
            current=entry.value if entry.value is not None else before.current,
            done=entry.done,
        )
        last_day = day
    if last_day is not None:
        _add_point(points, last_day, objective_value())
    running = cycle.start_date <= clock.today <= cycle.end_date
    if points and running and pace and points[-1][0] < clock.today.isoformat():
        # Flat to today: nothing has moved since the last check-in.
        points.append([clock.today.isoformat(), points[-1][1]])
    chart: dict[str, Any] = {
        "points": points,
        "start": cycle.start_date.isoformat(),
        "end": cycle.end_date.isoformat(),
        "today": clock.today.isoformat() if running and pace else None,
        "pace": pace,
    }
    expected = _expected_path(objective_id, rows, counted, clock, period) if pace else None
    if expected is not None:
        # Phased targets: the path they expect, drawn instead of the straight line.
        chart["expected"] = expected
    return chart


def _expected_path(
    objective_id: int,
    rows: Mapping[int, ObjectiveRow],
    counted: Collection[int],
    clock: Clock,
    period: CycleFacts,
) -> list[list[Any]] | None:
    """The progress the objective expects over the cycle when a key result follows phased
    targets (None: the straight line), at its phases' dates and weekly in between."""
    row = rows.get(objective_id)
    if row is None or not any(kr.phases for kr in row.key_results):
        return None
    facts = ObjectiveFacts(
        id=row.id,
        cycle=period,
        parent_id=None,
        state=row.state,
        roll_up_children=row.roll_up_children,
        final_score=row.final_score,
        key_results=tuple(_facts(kr) for kr in row.key_results),
    )
    children = sum(1 for pk in counted if pk in rows and rows[pk].parent_id == objective_id)
    days = {period.start_date, period.end_date}
    days |= {p.until for kr in row.key_results for p in kr.phases}
    day = period.start_date
    while day < period.end_date:
        days.add(day)
        day += dt.timedelta(days=7)
    inside = sorted(d for d in days if period.start_date <= d <= period.end_date)
    path = [
        [d.isoformat(), _percent(objective_expected(facts, children, clock, d))] for d in inside
    ]
    return [point for point in path if point[1] is not None]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _add_point(points: list[list[Any]], day: dt.date, value: float | None) -> None:
    if value is None:
        return
    if points and points[-1][0] == day.isoformat():
        points[-1][1] = _percent(value)
    else:
        points.append([day.isoformat(), _percent(value)])
