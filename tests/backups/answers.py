"""What an installation answers: run in its own process, against its own data directory.

    python -m tests.backups.answers login EMAIL           -> prints a session cookie value
    python -m tests.backups.answers crawl SESSION TOKEN AT [URLS_FILE]   -> prints JSON

`crawl` walks the pages a signed-in person reaches from the home page (links followed
breadth first, sorted, up to a bound) and the REST API's GET endpoints from its OpenAPI
document, with the clock frozen at AT (an ISO instant), and prints each URL's status and
body with the volatile bits (CSRF tokens) taken out. Given URLS_FILE, it fetches exactly
those URLs instead, so that a second installation is asked the same questions.
"""

from __future__ import annotations

import json
import re
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

MAX_PAGES = 120
MAX_API = 80
# Pages that write files, end the session or take long to render and say nothing a page
# does not (PDF, PowerPoint, spreadsheets).
SKIP = re.compile(
    r"(logout|/static/|\.pdf|/pdf|\.pptx|/pptx|/slides|\.xlsx|/xlsx|\.csv|/csv|/export|/tv\b|"
    r"/download|/sso/|/oidc)"
)
VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1-"),
    (re.compile(r'("X-CSRFToken"\s*:\s*")[^"]+'), r"\1-"),
    (re.compile(r'(name="csrf-token" content=")[^"]+'), r"\1-"),
]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        for name, value in attrs:
            if name == "href" and value and value.startswith("/") and not value.startswith("//"):
                self.found.add(value.split("#")[0])


def _setup() -> None:
    import django

    django.setup()


def login(email: str) -> str:
    from django.conf import settings
    from django.test import Client

    from goalkeeper.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _body(response: Any) -> str:
    kind = response.get("Content-Type", "")
    if not ("text/html" in kind or "json" in kind):
        return f"<{kind}, {len(response.content)} bytes>"
    text = str(response.content.decode())
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _api_urls(client: Any, headers: dict[str, str]) -> list[str]:
    schema = client.get("/api/v1/openapi.json", headers=headers).json()
    plain = sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path
    )
    urls = list(plain)
    # Each detail endpoint of a list: the first item of the list's answer.
    for path, operations in sorted(schema["paths"].items()):
        match = re.fullmatch(r"(.*)/\{[a-z_]+\}", path)
        if "get" not in operations or not match or match.group(1) not in plain:
            continue
        listing = client.get(match.group(1), headers=headers)
        if listing.status_code != 200:
            continue
        items = listing.json()
        items = items.get("items", items) if isinstance(items, dict) else items
        if items and isinstance(items[0], dict) and "id" in items[0]:
            urls.append(f"{match.group(1)}/{items[0]['id']}")
    return urls[:MAX_API]


def crawl(session: str, token: str, at: str, urls_file: str | None) -> dict[str, Any]:
    import time_machine
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    api = {"Authorization": f"Bearer {token}"}
    answers: dict[str, Any] = {}
    with time_machine.travel(at, tick=False):
        if urls_file:
            urls = json.loads(Path(urls_file).read_text())
            for url in urls:
                response = client.get(url, headers=api if url.startswith("/api/") else None)
                answers[url] = [response.status_code, response.get("Location"), _body(response)]
            return answers
        queue: deque[str] = deque(["/"])
        seen = {"/"}
        while queue and len(answers) < MAX_PAGES:
            url = queue.popleft()
            response = client.get(url)
            answers[url] = [response.status_code, response.get("Location"), _body(response)]
            if "text/html" in response.get("Content-Type", ""):
                parser = Links()
                parser.feed(response.content.decode())
                for link in sorted(parser.found - seen):
                    if not SKIP.search(link) and not link.startswith("/api/"):
                        seen.add(link)
                        queue.append(link)
        for url in _api_urls(client, api):
            response = client.get(url, headers=api)
            answers[url] = [response.status_code, response.get("Location"), _body(response)]
    return answers


def main(argv: list[str]) -> None:
    _setup()
    if argv[0] == "login":
        print(login(argv[1]))
    elif argv[0] == "crawl":
        print(json.dumps(crawl(argv[1], argv[2], argv[3], argv[4] if len(argv) > 4 else None)))
    else:
        raise SystemExit(f"unknown action {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
