"""Per request: the caller's person (their role in the current workspace), and the language
pages speak to them in."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from goalkeeper.accounts.models import Person

SESSION_KEY = "workspace_id"
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


def _resolve(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    people = Person.objects.select_related("workspace").filter(user=user, is_active=True)
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
