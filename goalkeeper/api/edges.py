"""What every operation does around its endpoint (docs/api.md, "Errors" and "Concurrency
and retries"):

- an id in the path that can name no row (0, -1, beyond 64 bits) is a 404, as a missing row;
- a body is JSON: a POST/PUT/PATCH with a body of another type is a 415 (upload endpoints,
  which declare a file, take multipart/form-data);
- every 200/201 answer carries an `ETag` (a hash of the body); `If-None-Match` on a GET
  answers 304 when it matches, `If-Match` on PATCH/PUT/DELETE 412 when it does not;
- a POST with an `Idempotency-Key` runs once: a retry with the same body replays the first
  answer for 24 hours (goalkeeper/api/idempotency.py);
- every 201 carries a `Location`: the created object's URL.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve

from goalkeeper.api import idempotency
from goalkeeper.api.errors import error_body
from goalkeeper.api.locations import location_of, methods_of
from goalkeeper.api.schemas import MAX_ID
from goalkeeper.api.strictness import operation_of

WRITES_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
CONDITIONAL_WRITES = frozenset({"PUT", "PATCH", "DELETE"})


def _path_ids(operation: Any) -> frozenset[str]:
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "path":
            names.update(n for n, f in model.model_fields.items() if f.annotation is int)
    return frozenset(names)


def _takes_files(operation: Any) -> bool:
    return any(
        getattr(model, "__ninja_param_source__", None) in {"file", "form"}
        for model in operation.models
    )


def _is_id(value: Any) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID


def etag_of(content: bytes) -> str:
    """A strong tag for an answer's body: two bodies alike have the same tag."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _tags(header: str) -> set[str]:
    """The opaque tags of an If-Match/If-None-Match header; weak (`W/`) or strong alike
    (GZip weakens the tags of the answers it compresses)."""
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def respond(operation: Any, request: HttpRequest, status: int, detail: str) -> HttpResponse:
    response: HttpResponse = operation.api.create_response(
        request, error_body(detail), status=status
    )
    return response


def _current(request: HttpRequest) -> HttpResponse | None:
    """The answer a GET of the request's path gives now; None when the path has no GET."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if "GET" not in methods_of(match.func):
        return None
    reading = copy.copy(request)
    reading.method = "GET"
    reading.GET = QueryDict()
    reading.META = {
        key: value
        for key, value in request.META.items()
        if key not in {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IDEMPOTENCY_KEY"}
    }
    reading.META.update(REQUEST_METHOD="GET", QUERY_STRING="")
    response: HttpResponse = match.func(reading, *match.args, **match.kwargs)
    return response


def edges(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A "view" decorator for every operation (registered in v1.py)."""
    operation = operation_of(run)
    ids = _path_ids(operation)
    takes_files = _takes_files(operation)
    # An operation that reads no body (`POST /inbox/{id}/done`) ignores whatever came.
    takes_body = takes_files or any(
        getattr(model, "__ninja_param_source__", None) == "body" for model in operation.models
    )

    @wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if any(not _is_id(kwargs[name]) for name in ids if name in kwargs):
            return respond(operation, request, 404, "Not found.")
        method = request.method or "GET"
        if (
            method in WRITES_WITH_BODY
            and takes_body
            and _has_body(request)
            and not _json_or_files(request, takes_files)
        ):
            return respond(
                operation,
                request,
                415,
                "Unsupported Content-Type: send the body as application/json.",
            )
        if method in CONDITIONAL_WRITES and request.headers.get("If-Match"):
            with transaction.atomic():
                _serialize_writes_to(request.path)
                refused = _precondition_failed(operation, request)
                if refused is not None:
                    return refused
                response = run(request, *args, **kwargs)
        elif method == "POST" and request.headers.get("Idempotency-Key") is not None:
            response = idempotency.once(operation, request, lambda: run(request, *args, **kwargs))
        else:
            response = run(request, *args, **kwargs)
        return _finish(request, response)

    return guarded


def _has_body(request: HttpRequest) -> bool:
    # Read from the headers: reading the body here would refuse a large one too early.
    length = str(request.META.get("CONTENT_LENGTH") or "0").strip()
    chunked = "chunked" in str(request.META.get("HTTP_TRANSFER_ENCODING", "")).lower()
    return chunked or not length.isdigit() or int(length) > 0


def _json_or_files(request: HttpRequest, takes_files: bool) -> bool:
    content_type = (request.content_type or "").lower()
    if content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    ):
        return True
    return takes_files and content_type in {"multipart/form-data", "application/octet-stream"}


def _serialize_writes_to(path: str) -> None:
    """Conditional writes to one path take turns until their transaction ends, so two
    writers holding the same tag cannot both pass the check. SQLite's write transactions
    take turns anyway; PostgreSQL takes a transaction-level advisory lock on the path."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _precondition_failed(operation: Any, request: HttpRequest) -> HttpResponse | None:
    wanted = _tags(request.headers.get("If-Match", ""))
    if "*" in wanted:
        return None
    current = _current(request)
    if current is None:
        return respond(
            operation, request, 412, "If-Match: this resource has no tag to match; leave it out."
        )
    if current.status_code != 200:
        return current
    if etag_of(current.content) not in wanted:
        return respond(
            operation,
            request,
            412,
            "If-Match: the resource has changed since that tag: read it again and retry.",
        )
    return None


def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if request.method == "PATCH" and response.status_code == 422:
        _blame_sent_fields(request, response)
    if response.status_code in (200, 201) and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        if not response.has_header("ETag"):
            response["ETag"] = etag_of(response.content)
        if request.method == "GET" and request.headers.get("If-None-Match"):
            wanted = _tags(request.headers["If-None-Match"])
            if "*" in wanted or response["ETag"] in wanted:
                not_modified = HttpResponse(status=304)
                not_modified["ETag"] = response["ETag"]
                return not_modified
    if response.status_code == 201 and not response.has_header("Location"):
        response["Location"] = location_of(request, idempotency.body_of(response))
    return response


_DIFFER = re.compile(r"^(?P<other>\w+) must differ from (?P<sent>\w+)$")


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return json.dumps(value)


def _blame_sent_fields(request: HttpRequest, response: HttpResponse) -> None:
    """Name the field the PATCH sent, not a stored one it clashes with.

    `PATCH {"start": 200}` on a key result whose target is 200 is refused on `start`:
    "must differ from the target (200)", not on `target`, which the body did not contain.
    """
    try:
        sent = json.loads(request.body)
        answer = json.loads(response.content)
    except ValueError:
        return
    if not isinstance(sent, dict) or not isinstance(answer, dict) or not sent:
        return
    errors = answer.get("errors") or []
    stray = [e for e in errors if e.get("field") and e["field"].split(".")[0] not in sent]
    if not stray:
        return
    current = _current(request)
    found = current is not None and current.status_code == 200
    stored = json.loads(current.content) if current is not None and found else {}
    for error in stray:
        field = error["field"]
        value = stored.get(field) if isinstance(stored, dict) else None
        clash = _DIFFER.match(error["message"])
        if clash and clash["sent"] in sent and clash["other"] == field:
            error["field"] = clash["sent"]
            error["message"] = f"must differ from the {field} ({_shown(value)})"
            continue
        mentioned = [
            name for name in sent if re.search(rf"\b{re.escape(name)}\b", error["message"])
        ]
        # A field that is needed and was not sent (`final_score` to close) keeps its name.
        if mentioned:
            error["field"] = mentioned[0]
            error["message"] = f"{error['message']} (the stored {field} is {_shown(value)})"
    response.content = json.dumps(answer).encode()


def document(openapi: dict[str, Any]) -> None:
    """State in the OpenAPI document the answers every operation may give at its edges."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for operations in openapi.get("paths", {}).values():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            codes = {429}
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                codes.add(404)
            if "requestBody" in operation:
                codes.add(415)
            if method.upper() in CONDITIONAL_WRITES:
                codes.add(412)
            if method.upper() == "POST":
                codes.update({409, 422})
            for code in sorted(codes):
                answers.setdefault(str(code), copy.deepcopy(error))
