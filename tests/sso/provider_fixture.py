"""A real OpenID provider for the single sign-on tests, in a process of its own.

django-oidc-provider in the tiny project under provider/, with its own SQLite database,
served by waitress on a free port of 127.0.0.1. Goalkeeper is registered as its client with
the live server's callback. Its users (password `provider.prepare.PASSWORD`):

    nora@acme.test      new to Goalkeeper, email verified
    eddie@acme.test     the world's editor, email verified
    vera@acme.test      the world's viewer, email not verified
    olga@other.test     of a domain Acme does not let in
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pytest_django.live_server_helper import LiveServer

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "goalkeeper"
CLIENT_SECRET = "client secret of the test provider"
PASSWORD = "provider password"
USERS = (
    "nora@acme.test:Nora New",
    "eddie@acme.test:Eddie Editor",
    "vera@acme.test:Vera Viewer:unverified",
    "olga@other.test:Olga Other",
)


@dataclass(frozen=True)
class LocalProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    password: str = PASSWORD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider(live_server: LiveServer) -> Iterator[LocalProvider]:
    """The provider, started once per test process, knowing the live server's callback."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings",
        "PROVIDER_SITE_URL": base,
        "PROVIDER_DB": str(folder / "provider.sqlite3"),
    }
    users = [arg for user in USERS for arg in ("--user", user)]
    subprocess.run(  # noqa: S603
        [sys.executable, "prepare.py", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
         "--redirect-uri", f"{live_server.url}/login/sso/callback/", *users],
        cwd=PROVIDER_DIR, env=env, check=True, timeout=120,
    )  # fmt: skip
    with (folder / "provider.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "wsgi:application"],
            cwd=PROVIDER_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_up(f"{base}/openid/.well-known/openid-configuration", process)
            yield LocalProvider(issuer=f"{base}/openid")
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test provider stopped (exit {process.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the test provider did not answer at {url}")
