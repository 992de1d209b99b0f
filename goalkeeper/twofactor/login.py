"""The second step of a login, for a login with two-factor authentication on.

The password check (accounts' login page) hands over to `after_password`: instead of
signing the session in, it notes who passed the password in the session, for
`PENDING_SECONDS`, and sends the browser to the code page. Only a right code there signs
the session in (`complete`). Codes are rate limited per login and per client address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts.models import User
from goalkeeper.twofactor import queries

PENDING_KEY = "twofactor_pending"
PENDING_SECONDS = 5 * 60


def code_limit() -> ratelimit.Limit:
    """Wrong codes per login: 5 per 15 minutes (`LOGIN_CODE_LIMIT_COUNT`, `_WINDOW`).

    Only someone who already typed the right password reaches the code step, so a plain
    limit cannot be turned against the owner the way a password lock could.
    """
    return ratelimit.Limit(
        "login-code",
        int(getattr(settings, "LOGIN_CODE_LIMIT_COUNT", 5)),
        dt.timedelta(seconds=int(getattr(settings, "LOGIN_CODE_LIMIT_WINDOW", 15 * 60))),
    )


def after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse | None:
    """A redirect to the code page when `user` has two-factor on; None to sign in now."""
    if not queries.is_enabled(user.pk):
        return None
    until = timezone.now() + dt.timedelta(seconds=PENDING_SECONDS)
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "next": next_url,
        "until": until.isoformat(),
    }
    return redirect("login_code")


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if dt.datetime.fromisoformat(pending["until"]) <= timezone.now():
        del request.session[PENDING_KEY]
        return None
    return pending


def pending_user(request: HttpRequest) -> User | None:
    """The login that passed its password in the last five minutes, waiting for its code."""
    pending = _pending(request)
    if pending is None:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def complete(request: HttpRequest, user: User) -> HttpResponse:
    """Sign the session in (a new session key) and go where the login was headed."""
    pending = request.session.pop(PENDING_KEY)
    auth_login(request, user, backend=pending["backend"])
    return redirect(pending["next"])
