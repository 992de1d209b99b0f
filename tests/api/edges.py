"""Requests with the headers and content types the Api client does not send."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.test import TestResponse

from tests.api.conftest import BASE, Api, connection_kept


def send(
    api: Api,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
    raw: bytes | str | None = None,
) -> TestResponse:
    """One request as sent, unchecked against the document (a 304 has no schema)."""
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    with connection_kept():
        return api.client.open(
            BASE + path,
            method=method,
            headers={**api._headers(), **(headers or {})},
            data=data,
            content_type=content_type if data is not None else None,
        )
