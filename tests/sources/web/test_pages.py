"""What the pages say about sources: the source page, the list of sources, the KPI page and
board, and the owner's home when a source is broken."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from goalkeeper.accounts.models import Person
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SourceStatus, SyncRun
from tests.conftest import World
from tests.sources.conftest import csv_source

ERROR = "could not read /srv/files/deals.csv: no such file"


def make_broken(source: DataSource, error: str = ERROR) -> DataSource:
    DataSource.objects.filter(pk=source.pk).update(
        status=SourceStatus.BROKEN, consecutive_failures=3, last_error=error
    )
    source.refresh_from_db()
    return source


def page(world: World, person: Person, name: str, *args: int) -> str:
    response = world.client_for(person).get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def source(kpi: Kpi, deals_csv: Path) -> DataSource:
    return csv_source(kpi, deals_csv, interval=15)


# --- The source page ---------------------------------------------------------------------------


def test_without_a_source_an_admin_is_invited_to_add_one(world: World, kpi: Kpi) -> None:
    html = page(world, world.admin, "source_detail", kpi.pk)
    assert "No data source yet" in html
    assert "Add one so this KPI updates itself" in html
    assert f'href="{reverse("source_edit", args=[kpi.pk])}"' in html


def test_without_a_source_a_viewer_is_told_an_admin_can_add_one(world: World, kpi: Kpi) -> None:
    html = page(world, world.viewer, "source_detail", kpi.pk)
    assert "An admin of the workspace can connect it" in html
    assert reverse("source_edit", args=[kpi.pk]) not in html


def test_the_source_page_sums_the_source_up(world: World, kpi: Kpi, source: DataSource) -> None:
    html = page(world, world.admin, "source_detail", kpi.pk)
    assert 'data-testid="source-kind"' in html
    assert "CSV file" in html
    assert "Every 15 minutes" in html
    assert 'data-status="new"' in html
    assert "Not run yet" in html
    assert "No runs yet" in html
    assert 'data-testid="sync-now"' in html
    assert f"CSV file: {source.settings['location']}" in html  # describe(), for admins


def test_members_see_status_and_history_but_not_the_parameters(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    SyncRun.objects.create(
        source=source,
        workspace=world.acme,
        trigger=RunTrigger.SCHEDULE,
        status=RunStatus.SUCCEEDED,
        rows_fetched=3,
        rows_created=3,
    )
    for person in (world.viewer, world.editor, world.owner):
        html = page(world, person, "source_detail", kpi.pk)
        assert "CSV file" in html
        assert 'data-status="succeeded"' in html
        assert source.settings["location"] not in html
        assert "visible to the workspace's admins only" in html
        assert 'data-testid="sync-now"' not in html
        assert reverse("source_edit", args=[kpi.pk]) not in html


def test_a_paused_source_says_so(world: World, kpi: Kpi, source: DataSource) -> None:
    DataSource.objects.filter(pk=source.pk).update(is_active=False, next_run_at=None)
    html = page(world, world.viewer, "source_detail", kpi.pk)
    assert "Paused" in html


def test_a_push_source_says_it_is_pushed(world: World, kpi: Kpi) -> None:
    DataSource.objects.create(workspace=world.acme, kpi=kpi, kind="push")
    html = page(world, world.admin, "source_detail", kpi.pk)
    assert "Pushed over the API" in html
    assert 'data-testid="sync-now"' not in html


def test_a_broken_source_shows_its_last_error_in_red(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    make_broken(source)
    html = page(world, world.viewer, "source_detail", kpi.pk)
    alert = html.split('data-testid="source-broken"')[0].rsplit("<section", 1)[1]
    assert 'data-tone="red"' in alert
    assert ERROR in html
    assert "failed 3 times in a row" in html
    assert 'data-tone="red" data-status="broken"' in html


def test_a_failing_source_is_amber(world: World, kpi: Kpi, source: DataSource) -> None:
    DataSource.objects.filter(pk=source.pk).update(
        status=SourceStatus.FAILING, consecutive_failures=1, last_error="timed out"
    )
    html = page(world, world.viewer, "source_detail", kpi.pk)
    assert 'data-testid="source-failing"' in html
    assert 'data-tone="yellow" data-status="failing"' in html


def test_the_history_lists_the_last_25_runs_newest_first(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    start = timezone.now() - dt.timedelta(days=1)
    SyncRun.objects.bulk_create(
        SyncRun(
            source=source,
            workspace=world.acme,
            trigger=RunTrigger.SCHEDULE,
            status=RunStatus.FAILED if n % 2 else RunStatus.SUCCEEDED,
            queued_at=start + dt.timedelta(minutes=n),
            started_at=start + dt.timedelta(minutes=n),
            finished_at=start + dt.timedelta(minutes=n, seconds=12),
            rows_fetched=n,
            error=f"error number {n}" if n % 2 else "",
        )
        for n in range(30)
    )
    html = page(world, world.viewer, "source_detail", kpi.pk)
    ids = re.findall(r'data-run-id="(\d+)"', html)
    assert len(ids) == 25
    assert "error number 29" in html
    assert "error number 3<" not in html  # one of the five oldest
    assert "The last 25 runs" in html
    assert "12 s" in html


def test_markup_in_an_error_is_escaped(world: World, kpi: Kpi, source: DataSource) -> None:
    make_broken(source, "<b>boom</b>")
    for name in ("source_detail", "sources"):
        args = (kpi.pk,) if name == "source_detail" else ()
        html = page(world, world.viewer, name, *args)
        assert "<b>boom</b>" not in html
        assert "&lt;b&gt;boom&lt;/b&gt;" in html


# --- Remove ----------------------------------------------------------------------------------


def test_removing_asks_first_and_keeps_the_values(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    record_measurements(
        actor=None, kpi=kpi, points=[(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), 10.0)]
    )
    client = world.client_for(world.admin)
    confirm = client.get(reverse("source_delete", args=[kpi.pk])).content.decode()
    assert "The values it already brought stay on the KPI" in confirm
    assert DataSource.objects.exists()

    response = client.post(reverse("source_delete", args=[kpi.pk]))

    assert response.status_code == 302
    assert not DataSource.objects.exists()
    assert Measurement.objects.filter(kpi=kpi).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Data source removed. The values it brought stay" in html
    assert "No data source yet" in html


# --- Every source ------------------------------------------------------------------------------


def test_the_list_of_sources_is_empty_at_first(world: World) -> None:
    assert "No data sources yet" in page(world, world.admin, "sources")
    assert "An admin of the workspace can connect" in page(world, world.viewer, "sources")


def test_the_list_shows_broken_sources_first_in_red(world: World, kpi: Kpi, files: Path) -> None:
    healthy = create_kpi(actor=None, team=world.sales, name="Active users", target=10)
    broken = create_kpi(actor=None, team=world.sales, name="Zebra revenue", target=10)
    ok = csv_source(healthy, files / "a.csv")
    DataSource.objects.filter(pk=ok.pk).update(status=SourceStatus.OK)
    csv_source(kpi, files / "b.csv")
    make_broken(csv_source(broken, files / "c.csv"))

    html = page(world, world.viewer, "sources")

    names = re.findall(r'class="source-row__name"[^>]*>([^<]+)<', html)
    assert names == ["Zebra revenue", "Signed deals", "Active users"]
    first_row = re.search(r'<tr class="source-row"[^>]*>', html)
    assert first_row is not None
    assert 'data-status="broken"' in first_row.group(0)
    assert 'data-tone="red"' in first_row.group(0)
    assert ERROR in html
    assert re.search(r'data-testid="count-broken">\s*<span class="stat__value num">1<', html)


def test_the_list_shows_only_the_workspaces_sources(world: World, files: Path) -> None:
    globex = create_kpi(
        actor=None,
        team=world.outsider.workspace.teams.first(),
        name="Globex secret KPI",
        target=10,
    )
    csv_source(globex, files / "g.csv")
    assert "Globex secret KPI" not in page(world, world.viewer, "sources")
    assert "Globex secret KPI" in page(world, world.outsider, "sources")


def test_the_navigation_links_to_the_sources(world: World) -> None:
    html = page(world, world.viewer, "sources")
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    assert f'href="{reverse("sources")}" aria-current="page"' in nav
    assert "<span>Data sources</span>" in nav


# --- Elsewhere: the KPI page, the board, home ----------------------------------------------------


def test_the_kpi_page_invites_an_admin_to_add_a_source(world: World, kpi: Kpi) -> None:
    html = page(world, world.admin, "kpi_detail", kpi.pk)
    assert 'data-testid="add-source"' in html
    viewer = page(world, world.viewer, "kpi_detail", kpi.pk)
    assert 'data-testid="kpi-source"' not in viewer


def test_the_kpi_page_shows_its_source(world: World, kpi: Kpi, source: DataSource) -> None:
    make_broken(source)
    html = page(world, world.viewer, "kpi_detail", kpi.pk)
    card = html.split('data-testid="kpi-source"')[1].split("</section>")[0]
    assert "CSV file" in card
    assert 'data-status="broken"' in card
    assert ERROR in card
    assert reverse("source_detail", args=[kpi.pk]) in card


def test_the_board_flags_a_kpi_whose_source_is_broken(
    world: World, kpi: Kpi, source: DataSource, files: Path
) -> None:
    other = create_kpi(actor=None, team=world.sales, name="Calm KPI", target=10)
    csv_source(other, files / "calm.csv")
    make_broken(source)
    html = page(world, world.viewer, "kpis")
    tiles = {
        int(match.group(1)): match.group(2)
        for match in re.finditer(r'data-kpi-id="(\d+)"(.*?)</li>', html, re.S)
    }
    assert "Source broken" in tiles[kpi.pk]
    assert "Source broken" not in tiles[other.pk]


def test_home_tells_the_owner_their_source_is_broken(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    Kpi.objects.filter(pk=kpi.pk).update(owner=world.editor)
    make_broken(source)

    html = page(world, world.editor, "home")
    item = html.split('data-testid="broken-sources"')[1].split("</section>")[0]
    assert 'data-tone="red"' in item
    assert f"Data source of {kpi.name} is broken" in item
    assert ERROR in item
    assert reverse("source_detail", args=[kpi.pk]) in item
    assert 'data-testid="broken-sources"' not in page(world, world.admin, "home")


def test_home_says_so_even_without_an_open_cycle(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    world.cycle.delete()
    Kpi.objects.filter(pk=kpi.pk).update(owner=world.viewer)
    make_broken(source)
    assert f"Data source of {kpi.name} is broken" in page(world, world.viewer, "home")
