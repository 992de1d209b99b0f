"""System checks for security settings that would otherwise fail silently."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from goalkeeper.accounts.hardening import LOOPBACK_HOSTS


@register("security")
def secure_cookies_over_http(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Secure cookies on a plain-http site: browsers drop them and nobody can log in."""
    parts = urlsplit(settings.SITE_URL)
    if (
        settings.SESSION_COOKIE_SECURE
        and parts.scheme == "http"
        and (parts.hostname or "") not in LOOPBACK_HOSTS
    ):
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL} (plain http) but session cookies are Secure: "
                "browsers will not send them and logins will fail.",
                hint="Serve Goalkeeper over https (recommended), or set SECURE_COOKIES=0.",
                id="goalkeeper.W001",
            )
        ]
    return []
