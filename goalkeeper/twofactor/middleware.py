"""A workspace that requires two-factor authentication: its people set it up first.

A signed-in person of such a workspace without two-factor on reaches only the two-factor
setup pages and the logout; every other page sends them to the setup. The REST API is
left alone: a token is made on a page, so it could only be made after the setup, and it
is a credential of its own, not a password (docs/security.md#two-factor-authentication).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from goalkeeper.accounts.middleware import API_PREFIX, person_of
from goalkeeper.twofactor import queries

# Pages a person who must set up two-factor may still open.
OPEN_PAGES = frozenset(
    {
        "twofactor",
        "twofactor_setup",
        "twofactor_confirm",
        "login",
        "login_code",
        "logout",
        "healthz",
        "set_language",
    }
)
# A login found clear (two-factor on, or no workspace requiring it; or only the workspace
# named, when another one requires it) is noted in the cache under its session key, so
# pages do not look the requirement up on every request. Noted at login too
# (`note_clear_at_login`), so the first page after it asks nothing. A new requirement
# reaches people already signed in within this time. The note is kept out of the session
# itself: writing the session would push its expiry back (docs/security.md, sessions end
# 12 hours after the login whatever is read).
RECHECK_SECONDS = 60


def _clear_key(request: HttpRequest) -> str | None:
    key = request.session.session_key
    return f"twofactor-clear:{key}" if key else None


def _note_clear(request: HttpRequest, workspace_id: int | None) -> None:
    key = _clear_key(request)
    if key is not None:
        cache.set(key, [workspace_id], RECHECK_SECONDS)


def note_clear_at_login(request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: note a login that no workspace will send to the setup."""
    if request is None or not hasattr(request, "session"):
        return
    if not queries.required_anywhere(user) or queries.is_enabled(user.pk):
        _note_clear(request, None)
    else:
        key = _clear_key(request)
        if key is not None:
            cache.delete(key)


def must_enrol(request: HttpRequest) -> bool:
    """Whether the signed-in caller must set up two-factor before anything else."""
    person = person_of(request)
    if person is None:
        return False
    key = _clear_key(request)
    clear = cache.get(key) if key is not None else None
    if isinstance(clear, list) and clear[0] in (None, person.workspace_id):
        return False
    if not queries.is_required(person.workspace_id):
        _note_clear(request, person.workspace_id)
        return False
    if queries.is_enabled(person.user_id):
        _note_clear(request, None)
        return False
    return True


class RequirementMiddleware:
    """Send people of a workspace that requires two-factor to set it up (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or request.path_info.startswith(API_PREFIX):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_PAGES:
            return None
        if not must_enrol(request):
            return None
        url = reverse("twofactor")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
