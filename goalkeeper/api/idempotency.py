"""`Idempotency-Key` on POST: a retried request runs once and gets the first answer again.

The key is the client's (any text of 1-255 printable characters, a UUID usually) and is
kept per person for 24 hours. The first request with a key records it before running
(the unique constraint stops a concurrent twin: 409) and its successful answer (status,
body, Location) after; a retry with the same method, path, query and body gets that answer
again, marked `Idempotent-Replayed: true`. The same key with another request is a 422. An
answer that is not a success is not kept: the key can be used again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from goalkeeper.api import services
from goalkeeper.api.errors import error_body
from goalkeeper.api.locations import location_of
from goalkeeper.api.models import IdempotencyKey

KEPT_FOR = dt.timedelta(hours=24)
HEADER = "Idempotency-Key"


def _refuse(operation: Any, request: HttpRequest, status: int, message: str) -> HttpResponse:
    body = error_body("The input is not valid." if status == 422 else message, [(HEADER, message)])
    response: HttpResponse = operation.api.create_response(request, body, status=status)
    return response


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    digest.update(request.body)
    return digest.hexdigest()


def body_of(response: HttpResponse) -> Any:
    """The JSON body of an answer, None when it has none."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(stored.body), status=stored.status or 200, content_type=stored.content_type
    )
    if stored.location:
        response["Location"] = stored.location
    response["Idempotent-Replayed"] = "true"
    return response


def once(operation: Any, request: HttpRequest, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run the POST `run` at most once for its key; replay the kept answer to a retry."""
    key = request.headers.get(HEADER, "")
    if not 1 <= len(key) <= 255 or not key.isprintable():
        return _refuse(operation, request, 422, "must be 1 to 255 printable characters")
    header = request.headers.get("Authorization", "")
    token = services.authenticate(header[7:].strip()) if header[:7].lower() == "bearer " else None
    if token is None:
        return run()  # refused as unauthenticated: nothing to keep
    person = token.person
    try:
        fingerprint = _fingerprint(request)
    except RequestDataTooBig:
        return run()  # refused as too large: nothing to keep
    now = timezone.now()
    IdempotencyKey.objects.filter(person=person, key=key, created_at__lt=now - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                person=person, key=key, fingerprint=fingerprint, created_at=now
            )
    except IntegrityError:
        stored = IdempotencyKey.objects.filter(person=person, key=key).first()
        if stored is None:  # purged in between: run as new
            return run()
        if stored.fingerprint != fingerprint:
            return _refuse(
                operation,
                request,
                422,
                "was already used with another request: send a new key for a new request",
            )
        if stored.status is None:
            return _refuse(
                operation,
                request,
                409,
                "a request with this key is still running: retry when it has answered",
            )
        return _replay(stored)
    try:
        response = run()
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        raise
    if 200 <= response.status_code < 300 and not response.streaming:
        record.status = response.status_code
        record.body = response.content
        record.content_type = response.get("Content-Type", "")[:100]
        record.location = _location_of(request, response)
        record.save(update_fields=["status", "body", "content_type", "location"])
    else:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
    return response


def _location_of(request: HttpRequest, response: HttpResponse) -> str:
    if response.status_code != 201:
        return ""
    if response.has_header("Location"):
        return str(response["Location"])[:2000]
    location = location_of(request, body_of(response))
    response["Location"] = location
    return location[:2000]


def purge(now: dt.datetime | None = None) -> int:
    """Forget the keys older than 24 hours; returns how many went."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    return deleted
