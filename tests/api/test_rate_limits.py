"""Requests per minute per token: RateLimit-* on every answer, 429 with Retry-After past it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from goalkeeper.api import ratelimit
from goalkeeper.api.models import RateCount
from tests.api.conftest import Api
from tests.conftest import World

MINUTE = dt.datetime(2026, 11, 20, 12, 0, 10, tzinfo=dt.UTC)


@pytest.fixture
def three_a_minute(settings: Any) -> None:
    settings.API_RATE_LIMIT = 3


def test_every_answer_announces_the_quota(world: World, editor_api: Api, three_a_minute) -> None:
    with time_machine.travel(MINUTE, tick=False):
        first = editor_api.get("/me")
        missing = editor_api.get("/objectives/999999")

    assert first.headers["RateLimit-Limit"] == "3"
    assert first.headers["RateLimit-Remaining"] == "2"
    assert first.headers["RateLimit-Reset"] == "50"
    assert missing.status_code == 404
    assert missing.headers["RateLimit-Remaining"] == "1"


def test_past_the_limit_the_answer_is_429_with_retry_after(
    world: World, editor_api: Api, three_a_minute
) -> None:
    with time_machine.travel(MINUTE, tick=False):
        statuses = [editor_api.get("/me").status_code for _ in range(3)]
        refused = editor_api.get("/me")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json == {
        "detail": "Too many requests: at most 3 a minute; try again in 50 seconds.",
        "errors": [],
    }
    assert refused.headers["Retry-After"] == "50"
    assert refused.headers["RateLimit-Remaining"] == "0"


def test_the_next_minute_starts_afresh(world: World, editor_api: Api, three_a_minute) -> None:
    with time_machine.travel(MINUTE, tick=False):
        for _ in range(4):
            editor_api.get("/me")
    with time_machine.travel(MINUTE + dt.timedelta(minutes=1), tick=False):
        response = editor_api.get("/me")

    assert response.status_code == 200
    assert response.headers["RateLimit-Remaining"] == "2"


def test_each_token_has_its_own_count(
    world: World, editor_api: Api, admin_api: Api, three_a_minute
) -> None:
    with time_machine.travel(MINUTE, tick=False):
        for _ in range(4):
            editor_api.get("/me")
        other = admin_api.get("/me")

    assert other.status_code == 200
    assert other.headers["RateLimit-Remaining"] == "2"


def test_requests_without_a_token_are_counted_by_address(world: World, three_a_minute) -> None:
    anonymous = Api(None)
    with time_machine.travel(MINUTE, tick=False):
        statuses = [anonymous.get("/me").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]


def test_the_count_is_kept_in_the_database(world: World, editor_api: Api) -> None:
    with time_machine.travel(MINUTE, tick=False):
        editor_api.get("/me")
        editor_api.get("/me")

    (count,) = RateCount.objects.all()
    assert count.hits == 2
    assert count.bucket.startswith("token:")


def test_ended_windows_are_purged(world: World, editor_api: Api) -> None:
    with time_machine.travel(MINUTE, tick=False):
        editor_api.get("/me")
    with time_machine.travel(MINUTE + dt.timedelta(minutes=1), tick=False):
        editor_api.get("/me")
        ratelimit.purge()

    assert RateCount.objects.count() == 1


def test_a_limit_of_zero_turns_the_limit_off(world: World, editor_api: Api, settings) -> None:
    settings.API_RATE_LIMIT = 0

    response = editor_api.get("/me")

    assert response.status_code == 200
    assert "RateLimit-Limit" not in response.headers
    assert not RateCount.objects.exists()
