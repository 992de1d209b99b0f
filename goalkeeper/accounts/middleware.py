"""Per request: the caller's person (their role in the current workspace), and the language
pages speak to them in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from goalkeeper.accounts.models import Person

SESSION_KEY = "workspace_id"
# A session signed in through a workspace's single sign-on reaches that workspace only: its
# provider vouches for nobody elsewhere (docs/sso.md). Any other way of logging in clears it.
SSO_SESSION_KEY = "sso_workspace_id"
_CACHE_ATTR = "_goalkeeper_person"


def person_of(request: HttpRequest) -> Person | None:
    """The signed-in user's person in the workspace chosen in the session (or their first).

    Cached on the request: pages ask for it in several places and must stay at one query.
    """
    if hasattr(request, _CACHE_ATTR):
        cached: Person | None = getattr(request, _CACHE_ATTR)
        return cached
    person = _resolve(request)
    setattr(request, _CACHE_ATTR, person)
    return person


def sso_workspace_of(request: HttpRequest) -> int | None:
    """The workspace a session signed in through single sign-on is limited to, else None."""
    session = getattr(request, "session", None)
    value = session.get(SSO_SESSION_KEY) if session is not None else None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return 0  # unreadable: reaches nothing


def forget_sso_limit(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """On every login: a new login starts unlimited; single sign-on sets its limit after."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SSO_SESSION_KEY, None)


def _resolve(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    people = Person.objects.select_related("workspace").filter(user=user, is_active=True)
    only = sso_workspace_of(request)
    if only is not None:
        people = people.filter(workspace_id=only)
    chosen = request.session.get(SESSION_KEY)
    person = None
    if chosen is not None:
        person = people.filter(workspace_id=chosen).first()
    if person is None:
        person = people.order_by("workspace_id").first()
        if person is not None:
            request.session[SESSION_KEY] = person.workspace_id
    return person


API_PREFIX = "/api/"


class UserLanguageMiddleware:
    """A signed-in person's own language (`User.language`) over what the browser asks.

    Runs after LocaleMiddleware (which picked the browser's language, else English) and
    after authentication. "" on the login means "as the browser asks": nothing changes.
    The API always answers in English: its payloads are read by programs
    (docs/languages.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

    def language_for(self, request: HttpRequest) -> str:
        """The language to switch to, or "" to keep LocaleMiddleware's choice."""
        if request.path_info.startswith(API_PREFIX):
            return str(settings.LANGUAGE_CODE)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        chosen = str(getattr(user, "language", "") or "")
        return chosen if chosen in self.known else ""
