"""Data source API tests: a JSON client that also PUTs, one per named person."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import TestResponse

from goalkeeper.accounts.models import Person
from tests.api.conftest import (  # noqa: F401 - shared fixtures
    Api,
    _keep_the_test_connection,
    now,
    token_for,
)
from tests.conftest import World


class SourceApi(Api):
    """The API test client, with PUT (the data source is PUT whole)."""

    def put(self, path: str, body: Any) -> TestResponse:
        return self._send("PUT", path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def api_as(world: World) -> Callable[..., SourceApi]:
    """`api_as(world.viewer)` -> a client acting as that person (read_only=True: read-only)."""

    def make(person: Person | None, read_only: bool = False) -> SourceApi:
        return SourceApi(token_for(person, read_only) if person is not None else None)

    return make


@pytest.fixture
def admin_api(api_as: Callable[..., SourceApi], world: World) -> SourceApi:
    return api_as(world.admin)


@pytest.fixture
def viewer_api(api_as: Callable[..., SourceApi], world: World) -> SourceApi:
    return api_as(world.viewer)


@pytest.fixture
def editor_api(api_as: Callable[..., SourceApi], world: World) -> SourceApi:
    return api_as(world.editor)
