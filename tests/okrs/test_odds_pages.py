"""The odds page of a key result, and the odds on the objective page (docs/signals.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.okrs.models import KeyResult
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from tests.conftest import World

Capture = Callable[..., Any]


@pytest.fixture
def key_result(
    world: World, now: dt.datetime, django_capture_on_commit_callbacks: Capture
) -> KeyResult:
    with django_capture_on_commit_callbacks(execute=True):
        objective = create_objective(
            actor=world.admin, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
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


def _check_ins(world: World, key_result: KeyResult, count: int, capture: Capture) -> None:
    first = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    with capture(execute=True):
        for index in range(count):
            value = 10 + index * 40 / count + (3 if index % 2 else -3)
            record_check_in(
                actor=world.editor,
                key_result=key_result,
                value=value,
                confidence=5,
                at=first + dt.timedelta(days=index * 48 / count),
            )


def test_the_odds_page_says_how_likely_the_target_is_and_draws_the_fan(
    world: World, key_result: KeyResult, viewer: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    _check_ins(world, key_result, 4, django_capture_on_commit_callbacks)
    key_result.refresh_from_db()
    assert key_result.odds_target is not None
    response = viewer.get(reverse("key_result_odds", args=[key_result.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    odds = f"{round(key_result.odds_target * 100)}%"
    assert f"{odds} likely to reach the target of 100 by the end of the cycle." in page
    assert 'id="odds-chart-data"' in page
    assert "Odds appear after 3 check-ins" not in page


def test_the_odds_page_waits_for_three_check_ins(
    world: World, key_result: KeyResult, viewer: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    _check_ins(world, key_result, 2, django_capture_on_commit_callbacks)
    page = viewer.get(reverse("key_result_odds", args=[key_result.pk])).content.decode()
    assert "Odds appear after 3 check-ins" in page
    assert "odds-chart-data" not in page


def test_the_objective_page_shows_its_odds_and_each_key_results(
    world: World, key_result: KeyResult, viewer: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    _check_ins(world, key_result, 4, django_capture_on_commit_callbacks)
    key_result.refresh_from_db()
    assert key_result.odds_target is not None
    page = viewer.get(reverse("objective_detail", args=[key_result.objective_id])).content.decode()
    assert 'data-testid="objective-odds"' in page
    assert f"{round(key_result.odds_target * 100)}% likely" in page
    assert reverse("key_result_odds", args=[key_result.pk]) in page


def _queries(client: Client, key_result: KeyResult) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("key_result_odds", args=[key_result.pk])).status_code == 200
    return len(queries)


def test_the_odds_page_reads_as_many_rows_whatever_the_history(
    world: World, key_result: KeyResult, viewer: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    _check_ins(world, key_result, 3, django_capture_on_commit_callbacks)
    _queries(viewer, key_result)  # the session's first page reads a few rows once
    few = _queries(viewer, key_result)
    _check_ins(world, key_result, 30, django_capture_on_commit_callbacks)
    assert _queries(viewer, key_result) == few
