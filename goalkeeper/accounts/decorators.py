"""View decorators that resolve the caller's person once and hand it to the view.

    @member_required
    def page(request, person, ...): ...   # any active person of the current workspace

    @admin_required
    def admin_page(request, person, ...): ...

Anonymous visitors go to the login page (htmx requests get a 401 that tells htmx to
navigate there, instead of swapping a login form into a fragment). A login with no active
person in any workspace is refused with 403. Object access stays with the
`access_<thing>_by_id` helpers, which the views call with the person.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person

P = ParamSpec("P")
PersonView = Callable[Concatenate[HttpRequest, Person, P], HttpResponseBase]
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def _to_login(request: HttpRequest) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        return response
    return redirect_to_login(request.get_full_path())


def member_required(view: PersonView[P]) -> View[P]:
    """Let in active people of the current workspace; pass their person to the view."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _to_login(request)
        person = person_of(request)
        if person is None:
            raise PermissionDenied(_("your account is not active in any workspace"))
        return view(request, person, *args, **kwargs)

    update_wrapper(wrapped, view)
    return wrapped


def admin_required(view: PersonView[P]) -> View[P]:
    """Like `member_required`, for admins of the current workspace only."""

    def checked(
        request: HttpRequest, person: Person, /, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        require_admin(person)
        return view(request, person, *args, **kwargs)

    update_wrapper(checked, view)
    return member_required(checked)
