"""Steps a login takes after its password is right, before the session is signed in.

accounts imports no app above it (docs/architecture.md), so an app that asks more of a
login (two-factor authentication asks for a code) registers its step when Django starts
(`register`, from its `AppConfig.ready`). The login and invitation pages call
`after_password`: the first step that answers with a page takes the login over.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from goalkeeper.accounts.models import User

# (request, user, where the login goes next) -> a page that takes over, or None.
Step = Callable[[HttpRequest, User, str], HttpResponse | None]

_steps: list[Step] = []


def register(step: Step) -> None:
    """Run `step` after every right password (once, whatever the number of calls)."""
    if step not in _steps:
        _steps.append(step)


def after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse | None:
    """The page of the first step that takes the login over; None to sign in now."""
    for step in _steps:
        response = step(request, user, next_url)
        if response is not None:
            return response
    return None
