"""Security defaults read by settings.py. Standard library only: settings import it early."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# No inline script anywhere: pages load app.js, htmx and ECharts from 'self' and pass data
# with `json_script` (a JSON block, which is not executed). Styles allow 'unsafe-inline'
# because components set CSS variables in style attributes (bar widths, avatar hues) and
# htmx injects its indicator style; styles cannot run code.
DEFAULT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DEFAULT_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def secure_cookies_default(debug: bool, site_url: str) -> bool:
    """Session and CSRF cookies are Secure outside debug mode.

    The one exception is a plain-http SITE_URL on this machine (the demo on 127.0.0.1):
    some browsers refuse Secure cookies there and login would silently fail. Any other
    plain-http address must opt out explicitly with SECURE_COOKIES=0 (a check warns).
    """
    if debug:
        return False
    parts = urlsplit(site_url)
    return not (parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS)
