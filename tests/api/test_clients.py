"""Clients generated from the live API document compile a scripted integration.

A Python client (openapi-python-client) is generated and tests/api/integration/client_py.py
type-checks against it with `mypy --strict`, then runs against the app; TypeScript types
(openapi-typescript) are generated and tests/api/integration/client.ts compiles with
`tsc --strict --noEmit`. Both are generated afresh from the document on every run.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.test import Client

from goalkeeper.okrs.models import CheckIn
from goalkeeper.wsgi import application
from tests.api.conftest import connection_kept, token_for
from tests.api.test_contract import ROOT, needs_node
from tests.conftest import Everything

INTEGRATION = ROOT / "tests" / "api" / "integration"
VENV_BIN = Path(sys.executable).parent

# One worker generates the clients once for the module's tests (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("generated-clients")

# Generating and compiling take a while on a loaded machine.
TIMEOUT = 900


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(  # noqa: S603 - our own tools on files of this test
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, f"{command[0]}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def document_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "openapi.json"
    path.write_text(json.dumps(Client().get("/api/v1/openapi.json").json()))
    return path


@pytest.fixture(scope="module")
def python_client(document_file: Path) -> Iterator[Path]:
    """The generated package `goalkeeper_api_client`, in a directory put on sys.path."""
    where = document_file.parent / "python"
    where.mkdir()
    run(
        VENV_BIN / "openapi-python-client",
        "generate",
        "--path",
        document_file,
        "--meta",
        "none",
        "--output-path",
        where / "goalkeeper_api_client",
        cwd=where,
        # The generator formats its output with ruff, from the venv.
        env={"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    shutil.copy(INTEGRATION / "client_py.py", where / "client_py.py")
    sys.path.insert(0, str(where))
    yield where
    sys.path.remove(str(where))
    generated = {"goalkeeper_api_client", "client_py"}
    for name in [n for n in sys.modules if n.split(".")[0] in generated]:
        del sys.modules[name]


def test_the_python_integration_type_checks_strictly(python_client: Path) -> None:
    # Strict mypy alone: the project's configuration (its Django plugin) is not the client's.
    # The generated package is the generator's to type (its context managers do not match
    # the newest httpx stubs); what is checked is how an integration uses it.
    (python_client / "mypy.ini").write_text(
        "[mypy]\nstrict = True\n\n[mypy-goalkeeper_api_client.*]\nignore_errors = True\n"
    )

    run(
        VENV_BIN / "mypy",
        "--config-file",
        "mypy.ini",
        "--cache-dir",
        python_client / ".mypy_cache",
        "client_py.py",
        cwd=python_client,
    )


@pytest.mark.usefixtures("now")
def test_the_python_integration_runs_against_the_app(
    python_client: Path, things: Everything
) -> None:
    integration = importlib.import_module("client_py")
    token = token_for(things.acme.person)

    with connection_kept():
        written = integration.run(
            "http://testserver", token, transport=httpx.WSGITransport(app=application)
        )

    stored = CheckIn.objects.get(pk=written.id)
    assert (stored.value, stored.note) == (42.0, "From the integration")


def test_the_typescript_integration_compiles_strictly(document_file: Path) -> None:
    openapi_typescript = needs_node("openapi-typescript")
    tsc = needs_node("tsc")
    where = document_file.parent / "typescript"
    where.mkdir()
    run(openapi_typescript, document_file, "-o", where / "goalkeeper-api.d.ts", cwd=where)
    shutil.copy(INTEGRATION / "client.ts", where / "client.ts")

    run(
        tsc,
        "--strict",
        "--noEmit",
        "--target",
        "es2022",
        "--lib",
        "es2022,dom",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "client.ts",
        cwd=where,
    )
