"""The public side of share links: `/s/<token>/` shows one dashboard, read-only, to anyone
holding the link (docs/dashboards.md, "Share links").

No login, no session, no navigation and no link into the app; `noindex` and
`Referrer-Policy: no-referrer` so the address does not travel. Unknown tokens are counted
per client address and refused for a while past a limit, like failed logins.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from goalkeeper.accounts import ratelimit
from goalkeeper.accounts.services import count_attempt
from goalkeeper.dashboards import pages, services

TOKEN_MAX = 100


def link_limit() -> ratelimit.Limit:
    """Unknown share-link tokens per client address: at most this many per window."""
    count = int(getattr(settings, "SHARE_LINK_LIMIT_ADDRESS_COUNT", 30))
    window = int(getattr(settings, "SHARE_LINK_LIMIT_ADDRESS_WINDOW", 15 * 60))
    return ratelimit.Limit("share-link-address", count, dt.timedelta(seconds=window))


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _answer(request: HttpRequest, token: str, template: str) -> HttpResponse:
    now = timezone.now()
    checks = [(link_limit(), ratelimit.client_address(request))]
    if ratelimit.first_lock(checks, now) is not None:
        return _private(render(request, "dashboards/link_gone.html", {"limited": True}, status=429))
    link, working = pages.find_link(token[:TOKEN_MAX], now)
    if link is None:
        count_attempt(checks, now)
        return _private(render(request, "dashboards/link_gone.html", {}, status=404))
    if not working:
        return _private(render(request, "dashboards/link_gone.html", {}, status=410))
    services.note_visit(link, now)
    workspace = link.dashboard.workspace
    with timezone.override(workspace.zone):
        context = pages.shared_page(link, now)
        context["tiles_url"] = reverse("dashboard_shared_tiles", args=[token])
        return _private(render(request, template, context))


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The dashboard a working share link names; 404 or 410 saying it no longer works."""
    return _answer(request, token, "dashboards/shared.html")


@require_GET
def shared_tiles(request: HttpRequest, token: str) -> HttpResponse:
    """The tiles alone, for the shared page's refresh."""
    return _answer(request, token, "dashboards/_grid.html")
