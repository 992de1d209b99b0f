"""Shared pieces of the data source tests: a KPI, a folder sources may read, real CSV files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi
from goalkeeper.sources import services
from goalkeeper.sources.models import DataSource
from tests.conftest import World


@pytest.fixture
def huey_immediate() -> Iterator[None]:
    """Queued jobs run at once, in the test's own thread and transaction."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture
def files(tmp_path: Path, settings: Any) -> Path:
    """A folder sources may read files from (SOURCE_FILE_ROOTS)."""
    root = tmp_path / "files"
    root.mkdir()
    settings.SOURCE_FILE_ROOTS = [root]
    return root


@pytest.fixture
def kpi(world: World) -> Kpi:
    return create_kpi(
        actor=world.admin, team=world.sales, name="Signed deals", frequency="daily", target=100
    )


def write_csv(path: Path, rows: list[tuple[str, str]], header: str = "date,value") -> Path:
    path.write_text("\n".join([header, *(f"{when},{value}" for when, value in rows)]) + "\n")
    return path


def csv_source(kpi: Kpi, path: Path, *, interval: int = 60, actor: Any = None) -> DataSource:
    configuration = services.configure(
        kpi=kpi,
        kind="csv",
        values={"location": str(path), "timestamp_column": "date", "value_column": "value"},
    )
    return services.create_source(
        actor=actor, kpi=kpi, configuration=configuration, interval_minutes=interval
    )
