"""Production serving: static files hashed, compressed and cached for a year; pages gzipped.

One test runs `collectstatic` for real (through `collect_if_stale`, as `goalkeeper serve`
does) into a fresh STATIC_ROOT; the rest of the suite serves the plain names.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import brotli
import pytest
from django.test import Client

from goalkeeper.api.services import create_token
from goalkeeper.core import staticfiles
from goalkeeper.core.staticfiles import collect_if_stale, is_stale
from tests.conftest import World

YEAR = 365 * 24 * 60 * 60


def body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_cached_for_a_year(
    settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    assert is_stale()
    assert collect_if_stale()
    assert not is_stale()
    assert not collect_if_stale()

    page = Client().get("/login/")
    html = page.content.decode()
    css = re.search(r"/static/goalkeeper/css/app\.[0-9a-f]{12}\.css", html)
    assert css is not None, "the page names the hashed stylesheet"
    assert "/static/goalkeeper/css/app.css" not in html
    original = (
        Path(staticfiles.__file__).parents[1] / "web/static/goalkeeper/css/app.css"
    ).read_bytes()

    client = Client()
    plain = client.get(css.group(0))
    assert plain.status_code == 200
    cache = plain.headers["Cache-Control"]
    assert "immutable" in cache
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))  # type: ignore[union-attr]
    assert max_age >= YEAR
    assert body(plain) == original
    assert "Accept-Encoding" in plain.headers["Vary"]

    zipped = client.get(css.group(0), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body(zipped)) == original
    squeezed = client.get(css.group(0), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(body(squeezed)) == original

    # ECharts (1.1 MB) is fetched once a year, not every minute.
    echarts = re.search(
        r'"(vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js)"',
        (settings.STATIC_ROOT / "staticfiles.json").read_text(),
    )
    assert echarts is not None
    chart = client.get(f"/static/{echarts.group(1)}", HTTP_ACCEPT_ENCODING="br")
    assert chart.status_code == 200
    assert "immutable" in chart.headers["Cache-Control"]
    assert chart.headers["Content-Encoding"] == "br"
    assert int(chart.headers["Content-Length"]) < 400_000

    # Sources that changed make the collection stale again.
    staticfiles.fingerprint_file().write_text("other sources\n")
    assert is_stale()


@pytest.mark.django_db
def test_pages_are_gzipped_when_the_client_accepts_it() -> None:
    client = Client()
    zipped = client.get("/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    html = gzip.decompress(zipped.content).decode()
    assert "csrfmiddlewaretoken" in html
    assert len(zipped.content) < len(html.encode()) / 2

    plain = client.get("/login/")
    assert "Content-Encoding" not in plain.headers
    assert "csrfmiddlewaretoken" in plain.content.decode()


def test_api_answers_are_gzipped_too(world: World, things: Any) -> None:
    admin = world.admin
    token = create_token(actor=admin, person=admin, name="gzip")[1]
    answer = Client().get(
        "/api/v1/objectives", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(answer.content))["items"]


def test_before_collecting_pages_name_the_plain_files(settings: Any, tmp_path: Path) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    settings.STATIC_ROOT = tmp_path / "never-collected"

    assert staticfiles_storage.url("goalkeeper/css/app.css") == "/static/goalkeeper/css/app.css"
