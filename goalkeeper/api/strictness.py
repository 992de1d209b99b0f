"""Unknown query parameters are refused, as unknown body fields are.

A misspelt filter (`?objetive=5`) silently ignored would answer every key result while the
client believes it filtered them; a 422 naming the parameter says what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.errors import ValidationError as NinjaValidationError


def known_query_parameters(operation: Any) -> frozenset[str]:
    """The query parameter names an operation declares."""
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names.update(getattr(model, "__ninja_flatten_map__", {}) or model.model_fields)
    return frozenset(names)


def refuse_unknown_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A "view" decorator for every operation: 422 for a query parameter it does not know."""
    operation = run.__self__  # type: ignore[attr-defined]
    known = known_query_parameters(operation)

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unknown = sorted(set(request.GET) - known)
        if unknown:
            errors = [
                {"loc": ("query", name), "msg": "unknown query parameter", "type": "unknown"}
                for name in unknown
            ]
            refused: HttpResponse = operation.api.on_exception(
                request, NinjaValidationError(errors)
            )
            return refused
        return run(request, *args, **kwargs)

    return checked
