"""The REST API, version 1: one NinjaAPI with a router per app, mounted at /api/v1/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from goalkeeper.accounts.api import router as accounts_router
from goalkeeper.api import contract, edges, errors
from goalkeeper.api.auth import TokenAuth
from goalkeeper.api.common import link_header
from goalkeeper.api.rendering import FastJSONParser, FiniteJSONRenderer
from goalkeeper.api.strictness import refuse_unknown_query
from goalkeeper.api.workspace import router as workspace_router
from goalkeeper.bridges.api import router as bridges_router
from goalkeeper.bridges.guard_api import router as guard_router
from goalkeeper.bridges.split_api import router as bridges_split_router
from goalkeeper.changes.api import router as changes_router
from goalkeeper.channels.api import router as channels_router
from goalkeeper.comments.api import router as comments_router
from goalkeeper.dashboards.api import router as dashboards_router
from goalkeeper.exports.api import router as exports_router
from goalkeeper.importers.api import router as importers_router
from goalkeeper.kpis.api import router as kpis_router
from goalkeeper.library.api import router as library_router
from goalkeeper.notifications.api import router as notifications_router
from goalkeeper.okrs.api import router as okrs_router
from goalkeeper.portability.api import router as portability_router
from goalkeeper.sources.api import router as sources_router
from goalkeeper.webhooks.api import router as webhooks_router

DESCRIPTION = """
Everything a person can do in Goalkeeper, through typed JSON.

**Authentication.** Send `Authorization: Bearer <token>` with a personal access token
(make one on the *API tokens* page of the web app, or with
`goalkeeper token create --user EMAIL --name NAME [--read-only]`). A token acts as its
person, with that person's role, inside that person's workspace; a read-only token cannot
write.

**Lists** take `?limit=` (1-500, default 50) and answer
`{"count": <total>, "next": <URL or null>, "items": [...]}`; follow `next` (also sent as a
`Link: <...>; rel="next"` header) for the next page. They take `sort` (a field, `-` for
descending; ties by id), filters with several values (`state=active,draft`), `q` where items
have titles, and `updated_since`; `GET /changes` lists what was created, changed or deleted.

**Errors** are JSON: `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`.
400: the body is not JSON. 401: no valid token. 403: the role or a read-only token forbids
it. 404: no such object in your workspace. 409: conflicts with stored data. 413: the body
is too large. 422: the input was refused; `errors` names each field (`field` is null for
the input as a whole). Unknown body fields and unknown or repeated query parameters are
refused (422). 405: the path does not take the method. 412: `If-Match` is stale. 415: the
body is not `application/json`. 429: over the rate limit (`Retry-After`).

**Concurrency and retries.** Answers carry an `ETag`; send it as `If-Match` on PATCH, PUT
and DELETE. Send an `Idempotency-Key` with a POST to retry it safely (24 hours). Every
answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.

Numbers are JSON numbers; NaN and Infinity are refused. Values and targets lie between
-1e15 and 1e15, weights are more than 0 and at most 1000. Instants are ISO 8601 with a zone.
"""


class LocalDocs(DocsBase):
    """Swagger UI served from this install (no CDN): self-hosted sites may be offline."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {
                "title": api.title,
                "swagger_settings": {
                    "url": self.get_openapi_url(api, kwargs),
                    "layout": "BaseLayout",
                    "deepLinking": True,
                    "persistAuthorization": True,
                },
            },
        )


class GoalkeeperAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short, stable ids ("list_objectives") for generated clients.
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The generated document, with each error status saying when it happens."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        edges.document(document)
        contract.finish(document, site_url=settings.SITE_URL)
        for operations in document["paths"].values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    if int(code) in errors.ERROR_DESCRIPTIONS:
                        response["description"] = errors.ERROR_DESCRIPTIONS[int(code)]
        return document


api = GoalkeeperAPI(
    title="Goalkeeper API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs=LocalDocs(),
    renderer=FiniteJSONRenderer(),
    parser=FastJSONParser(),
)
errors.install(api)
api.add_decorator(refuse_unknown_query, mode="view")
api.add_decorator(link_header, mode="view")
api.add_decorator(edges.edges, mode="view")
api.add_router("", workspace_router)
api.add_router("", accounts_router)
api.add_router("", okrs_router)
api.add_router("", kpis_router)
api.add_router("", bridges_router)
api.add_router("", bridges_split_router)
api.add_router("", guard_router)
api.add_router("", webhooks_router)
api.add_router("", channels_router)
api.add_router("", sources_router)
api.add_router("", comments_router)
api.add_router("", notifications_router)
api.add_router("", exports_router)
api.add_router("", portability_router)
api.add_router("", library_router)
api.add_router("", importers_router)
api.add_router("", dashboards_router)
api.add_router("", changes_router)
