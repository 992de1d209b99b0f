"""Shape: a key result takes its phased targets from last year's shape of its KPI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges import services
from goalkeeper.okrs.models import KeyResult
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.usefixtures("now")
# The world's cycle is 2026-Q4; its months' ends a year earlier are in 2025-Q4.
LAST_Q4 = dt.datetime(2025, 12, 15, tzinfo=dt.UTC)
ENDS = ["2026-10-31", "2026-11-30", "2026-12-31"]


def test_latest_mode_follows_the_kpis_values_a_year_earlier(
    world: World, make_kpi: MakeKpi
) -> None:
    # September 50 (before the cycle), then 52, 58, 70: 10%, 40% and 100% of the change.
    kpi = make_kpi("Customers", values=monthly([50, 52, 58, 70], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)

    services.follow_kpi_shape(actor=world.editor, key_result=key_result)

    key_result.refresh_from_db()
    assert [p["until"] for p in key_result.phases] == ENDS
    assert [p["value"] for p in key_result.phases] == pytest.approx([110.0, 140.0, 200.0])
    assert AuditEntry.objects.filter(action="key_result.updated", actor=world.editor).exists()


def test_aggregate_mode_follows_the_running_total_a_year_earlier(
    world: World, make_kpi: MakeKpi
) -> None:
    # A back-loaded quarter: 10, 30 and 60 sold, a running total of 10%, 40% and 100%.
    kpi = make_kpi("Bookings", values=monthly([10, 30, 60], last=LAST_Q4), aggregation="sum")
    key_result = linked_key_result(world, kpi, mode="cycle_aggregate", start=0.0, target=500.0)

    phases = services.shape_phases(key_result)

    assert [p.until.isoformat() for p in phases] == ENDS
    assert [p.value for p in phases] == pytest.approx([50.0, 200.0, 500.0])


def test_without_a_year_of_history_there_is_no_shape(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Young", values=monthly([52, 58, 70], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)

    with pytest.raises(ValidationError) as refused:
        services.follow_kpi_shape(actor=world.editor, key_result=key_result)

    assert "30 Sep 2025" in refused.value.message_dict["phases"][0]
    key_result.refresh_from_db()
    assert key_result.phases == []


def test_a_flat_year_has_no_shape(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Flat", values=monthly([50, 60, 40, 50], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)

    with pytest.raises(ValidationError) as refused:
        services.shape_phases(key_result)

    assert "no shape to follow" in refused.value.message_dict["phases"][0]


def test_a_key_result_without_a_kpi_has_no_shape(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Customers", values=monthly([50, 52, 58, 70], last=LAST_Q4))
    key_result = linked_key_result(world, kpi)
    key_result.kpi = None

    with pytest.raises(ValidationError) as refused:
        services.shape_phases(key_result)

    assert "phases" in refused.value.message_dict


def test_an_editor_follows_the_shape_from_the_form(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Customers", values=monthly([50, 52, 58, 70], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)
    url = reverse("key_result_follow_shape", args=[key_result.pk])

    response = world.client_for(world.editor).post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("key_result_edit", args=[key_result.pk])
    assert len(KeyResult.objects.get(pk=key_result.pk).phases) == 3


def test_a_viewer_cannot_follow_the_shape(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Customers", values=monthly([50, 52, 58, 70], last=LAST_Q4), aggregation="last")
    key_result = linked_key_result(world, kpi, start=100.0, target=200.0)
    url = reverse("key_result_follow_shape", args=[key_result.pk])

    response = world.client_for(world.viewer).post(url)

    assert response.status_code == 403
    assert KeyResult.objects.get(pk=key_result.pk).phases == []
