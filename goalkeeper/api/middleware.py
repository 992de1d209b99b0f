"""The edges of /api/v1/ that no endpoint sees: rate limits and methods an endpoint lacks."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from goalkeeper.api import ratelimit
from goalkeeper.api.errors import error_body

API_PREFIX = "/api/v1/"
# The document and its docs page are the same for everyone and read before any token.
NOT_COUNTED = ("/api/v1/openapi.json", "/api/v1/docs")


class ApiEdgesMiddleware:
    """Under /api/v1/: count the request (429 past the limit), announce the quota on every
    answer, and answer a method the path does not offer (405) in the error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if settings.API_RATE_LIMIT <= 0 or request.path.startswith(NOT_COUNTED):
            return _json_not_allowed(self.get_response(request))
        quota = ratelimit.count(ratelimit.bucket_of(request))
        if quota.exceeded:
            response: HttpResponse = JsonResponse(
                error_body(
                    f"Too many requests: at most {quota.limit} a minute; "
                    f"try again in {quota.reset} seconds."
                ),
                status=429,
            )
            response["Retry-After"] = str(quota.reset)
        else:
            response = _json_not_allowed(self.get_response(request))
        response["RateLimit-Limit"] = str(quota.limit)
        response["RateLimit-Remaining"] = str(quota.remaining)
        response["RateLimit-Reset"] = str(quota.reset)
        return response


def _json_not_allowed(response: HttpResponse) -> HttpResponse:
    if response.status_code != 405 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    allowed = response.get("Allow", "")
    methods = ", ".join(sorted(m.strip() for m in allowed.split(",") if m.strip()))
    answer = JsonResponse(
        error_body(f"Method not allowed here; this path takes {methods or 'no method'}."),
        status=405,
    )
    answer["Allow"] = methods
    return answer
