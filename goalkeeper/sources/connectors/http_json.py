"""An HTTP endpoint answering JSON: a JSONPath picks the value (and maybe its timestamp).

Most APIs answer the current number ("MRR is 41 200 now"): then the value is stamped with
the time it was read. APIs that answer a series give a second path for the timestamps,
paired with the values by position.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse

from goalkeeper.sources.connectors.base import (
    Connector,
    DateFormat,
    Parameter,
    Row,
    SourceError,
    make_row,
    register,
)
from goalkeeper.sources.connectors.remote import (
    download,
    host_of,
    parse_headers,
    url_problem,
)


@register
class HttpJsonConnector(Connector):
    """GET a URL, read the JSON answer, pick values (and timestamps) with JSONPath."""

    kind = "http_json"
    label = _("HTTP JSON endpoint")
    description = _(
        "An API that answers JSON; a JSONPath picks the value, and optionally its timestamp "
        "(otherwise the value is stamped with the time it was read)."
    )
    parameters = (
        Parameter(
            name="url",
            label=_("URL"),
            help=_("An http:// or https:// URL answering JSON to a GET. Put tokens in Headers."),
            placeholder="https://api.example.com/v1/metrics",
        ),
        Parameter(
            name="headers",
            label=_("HTTP headers"),
            help=_("One “Name: value” a line, sent with every request (e.g. a token)."),
            secret=True,
            required=False,
            multiline=True,
            placeholder="Authorization: Bearer …",
        ),
        Parameter(
            name="value_path",
            label=_("Value path (JSONPath)"),
            help=_("Where the value is in the answer, e.g. $.data.mrr, or $.series[*].value."),
            placeholder="$.data.mrr",
        ),
        Parameter(
            name="timestamp_path",
            label=_("Timestamp path (JSONPath)"),
            help=_(
                "Optional: where the timestamps are, e.g. $.series[*].date (ISO 8601 or "
                "seconds since 1970), paired with the values in order. Blank: the value "
                "is stamped with the time it was read."
            ),
            required=False,
            placeholder="$.series[*].date",
        ),
    )

    def check(self) -> dict[str, str]:
        errors = super().check()
        url = self.value("url")
        if url and "url" not in errors:
            problem = url_problem(url)
            if problem:
                errors["url"] = problem
        for name in ("value_path", "timestamp_path"):
            path = self.value(name)
            if path and name not in errors:
                try:
                    _compiled(path)
                except ValueError as error:
                    errors[name] = str(error)
        try:
            parse_headers(self.value("headers"))
        except ValueError as error:
            errors["headers"] = str(error)
        return errors

    def fetch(self, since: dt.datetime | None) -> list[Row]:
        errors = self.check()
        if errors:
            raise SourceError("; ".join(f"{name}: {text}" for name, text in errors.items()))
        url = self.value("url")
        answer = download(
            url, parse_headers(self.value("headers")), self.context, accept="application/json"
        )
        # The moment of the read stamps a lone value; taken once, so all rows agree.
        read_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        document = _json(answer.body, host_of(url))
        value_path = self.value("value_path")
        values = _matches(value_path, document, "value_path")
        timestamp_path = self.value("timestamp_path")
        if not timestamp_path:
            if len(values) > 1:
                raise SourceError(
                    f"value_path “{value_path}” matches {len(values)} values: give a "
                    "timestamp_path to say when each one was measured, or pick one value"
                )
            rows = [_row(1, read_at, values[0], self.context.zone)]
            return [row for row in rows if since is None or row.timestamp >= since]
        stamps = _matches(timestamp_path, document, "timestamp_path")
        if len(stamps) != len(values):
            raise SourceError(
                f"value_path matches {len(values)} values but timestamp_path matches "
                f"{len(stamps)} timestamps: they are paired in order, so the counts must agree"
            )
        rows = [
            _row(number, stamp, value, self.context.zone)
            for number, (stamp, value) in enumerate(zip(stamps, values, strict=True), start=1)
        ]
        return [row for row in rows if since is None or row.timestamp >= since]

    def describe(self) -> str:
        return gettext("JSON from %(host)s, %(path)s") % {
            "host": host_of(self.value("url")),
            "path": self.value("value_path"),
        }


@functools.lru_cache(maxsize=64)
def _compiled(path: str) -> JSONPath:
    """The parsed JSONPath; ValueError saying why it does not parse."""
    try:
        return parse(path)
    # The parser raises JSONPathError, and at times a bare Exception from its lexer.
    except Exception as error:
        raise ValueError(f"not a valid JSONPath ({error})") from None


def _json(body: bytes, host: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        # Never quote the answer, nor its Content-Type (the server's words too): the URL may
        # lead to a service that was not meant to be read.
        shown = "" if body.strip() else ": it is empty"
        raise SourceError(f"the answer from {host} is not JSON{shown}") from None


def _matches(path: str, document: Any, parameter: str) -> list[Any]:
    found = [match.value for match in _compiled(path).find(document)]
    if not found:
        raise SourceError(f"{parameter} “{path}” matches nothing in the answer")
    return found


def _row(number: int, stamp: object, amount: object, zone: dt.tzinfo) -> Row:
    if isinstance(amount, dict | list):
        raise SourceError(
            f"value: the path points to {'an object' if isinstance(amount, dict) else 'a list'}"
            ", not a number",
            row=number,
        )
    if isinstance(stamp, int | float) and not isinstance(stamp, bool):
        stamp = _epoch(number, stamp)
    return make_row(number, stamp, amount, zone, DateFormat.ISO, echo=False)


def _epoch(number: int, seconds: float) -> dt.datetime:
    """Seconds since 1970 as a UTC instant; SourceError for what cannot be one."""
    try:
        if not math.isfinite(seconds):
            raise ValueError
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        hint = " (milliseconds? give seconds)" if abs(seconds) > 1e11 else ""
        raise SourceError(
            f"timestamp: not a time in seconds since 1970{hint}", row=number
        ) from None
