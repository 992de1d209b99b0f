"""Response headers Django 5.2 does not set by itself: Content-Security-Policy and
Permissions-Policy on every response, and `Cache-Control: private` on pages for a signed-in
user so that no shared cache keeps a company's objectives."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from goalkeeper.accounts.hardening import DEFAULT_CSP, DEFAULT_PERMISSIONS_POLICY


class SecurityHeadersMiddleware:
    """Add the security headers a response does not already carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.csp = str(getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP))
        self.permissions = str(getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private"
        return response
