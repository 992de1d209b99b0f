"""Every error the API answers is JSON: `{"detail": "...", "errors": [{"field", "message"}]}`.

Status codes, the same for every endpoint:
- 400: the body is not JSON at all;
- 401: no token, an unknown token or a revoked one;
- 403: the token's person may not do this (a viewer writing, a read-only token writing);
- 404: no such object in the token's workspace (another workspace's objects are missing too);
- 405: the path does not take this method (`Allow` lists those it takes);
- 409: the write conflicts with stored data (deleting a cycle that still has objectives),
  or a request with the same `Idempotency-Key` is still running;
- 412: `If-Match` names a tag the resource no longer has;
- 413: the body is larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB);
- 415: the body is not `application/json` (upload endpoints take multipart/form-data);
- 422: the input was read but refused; `errors` names each field at fault;
- 429: the token sent more requests this minute than the rate limit allows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from goalkeeper.api.schemas import ErrorOut
from goalkeeper.validation import validation_messages

if TYPE_CHECKING:
    from ninja import NinjaAPI

ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "Missing, unknown or revoked token.",
    403: "The token's person may not do this (viewer role or read-only token).",
    404: "No such object in the token's workspace.",
    409: "The write conflicts with stored data.",
    412: "If-Match names a tag the resource no longer has: read it again.",
    413: "The body is larger than the server accepts.",
    415: "The body is not application/json.",
    422: "The input was refused; `errors` names each field at fault.",
    429: "Too many requests this minute: wait Retry-After seconds.",
}

# Which errors each kind of operation can answer, for the OpenAPI document.
READ_ONE = (401, 404, 422)
READ_MANY = (401, 422)
CREATE = (400, 401, 403, 404, 413, 422)
UPDATE = (400, 401, 403, 404, 413, 422)
DELETE = (401, 403, 404, 409, 422)


def responses(ok: dict[int, Any], errors: Sequence[int]) -> dict[int, Any]:
    """The `response=` of an operation: its success schema plus an ErrorOut per error code."""
    return {**ok, **dict.fromkeys(errors, ErrorOut)}


def error_body(detail: str, errors: Iterable[tuple[str | None, str]] = ()) -> dict[str, Any]:
    return {
        "detail": detail,
        "errors": [{"field": field, "message": message} for field, message in errors],
    }


# A validator's tag pydantic may put in a location: `function-after[...]`, `int`, `none`.
_TAG = re.compile(r"^[a-z][a-z-]*(\[.*\])?$")
_TAGS = frozenset({"none", "constrained-float", "constrained-int", "constrained-str"})


def _field_of(loc: Sequence[Any]) -> str | None:
    """`("body", "payload", "items", 3, "value")` -> `"items.3.value"`; the param name goes,
    and so do validator tags (never a field name of ours)."""
    parts = [
        str(part)
        for part in loc
        if not (isinstance(part, str) and ("[" in part or part in _TAGS) and _TAG.match(part))
    ]
    if parts and parts[0] == "query":
        # Query parameters are flat: the parameter is the last name (`state` for the second
        # value of `state=active,sleeping`, located under the filters' model and an index).
        names = [part for part in parts[1:] if not part.isdigit()]
        return names[-1] if names else None
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or None


def _without_union_branches(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name a PATCH field once: `weight`, not `weight.constrained-float` and `weight.none`.

    A PATCH field is a union of its type and null (`schemas.Patch`), and null is refused
    before the union is tried, so its "none" branch can only add noise; pydantic also puts
    each branch's tag in the location of its error. Both are taken out.
    """
    unions = {tuple(e.get("loc", ()))[:-1] for e in errors if e.get("type") == "none_required"}
    kept: list[dict[str, Any]] = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "none_required" and loc[:-1] in unions:
            continue
        for union in unions:
            if len(loc) > len(union) and loc[: len(union)] == union:
                error = {**error, "loc": union + loc[len(union) + 1 :]}
                break
        kept.append(error)
    return kept


_BOUNDS = {
    "greater_than_equal": ("ge", "must be on or after {}"),
    "less_than_equal": ("le", "must be on or before {}"),
}


_DAY = re.compile(r"^datetime\.date\((\d+), (\d+), (\d+)\)$")


def _day(value: Any) -> dt.date | None:
    """A date bound of an error's context (pydantic gives some as their repr)."""
    if isinstance(value, dt.date):
        return value
    match = _DAY.match(str(value))
    return dt.date(*(int(part) for part in match.groups())) if match else None


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    bound = _BOUNDS.get(str(error.get("type")))
    limit = _day((error.get("ctx") or {}).get(bound[0])) if bound else None
    if bound and limit is not None:
        return bound[1].format(limit.isoformat())
    if error.get("type") == "missing" and len(error.get("loc", ())) <= 2:
        return "a JSON body is required" if error["loc"][0] == "body" else message
    if error.get("type") in {"model_type", "model_attributes_type", "dict_type"}:
        return "must be a JSON object"
    # pydantic prefixes messages of custom validators; the field already says where.
    return message.removeprefix("Value error, ")


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every refusal into the error shape above."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _without_union_branches(exc.errors)
        pairs = [(_field_of(error.get("loc", ())), _message(error)) for error in errors]
        return respond(request, error_body("The input is not valid.", pairs), 422)

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        pairs = [
            (None if field == "__all__" else field, message)
            for field, message in validation_messages(exc)
        ]
        return respond(request, error_body("The input is not valid.", pairs), 422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            error_body("Authentication required: send 'Authorization: Bearer <token>'."),
            401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="goalkeeper"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, error_body(str(exc)), exc.status_code)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, error_body(str(exc) or "You may not do this."), 403)

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, error_body(str(exc) or "Not found."), 404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing_object(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, error_body("Not found."), 404)

    @api.exception_handler(ProtectedError)
    def protected(request: HttpRequest, exc: ProtectedError) -> HttpResponse:
        return respond(request, error_body(_in_use(exc.protected_objects)), 409)

    @api.exception_handler(RestrictedError)
    def restricted(request: HttpRequest, exc: RestrictedError) -> HttpResponse:
        return respond(request, error_body(_in_use(exc.restricted_objects)), 409)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, error_body("The body is too large."), 413)

    @api.exception_handler(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return respond(request, error_body("The write conflicts with stored data."), 409)


def _in_use(objects: Iterable[Any]) -> str:
    kinds = sorted({obj._meta.verbose_name_plural for obj in objects})
    return "Still in use by " + ", ".join(str(kind) for kind in kinds) + "."
