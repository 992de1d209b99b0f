"""Who may do what: every member reads a source's status and runs; only admins configure,
test, sync or remove it; another workspace's KPI or run is missing; anonymous visitors log in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.models import DataSource, RunTrigger, SyncRun
from tests.conftest import World
from tests.sources.conftest import csv_source
from tests.sources.web.conftest import HTMX, form_data

Visit = Callable[[Client, int], Any]

READS: dict[str, Visit] = {
    "source_detail": lambda c, pk: c.get(reverse("source_detail", args=[pk])),
    "sources": lambda c, pk: c.get(reverse("sources")),
}
WRITES: dict[str, Visit] = {
    "source_edit GET": lambda c, pk: c.get(reverse("source_edit", args=[pk])),
    "source_edit POST": lambda c, pk: c.post(
        reverse("source_edit", args=[pk]), form_data("/nowhere.csv")
    ),
    "source_fields": lambda c, pk: c.get(reverse("source_fields", args=[pk]), {"kind": "csv"}),
    "source_test": lambda c, pk: c.post(
        reverse("source_test", args=[pk]), form_data("/nowhere.csv"), **HTMX
    ),
    "source_sync": lambda c, pk: c.post(reverse("source_sync", args=[pk])),
    "source_delete GET": lambda c, pk: c.get(reverse("source_delete", args=[pk])),
    "source_delete POST": lambda c, pk: c.post(reverse("source_delete", args=[pk])),
}


@pytest.fixture
def source(kpi: Kpi, deals_csv: Path) -> DataSource:
    return csv_source(kpi, deals_csv)


@pytest.mark.parametrize("persona", ["editor", "viewer", "owner"])
@pytest.mark.parametrize("route", sorted(WRITES))
def test_only_admins_configure_a_source(
    world: World, kpi: Kpi, source: DataSource, persona: str, route: str
) -> None:
    client = world.client_for(getattr(world, persona))
    assert WRITES[route](client, kpi.pk).status_code == 403
    assert DataSource.objects.get().settings == source.settings
    assert not SyncRun.objects.exists()


@pytest.mark.parametrize("route", sorted(WRITES))
def test_a_non_admin_cannot_add_a_source_either(world: World, kpi: Kpi, route: str) -> None:
    assert WRITES[route](world.client_for(world.editor), kpi.pk).status_code == 403
    assert not DataSource.objects.exists()


@pytest.mark.parametrize("route", sorted(WRITES))
def test_an_admin_configures_a_source(
    world: World, kpi: Kpi, source: DataSource, route: str
) -> None:
    assert WRITES[route](world.client_for(world.admin), kpi.pk).status_code in (200, 302)


@pytest.mark.parametrize("persona", ["admin", "editor", "viewer", "owner"])
@pytest.mark.parametrize("route", sorted(READS))
def test_every_member_reads_a_source(
    world: World, kpi: Kpi, source: DataSource, persona: str, route: str
) -> None:
    assert READS[route](world.client_for(getattr(world, persona)), kpi.pk).status_code == 200


@pytest.mark.parametrize("route", sorted({**READS, **WRITES}.keys() - {"sources"}))
def test_another_workspaces_kpi_is_missing(
    world: World, kpi: Kpi, source: DataSource, route: str
) -> None:
    visit = {**READS, **WRITES}[route]
    # The outsider is an admin of Globex: an admin, yet Acme's KPI does not exist for them.
    assert visit(world.client_for(world.outsider), kpi.pk).status_code == 404
    assert visit(world.client_for(world.admin), 999_999).status_code == 404
    assert DataSource.objects.get().settings == source.settings


def test_a_run_is_read_by_members_and_missing_to_others(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    run = SyncRun.objects.create(source=source, workspace=world.acme, trigger=RunTrigger.CLI)
    url = reverse("source_run", args=[run.pk])
    for person in (world.admin, world.editor, world.viewer, world.owner):
        assert world.client_for(person).get(url, **HTMX).status_code == 200
    assert world.client_for(world.outsider).get(url, **HTMX).status_code == 404


@pytest.mark.parametrize("route", sorted({**READS, **WRITES}))
def test_anonymous_visitors_are_sent_to_log_in(
    world: World, kpi: Kpi, source: DataSource, route: str
) -> None:
    response = {**READS, **WRITES}[route](Client(), kpi.pk)
    if route == "source_test":  # an htmx request: htmx is told where to go
        assert (response.status_code, response["HX-Redirect"]) == (401, reverse("login"))
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_htmx_polling_is_told_to_log_in(
    world: World, kpi: Kpi, source: DataSource
) -> None:
    run = SyncRun.objects.create(source=source, workspace=world.acme, trigger=RunTrigger.CLI)
    response = Client().get(reverse("source_run", args=[run.pk]), **HTMX)
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("login")


@pytest.mark.parametrize(
    "route", ["source_edit POST", "source_test", "source_sync", "source_delete POST"]
)
def test_writes_need_a_csrf_token(world: World, kpi: Kpi, source: DataSource, route: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin.user)
    assert WRITES[route](client, kpi.pk).status_code == 403
    assert DataSource.objects.get().settings == source.settings


def test_reads_refuse_writes(world: World, kpi: Kpi, source: DataSource) -> None:
    client = world.client_for(world.admin)
    assert client.post(reverse("source_detail", args=[kpi.pk])).status_code == 405
    assert client.post(reverse("sources")).status_code == 405
    assert client.get(reverse("source_sync", args=[kpi.pk])).status_code == 405
    assert client.get(reverse("source_test", args=[kpi.pk])).status_code == 405
