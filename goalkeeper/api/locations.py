"""The `Location` of a created object: the URL a GET reads it at."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import Resolver404, resolve


def location_of(request: HttpRequest, body: Any) -> str:
    """Where a created object is read: `<this path>/<id>` or `/<last segment>/<id>` when
    such a GET exists, else this path (a batch, or an object read through its parent)."""
    path = request.path.rstrip("/")
    if isinstance(body, dict) and isinstance(body.get("id"), int):
        prefix, _, rest = path.partition("/api/v1")
        candidates = [f"{path}/{body['id']}"]
        if rest.count("/") > 1:
            candidates.append(f"{prefix}/api/v1/{rest.rsplit('/', 1)[-1]}/{body['id']}")
        for candidate in candidates:
            try:
                match = resolve(candidate)
            except Resolver404:
                continue
            if "GET" in methods_of(match.func):
                return candidate
    return path


def methods_of(view: Any) -> set[str]:
    """The methods a django-ninja view (one per path, over its operations) takes."""
    for cell in getattr(view, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return {method for operation in operations for method in operation.methods}
    return set()
