"""REST endpoints of the open format (docs/format.md, "API"): an admin exports the
workspace as a document. Importing one, or another tool's file, is the importers' endpoint
(goalkeeper/importers/api.py), which names its problems as `refusal` does here."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.models import Person
from goalkeeper.api.auth import caller
from goalkeeper.api.edges import etag_of
from goalkeeper.api.errors import responses
from goalkeeper.portability.document import DocumentError
from goalkeeper.portability.export import dump
from goalkeeper.portability.queries import scoped_document

router = Router(tags=["open format"])


def admin_caller(request: HttpRequest) -> Person:
    person = caller(request)
    require_admin(person)
    return person


def refusal(error: DocumentError) -> ValidationError:
    """A refused document as the API's 422: each problem under its field, with its line."""
    messages: dict[str, list[str]] = {}
    for problem in error.problems:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        messages.setdefault(problem.field or "document", []).append(f"{where}: {problem.message}")
    return ValidationError(messages)


@router.get(
    "/export",
    response=responses({200: None}, (401, 403, 422)),
    openapi_extra={
        "responses": {
            200: {
                "description": "The document (docs/format.md)",
                "content": {"application/json": {}, "application/yaml": {}},
            }
        }
    },
)
def export_workspace(
    request: HttpRequest,
    cycle: str | None = None,
    team: str | None = None,
    format: Literal["json", "yaml"] = "json",
) -> HttpResponse:
    """The workspace (or one cycle, or one team's subtree by its key) in the open format.
    Admins only. 422 names an unknown cycle or team."""
    person = admin_caller(request)
    document = scoped_document(person.workspace, cycle=cycle, team=team)
    content_type = "application/json" if format == "json" else "application/yaml"
    response = HttpResponse(dump(document, format), content_type=f"{content_type}; charset=utf-8")
    # The document is a resource read like any other: its ETag lets a client skip an
    # unchanged export (the API edge tags JSON answers only).
    response["ETag"] = etag_of(response.content)
    return response
