"""Unknown and repeated query parameters are refused, as unknown body fields are.

A misspelt filter (`?objetive=5`) silently ignored would answer every key result while the
client believes it filtered them; a 422 naming the parameter says what went wrong. A
parameter given twice (`?team=1&team=2`) would keep one value and drop the other: refused
too: several values of a filter go comma-separated in one parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.errors import ValidationError as NinjaValidationError


def operation_of(run: Callable[..., Any]) -> Any:
    """The ninja Operation whose (possibly already decorated) `run` this is."""
    current: Any = run
    while not hasattr(current, "__self__"):
        current = current.__wrapped__
    return current.__self__


def _query_models(operation: Any) -> list[Any]:
    return [m for m in operation.models if getattr(m, "__ninja_param_source__", None) == "query"]


def known_query_parameters(operation: Any) -> frozenset[str]:
    """The query parameter names an operation declares."""
    names: set[str] = set()
    for model in _query_models(operation):
        names.update(getattr(model, "__ninja_flatten_map__", {}) or model.model_fields)
    return frozenset(names)


def refuse_unknown_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A "view" decorator for every operation: 422 for a query parameter it does not know,
    or one given more than once. Several values of a filter are sent once, comma-separated
    (`state=active,draft`): one documented form, so `team=1&team=2` is never read as either
    "both" or "the last one"."""
    operation = operation_of(run)
    known = known_query_parameters(operation)

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        errors = [
            {"loc": ("query", name), "msg": "unknown query parameter", "type": "unknown"}
            for name in sorted(set(request.GET) - known)
        ]
        errors += [
            {
                "loc": ("query", name),
                "msg": "given more than once: send it once",
                "type": "repeated",
            }
            for name in sorted(set(request.GET) & known)
            if len(request.GET.getlist(name)) > 1
        ]
        if errors:
            refused: HttpResponse = operation.api.on_exception(
                request, NinjaValidationError(errors)
            )
            return refused
        return run(request, *args, **kwargs)

    return checked
