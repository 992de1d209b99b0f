"""Page tests: a frozen clock inside the world's cycle, and a fast password hasher."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from tests.conftest import World

# 2026-11-20 is day 50 of the world's 2026-Q4 cycle (1 Oct - 31 Dec): week 8 of 13.
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Argon2 is slow on purpose; page tests only need logins to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock, frozen inside the world's active cycle."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def admin_client(world: World) -> Client:
    return world.client_for(world.admin)
