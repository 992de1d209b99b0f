"""JSON answers that every client can parse: no NaN, no Infinity, no negative zero.

Python's `json` writes a non-finite float as `NaN` or `Infinity`, which is not JSON: one
such number would make a whole answer unreadable. Numbers accepted since the limits
(docs/scoring.md, "Limits") never produce one, but rows stored before them might, so every
float of every answer passes through `finite_json` on its way out: a number that is not
finite is `null`, and `-0.0` is `0.0`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer

from goalkeeper.domain.limits import finite_json


class FiniteJSONRenderer(JSONRenderer):
    """ninja's JSON renderer, after `finite_json`."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return super().render(request, finite_json(data), response_status=response_status)
