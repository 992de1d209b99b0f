from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from goalkeeper.library import catalog
from tests.conftest import World

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock, frozen inside the world's active cycle."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def company_dir(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """The company's template folder, empty; the read cache starts empty too."""
    folder = tmp_path / "templates"
    folder.mkdir()
    settings.TEMPLATE_LIBRARY_DIR = folder
    catalog._cache.clear()
    yield folder
    catalog._cache.clear()


@pytest.fixture
def admin(world: World) -> Client:
    return world.client_for(world.admin)


@pytest.fixture
def editor(world: World) -> Client:
    return world.client_for(world.editor)


@pytest.fixture
def viewer(world: World) -> Client:
    return world.client_for(world.viewer)
