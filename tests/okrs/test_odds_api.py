"""Odds in the API: each key result's `odds: {"target", "success"}` and each objective's
`odds`, null with too little history (docs/api.md, docs/signals.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine

from tests.api.conftest import Api, token_for
from tests.conftest import World

Capture = Callable[..., Any]


def body(response: Any) -> dict[str, Any]:
    """The JSON object an answer carries."""
    found = response.json
    assert isinstance(found, dict)
    return found


def test_key_results_and_objectives_carry_their_stored_odds(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    api = Api(token_for(world.admin))
    start = dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        objective = body(
            api.post(
                "/objectives", {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
            )
        )
        key_result = body(
            api.post(
                "/key-results",
                {"objective": objective["id"], "title": "Customers", "start": 0, "target": 100},
            )
        )
    assert key_result["odds"] == {"target": None, "success": None}
    assert objective["odds"] is None
    for day, value in (
        (dt.datetime(2026, 10, 10, 9), 20),
        (dt.datetime(2026, 10, 25, 9), 40),
        (dt.datetime(2026, 11, 10, 9), 45),
    ):
        with (
            time_machine.travel(day.replace(tzinfo=dt.UTC), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            answer = api.post(f"/key-results/{key_result['id']}/check-ins", {"value": value})
        assert answer.status_code == 201, answer.json
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=dt.UTC), tick=False):
        odds = body(api.get(f"/key-results/{key_result['id']}"))["odds"]
        objective_odds = body(api.get(f"/objectives/{objective['id']}"))["odds"]
        listed = body(api.get("/key-results", objective=objective["id"]))["items"]
    assert 0.0 < odds["target"] < 1.0
    # A committed key result succeeds at a score that rounds to 1.0: not only at the target.
    assert 0.0 <= odds["success"] <= 1.0
    assert objective_odds == odds["success"]
    assert listed[0]["odds"] == odds
