"""Parity of figures: a dashboard's tiles show, for each KPI and objective, the figures its
own page shows (a KPI's value and health, an objective's progress), both pages rendered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from goalkeeper.dashboards.models import Dashboard
from goalkeeper.demo.services import ADMIN_EMAIL, demo_clock, demo_workspace, load_demo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
TILE_VALUE = re.compile(r'data-testid="tile-kpi-value" data-kpi="(\d+)">([^<]*)<')
TILE_HEALTH = re.compile(r'data-testid="tile-health" data-kpi="(\d+)" data-health="([a-z_]+)"')
TILE_PROGRESS = re.compile(r'data-testid="tile-objective-progress" data-objective="(\d+)">([^<]*)<')
KPI_VALUE = re.compile(r'data-testid="kpi-value">([^<]*)<')
KPI_HEALTH = re.compile(r'data-testid="kpi-health" data-health="([a-z_]+)"')
OBJECTIVE_PROGRESS = re.compile(r'data-testid="objective-progress">([^<]*)<')


def test_the_company_pulse_shows_each_kpis_and_objectives_own_figures() -> None:
    with time_machine.travel(demo_clock(TODAY)[1], tick=False):
        load_demo(progress=False, today=TODAY)
        workspace = demo_workspace()
        assert workspace is not None
        client = Client()
        client.force_login(workspace.people.get(user__email=ADMIN_EMAIL).user)
        dashboard = Dashboard.objects.get(workspace=workspace, title="Company pulse")
        html = client.get(reverse("dashboard_detail", args=[dashboard.pk])).content.decode()

        values = dict(TILE_VALUE.findall(html))
        healths = dict(TILE_HEALTH.findall(html))
        progress = dict(TILE_PROGRESS.findall(html))
        assert len(values) == 3
        assert len(progress) >= 1
        for pk, value in values.items():
            page = client.get(reverse("kpi_detail", args=[int(pk)])).content.decode()
            own_value = KPI_VALUE.search(page)
            own_health = KPI_HEALTH.search(page)
            assert own_value is not None
            assert own_health is not None
            assert value == own_value.group(1)
            assert healths[pk] == own_health.group(1)
        for pk, shown in progress.items():
            page = client.get(reverse("objective_detail", args=[int(pk)])).content.decode()
            own = OBJECTIVE_PROGRESS.search(page)
            assert own is not None
            assert shown == own.group(1)
