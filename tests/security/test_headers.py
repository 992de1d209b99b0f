"""Security headers, a CSP that the templates can live with, cookies and session expiry."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.hardening import secure_cookies_default
from tests.conftest import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url_name", ["login", "home", "healthz", "admin_people"])
def test_every_response_carries_the_security_headers(world: World, url_name: str) -> None:
    response = world.client_for(world.admin).get(reverse(url_name))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"]


def test_signed_in_pages_are_not_kept_by_shared_caches(world: World) -> None:
    assert world.client_for(world.admin).get(reverse("home"))["Cache-Control"] == "private"


def templates() -> list[Path]:
    return sorted((ROOT / "goalkeeper").glob("**/templates/**/*.html"))


def test_no_template_has_inline_script_that_the_csp_would_block() -> None:
    """script-src 'self' blocks inline scripts and event handlers: pages pass data with
    `json_script` (a JSON block, not run) and behaviour lives in static files."""
    inline = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    problems = []
    for path in templates():
        text = path.read_text()
        for tag in inline.findall(text):
            problems.append(f"{path.relative_to(ROOT)}: inline {tag}")
        for tag in re.findall(r"<[a-z][^>]*>", text, re.I):
            if handler.search(tag) or "javascript:" in tag.lower():
                problems.append(f"{path.relative_to(ROOT)}: handler in {tag[:80]}")
    assert templates()
    assert not problems, "\n".join(problems)


def test_no_template_marks_data_safe() -> None:
    """Escaping is on everywhere: no `|safe`, no `autoescape off` in pages (emails are
    plain text and may turn it off)."""
    problems = []
    for path in templates():
        text = path.read_text()
        if "|safe" in text or "{% autoescape off" in text:
            problems.append(str(path.relative_to(ROOT)))
    assert not problems, problems


def test_cookies_are_http_only_and_same_site() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    ("debug", "site_url", "secure"),
    [
        (False, "https://okr.example.com", True),
        (False, "http://okr.intranet", True),  # plain http elsewhere must opt out
        (False, "http://127.0.0.1:8000", False),  # the local demo
        (False, "http://localhost:8000", False),
        (True, "https://okr.example.com", False),
    ],
)
def test_cookies_are_secure_outside_debug(debug: bool, site_url: str, secure: bool) -> None:
    assert secure_cookies_default(debug, site_url) is secure


def settings_under(env: dict[str, str]) -> dict[str, object]:
    """Some settings as a fresh process reads them from `env`."""
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_COOKIES")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a constant script
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "goalkeeper.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    keys = ["session_secure", "csrf_secure", "age", "browser_close"]
    return dict(zip(keys, json.loads(result.stdout), strict=True))


def test_settings_turn_secure_cookies_on_for_a_deployment_and_off_in_debug() -> None:
    deployed = settings_under({"SITE_URL": "https://okr.example.com"})
    debugging = settings_under({"SITE_URL": "https://okr.example.com", "DEBUG": "1"})
    opted_out = settings_under({"SITE_URL": "http://okr.intranet", "SECURE_COOKIES": "0"})

    assert deployed["session_secure"] is deployed["csrf_secure"] is True
    assert debugging["session_secure"] is False
    assert opted_out["session_secure"] is False
    assert deployed["age"] == 12 * 60 * 60
    assert deployed["browser_close"] is True


def test_a_check_warns_when_secure_cookies_meet_a_plain_http_site(settings) -> None:
    settings.SITE_URL = "http://okr.intranet"
    settings.SESSION_COOKIE_SECURE = True

    messages = [m for m in run_checks(tags=["security"]) if m.id == "goalkeeper.W001"]

    assert messages
    settings.SESSION_COOKIE_SECURE = False
    assert not [m for m in run_checks(tags=["security"]) if m.id == "goalkeeper.W001"]


def test_a_session_expires_after_its_age(world: World) -> None:
    start = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        client.post(reverse("login"), {"username": "eddie@acme.test", "password": PASSWORD})
        assert client.get(reverse("home")).status_code == 200
    # Reading pages does not extend the session: it ends 12 hours after the login.
    with time_machine.travel(start + dt.timedelta(hours=11, minutes=59), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_session_cookie_ends_with_the_browser(world: World) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "eddie@acme.test", "password": PASSWORD})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"]
    assert not cookie["expires"]
