"""The walk-through of docs/api.md runs as written against a fresh demo company.

Every command of its `sh` blocks is carried out in order: `curl` calls go to the app
(in-process, through WSGI) with the documented token, `cat > FILE <<'END'` writes the file,
`goalkeeper token create` makes the token, and `goalkeeper worker` runs the jobs waiting
for a worker. A `json` block after a command is the answer it shows: its fields must be in
the real answer with the same values (a subset: other fields may be added), lists item by
item. The ids the text shows are those of a fresh demo; where the database hands out others
(PostgreSQL's sequences go on counting across tests), the id met in an answer stands for
the one shown from then on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import time_machine
from django.test import TestCase
from huey.contrib import djhuey
from huey.contrib.djhuey import HUEY
from werkzeug.test import Client as WsgiClient

from goalkeeper.accounts.models import Person
from goalkeeper.api.services import create_token
from goalkeeper.demo.services import demo_clock, load_demo
from goalkeeper.wsgi import application
from tests.api.conftest import connection_kept
from tests.api.test_contract import ROOT

DOC = ROOT / "docs" / "api.md"
HEADING = "## Walk-through with curl"
# Where `make demo` keeps the files its sources read (SOURCE_FILE_ROOTS); a temporary
# folder in this test.
DEMO_FILES = "data/files/"
# The day the walk-through's answers were taken on (`goalkeeper demo` loads the company
# around the day it runs: today's demo shows other dates and values).
TODAY = demo_clock(dt.date(2026, 11, 20))

# Which resource an id names, by the field or path segment it appears in.
KINDS = {
    "cycle": "cycles",
    "cycles": "cycles",
    "team": "teams",
    "teams": "teams",
    "owner": "people",
    "author": "people",
    "people": "people",
    "me": "people",
    "workspace": "workspaces",
    "requested_by": "people",
    "objective": "objectives",
    "objectives": "objectives",
    "parent": "objectives",
    "key_result": "key-results",
    "key_results": "key-results",
    "key-results": "key-results",
    "check-ins": "check-ins",
    "kpi": "kpis",
    "kpis": "kpis",
    "source": "sources",
    "sources": "sources",
    "sync": "runs",
    "runs": "runs",
}


def walkthrough() -> str:
    text = DOC.read_text()
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start : end if end != -1 else len(text)]


def blocks(text: str) -> Iterator[tuple[str, str]]:
    """(language, body) of each fenced block, in order."""
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.M | re.S):
        yield match.group(1), match.group(2)


def commands(body: str) -> Iterator[list[str] | tuple[str, str]]:
    """The commands of a `sh` block as words, or (">" or ">>", path + content) for a file
    written with a heredoc."""
    lines = body.splitlines()
    pending = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        heredoc = re.match(r"cat (>>?) (\S+) <<'(\w+)'$", line.strip())
        if heredoc and not pending:
            content = []
            while lines[index].strip() != heredoc.group(3):
                content.append(lines[index])
                index += 1
            index += 1
            yield (heredoc.group(1), heredoc.group(2) + "\n" + "\n".join(content) + "\n")
            continue
        pending += line[:-1] + " " if line.endswith("\\") else line + "\n"
        if line.endswith("\\"):
            continue
        try:
            words = shlex.split(pending, comments=True)
        except ValueError:  # a quote still open: the command goes on
            continue
        pending = ""
        if words:
            yield words
    assert not pending.strip(), f"unfinished command: {pending}"


@dataclass
class Walk:
    files: Path
    token: str = ""
    ids: dict[tuple[str, int], int] = field(default_factory=dict)
    last: Any = None
    client: WsgiClient = field(default_factory=lambda: WsgiClient(application))

    # --- Ids: shown -> real ----------------------------------------------------------------

    def real(self, kind: str | None, shown: Any) -> Any:
        if kind is None or not isinstance(shown, int) or isinstance(shown, bool):
            return shown
        return self.ids.get((kind, shown), shown)

    def substitute(self, value: Any, kind: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.substitute(v, KINDS.get(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v, kind) for v in value]
        return self.real(kind, value)

    def url(self, text: str) -> str:
        text = text.replace("$GK", "/api/v1")
        parts = urlsplit(text)
        segments = parts.path.split("/")
        for i, segment in enumerate(segments):
            if segment.isdigit() and i > 0:
                segments[i] = str(self.real(KINDS.get(segments[i - 1]), int(segment)))
        query = [
            (k, str(self.real(KINDS.get(k), int(v))) if v.isdigit() else v)
            for k, v in parse_qsl(parts.query)
        ]
        return "/".join(segments) + ("?" + urlencode(query) if query else "")

    # --- Commands --------------------------------------------------------------------------

    def run(self, command: list[str] | tuple[str, str]) -> None:
        if isinstance(command, tuple):
            path, content = command[1].split("\n", 1)
            assert path.startswith(DEMO_FILES), f"{path} is not in the demo's folder of files"
            # The demo names its files after the workspace ("helpdesk-backlog-1.csv").
            name = re.sub(
                r"-(\d+)\.",
                lambda m: f"-{self.real('workspaces', int(m.group(1)))}.",
                path.removeprefix(DEMO_FILES),
            )
            target = self.files / name
            assert command[0] == ">" or target.exists(), f"the demo has no file {name}"
            with target.open("a" if command[0] == ">>" else "w") as stream:
                stream.write(content)
            return
        if command[0] == "export" and command[1].startswith("TOKEN="):
            email = command[command.index("--user") + 1]
            person = Person.objects.get(user__email=email)
            self.token = create_token(actor=person, person=person, name="walk-through")[1]
        elif command[0] in {"export", "mkdir"} or command[0].startswith("auth="):
            pass  # the server, the folder of files, the headers: set up by this test
        elif command[:2] == ["goalkeeper", "worker"]:
            # A worker closes its connection after each job; here that connection holds
            # the test's transaction, so it stays open.
            with mock.patch.object(djhuey, "close_old_connections"):
                while (task := HUEY.dequeue()) is not None:
                    HUEY.execute(task)
        elif command[0] == "curl":
            self.curl(command[1:])
        else:
            raise AssertionError(f"the test cannot run {command}")

    def curl(self, words: list[str]) -> None:
        method, body, url = "GET", None, None
        words = iter(words)
        for word in words:
            if word == "-X":
                method = next(words)
            elif word == "-d":
                body = json.dumps(self.substitute(json.loads(next(words))))
                method = "POST" if method == "GET" else method
            elif word in {"-s", "${auth[@]}"}:
                continue
            else:
                assert url is None, f"two URLs in one curl: {url} {word}"
                url = self.url(word)
        assert url is not None
        # Jobs are handed to the worker when the write commits: as a server would.
        with connection_kept(), TestCase.captureOnCommitCallbacks(execute=True):
            response = self.client.open(
                url,
                method=method,
                data=body,
                content_type="application/json" if body is not None else None,
                headers={"Authorization": f"Bearer {self.token}"},
            )
        assert 200 <= response.status_code < 300, (
            f"{method} {url}: {response.status_code} {response.get_data(as_text=True)}"
        )
        self.last = (url, response.json if response.data else None)

    # --- Answers ---------------------------------------------------------------------------

    def expect(self, shown: Any) -> None:
        assert self.last is not None, "an answer is shown before any command"
        url, answer = self.last
        resource = [s for s in urlsplit(url).path.split("/") if s and not s.isdigit()][-1]
        self.match(shown, answer, KINDS.get(resource), url)

    def match(self, shown: Any, real: Any, kind: str | None, where: str) -> None:
        if isinstance(shown, dict):
            assert isinstance(real, dict), f"{where}: {real!r} is no object"
            for key, value in shown.items():
                assert key in real, f"{where}: no field {key!r} in {real!r}"
                inner = kind if key == "id" else KINDS.get(key, kind if key == "items" else None)
                self.match(value, real[key], inner, f"{where} {key}")
        elif isinstance(shown, list):
            assert isinstance(real, list), f"{where}: {real!r} is no list"
            assert len(real) >= len(shown), f"{where}: {real!r} is shorter than {shown!r}"
            for one, other in zip(shown, real, strict=False):
                self.match(one, other, kind, where)
        elif (
            kind is not None
            and isinstance(shown, int)
            and isinstance(real, int)
            and not isinstance(shown, bool)
            and (kind, shown) not in self.ids
        ):
            # An id met for the first time, unless another shown id stands for it already.
            taken = {v: k for k, v in self.ids.items() if k[0] == kind}
            assert real not in taken, f"{where}: shows {shown!r}, is {taken[real][1]!r}"
            self.ids[(kind, shown)] = real
        else:
            assert self.real(kind, shown) == real, f"{where}: shows {shown!r}, is {real!r}"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_walkthrough_runs_on_the_demo_as_written(tmp_path: Path, settings: Any) -> None:
    settings.SOURCE_FILE_ROOTS = [tmp_path]  # the demo writes its sources' files there
    HUEY.storage.flush_all()
    walk = Walk(files=tmp_path)
    ran = shown = 0
    with time_machine.travel(TODAY[1], tick=False):
        load_demo(today=TODAY[0], progress=False)
        for language, body in blocks(walkthrough()):
            if language == "sh":
                for command in commands(body):
                    walk.run(command)
                    ran += 1
            elif language == "json":
                walk.expect(json.loads(body))
                shown += 1
    HUEY.storage.flush_all()

    # Every block was taken: a change of format would otherwise check nothing.
    assert ran >= 15
    assert shown >= 15


def test_an_id_shown_stands_for_the_one_met_in_the_answer(tmp_path: Path) -> None:
    walk = Walk(files=tmp_path)
    walk.last = ("/api/v1/objectives", {"id": 912, "team": 40, "title": "Grow"})

    walk.expect({"id": 74, "team": 2, "title": "Grow"})

    assert walk.url("$GK/objectives/74?team=2&limit=2") == "/api/v1/objectives/912?team=40&limit=2"
    assert walk.substitute({"objective": 74, "team": 2, "start": 74}) == {
        "objective": 912,
        "team": 40,
        "start": 74,
    }
    with pytest.raises(AssertionError, match="shows 'Shrink', is 'Grow'"):
        walk.expect({"id": 74, "title": "Shrink"})
    with pytest.raises(AssertionError, match="shows 3, is 2"):
        walk.expect({"team": 3})
