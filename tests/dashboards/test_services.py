"""Dashboard services: validation naming the field, one audit entry per write, access."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from goalkeeper.audit.models import AuditEntry
from goalkeeper.dashboards import services
from goalkeeper.dashboards.access import access_dashboard_by_id, visible_dashboards
from goalkeeper.dashboards.models import Tile
from tests.conftest import Everything, World
from tests.dashboards.conftest import Board


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_every_write_leaves_an_audit_entry(world: World, things: Everything) -> None:
    before = AuditEntry.objects.count()
    dashboard = services.create_dashboard(actor=world.editor, title="Pulse")
    tile = services.add_tile(
        actor=world.editor, dashboard=dashboard, kind="text", config={"text": "Hi"}
    )
    services.update_tile(actor=world.editor, tile=tile, title="Note")
    services.share_dashboard(actor=world.editor, dashboard=dashboard, sharing="workspace")
    services.arrange(
        actor=world.editor,
        dashboard=dashboard,
        layout=[{"id": tile.pk, "x": 2, "y": 0, "w": 4, "h": 2}],
    )
    link, _raw = services.create_share_link(actor=world.editor, dashboard=dashboard, days=7)
    services.revoke_share_link(actor=world.editor, link=link)
    services.remove_tile(actor=world.editor, tile=tile)
    services.delete_dashboard(actor=world.editor, dashboard=dashboard)

    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == [
        "dashboard.created",
        "dashboard.tile_added",
        "dashboard.tile_updated",
        "dashboard.shared",
        "dashboard.arranged",
        "dashboard.link_created",
        "dashboard.link_revoked",
        "dashboard.tile_removed",
        "dashboard.deleted",
    ]


def test_a_title_is_required(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_dashboard(actor=world.editor, title="  ")
    assert "title" in errors_of(error)


def test_sharing_with_a_team_of_another_workspace_is_refused(
    world: World, things: Everything
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_dashboard(
            actor=world.editor, title="X", sharing="team", team=things.globex.team
        )
    assert errors_of(error) == {"team": ["no such team in this workspace"]}


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("kpi_chart", {}, "config.kpi"),
        ("kpi_chart", {"kpi": "abc"}, "config.kpi"),
        ("kpi_group", {"kpis": []}, "config.kpis"),
        ("objective", {"objective": 999999}, "config.objective"),
        ("team_summary", {}, "config.team"),
        ("insight_chart", {"chart": "nope"}, "config.chart"),
        ("text", {"text": ""}, "config.text"),
        ("chart", {}, "kind"),
    ],
)
def test_a_tile_config_is_checked_by_field(
    world: World, things: Everything, kind: str, config: dict, field: str
) -> None:
    dashboard = services.create_dashboard(actor=world.editor, title="X")
    with pytest.raises(ValidationError) as error:
        services.add_tile(actor=world.editor, dashboard=dashboard, kind=kind, config=config)
    assert field in errors_of(error)


def test_a_tile_may_not_name_another_workspaces_kpi(world: World, things: Everything) -> None:
    dashboard = services.create_dashboard(actor=world.editor, title="X")
    with pytest.raises(ValidationError) as error:
        services.add_tile(
            actor=world.editor,
            dashboard=dashboard,
            kind="kpi_chart",
            config={"kpi": things.globex.kpi.pk},
        )
    assert errors_of(error) == {"config.kpi": ["no such KPI in this workspace"]}


def test_new_tiles_take_the_first_free_place(world: World) -> None:
    dashboard = services.create_dashboard(actor=world.editor, title="X")
    first = services.add_tile(
        actor=world.editor, dashboard=dashboard, kind="text", config={"text": "a"}
    )
    second = services.add_tile(
        actor=world.editor, dashboard=dashboard, kind="text", config={"text": "b"}
    )

    assert (first.x, first.y) == (0, 0)
    assert (second.x, second.y) == (4, 0)


def test_a_dashboard_holds_at_most_24_tiles(world: World) -> None:
    dashboard = services.create_dashboard(actor=world.editor, title="X")
    for n in range(services.MAX_TILES):
        services.add_tile(
            actor=world.editor, dashboard=dashboard, kind="text", config={"text": str(n)}, w=1, h=1
        )
    with pytest.raises(ValidationError) as error:
        services.add_tile(
            actor=world.editor, dashboard=dashboard, kind="text", config={"text": "x"}
        )
    assert "at most 24" in errors_of(error)["kind"][0]


def test_arrange_refuses_a_tile_of_another_dashboard(world: World, board: Board) -> None:
    other = services.create_dashboard(actor=world.editor, title="Other")
    stranger = services.add_tile(
        actor=world.editor, dashboard=other, kind="text", config={"text": "x"}
    )
    layout = [
        {"id": t.pk, "x": t.x, "y": t.y, "w": t.w, "h": t.h} for t in board.dashboard.tiles.all()
    ]
    layout.append({"id": stranger.pk, "x": 0, "y": 40, "w": 1, "h": 1})

    with pytest.raises(ValidationError) as error:
        services.arrange(actor=world.editor, dashboard=board.dashboard, layout=layout)
    assert f"tile {stranger.pk} is not on this dashboard" in errors_of(error)["layout"]


def test_arrange_needs_every_tile(world: World, board: Board) -> None:
    layout = [
        {"id": t.pk, "x": t.x, "y": t.y, "w": t.w, "h": t.h} for t in board.dashboard.tiles.all()
    ]
    with pytest.raises(ValidationError) as error:
        services.arrange(actor=world.editor, dashboard=board.dashboard, layout=layout[1:])
    assert "missing from the layout" in errors_of(error)["layout"][0]


def test_arrange_refuses_a_tile_outside_the_grid(world: World, board: Board) -> None:
    tiles = list(board.dashboard.tiles.all())
    layout = [{"id": t.pk, "x": 0, "y": 5 * i, "w": 4, "h": 4} for i, t in enumerate(tiles)]
    layout[0]["x"] = 10
    with pytest.raises(ValidationError) as error:
        services.arrange(actor=world.editor, dashboard=board.dashboard, layout=layout)
    assert f"tile {tiles[0].pk}.x" in errors_of(error)
    assert Tile.objects.get(pk=tiles[0].pk).x == tiles[0].x


def test_who_sees_a_dashboard(world: World, things: Everything) -> None:
    private = services.create_dashboard(actor=world.editor, title="Private")
    team = services.create_dashboard(
        actor=world.admin, title="Sales", sharing="team", team=world.sales
    )
    everyone = services.create_dashboard(actor=world.viewer, title="All", sharing="workspace")

    assert set(visible_dashboards(world.editor)) == {private, team, everyone}
    assert set(visible_dashboards(world.viewer)) == {everyone}
    assert set(visible_dashboards(world.admin)) == {private, team, everyone}
    assert set(visible_dashboards(world.outsider)) == set()
    with pytest.raises(Http404):
        access_dashboard_by_id(world.viewer, private.pk)
    with pytest.raises(Http404):
        access_dashboard_by_id(world.outsider, everyone.pk)


def test_who_changes_a_dashboard(world: World) -> None:
    everyone = services.create_dashboard(actor=world.viewer, title="All", sharing="workspace")

    assert access_dashboard_by_id(world.viewer, everyone.pk, for_write=True) == everyone
    assert access_dashboard_by_id(world.admin, everyone.pk, for_write=True) == everyone
    with pytest.raises(PermissionDenied):
        access_dashboard_by_id(world.editor, everyone.pk, for_write=True)
