"""Parity of splitting a target: the split page and the REST API leave the same objectives,
key results, alignments, audit entries and events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, names
from tests.web import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


@pytest.fixture
def mrr(world: World) -> KeyResult:
    company = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    return factories.key_result(company, "Reach $600k MRR", start=0, target=600_000, unit="$")


def web_form(rows: list[dict[str, object]], **extra: object) -> dict[str, object]:
    data: dict[str, object] = {"action": "split", "row": [], **extra}
    for number, row in enumerate(rows):
        data["row"].append(str(number))  # type: ignore[union-attr]
        for name, value in row.items():
            data[f"share-{number}-{name}"] = value
    return data


def test_splitting_a_key_results_target(world: World, editor_api: Api, mrr: KeyResult) -> None:
    client = world.client_for(world.editor)
    shares = [
        {"person": world.editor.pk, "amount": 400_000},
        {"team": world.sales.pk, "amount": 200_000},
    ]

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("key_result_split", args=[mrr.pk]),
                web_form(shares, method="amounts", roll_up="on"),
            ),
            302,
        ),
        api=lambda: expect_status(
            editor_api.post(
                f"/key-results/{mrr.pk}/split", {"method": "amounts", "shares": shares}
            ),
            201,
        ),
    )

    assert names(trace).count("key_result.created") == 2
    assert len(trace.created["okrs.KeyResult"]) == 2


def test_splitting_a_kpis_target(world: World, editor_api: Api) -> None:
    kpi: Kpi = create_kpi(
        actor=world.editor, team=world.sales, name="MRR", owner=world.editor, target=600
    )
    record_measurements(
        actor=None, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 300.0)]
    )
    kpi.refresh_from_db()
    client = world.client_for(world.editor)
    shares = [{"person": world.editor.pk, "weight": 2}, {"person": world.admin.pk, "weight": 1}]

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("kpi_split", args=[kpi.pk]),
                web_form(shares, method="weight", cycle=world.cycle.pk),
            ),
            302,
        ),
        api=lambda: expect_status(
            editor_api.post(
                f"/kpis/{kpi.pk}/split",
                {"cycle": world.cycle.pk, "method": "weight", "shares": shares},
            ),
            201,
        ),
    )

    assert len(trace.created["okrs.KeyResult"]) == 3  # the carrier and two shares
