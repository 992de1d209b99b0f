"""Dashboard pages: the list, a dashboard, its refresh, edit mode, TV mode, exports."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pptx import Presentation

from goalkeeper.dashboards import services
from goalkeeper.dashboards.models import Tile
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.conftest import Everything, World
from tests.dashboards.conftest import Board


def test_the_list_shows_mine_my_teams_and_the_workspaces(world: World, board: Board) -> None:
    services.create_dashboard(
        actor=world.editor, title="Sales room", sharing="team", team=world.sales
    )
    services.create_dashboard(actor=world.admin, title="Admin private")
    page = world.client_for(world.viewer).get(reverse("dashboards")).content.decode()

    assert "Company pulse" in page
    assert "Sales room" not in page  # the viewer is not in Sales
    assert "Admin private" not in page
    page = world.client_for(world.editor).get(reverse("dashboards")).content.decode()
    assert "Sales room" in page
    assert "Company pulse" in page


def test_an_empty_list_offers_a_new_dashboard(world: World) -> None:
    page = world.client_for(world.viewer).get(reverse("dashboards")).content.decode()

    assert "No dashboards yet" in page
    assert reverse("dashboard_create") in page


def test_a_dashboard_shows_every_tile_with_its_figures(world: World, board: Board) -> None:
    response = world.client_for(world.viewer).get(
        reverse("dashboard_detail", args=[board.dashboard.pk])
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert page.count('data-testid="tile"') == 7
    assert "Acme secret KPI" in page
    assert "Acme secret objective" in page
    assert "Acme secret key result" in page
    # Text is escaped, its line breaks kept.
    assert "Hello &lt;b&gt;board&lt;/b&gt;<br>Second line" in page
    assert "<b>board</b>" not in page


def test_a_tile_whose_kpi_is_gone_says_not_available(
    world: World, things: Everything, board: Board
) -> None:
    from goalkeeper.kpis.services import delete_kpi

    delete_kpi(actor=world.admin, kpi=things.acme.kpi)
    page = (
        world.client_for(world.viewer)
        .get(reverse("dashboard_detail", args=[board.dashboard.pk]))
        .content.decode()
    )

    assert page.count('data-testid="tile-unavailable"') == 2
    assert "Acme secret KPI" not in page


def test_a_tile_pointing_at_another_workspace_shows_nothing_of_it(
    world: World, things: Everything, board: Board
) -> None:
    # Stored as if it had slipped past the checks: the render looks it up again.
    tile = board.tiles["kpi_chart"]
    Tile.objects.filter(pk=tile.pk).update(config={"kpi": things.globex.kpi.pk})
    page = (
        world.client_for(world.viewer)
        .get(reverse("dashboard_detail", args=[board.dashboard.pk]))
        .content.decode()
    )

    assert "Globex" not in page
    assert 'data-testid="tile-unavailable"' in page


def test_the_queries_do_not_grow_with_the_data(
    world: World, things: Everything, board: Board, django_assert_max_num_queries
) -> None:
    # The read models keep answers per process for the minute: the clock stands still so
    # both counts are taken on the same side of a minute's turn.
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False):
        client = world.client_for(world.viewer)
        url = reverse("dashboard_detail", args=[board.dashboard.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as before:
            client.get(url)
        first = len(before.captured_queries)
        assert first > 0
        for n in range(5):
            kpi = create_kpi(
                actor=world.admin, team=things.acme.team, name=f"More {n}", target=1, warning=0
            )
            record_measurements(
                actor=world.admin,
                kpi=kpi,
                points=[(dt.datetime(2026, 9, d, tzinfo=dt.UTC), float(d)) for d in range(1, 20)],
            )
            services.add_tile(
                actor=world.editor,
                dashboard=board.dashboard,
                kind="kpi_group",
                config={"kpis": [kpi.pk, things.acme.kpi.pk]},
            )
        client.get(url)  # read models keep answers per process until the next write
        with django_assert_max_num_queries(first):
            client.get(url)


def test_the_tiles_fragment_refreshes_alone(world: World, board: Board) -> None:
    response = world.client_for(world.viewer).get(
        reverse("dashboard_tiles", args=[board.dashboard.pk])
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in page
    assert page.count('data-testid="tile"') == 7
    assert response["Cache-Control"] == "private, no-store"


def test_a_private_dashboard_is_missing_for_others(world: World) -> None:
    mine = services.create_dashboard(actor=world.editor, title="Mine only")

    assert (
        world.client_for(world.viewer).get(reverse("dashboard_detail", args=[mine.pk])).status_code
        == 404
    )
    assert (
        world.client_for(world.admin).get(reverse("dashboard_detail", args=[mine.pk])).status_code
        == 200
    )


def test_only_the_owner_or_an_admin_edits(world: World, board: Board) -> None:
    url = reverse("dashboard_edit", args=[board.dashboard.pk])

    assert world.client_for(world.viewer).get(url).status_code == 403
    assert world.client_for(world.editor).get(url).status_code == 200
    assert world.client_for(world.admin).get(url).status_code == 200


def test_adding_a_tile_through_the_form(world: World, things: Everything, board: Board) -> None:
    client = world.client_for(world.editor)
    response = client.post(
        reverse("dashboard_tile_add", args=[board.dashboard.pk, "kpi_chart"]),
        {"kpi_chart-kpi": str(things.acme.kpi.pk), "kpi_chart-title": "Revenue"},
    )

    assert response.status_code == 302
    assert board.dashboard.tiles.filter(title="Revenue").exists()


def test_a_tile_form_without_its_kpi_names_the_field(world: World, board: Board) -> None:
    response = world.client_for(world.editor).post(
        reverse("dashboard_tile_add", args=[board.dashboard.pk, "kpi_chart"]), {}
    )

    assert response.status_code == 422
    assert "is required for this kind of tile" in response.content.decode()


def test_a_viewer_builds_a_private_dashboard(world: World) -> None:
    client = world.client_for(world.viewer)
    response = client.post(reverse("dashboard_create"), {"title": "My view", "sharing": "private"})

    assert response.status_code == 302
    assert world.viewer.dashboards.filter(title="My view").exists()


def test_sharing_with_a_team_needs_the_team(world: World) -> None:
    response = world.client_for(world.editor).post(
        reverse("dashboard_create"), {"title": "Team view", "sharing": "team"}
    )

    assert response.status_code == 200
    assert "Choose the team to share the dashboard with." in response.content.decode()


def test_arrange_saves_a_whole_layout_and_refuses_overlaps(world: World, board: Board) -> None:
    client = world.client_for(world.editor)
    url = reverse("dashboard_arrange", args=[board.dashboard.pk])
    tiles = list(board.dashboard.tiles.order_by("id"))
    layout = [{"id": t.pk, "x": 0, "y": 4 * i, "w": 6, "h": 4} for i, t in enumerate(tiles)]

    ok = client.post(url, {"layout": layout}, content_type="application/json")
    layout[1]["y"] = 0
    refused = client.post(url, {"layout": layout}, content_type="application/json")

    assert ok.status_code == 200
    assert refused.status_code == 422
    assert "overlaps" in refused.json()["errors"][0]["message"]
    assert Tile.objects.get(pk=tiles[1].pk).y == 4


def test_tv_mode_lists_the_chosen_dashboards_it_may_show(world: World, board: Board) -> None:
    private = services.create_dashboard(actor=world.admin, title="Board secret")
    url = reverse("dashboards_tv") + f"?d={board.dashboard.pk}&d={private.pk}&every=5"
    page = world.client_for(world.viewer).get(url).content.decode()

    assert "Company pulse" in page
    assert "Board secret" not in page
    assert 'data-every="10"' in page  # at least ten seconds per dashboard
    assert 'class="sidebar"' not in page


def test_tv_mode_without_a_choice_offers_one(world: World, board: Board) -> None:
    page = world.client_for(world.viewer).get(reverse("dashboards_tv")).content.decode()

    assert 'data-testid="tv-form"' in page
    assert "Company pulse" in page


def test_the_pdf_export(world: World, board: Board) -> None:
    response = world.client_for(world.viewer).get(
        reverse("dashboard_export_pdf", args=[board.dashboard.pk])
    )

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "company-pulse.pdf" in response["Content-Disposition"]


def test_the_pptx_export_has_a_title_slide_and_a_slide_per_tile(world: World, board: Board) -> None:
    response = world.client_for(world.viewer).get(
        reverse("dashboard_export_pptx", args=[board.dashboard.pk])
    )
    deck = Presentation(io.BytesIO(response.content))

    assert response.status_code == 200
    assert len(deck.slides) == 1 + 7
    charts = [s for s in deck.slides for shape in s.shapes if shape.has_chart]
    assert charts


def test_adding_an_objective_tile_through_the_form(
    world: World, things: Everything, board: Board
) -> None:
    response = world.client_for(world.editor).post(
        reverse("dashboard_tile_add", args=[board.dashboard.pk, "objective"]),
        {"objective-objective": str(things.acme.objective.pk)},
    )

    assert response.status_code == 302, response.content.decode()[-3000:]


def test_saving_the_settings_unchanged_records_no_sharing_change(
    world: World, board: Board
) -> None:
    from goalkeeper.audit.models import AuditEntry

    client = world.client_for(world.editor)
    client.post(
        reverse("dashboard_edit", args=[board.dashboard.pk]),
        {"title": "Company pulse", "sharing": "workspace", "team": str(world.sales.pk)},
    )

    assert not AuditEntry.objects.filter(
        object_id=board.dashboard.pk, action="dashboard.shared"
    ).exists()


def test_a_kpi_without_values_exports_without_a_chart(world: World, things: Everything) -> None:
    kpi = create_kpi(actor=world.admin, team=things.acme.team, name="Empty", target=1, warning=0)
    dashboard = services.create_dashboard(actor=world.editor, title="Empty", sharing="workspace")
    services.add_tile(
        actor=world.editor, dashboard=dashboard, kind="kpi_chart", config={"kpi": kpi.pk}
    )
    client = world.client_for(world.editor)

    pptx = client.get(reverse("dashboard_export_pptx", args=[dashboard.pk]))
    pdf = client.get(reverse("dashboard_export_pdf", args=[dashboard.pk]))

    assert pptx.status_code == 200
    assert len(Presentation(io.BytesIO(pptx.content)).slides) == 2
    assert pdf.status_code == 200
