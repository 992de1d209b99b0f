"""`Authorization: Bearer <token>`: a personal access token acts as its person."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from goalkeeper.accounts.models import Person
from goalkeeper.api import services
from goalkeeper.api.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_TOKEN_ATTR = "_goalkeeper_api_token"  # noqa: S105 - an attribute name, no secret


class TokenAuth(HttpBearer):
    """Resolve the token to its person; a read-only token is refused any write (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        api_token = services.authenticate(token.strip())
        if api_token is None:
            return None
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied("this token is read-only")
        setattr(request, _TOKEN_ATTR, api_token)
        return api_token.person


def caller(request: HttpRequest) -> Person:
    """The person the request's token acts as (set by TokenAuth before the endpoint runs)."""
    return cast(Person, request.auth)  # type: ignore[attr-defined]


def token_of(request: HttpRequest) -> ApiToken:
    """The token the request came with."""
    return cast(ApiToken, getattr(request, _TOKEN_ATTR))
