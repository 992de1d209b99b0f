"""API test base: a token per named person and a client that speaks JSON with it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from werkzeug.test import Client as WsgiClient
from werkzeug.test import TestResponse

from goalkeeper.accounts.models import Person
from goalkeeper.api.services import create_token
from goalkeeper.wsgi import application
from tests.conftest import World

# Day 50 of the world's 2026-Q4 cycle (1 Oct - 31 Dec).
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
BASE = "/api/v1"


# The live OpenAPI document: every answer a test receives is checked against it.
API_SCHEMA = schemathesis.openapi.from_wsgi(BASE + "/openapi.json", application)


class Api:
    """A JSON client for /api/v1/ acting with one token (in-process, through WSGI).

    Every answer is validated against the OpenAPI document before the test sees it: its
    status code must be documented for the operation, and its body must match.
    """

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.client = WsgiClient(application)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _send(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        with connection_kept():
            response = self.client.open(
                BASE + path, method=method, headers=self._headers(), **kwargs
            )
        operation = API_SCHEMA.find_operation_by_path(method, (BASE + path).split("?")[0])
        if operation is not None:
            operation.validate_response(response)
        return response

    def get(self, path: str, **params: Any) -> TestResponse:
        return self._send("GET", path, query_string=params)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> TestResponse:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self._send("POST", path, data=data, content_type="application/json")

    def patch(self, path: str, body: Any) -> TestResponse:
        return self._send("PATCH", path, data=json.dumps(body), content_type="application/json")

    def delete(self, path: str, **params: Any) -> TestResponse:
        return self._send("DELETE", path, query_string=params)


@contextmanager
def connection_kept() -> Iterator[None]:
    """Call the WSGI app as Django's test client does: without closing the connection.

    The handler closes "old" connections when a request ends; on PostgreSQL that would close
    the connection holding the test's transaction. (Django's own test client reconnects the
    signals after each of its requests, hence this around every call.)
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    with connection_kept():
        yield


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock, frozen inside the world's active cycle."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


def token_for(person: Person, read_only: bool = False) -> str:
    return create_token(actor=person, person=person, name="tests", read_only=read_only)[1]


@pytest.fixture
def api_for(world: World):
    """`api_for(world.editor)` -> an Api acting as that person (read_only=True for read-only)."""

    def make(person: Person, read_only: bool = False) -> Api:
        return Api(token_for(person, read_only))

    return make


@pytest.fixture
def admin_api(api_for, world: World) -> Api:
    return api_for(world.admin)


@pytest.fixture
def editor_api(api_for, world: World) -> Api:
    return api_for(world.editor)


@pytest.fixture
def viewer_api(api_for, world: World) -> Api:
    return api_for(world.viewer)


@pytest.fixture
def outsider_api(api_for, world: World) -> Api:
    return api_for(world.outsider)


def fields_of(response: Any) -> dict[str | None, str]:
    """{field: message} of an error answer."""
    return {error["field"]: error["message"] for error in response.json["errors"]}
