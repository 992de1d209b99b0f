"""The dashboards API: list, get, create, update, delete, tiles and the layout; the web
and the API leave the same rows and audit entries."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from goalkeeper.api.services import create_token
from goalkeeper.audit.models import AuditEntry
from goalkeeper.dashboards.models import Dashboard, Tile
from tests.conftest import Everything, World
from tests.dashboards.conftest import Board

API = "/api/v1"


def api_client(person) -> tuple[Client, dict[str, str]]:
    _token, raw = create_token(actor=None, person=person, name="test")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def call(person, method: str, path: str, body: dict | None = None):
    client, headers = api_client(person)
    return client.generic(
        method,
        API + path,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        **headers,
    )


def test_list_and_get_with_tiles(world: World, board: Board) -> None:
    listed = call(world.viewer, "GET", "/dashboards").json()
    one = call(world.viewer, "GET", f"/dashboards/{board.dashboard.pk}").json()

    assert listed["count"] == 1
    assert listed["items"][0]["title"] == "Company pulse"
    assert len(one["tiles"]) == 7
    assert {t["kind"] for t in one["tiles"]} >= {"kpi_chart", "text", "insight_chart"}


def test_create_add_arrange_and_delete(world: World, things: Everything) -> None:
    made = call(
        world.editor,
        "POST",
        "/dashboards",
        {"title": "Ops", "sharing": "team", "team": world.sales.pk},
    )
    pk = made.json()["id"]
    tile = call(
        world.editor,
        "POST",
        f"/dashboards/{pk}/tiles",
        {"kind": "kpi_chart", "config": {"kpi": things.acme.kpi.pk}},
    ).json()
    layout = call(
        world.editor,
        "PUT",
        f"/dashboards/{pk}/layout",
        {"layout": [{"id": tile["id"], "x": 6, "y": 1, "w": 6, "h": 3}]},
    )
    gone = call(world.editor, "DELETE", f"/dashboards/{pk}")

    assert made.status_code == 201
    assert made.json()["team"] == world.sales.pk
    assert layout.status_code == 200
    assert layout.json()["tiles"][0] == {**tile, "x": 6, "y": 1, "w": 6, "h": 3}
    assert gone.status_code == 204
    assert not Dashboard.objects.filter(pk=pk).exists()


def test_a_bad_tile_names_the_field(world: World, board: Board) -> None:
    response = call(
        world.editor,
        "POST",
        f"/dashboards/{board.dashboard.pk}/tiles",
        {"kind": "kpi_group", "config": {"kpis": ["x"]}},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "config.kpis", "message": "must be a list of KPI ids"}
    ]


def test_an_overlapping_layout_is_refused(world: World, board: Board) -> None:
    layout = [{"id": t.pk, "x": 0, "y": 0, "w": 4, "h": 2} for t in board.dashboard.tiles.all()]
    response = call(
        world.editor, "PUT", f"/dashboards/{board.dashboard.pk}/layout", {"layout": layout}
    )

    assert response.status_code == 422
    assert "overlaps" in response.json()["errors"][0]["message"]


def test_only_the_owner_or_an_admin_changes_it(world: World, board: Board) -> None:
    response = call(
        world.viewer, "PATCH", f"/dashboards/{board.dashboard.pk}", {"title": "Mine now"}
    )

    assert response.status_code == 403


def test_web_and_api_leave_the_same_rows_and_audit_entries(
    world: World, things: Everything
) -> None:
    def snapshot(pk: int) -> tuple:
        dashboard = Dashboard.objects.get(pk=pk)
        tiles = list(
            Tile.objects.filter(dashboard=dashboard).values_list(
                "kind", "config", "x", "y", "w", "h"
            )
        )
        actions = list(
            AuditEntry.objects.filter(object_type="dashboard", object_id=pk)
            .order_by("id")
            .values_list("action", flat=True)
        )
        return dashboard.title, dashboard.sharing, tiles, actions

    web = world.client_for(world.editor)
    web.post(reverse("dashboard_create"), {"title": "Twin", "sharing": "workspace"})
    web_pk = Dashboard.objects.get(title="Twin").pk
    web.post(
        reverse("dashboard_tile_add", args=[web_pk, "kpi_chart"]),
        {"kpi_chart-kpi": str(things.acme.kpi.pk)},
    )
    api_pk = call(
        world.editor, "POST", "/dashboards", {"title": "Twin", "sharing": "workspace"}
    ).json()["id"]
    call(
        world.editor,
        "POST",
        f"/dashboards/{api_pk}/tiles",
        {"kind": "kpi_chart", "config": {"kpi": things.acme.kpi.pk}},
    )

    assert snapshot(web_pk) == snapshot(api_pk)
