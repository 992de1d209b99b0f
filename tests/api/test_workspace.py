"""`GET /workspace`: the token's workspace, with what periods and pace depend on."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.conftest import World


def test_the_workspace_is_readable_by_every_member(world: World, viewer_api: Api) -> None:
    world.acme.timezone = "Europe/Berlin"
    world.acme.fiscal_year_start_month = 4
    world.acme.stale_days = 10
    world.acme.save()

    response = viewer_api.get("/workspace")

    assert response.status_code == 200
    assert response.json == {
        "id": world.acme.pk,
        "name": "Acme",
        "slug": world.acme.slug,
        "timezone": "Europe/Berlin",
        "fiscal_year_start_month": 4,
        "pace_thresholds": {"on_track": -0.1, "at_risk": -0.25, "stale_days": 10},
    }


def test_each_token_reads_its_own_workspace(world: World, outsider_api: Api) -> None:
    assert outsider_api.get("/workspace").json["name"] == world.globex.name


def test_the_workspace_needs_a_token(world: World) -> None:
    assert Api(None).get("/workspace").status_code == 401
