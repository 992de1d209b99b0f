"""The pages for 400, 403, 404 and 500, in the app's look; JSON under the API's path.

Django calls these for errors no view answered itself (`handler400`... in
`goalkeeper.urls`). A 403 shows the reason it was raised with ("this key result's objective
or cycle is closed") and a way back; the API's own errors are answered by the API
(`goalkeeper.api.errors`), these only cover what reaches Django around it (an unknown path
under `/api/`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from goalkeeper.api.errors import error_body

API_PREFIX = "/api/"

TITLES = {
    400: _("This request could not be read"),
    403: _("You cannot do this here"),
    404: _("This page does not exist"),
    500: _("Something went wrong on our side"),
}
DEFAULT_REASONS = {
    400: _("The request was malformed or too large. Go back and try again."),
    403: _("Your role in this workspace does not allow it."),
    404: _("It may have been deleted, or the link may be mistyped."),
    500: _("The error was logged. Try again in a moment; if it keeps happening, tell an admin."),
}
API_DETAILS = {400: "Bad request.", 403: "Forbidden.", 404: "Not found.", 500: "Server error."}


class Refused(PermissionDenied):
    """A refusal with its reason and the page it concerns, offered as the way back (a path
    of this site, e.g. the objective of a key result that can no longer be checked in on)."""

    def __init__(self, reason: str, way_back: str, way_back_label: str) -> None:
        super().__init__(reason)
        self.way_back = way_back
        self.way_back_label = way_back_label


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _back(request: HttpRequest) -> str | None:
    """Where the person came from, when it is a page of this site."""
    referer = str(request.META.get("HTTP_REFERER", ""))
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def _reason(status: int, exception: Exception | None) -> str:
    # PermissionDenied("...") carries its reason in words; a bare one, or a 404 (whose
    # message may be an internal lookup), gets the page's general reason.
    message = str(exception) if exception is not None and exception.args else ""
    if status == 403 and message:
        return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return str(DEFAULT_REASONS[status])


def _page(request: HttpRequest, status: int, exception: Exception | None) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(error_body(API_DETAILS[status]), status=status)
    context = {
        "status": status,
        "title": TITLES[status],
        "reason": _reason(status, exception),
        "back_url": _back(request),
        "way_back": getattr(exception, "way_back", ""),
        "way_back_label": getattr(exception, "way_back_label", ""),
        "home_url": reverse("home"),
    }
    return render(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 400, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 403, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 404, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """No context processor runs here: the database may be what failed."""
    if _for_api(request):
        return JsonResponse(error_body(API_DETAILS[500]), status=500)
    body = loader.get_template("web/500.html").render(
        {"title": TITLES[500], "reason": DEFAULT_REASONS[500]}
    )
    return HttpResponse(body, status=500)
