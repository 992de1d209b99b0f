"""The finishing of the OpenAPI document: what django-ninja's generation leaves to us.

`finish` takes the generated document and makes it a contract clients can be generated
from: the server and the license stated, each reusable enum named once as a component and
referenced wherever it is used (so an objective's `state` type is also the filter's type),
request fields with defaults optional for strict clients, no unused components, the
headers every answer carries declared once (`components/headers`) and referenced by each
response that sends them, and the webhooks (OpenAPI 3.1) with each event's payload made of
the REST resources' schemas.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from goalkeeper.webhooks.delivery import USER_AGENT
from goalkeeper.webhooks.models import EVENTS, PING
from goalkeeper.webhooks.payloads import EVENT_DATA

Document = dict[str, Any]
SCHEMAS = "#/components/schemas/"
HEADERS = "#/components/headers/"

LICENSE = {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}

# Enums pydantic names after their Python class, renamed to say what they belong to.
COMPONENT_NAMES = {
    "Direction": "KpiDirection",
    "Frequency": "KpiFrequency",
    "Health": "KpiHealth",
    "Trend": "KpiTrend",
    "Aggregation": "KpiAggregation",
}

# Inline enums (Literal types, Django choices) named by their set of values: every field
# and parameter taking exactly these values refers to one component. A subset (a new
# objective can be a draft or active, never closed) stays inline.
_NAMED_ENUMS: list[tuple[tuple[str, ...], str]] = [
    (("admin", "editor", "viewer"), "Role"),
    (("active", "invited", "deactivated"), "PersonState"),
    (("planning", "active", "closed"), "CycleState"),
    (("draft", "active", "closed"), "ObjectiveState"),
    (("committed", "aspirational"), "ObjectiveKind"),
    (("approve", "return"), "ReviewDecision"),
    (("latest", "cycle_aggregate"), "KpiMode"),
    (("", "sum", "average", "ratio"), "KpiFormula"),
    (("none", "sum", "average"), "Rollup"),
    (("equal", "weight", "amounts"), "SplitMethod"),
    (("iso", "dmy", "mdy"), "DateFormat"),
    (("sql", "csv", "xlsx", "http_json", "push"), "SourceKind"),
    (("new", "ok", "failing", "broken"), "SourceStatus"),
    (("schedule", "manual", "cli", "push"), "RunTrigger"),
    (("queued", "running", "succeeded", "failed"), "RunStatus"),
    (("objective", "key_result", "check_in", "kpi"), "CommentSubjectType"),
    (("objective", "key_result", "kpi"), "WatchSubjectType"),
    (("thumbs_up", "tada", "eyes", "pray", "heart", "rocket"), "Emoji"),
    (("open", "snoozed", "done"), "InboxView"),
    (("immediate", "batched", "off"), "EmailChoice"),
    (("pending", "succeeded", "failed"), "DeliveryStatus"),
    (("slack", "teams", "mattermost", "rocketchat", "json"), "ChannelKind"),
    (("workspace", "team"), "ChannelScope"),
    (("alert", "digest", "notification", "test"), "ChatPurpose"),
    (("pending", "delivered", "failed"), "ChatDeliveryStatus"),
    (("objectives", "check_ins", "kpis", "measurements"), "ExportKind"),
    (("csv", "xlsx"), "ExportFormat"),
    (("queued", "running", "done", "failed", "expired"), "ExportState"),
    (("private", "team", "workspace"), "DashboardSharing"),
    (("builtin", "company"), "TemplateSource"),
    (("outside_limits", "three_of_four", "run_of_eight"), "SignalRule"),
    (("upper", "lower"), "SignalSide"),
    (
        (
            "kpi_chart",
            "kpi_group",
            "objective",
            "team_summary",
            "health_counts",
            "insight_chart",
            "text",
        ),
        "TileKind",
    ),
    (tuple(EVENTS), "WebhookEvent"),
    (
        (
            "cycle",
            "objective",
            "key_result",
            "check_in",
            "kpi",
            "team",
            "person",
            "source",
            "webhook",
            "comment",
            "measurement",
        ),
        "ChangeType",
    ),
]
ENUM_NAMES = {frozenset(values): name for values, name in _NAMED_ENUMS}


def finish(document: Document, *, site_url: str) -> Document:
    """The generated `document` made a contract (in place; also returned).

    `site_url` is where this Goalkeeper is served (the SITE_URL setting): the server of
    the document's paths (which start with /api/v1/) and the contact of its administrators.
    """
    info = document.setdefault("info", {})
    info["license"] = LICENSE
    info["contact"] = {"name": "The administrators of this Goalkeeper", "url": site_url}
    document["servers"] = [{"url": site_url.rstrip("/"), "description": "this Goalkeeper"}]
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    _rename_components(document, COMPONENT_NAMES)
    _number_bounds(document)
    _name_enums(document)
    _request_defaults_optional(document)
    _query_parameters(document)
    _declare_headers(document)
    document["webhooks"] = webhooks()
    document["components"].setdefault("securitySchemes", {})["WebhookSignature"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Goalkeeper-Signature",
        "description": SIGNATURE_HEADERS[-1][1] + " (docs/api.md, Webhooks).",
    }
    schemas.update(webhook_schemas())
    _drop_unused(document)
    return document


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside `node`, `node` included (parents before children)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


_BOUND_KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}


def _number_bounds(document: Document) -> None:
    """Bounds of a number pydantic could not fold into its schema (a field whose type
    has a validator around it, as integers reading `5.0` have) come out as `ge`/`le`:
    written as the JSON Schema keywords they mean."""
    for node in _nodes(document):
        if node.get("type") in ("integer", "number"):
            for short, keyword in _BOUND_KEYWORDS.items():
                if short in node:
                    node.setdefault(keyword, node.pop(short))


def _rename_components(document: Document, names: dict[str, str]) -> None:
    schemas = document["components"]["schemas"]
    for old, new in names.items():
        if old in schemas:
            schema = schemas.pop(old)
            schema["title"] = new
            schemas[new] = schema
    for node in _nodes(document):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS) and ref[len(SCHEMAS) :] in names:
            node["$ref"] = SCHEMAS + names[ref[len(SCHEMAS) :]]


def _name_enums(document: Document) -> None:
    schemas = document["components"]["schemas"]
    roots = {id(schema) for schema in schemas.values()}
    for node in list(_nodes(document)):
        values = node.get("enum")
        if id(node) in roots or not isinstance(values, list):
            continue
        if not all(isinstance(value, str) for value in values):
            continue
        name = ENUM_NAMES.get(frozenset(values))
        if name is None:
            continue
        named = schemas.setdefault(name, {"type": "string", "enum": values, "title": name})
        if set(named["enum"]) != set(values):
            raise ValueError(f"the enum {name} is declared with other values")
        roots.add(id(named))
        for key in ("enum", "type", "title", "const"):
            node.pop(key, None)
        node["$ref"] = SCHEMAS + name


def _request_defaults_optional(document: Document) -> None:
    """Move the defaults of request-only schemas into their descriptions.

    A strict generated client types a field with a default as always present (the server
    fills it in); in a request that would force the caller to send it. A field a request
    may leave out has no `default` keyword, and its description says what it means.
    """
    schemas = document["components"]["schemas"]
    requests = _reachable(
        schemas,
        [op.get("requestBody", {}) for op in _operations(document)],
    )
    responses = _reachable(
        schemas,
        [op.get("responses", {}) for op in _operations(document)]
        + [op.get("parameters", []) for op in _operations(document)],
    )
    for name in requests - responses:
        for field in schemas[name].get("properties", {}).values():
            if "default" in field:
                default = field.pop("default")
                note = f"Default: `{json.dumps(default)}`."
                description = field.get("description", "")
                field["description"] = f"{description.rstrip('.')}. {note}" if description else note


def _query_parameters(document: Document) -> None:
    """Query parameters as a query string carries them.

    A query string has no null: an optional parameter is left out, so its type loses the
    `null` pydantic adds to it. A parameter taking several values takes them comma-separated
    in one parameter (`state=active,draft`): `explode: false` (a repeated one is refused).
    """
    for operation in _operations(document):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") != "query":
                continue
            schema = parameter.get("schema", {})
            branches = schema.get("anyOf", [])
            kept = [branch for branch in branches if branch != {"type": "null"}]
            if branches and len(kept) == 1:
                del schema["anyOf"]
                schema.update(kept[0])
            if schema.get("type") == "array":
                parameter["style"] = "form"
                parameter["explode"] = False


def _operations(document: Document) -> Iterator[dict[str, Any]]:
    for item in [*document.get("paths", {}).values(), *document.get("webhooks", {}).values()]:
        for operation in item.values():
            if isinstance(operation, dict):
                yield operation


def _reachable(schemas: dict[str, Any], starts: list[Any]) -> set[str]:
    """The names of the components `starts` refer to, directly or through other ones."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        for node in _nodes(todo.pop()):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMAS):
                name = ref[len(SCHEMAS) :]
                if name not in seen and name in schemas:
                    seen.add(name)
                    todo.append(schemas[name])
    return seen


def _drop_unused(document: Document) -> None:
    schemas = document["components"]["schemas"]
    outside = {key: value for key, value in document.items() if key != "components"}
    used = _reachable(schemas, [outside])
    for name in set(schemas) - used:
        del schemas[name]


# --- Response headers ------------------------------------------------------------------------

_INTEGER = {"type": "integer", "minimum": 0}

# What the API sends besides the body (docs/api.md, "Headers"). A header marked required
# is on every answer that refers to it; the others only when they apply.
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Limit": {
        "description": "Requests allowed per minute for this token (absent when the "
        "administrators turned the limit off).",
        "schema": _INTEGER,
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the current minute for this token.",
        "schema": _INTEGER,
    },
    "RateLimit-Reset": {
        "description": "Seconds until the current minute ends and the count starts again.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "Retry-After": {
        "description": "Seconds to wait before sending again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    },
    "ETag": {
        "description": "A strong tag of this representation: send it back as `If-Match` "
        "on PATCH, PUT and DELETE (412 when stale) or `If-None-Match` on GET (304 when "
        "unchanged).",
        "required": True,
        "schema": {"type": "string", "pattern": '^(W/)?"[^"]*"$'},
    },
    "Location": {
        "description": "The URL of the created object.",
        "required": True,
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Link": {
        "description": 'The next page, `<URL>; rel="next"`, when there is one (as `next` '
        "in the body).",
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this answer is the kept answer to an earlier request "
        "with the same `Idempotency-Key` (nothing was written again).",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use: a bearer token.",
        "required": True,
        "schema": {"type": "string"},
    },
}

_RATE_LIMIT = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
_PAGE_FIELDS = frozenset({"count", "next", "items"})


def headers_of(
    method: str, status: str, response: dict[str, Any], schemas: dict[str, Any]
) -> list[str]:
    """The names of the headers an answer of `method` with `status` and `response` sends."""
    names = list(_RATE_LIMIT)
    content = response.get("content", {})
    json_body = content.get("application/json")
    if status in {"200", "201"} and json_body is not None:
        names.append("ETag")
    if status == "201":
        names.append("Location")
    if status == "200" and method == "get" and json_body is not None:
        ref = json_body.get("schema", {}).get("$ref", "")
        page = schemas.get(ref[len(SCHEMAS) :], {}) if ref.startswith(SCHEMAS) else {}
        if set(page.get("properties", {})) >= _PAGE_FIELDS:
            names.append("Link")
    if method == "post" and status.startswith("2"):
        names.append("Idempotent-Replayed")
    if status == "401":
        names.append("WWW-Authenticate")
    if status == "429":
        names.append("Retry-After")
    return names


def _declare_headers(document: Document) -> None:
    """Declare the response headers once and refer to them from every answer sending them.

    Status codes become strings on the way: django-ninja keys its own answers with
    integers, and one status must not be declared twice.
    """
    schemas = document["components"]["schemas"]
    used: set[str] = set()
    for path in document.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = {}
            for status, response in operation["responses"].items():
                responses.setdefault(str(status), response)
            for status, response in responses.items():
                names = headers_of(method, status, response, schemas)
                response["headers"] = {name: {"$ref": HEADERS + name} for name in names}
                used.update(names)
            operation["responses"] = dict(sorted(responses.items()))
    document["components"]["headers"] = {
        name: copy.deepcopy(header) for name, header in RESPONSE_HEADERS.items() if name in used
    }


# --- Webhooks --------------------------------------------------------------------------------

SIGNATURE_HEADERS = [
    ("X-Goalkeeper-Event", "the event's name, as in the body's `event`"),
    ("X-Goalkeeper-Delivery", "the delivery's id, the same on every attempt (deduplicate on it)"),
    ("X-Goalkeeper-Timestamp", "when this attempt was sent, in Unix seconds"),
    (
        "X-Goalkeeper-Signature",
        '`sha256=<hex>`: HMAC-SHA256 of `"<X-Goalkeeper-Timestamp>." + raw body`, keyed '
        "with the subscription's secret",
    ),
]


def _event_schema_name(event: str) -> str:
    """`objective.review_requested` -> `ObjectiveReviewRequestedEvent`."""
    words = event.replace(".", "_").split("_")
    return "".join(word.capitalize() for word in words) + "Event"


def webhook_schemas() -> dict[str, Any]:
    """The component schema of each event's body: the envelope around its `data`."""
    schemas: dict[str, Any] = {}
    for event, data in EVENT_DATA.items():
        name = _event_schema_name(event)
        schemas[name] = {
            "title": name,
            "type": "object",
            "description": EVENTS.get(event, "A test delivery (the Send a test button)."),
            "properties": {
                "id": {
                    "type": "string",
                    "format": "uuid",
                    "description": "the delivery's id (X-Goalkeeper-Delivery)",
                },
                "event": {"type": "string", "const": event},
                "created_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "when the event happened",
                },
                "workspace": {"type": "integer", "description": "the workspace's id"},
                "data": {
                    "type": "object",
                    "properties": copy.deepcopy(data),
                    "required": sorted(data),
                },
            },
            "required": ["id", "event", "created_at", "workspace", "data"],
        }
    return schemas


def webhooks() -> dict[str, Any]:
    """The `webhooks` section: one POST per event, as a subscription receives it."""
    parameters = [
        {
            "name": name,
            "in": "header",
            "required": True,
            "description": description,
            "schema": {"type": "string"},
        }
        for name, description in SIGNATURE_HEADERS
    ]
    section: dict[str, Any] = {}
    for event in EVENT_DATA:
        section[event] = {
            "post": {
                "operationId": "webhook_" + event.replace(".", "_"),
                "summary": EVENTS.get(event, "A test delivery from the Send a test button."),
                "description": (
                    f"Sent by `{USER_AGENT}` to each active subscription that asked for "
                    f"`{event}`" + (" (every subscription)" if event == PING else "") + ". "
                    "Any 2xx answer acknowledges it; anything else is retried with a growing "
                    "delay."
                ),
                "tags": ["webhooks"],
                "security": [{"WebhookSignature": []}],
                "parameters": copy.deepcopy(parameters),
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": SCHEMAS + _event_schema_name(event)}
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Received: the delivery succeeded."},
                    "default": {"description": "Not received: the delivery is retried."},
                },
            }
        }
    return section
