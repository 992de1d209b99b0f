"""Stored odds: the read model's history (check-ins, a linked KPI, last year's shape) and the
services that store the odds after a check-in or an edit (docs/signals.md, "Odds")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.okrs.odds import key_result_fan, odds_inputs
from goalkeeper.okrs.services import (
    create_key_result,
    create_objective,
    record_check_in,
    update_key_result,
)
from goalkeeper.okrs.services import odds as odds_services
from goalkeeper.okrs.services.odds import refresh_open_odds
from tests.conftest import World

Capture = Callable[..., Any]


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def key_result(
    world: World, now: dt.datetime, django_capture_on_commit_callbacks: Capture
) -> KeyResult:
    # The test's own transaction never commits: the callbacks of the set-up run here, so
    # that each test's writes start a transaction's odds of their own.
    with django_capture_on_commit_callbacks(execute=True):
        objective = create_objective(
            actor=world.admin,
            cycle=world.cycle,
            team=world.sales,
            title="Grow",
            owner=world.editor,
        )
        return create_key_result(
            actor=world.admin,
            objective=objective,
            title="Reach 100 customers",
            kind="increase",
            start=0,
            target=100,
            owner=world.editor,
        )


def _check_in(world: World, key_result: KeyResult, value: float, at: dt.datetime) -> CheckIn:
    return record_check_in(
        actor=world.editor, key_result=key_result, value=value, confidence=6, at=at
    )


def test_three_check_ins_store_odds_on_the_key_result_objective_and_check_in(
    world: World, key_result: KeyResult, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = _check_in(world, key_result, 20, _at(10, 10))
        _check_in(world, key_result, 35, _at(10, 25))
    key_result.refresh_from_db()
    assert key_result.odds_target is None
    assert key_result.odds_success is None
    with django_capture_on_commit_callbacks(execute=True):
        third = _check_in(world, key_result, 45, _at(11, 10))
    key_result.refresh_from_db()
    objective = Objective.objects.get(pk=key_result.objective_id)
    third.refresh_from_db()
    first.refresh_from_db()
    assert key_result.odds_target is not None
    # A climb that slows: it may reach 100 by the end of December, unlikely but possible.
    assert 0.05 < key_result.odds_target < 0.7
    assert key_result.odds_success is not None
    assert key_result.odds_at is not None
    assert objective.odds_success == pytest.approx(key_result.odds_success, abs=0.05)
    assert third.odds_success == key_result.odds_success
    assert first.odds_success is None


def test_the_same_history_gives_the_same_odds(
    world: World, key_result: KeyResult, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for value, at in ((20, _at(10, 10)), (35, _at(10, 25)), (52, _at(11, 10))):
            _check_in(world, key_result, value, at)
    key_result.refresh_from_db()
    stored = (key_result.odds_target, key_result.odds_success)
    refresh_open_odds()
    key_result.refresh_from_db()
    assert (key_result.odds_target, key_result.odds_success) == stored


def test_a_new_target_moves_the_stored_odds(
    world: World, key_result: KeyResult, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for value, at in ((20, _at(10, 10)), (35, _at(10, 25)), (52, _at(11, 10))):
            _check_in(world, key_result, value, at)
    key_result.refresh_from_db()
    before = key_result.odds_target
    with django_capture_on_commit_callbacks(execute=True):
        update_key_result(actor=world.admin, key_result=key_result, target=300)
    key_result.refresh_from_db()
    assert before == 1.0
    assert key_result.odds_target is not None
    assert key_result.odds_target < 0.01


def test_a_rolled_back_check_in_stores_nothing_and_the_next_one_does(
    world: World, key_result: KeyResult, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _check_in(world, key_result, 20, _at(10, 10))
        _check_in(world, key_result, 35, _at(10, 25))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _check_in(world, key_result, 52, _at(11, 10))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        _check_in(world, key_result, 52, _at(11, 10))
    key_result.refresh_from_db()
    assert key_result.odds_target is not None


def test_many_key_results_in_one_transaction_go_to_the_worker(
    world: World,
    key_result: KeyResult,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[tuple[list[int], list[int]]] = []
    monkeypatch.setattr(
        odds_services, "_enqueue", lambda krs, check_ins: queued.append((krs, check_ins))
    )
    ids = list(range(1, odds_services.IN_PROCESS + 2))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        odds_services.odds_after_commit(ids[:3])
        odds_services.odds_after_commit(ids[3:], [7])
    assert queued == [(ids, [7])]


def test_a_key_result_reading_a_kpi_is_simulated_from_its_periods_with_last_years_shape(
    world: World, key_result: KeyResult
) -> None:
    kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Customers",
        direction="higher_is_better",
        target=100,
        warning=80,
        frequency="monthly",
        aggregation="last",
    )
    # Two years of months: a shape that peaks every December, on a slow climb.
    points = []
    for index in range(23):
        year, month = 2024 + (index + 11) // 12, (index + 11) % 12 + 1
        season = 1.5 if month == 12 else 1.0
        points.append((dt.datetime(year, month, 15, tzinfo=dt.UTC), (40 + index) * season))
    record_measurements(actor=world.admin, kpi=kpi, points=points)
    key_result = update_key_result(actor=world.admin, key_result=key_result, kpi=kpi)
    inputs = odds_inputs(key_result, world.acme.clock())
    assert inputs.from_kpi
    # The year before now (20 Nov 2026): December 2025 to October 2026.
    assert len(inputs.points) == 11
    assert inputs.seasonal is not None
    assert inputs.seasonal[11] > 1.3
    assert inputs.seasonal[0] < 1.0


def test_a_kpi_without_a_year_has_no_seasonal_shape(world: World, key_result: KeyResult) -> None:
    kpi: Kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Customers",
        direction="higher_is_better",
        target=100,
        warning=80,
        frequency="monthly",
        aggregation="last",
    )
    record_measurements(
        actor=world.admin,
        kpi=kpi,
        points=[
            (dt.datetime(2026, month, 3, tzinfo=dt.UTC), 10.0 * month)
            for month in (7, 8, 9, 10, 11)
        ],
    )
    key_result = update_key_result(actor=world.admin, key_result=key_result, kpi=kpi)
    inputs = odds_inputs(key_result, world.acme.clock())
    assert inputs.from_kpi
    assert inputs.seasonal is None
    assert [value for _, value in inputs.points] == [70.0, 80.0, 90.0, 100.0, 110.0]


def test_the_fan_chart_runs_from_now_to_the_cycle_end(world: World, key_result: KeyResult) -> None:
    for value, at in ((20, _at(10, 10)), (35, _at(10, 25)), (52, _at(11, 10))):
        _check_in(world, key_result, value, at)
    fan = key_result_fan(key_result, world.acme.clock())
    assert fan is not None
    assert len(fan.history) == 3
    assert fan.steps[-1].at == dt.datetime(2027, 1, 1, tzinfo=world.acme.zone)
    assert all(s.p10 <= s.p25 <= s.p50 <= s.p75 <= s.p90 for s in fan.steps)


def test_a_key_result_on_its_back_loaded_phased_path_has_good_odds(
    world: World, key_result: KeyResult, django_capture_on_commit_callbacks: Capture
) -> None:
    # The values run just ahead of a path that expects 5 by October's end and 20 by November's, then
    # 100 by the end of December: a straight line through them would fall far short.
    phases = [
        {"until": "2026-10-31", "value": 5.0},
        {"until": "2026-11-30", "value": 20.0},
        {"until": "2026-12-31", "value": 100.0},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for value, at in ((2.0, _at(10, 10)), (5.5, _at(10, 31)), (13.5, _at(11, 15))):
            _check_in(world, key_result, value, at)
    key_result.refresh_from_db()
    assert key_result.odds_target is not None
    straight = key_result.odds_target
    with django_capture_on_commit_callbacks(execute=True):
        update_key_result(actor=world.editor, key_result=key_result, phases=phases)
    key_result.refresh_from_db()
    inputs = odds_inputs(key_result, world.acme.clock())
    assert inputs.path is not None
    assert inputs.path.value_at(dt.date(2026, 12, 31)) == 100.0
    assert key_result.odds_target is not None
    assert straight < 0.05 < 0.5 < key_result.odds_target
