"""The OpenAPI document is a contract: linters pass it, and clients can be generated from it.

Each test reads the live document (never a committed copy), so that a change to any
endpoint is checked as it lands.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from werkzeug.test import Client as WsgiClient

from goalkeeper.comments.services import add_comment, toggle_reaction
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from goalkeeper.webhooks.delivery import body_of
from goalkeeper.webhooks.models import EVENTS, PING, Delivery
from goalkeeper.webhooks.services import create_subscription
from goalkeeper.wsgi import application
from tests.api.conftest import API_SCHEMA, Api, connection_kept, token_for
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"


def needs_node(tool: str) -> Path:
    """The npm tool `tool` (installed by `make npm`). Skipped only where node is missing
    outside CI: in CI a missing tool fails."""
    path = NODE_BIN / tool
    if shutil.which("node") is None and not os.environ.get("CI"):
        pytest.skip("node is not installed: `make npm` installs the API contract's tools")
    assert path.exists(), f"{path} is missing: run `make npm`"
    return path


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from nodes(value)


def refs(node: Any, kind: str = "schemas") -> set[str]:
    """The names of the `kind` components (schemas, headers) `node` refers to."""
    prefix = f"#/components/{kind}/"
    return {
        n["$ref"].removeprefix(prefix)
        for n in nodes(node)
        if isinstance(n.get("$ref"), str) and n["$ref"].startswith(prefix)
    }


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def test_redocly_lints_the_document_without_a_problem(
    document: dict[str, Any], tmp_path: Path
) -> None:
    redocly = needs_node("redocly")
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))

    result = subprocess.run(  # noqa: S603 - our own tool on our own document
        [redocly, "lint", str(path), "--config", str(ROOT / "tests/api/redocly.yaml")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout, result.stdout


def test_no_schema_keyword_outside_json_schema(document: dict[str, Any]) -> None:
    # pydantic writes date limits as `ge`/`le`, which JSON Schema does not know.
    leaked = [n for n in nodes(document["components"]) if {"ge", "le", "gt", "lt"} & set(n)]

    assert leaked == []


def test_the_document_names_its_server_license_and_contact(
    document: dict[str, Any],
) -> None:
    assert document["servers"] == [
        {"url": "http://127.0.0.1:8000", "description": "this Goalkeeper"}
    ]
    assert document["info"]["license"]["identifier"] == "AGPL-3.0-or-later"
    assert document["info"]["contact"]["url"] == "http://127.0.0.1:8000"


def test_every_component_is_used(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    used: set[str] = set()
    todo = refs({k: v for k, v in document.items() if k != "components"})
    while todo:
        name = todo.pop()
        used.add(name)
        todo |= refs(schemas[name]) - used

    assert set(schemas) - used == set()


def test_request_fields_with_a_default_are_optional_without_a_default_keyword(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    for name, field in [
        ("KeyResultIn", "unit"),
        ("KeyResultIn", "weight"),
        ("KeyResultIn", "kpi_mode"),
        ("ObjectiveIn", "state"),
    ]:
        schema = schemas[name]
        assert field not in schema.get("required", []), (name, field)
        assert "default" not in schema["properties"][field], (name, field)
        assert "Default:" in schema["properties"][field]["description"], (name, field)


def test_answers_keep_their_defaults(document: dict[str, Any]) -> None:
    # Only requests lose the keyword: a default in an answer means the field is always there.
    limit = next(
        p
        for p in document["paths"]["/api/v1/objectives"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["default"] == 50


def test_an_enum_is_named_once_and_referenced_everywhere(document: dict[str, Any]) -> None:
    # Sort keys are each list's own (`sort=-updated_at`): only those enums may repeat.
    inline = Counter(
        frozenset(n["enum"])
        for n in nodes({k: v for k, v in document.items() if k != "components"})
        if isinstance(n.get("enum"), list)
    )
    inline += Counter(
        frozenset(n["enum"])
        for schema in document["components"]["schemas"].values()
        for n in list(nodes(schema))[1:]
        if isinstance(n.get("enum"), list)
    )

    repeated = [set(values) for values, count in inline.items() if count > 1]
    assert [values for values in repeated if not any(v.startswith("-") for v in values)] == []


def test_an_objective_state_is_the_type_its_filter_takes(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    state = next(
        p
        for p in document["paths"]["/api/v1/objectives"]["get"]["parameters"]
        if p["name"] == "state"
    )

    assert schemas["ObjectiveOut"]["properties"]["state"] == {
        "$ref": "#/components/schemas/ObjectiveState"
    }
    assert {"$ref": "#/components/schemas/ObjectiveState"} in list(nodes(state["schema"]))
    assert schemas["ObjectiveState"]["enum"] == ["draft", "active", "closed"]
    assert schemas["KpiOut"]["properties"]["direction"] == {
        "$ref": "#/components/schemas/KpiDirection"
    }
    assert "KeyResultKind" in refs(schemas["KeyResultOut"])


def test_every_event_is_a_webhook_made_of_the_rest_resources(document: dict[str, Any]) -> None:
    webhooks = document["webhooks"]
    schemas = document["components"]["schemas"]

    assert set(webhooks) == {*EVENTS, PING}
    body = webhooks["objective.closed"]["post"]["requestBody"]["content"]["application/json"]
    event = schemas[body["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert event["properties"]["data"]["properties"]["objective"] == {
        "$ref": "#/components/schemas/ObjectiveOut"
    }
    assert refs(schemas["CheckInCreatedEvent"]) == {"CheckInOut", "KeyResultOut"}
    assert refs(schemas["KpiHealthChangedEvent"]) == {"KpiOut", "KpiHealth"}
    assert refs(schemas["SourceBrokenEvent"]) == {"SourceSummaryOut"}


# --- What is delivered is what the document says, and what the REST API answers -------------


def validator_for(document: dict[str, Any], event: str) -> Draft202012Validator:
    body = document["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]
    return Draft202012Validator({**body["schema"], "components": document["components"]})


def delivered(event: str) -> dict[str, Any]:
    delivery = Delivery.objects.filter(event=event).select_related("subscription").get()
    return dict(json.loads(body_of(delivery)))


@pytest.fixture
def subscribed(world: World) -> None:
    create_subscription(
        actor=world.admin, workspace=world.acme, url="https://example.com/hook", events=EVENTS
    )


@pytest.mark.usefixtures("now", "subscribed")
def test_an_objective_event_carries_the_objective_as_the_api_shows_it(
    world: World, editor_api: Api, document: dict[str, Any]
) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )

    body = delivered("objective.created")

    validator_for(document, "objective.created").validate(body)
    assert body["data"]["objective"] == editor_api.get(f"/objectives/{objective.pk}").json


@pytest.mark.usefixtures("now", "subscribed")
def test_a_check_in_event_carries_the_check_in_and_key_result_as_the_api_shows_them(
    world: World, editor_api: Api, document: dict[str, Any]
) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    key_result = create_key_result(
        actor=world.editor,
        objective=objective,
        title="Leads",
        kind="increase",
        start=0,
        target=100,
    )
    record_check_in(actor=world.editor, key_result=key_result, value=40)

    body = delivered("check_in.created")

    validator_for(document, "check_in.created").validate(body)
    check_ins = editor_api.get(f"/key-results/{key_result.pk}/check-ins").json["items"]
    assert body["data"]["check_in"] == check_ins[0]
    assert body["data"]["key_result"] == editor_api.get(f"/key-results/{key_result.pk}").json


@pytest.mark.usefixtures("now", "subscribed")
def test_a_kpi_event_carries_the_kpi_as_the_api_shows_it(
    world: World, editor_api: Api, document: dict[str, Any], now: Any
) -> None:
    kpi = create_kpi(actor=world.editor, name="MRR", team=world.sales, target=100)
    record_measurements(actor=world.editor, kpi=kpi, points=[(now, 90.0)])

    body = delivered("kpi.measurements_recorded")

    validator_for(document, "kpi.measurements_recorded").validate(body)
    assert body["data"]["kpi"] == editor_api.get(f"/kpis/{kpi.pk}").json
    assert (body["data"]["created"], body["data"]["updated"]) == (1, 0)


@pytest.mark.usefixtures("now", "subscribed")
def test_a_deleted_objective_is_sent_as_it_was_before_it_went(
    world: World, editor_api: Api, document: dict[str, Any]
) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    shown = editor_api.get(f"/objectives/{objective.pk}").json

    assert editor_api.delete(f"/objectives/{objective.pk}").status_code == 204

    body = delivered("objective.deleted")
    validator_for(document, "objective.deleted").validate(body)
    assert body["data"]["objective"] == shown


@pytest.mark.usefixtures("now", "subscribed")
def test_comment_and_reaction_events_are_as_the_document_says(
    world: World, document: dict[str, Any]
) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    key_result = create_key_result(
        actor=world.editor,
        objective=objective,
        title="Leads",
        kind="increase",
        start=0,
        target=100,
    )
    check_in = record_check_in(actor=world.editor, key_result=key_result, value=40)
    add_comment(actor=world.editor, subject_type="objective", subject_id=objective.pk, body="On it")
    toggle_reaction(actor=world.admin, check_in=check_in, emoji="tada")

    validator_for(document, "comment.created").validate(delivered("comment.created"))
    validator_for(document, "reaction.added").validate(delivered("reaction.added"))


# --- Headers: declared once, referenced by every answer sending them --------------------------

# Headers of HTTP itself or of every page of the site (security, caching, negotiation): not
# the API's own, so not declared per answer.
GENERIC_HEADERS = {
    "content-type",
    "content-length",
    "content-language",
    "content-encoding",
    "vary",
    "cache-control",
    "expires",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "content-security-policy",
    "permissions-policy",
    "strict-transport-security",
    "set-cookie",
}


def answers(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                yield path, method, status, answer


def test_headers_are_components_each_answer_refers_to(document: dict[str, Any]) -> None:
    headers = document["components"]["headers"]
    used = refs({k: v for k, v in document.items() if k != "components"}, "headers")

    assert set(headers) == used
    assert {
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Retry-After",
        "ETag",
        "Location",
        "Link",
        "Idempotent-Replayed",
        "WWW-Authenticate",
    } <= used
    for path, method, status, answer in answers(document):
        named = set(answer.get("headers", {}))
        assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= named, (
            path,
            method,
            status,
        )
        assert ("Retry-After" in named) == (status == "429"), (path, method, status)
        assert ("Location" in named) == (status == "201"), (path, method, status)
        json_ok = status in {"200", "201"} and "application/json" in answer.get("content", {})
        assert ("ETag" in named) == json_ok, (path, method, status)
    objectives = document["paths"]["/api/v1/objectives"]["get"]["responses"]["200"]["headers"]
    assert objectives["Link"] == {"$ref": "#/components/headers/Link"}
    assert headers["Location"]["required"] is True
    assert "required" not in headers["Link"]


def test_status_codes_are_declared_once(document: dict[str, Any]) -> None:
    for operations in document["paths"].values():
        for operation in operations.values():
            statuses = list(operation["responses"])
            assert statuses == sorted(set(statuses)), statuses


def test_several_values_are_sent_comma_separated_in_one_parameter(
    document: dict[str, Any],
) -> None:
    state = next(
        p
        for p in document["paths"]["/api/v1/objectives"]["get"]["parameters"]
        if p["name"] == "state"
    )

    assert (state["style"], state["explode"]) == ("form", False)


@pytest.mark.usefixtures("now")
def test_every_header_the_api_sends_is_declared_for_its_answer(
    world: World, document: dict[str, Any], settings: Any
) -> None:
    settings.API_RATE_LIMIT = 12
    token = token_for(world.editor)
    client = WsgiClient(application)
    auth = {"Authorization": f"Bearer {token}"}
    for index in range(2):
        create_objective(
            actor=world.editor, cycle=world.cycle, team=world.sales, title=f"Grow {index}"
        )
    body = json.dumps({"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Sell"})
    json_body = {"data": body, "content_type": "application/json"}
    sent = [
        ("GET", "/api/v1/objectives?limit=1", auth, {}),
        ("GET", "/api/v1/objectives/999999", auth, {}),
        ("GET", "/api/v1/objectives", {}, {}),
        ("POST", "/api/v1/objectives", {**auth, "Idempotency-Key": "k1"}, json_body),
        ("POST", "/api/v1/objectives", {**auth, "Idempotency-Key": "k1"}, json_body),
        ("POST", "/api/v1/objectives", auth, {"data": "{}", "content_type": "application/json"}),
        ("GET", "/api/v1/me", auth, {}),
    ]
    seen: list[tuple[str, int, set[str]]] = []
    with connection_kept():
        for method, url, headers, extra in sent:
            seen.append(_declared_check(document, client, method, url, headers, extra))
        # Past the limit: 429 with Retry-After.
        while seen[-1][1] != 429:
            seen.append(_declared_check(document, client, "GET", "/api/v1/me", auth, {}))

    sent_names = set().union(*(names for _, _, names in seen))
    assert {
        "etag",
        "location",
        "link",
        "idempotent-replayed",
        "www-authenticate",
        "retry-after",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
    } <= sent_names
    assert {status for _, status, _ in seen} >= {200, 201, 401, 404, 422, 429}


def _declared_check(
    document: dict[str, Any],
    client: WsgiClient,
    method: str,
    url: str,
    headers: dict[str, str],
    extra: dict[str, Any],
) -> tuple[str, int, set[str]]:
    """Send one request; assert each API header of the answer is declared for it."""
    response = client.open(url, method=method, headers=headers, **extra)
    path = url.split("?")[0]
    operation = API_SCHEMA.find_operation_by_path(method, path)
    assert operation is not None, (method, path)
    answer = document["paths"][operation.path][method.lower()]["responses"][
        str(response.status_code)
    ]
    declared = {name.lower() for name in answer.get("headers", {})}
    names = {name.lower() for name, _ in response.headers.items()} - GENERIC_HEADERS
    assert names <= declared, (method, url, response.status_code, names - declared)
    return url, response.status_code, names
