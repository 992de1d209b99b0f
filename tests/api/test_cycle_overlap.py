"""`PATCH /cycles/{id}` with `"state": "active"` asks before overlapping another active cycle."""

from __future__ import annotations

import datetime as dt

from goalkeeper.okrs import services
from goalkeeper.okrs.models import Cycle, CycleState
from tests.api.conftest import Api
from tests.conftest import World


def overlapping(world: World) -> Cycle:
    """A planning cycle from mid-November, while 2026-Q4 (Oct-Dec) is active."""
    return services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="Product H2",
        start_date=dt.date(2026, 11, 15),
        end_date=dt.date(2027, 2, 15),
    )


def state_of(cycle: Cycle) -> str:
    cycle.refresh_from_db()
    return cycle.state


def test_the_api_refuses_an_unconfirmed_overlap(world: World, admin_api: Api) -> None:
    cycle = overlapping(world)

    response = admin_api.patch(f"/cycles/{cycle.pk}", {"state": "active"})

    assert response.status_code == 422
    assert "2026-Q4" in response.json["errors"][0]["message"]
    assert response.json["errors"][0]["field"] == "state"
    assert state_of(cycle) == CycleState.PLANNING


def test_the_api_activates_a_confirmed_overlap(world: World, admin_api: Api) -> None:
    cycle = overlapping(world)

    response = admin_api.patch(f"/cycles/{cycle.pk}", {"state": "active", "confirm": True})

    assert response.status_code == 200
    assert response.json["state"] == "active"
