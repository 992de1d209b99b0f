"""Parity of figures: every figure insights shows for an item equals the one the item's own
page shows (an objective's progress and pace, a KPI's health), both pages rendered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.kept import forget_all
from goalkeeper.demo.services import ADMIN_EMAIL, demo_clock, demo_workspace, load_demo
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.web.templatetags.goalkeeper_ui import HEALTH_LABELS
from tests.insights.conftest import Company

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
LISTED_ROW = re.compile(
    r'<li class="insights-list__row" data-objective="(\d+)">.*?'
    r'data-testid="list-progress">([^<]*)</span>',
    re.S,
)
LIST_SECTION = re.compile(r'data-testid="list-([a-z_]+)">(.*?)</section>', re.S)


def objective_page(client: Client, pk: int) -> tuple[str, str]:
    """The progress and pace status the objective page shows."""
    html = client.get(reverse("objective_detail", args=[pk])).content.decode()
    progress = re.search(r'data-testid="objective-progress">([^<]*)<', html)
    status = re.search(r'data-testid="objective-status">.*?data-tone="([a-z_]+)"', html, re.S)
    assert progress is not None
    assert status is not None
    return progress.group(1), status.group(1)


def listed(html: str) -> dict[int, tuple[str, str]]:
    """Objective -> (progress, status of the list it is in) on the insights page."""
    found: dict[int, tuple[str, str]] = {}
    for status, section in LIST_SECTION.findall(html):
        for pk, progress in LISTED_ROW.findall(section):
            found[int(pk)] = (progress, status)
    return found


def test_the_listed_objectives_show_their_own_pages_progress_and_pace() -> None:
    with time_machine.travel(demo_clock(TODAY)[1], tick=False):
        load_demo(progress=False, today=TODAY)
        workspace = demo_workspace()
        assert workspace is not None
        client = Client()
        client.force_login(workspace.people.get(user__email=ADMIN_EMAIL).user)
        found = listed(client.get(reverse("insights")).content.decode())
        assert len(found) >= 5  # the demo has objectives off track, at risk and stale
        for pk, shown in found.items():
            assert objective_page(client, pk) == shown, pk


def test_a_kpis_health_on_insights_is_the_one_its_page_shows(company: Company) -> None:
    world = company.world
    readings = {"Pipeline": 90.0, "Bookings": 120.0, "Leads": 10.0}
    kpis: list[Kpi] = []
    for name, value in readings.items():
        kpi = create_kpi(
            actor=world.admin,
            team=company.support,
            name=name,
            target=100,
            warning=80,
            frequency="monthly",
            aggregation="last",
        )
        record_measurements(
            actor=world.admin, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), value)]
        )
        kpis.append(kpi)
    client = world.client_for(world.admin)
    for kpi in kpis:
        # One KPI at a time in Support's row: the column counting it is its health.
        others = [k for k in kpis if k.pk != kpi.pk]
        # Moved behind the services' back (no audit entry): the kept figures are dropped.
        Kpi.objects.filter(pk__in=[k.pk for k in others]).update(team=world.sales)
        forget_all()
        html = client.get(reverse("insights"), {"cycle": world.cycle.pk}).content.decode()
        table = re.search(
            r'id="insight-kpi_health-table".*?<thead>(.*?)</thead>(.*?)</tbody>', html, re.S
        )
        assert table is not None
        header = re.findall(r"<th scope=\"col\">([^<]*)</th>", table.group(1))
        row = re.search(r'<th scope="row">Support</th>(.*?)</tr>', table.group(2), re.S)
        assert row is not None
        cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
        counted = [name for name, n in zip(header[1:], cells, strict=True) if n == "1"]
        page = client.get(reverse("kpi_detail", args=[kpi.pk])).content.decode()
        health = re.search(r'data-testid="kpi-health" data-health="([a-z_]+)"', page)
        assert health is not None
        assert counted == [HEALTH_LABELS[health.group(1)]], kpi.name
        Kpi.objects.filter(pk__in=[k.pk for k in others]).update(team=company.support)
