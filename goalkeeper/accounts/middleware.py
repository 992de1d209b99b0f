"""Resolve the caller's person (their role in the current workspace) once per request."""

from __future__ import annotations

from django.http import HttpRequest

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
