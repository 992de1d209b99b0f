"""A dashboard with a tile of every kind, over the shared base's objects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from goalkeeper.dashboards import services
from goalkeeper.dashboards.models import Dashboard, Tile
from tests.conftest import Everything, World


@dataclass
class Board:
    dashboard: Dashboard
    tiles: dict[str, Tile]


def build_board(world: World, things: Everything, *, sharing: str = "workspace") -> Board:
    acme = things.acme
    dashboard = services.create_dashboard(
        actor=world.editor, title="Company pulse", description="Every week", sharing=sharing
    )
    configs = {
        "kpi_chart": {"kpi": acme.kpi.pk},
        "kpi_group": {"kpis": [acme.kpi.pk]},
        "objective": {"objective": acme.objective.pk},
        "team_summary": {"team": acme.team.pk},
        "health_counts": {"team": None},
        "insight_chart": {"chart": "pace", "team": None},
        "text": {"text": "Hello <b>board</b>\nSecond line"},
    }
    tiles = {
        kind: services.add_tile(actor=world.editor, dashboard=dashboard, kind=kind, config=config)
        for kind, config in configs.items()
    }
    return Board(dashboard, tiles)


@pytest.fixture
def board(world: World, things: Everything) -> Board:
    return build_board(world, things)
