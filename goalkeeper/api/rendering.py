"""JSON in and out of the API, through orjson; answers every client can parse.

Bodies are parsed with orjson (docs/api.md, "Measurements": a batch of 10,000 values is
parsed several times faster than with the standard library). A body orjson refuses is read
again by the standard library, which also takes `NaN`, `Infinity` and `1e999`: such a
number then reaches validation and is refused as a field error naming the field, not as
unreadable JSON.

Python's `json` writes a non-finite float as `NaN` or `Infinity`, which is not JSON: one
such number would make a whole answer unreadable. Numbers accepted since the limits
(docs/scoring.md, "Limits") never produce one, but rows stored before them might, so every
float of every answer passes through `finite_json` on its way out: a number that is not
finite is `null`, and `-0.0` is `0.0`.
"""

from __future__ import annotations

import json
from typing import Any, cast

import orjson
from django.http import HttpRequest
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.types import DictStrAny

from goalkeeper.domain.limits import finite_json

# Instants at the precision they are stored at (microseconds, when not zero; two distinct
# instants never read back alike), UTC as "Z"; decimals and the like keep the standard
# encoder's format.
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
_ENCODER = NinjaJSONEncoder()


class FastJSONParser(Parser):
    """Bodies parsed by orjson, with the standard library as the lenient second reader."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        body = request.body
        try:
            return cast(DictStrAny, orjson.loads(body))
        except orjson.JSONDecodeError:
            return cast(DictStrAny, json.loads(body))


class FiniteJSONRenderer(JSONRenderer):
    """Answers written by orjson, after `finite_json`."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return orjson.dumps(finite_json(data), default=_ENCODER.default, option=_OPTIONS)
