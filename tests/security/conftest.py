"""The route-walking tests share one world per module.

Building the world and its objects costs more than most requests; the matrix sends
hundreds. So each module builds them once inside an outer transaction, each test runs in
a savepoint that pytest-django rolls back (whatever a test writes is gone for the next),
and the outer transaction is rolled back at the end of the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.conftest import Everything, World, build_things, build_world

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def shared(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[World, Everything]]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        world = build_world()
        yield world, build_things(world)
        transaction.set_rollback(True)


@pytest.fixture
def world(shared: tuple[World, Everything], db: None) -> World:
    return shared[0]


@pytest.fixture
def things(shared: tuple[World, Everything], db: None) -> Everything:
    return shared[1]
