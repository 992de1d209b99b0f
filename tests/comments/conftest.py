"""Comment test base: Acme's objective, key result, check-in and KPI (the `things`
fixture) and the clock frozen inside the world's cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now() -> Iterator[time_machine.Traveller]:
    """The clock, frozen at NOW; `now.shift(seconds)` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
