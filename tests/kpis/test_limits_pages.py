"""Process limits on the KPI page and the board: the signal badge, the limits card, the
baseline form and the board's "has a signal" filter (docs/signals.md)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from goalkeeper.kpis.models import KpiBaseline
from goalkeeper.kpis.services import set_baseline
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.usefixtures("now")

BASELINE = [10, 12, 11, 13, 9, 11, 10, 12]
AFTER = [17, 14, 14.5, 10, 15, 12, 12, 12, 12, 11.5, 11.5, 11.5]


def text(response) -> str:
    return response.content.decode()


def chart_data(page: str) -> dict:
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page)
    assert found is not None
    return json.loads(found.group(1))


def test_the_kpi_page_shows_the_signal_the_limits_and_the_baselines(
    make_kpi: MakeKpi, world: World
) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))
    set_baseline(
        actor=world.editor,
        kpi=kpi,
        first=dt.date(2025, 3, 1),
        last=dt.date(2025, 10, 1),
        note="Before the <new> tool",
    )

    page = text(world.client_for(world.viewer).get(reverse("kpi_detail", args=[kpi.pk])))

    assert 'data-signal="run_of_eight"' in page
    assert "Signal: Run of 8 on one side" in page
    assert 'data-testid="limits-centre">11<' in page
    assert "Before the &lt;new&gt; tool" in page
    assert 'data-testid="baseline-form"' not in page  # a viewer sets no baseline
    limits = chart_data(page)["limits"]
    assert limits["centre"] == 11
    assert limits["baseline"] is not None
    rules = [signal["rule"] for signal in limits["signals"]]
    assert rules[0] == "outside_limits"
    assert rules[-1] == "run_of_eight"
    assert limits["signals"][-1]["label"] == "Run of 8 on one side"


def test_too_little_history_says_so(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly([10, 12, 11]))

    page = text(world.client_for(world.editor).get(reverse("kpi_detail", args=[kpi.pk])))

    assert "Not enough data for limits (needs 6 periods)" in page
    assert chart_data(page).get("limits") is None
    assert 'data-testid="baseline-form"' in page


def test_an_editor_sets_a_baseline_from_the_page(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))
    client = world.client_for(world.editor)

    response = client.post(
        reverse("kpi_baseline", args=[kpi.pk]),
        {"from": "2025-03-10", "to": "2025-10-31", "note": "Before the new tool"},
    )

    assert response.status_code == 302
    baseline = KpiBaseline.objects.get(kpi=kpi)
    assert baseline.first == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert baseline.last == dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    assert baseline.created_by == world.editor


def test_a_bad_baseline_shows_the_form_again_with_its_errors(
    make_kpi: MakeKpi, world: World
) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    response = world.client_for(world.editor).post(
        reverse("kpi_baseline", args=[kpi.pk]), {"from": "2025-10-01", "to": "2025-03-01"}
    )

    assert response.status_code == 400
    page = text(response)
    assert "must not be before the start of the baseline" in page
    assert "say what changed in the process" in page
    assert not KpiBaseline.objects.exists()


def test_a_viewer_cannot_set_a_baseline(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    response = world.client_for(world.viewer).post(
        reverse("kpi_baseline", args=[kpi.pk]), {"from": "2025-03-01", "note": "x"}
    )

    assert response.status_code == 403
    assert not KpiBaseline.objects.exists()


def test_another_workspace_cannot_set_a_baseline(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    response = world.client_for(world.outsider).post(
        reverse("kpi_baseline", args=[kpi.pk]), {"from": "2025-03-01", "note": "x"}
    )

    assert response.status_code == 404


def test_the_board_filters_kpis_with_a_signal(make_kpi: MakeKpi, world: World) -> None:
    signalling = make_kpi("Tickets", values=monthly([*BASELINE, 40]))
    make_kpi("Revenue", values=monthly(BASELINE))
    client = world.client_for(world.viewer)

    everything = text(client.get(reverse("kpis")))
    only = text(client.get(reverse("kpis") + "?signal=1"))

    assert "1 KPI shows a signal" in everything
    assert "Revenue" in everything
    assert "Tickets" in only
    assert "Revenue" not in only
    assert f'data-kpi-id="{signalling.pk}"' in only
    assert 'data-signal="outside_limits"' in only
