"""Parity of KPI writes: the web page and the REST API leave the same rows, audit, events."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from goalkeeper.bridges.services import link_key_result
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import archive_kpi, create_kpi, record_measurements
from goalkeeper.okrs.services import create_key_result, create_objective
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import Api
from tests.conftest import World
from tests.parity.harness import compare_paths, expect_status, names
from tests.parity.test_okrs import key_result_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_event_subscribed(world: World) -> None:
    create_subscription(
        actor=None, workspace=world.acme, url="https://hooks.example.test/in", events=EVENTS
    )


@pytest.fixture
def retention(world: World) -> Kpi:
    return create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Net revenue retention",
        owner=world.editor,
        unit="%",
        target=110,
        warning=100,
        frequency="monthly",
        aggregation="last",
    )


def kpi_form(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Net revenue retention",
        "description": "",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "unit": "%",
        "direction": "higher_is_better",
        "target": "110",
        "warning": "100",
        "low": "",
        "high": "",
        "frequency": "monthly",
        "aggregation": "last",
    }
    data.update(changes)
    return data


def test_creating_a_kpi(world: World, editor_api: Api) -> None:
    client = world.client_for(world.editor)
    body = {
        "name": "Net revenue retention",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "unit": "%",
        "target": 110,
        "warning": 100,
    }

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("kpi_create"), kpi_form(world)), 302),
        api=lambda: expect_status(editor_api.post("/kpis", body), 201),
    )

    assert names(trace) == ["kpi.created"]


def test_editing_a_kpi(world: World, editor_api: Api, retention: Kpi) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("kpi_edit", args=[retention.pk]), kpi_form(world, target="115")),
            302,
        ),
        api=lambda: expect_status(editor_api.patch(f"/kpis/{retention.pk}", {"target": 115}), 200),
    )

    assert names(trace)[0] == "kpi.updated"


def test_recording_a_value(world: World, editor_api: Api, retention: Kpi) -> None:
    client = world.client_for(world.editor)
    form = {"action": "one", "date": "2026-11-02", "time": "09:00", "value": "104"}
    # The workspace's zone is UTC: 09:00 there is 09:00Z.
    body = {"items": [{"timestamp": "2026-11-02T09:00:00Z", "value": 104}]}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("kpi_values", args=[retention.pk]), form), 200, 302
        ),
        api=lambda: expect_status(editor_api.post(f"/kpis/{retention.pk}/measurements", body), 200),
    )

    assert "kpi.measurements_recorded" in names(trace)


@pytest.fixture
def leads(world: World):
    grow = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
    )
    return create_key_result(
        actor=world.editor,
        objective=grow,
        title="Retention",
        kind="increase",
        start=90,
        target=120,
        owner=world.editor,
    )


@pytest.fixture
def measured(retention: Kpi) -> Kpi:
    record_measurements(
        actor=None, kpi=retention, points=[(dt.datetime(2026, 10, 5, tzinfo=dt.UTC), 104.0)]
    )
    return retention


def test_linking_a_key_result_to_a_kpi(world: World, editor_api: Api, measured: Kpi, leads) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("kpi_link", args=[measured.pk]), {"key_result": leads.pk, "mode": "latest"}
            ),
            302,
        ),
        api=lambda: expect_status(
            editor_api.patch(f"/key-results/{leads.pk}", {"kpi": measured.pk}), 200
        ),
    )

    # The key result reads the KPI's value at once, whichever path linked it.
    assert "check_in.created" in names(trace)


def test_unlinking_a_key_result(world: World, editor_api: Api, measured: Kpi, leads) -> None:
    link_key_result(actor=world.editor, key_result=leads, kpi=measured, mode="latest")
    client = world.client_for(world.editor)

    compare_paths(
        web=lambda: expect_status(
            client.post(reverse("kpi_unlink", args=[measured.pk, leads.pk])), 302
        ),
        api=lambda: expect_status(editor_api.patch(f"/key-results/{leads.pk}", {"kpi": None}), 200),
    )


def test_creating_a_key_result_driven_by_a_kpi(
    world: World, editor_api: Api, measured: Kpi, leads
) -> None:
    client = world.client_for(world.editor)
    objective = leads.objective
    body = {
        "objective": objective.pk,
        "title": "Qualified leads per month",
        "owner": world.editor.pk,
        "unit": "leads",
        "start": 40,
        "target": 120,
        "kpi": measured.pk,
    }

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("key_result_create", args=[objective.pk]),
                key_result_form(world, kpi=measured.pk),
            ),
            302,
        ),
        api=lambda: expect_status(editor_api.post("/key-results", body), 201),
    )

    assert "check_in.created" in names(trace)


CSV = b"date,value\n2026-10-01,101\n2026-11-01,104\n"


def test_uploading_a_file(world: World, editor_api: Api, retention: Kpi) -> None:
    client = world.client_for(world.editor)

    def by_page() -> None:
        staged = expect_status(
            client.post(
                reverse("kpi_upload", args=[retention.pk]),
                {"file": io.BytesIO(CSV), "date_format": "iso"},
                format="multipart",
            ),
            302,
        )
        expect_status(client.post(staged["Location"]), 302)

    trace = compare_paths(
        web=by_page,
        api=lambda: expect_status(
            editor_api._send(
                "POST",
                f"/kpis/{retention.pk}/uploads",
                data={"file": (io.BytesIO(CSV), "retention.csv"), "date_format": "iso"},
            ),
            200,
        ),
    )

    assert "kpi.measurements_recorded" in names(trace)


# --- Upkeep (docs/kpis.md, "Upkeep") ---------------------------------------------------------


def test_archiving_a_kpi(world: World, editor_api: Api, retention: Kpi) -> None:
    client = world.client_for(world.editor)

    trace = compare_paths(
        web=lambda: expect_status(client.post(reverse("kpi_archive", args=[retention.pk])), 302),
        api=lambda: expect_status(editor_api.post(f"/kpis/{retention.pk}/archive", {}), 200),
    )

    assert names(trace) == ["kpi.updated"]


def test_restoring_a_kpi(world: World, editor_api: Api, retention: Kpi) -> None:
    client = world.client_for(world.editor)
    archive = lambda: archive_kpi(actor=world.editor, kpi=retention)  # noqa: E731

    def web() -> object:
        archive()
        return expect_status(client.post(reverse("kpi_restore", args=[retention.pk])), 302)

    def api() -> object:
        archive()
        return expect_status(editor_api.post(f"/kpis/{retention.pk}/restore", {}), 200)

    compare_paths(web=web, api=api)


def test_correcting_a_value(world: World, editor_api: Api, measured: Kpi) -> None:
    client = world.client_for(world.editor)
    stored = measured.measurements.get()
    form = {"action": "save", "date": "2026-10-05", "time": "", "value": "99", "reason": "typo"}
    body = {"value": 99, "reason": "typo"}

    trace = compare_paths(
        web=lambda: expect_status(
            client.post(reverse("kpi_value_edit", args=[measured.pk, stored.pk]), form), 302
        ),
        api=lambda: expect_status(
            editor_api.patch(f"/kpis/{measured.pk}/measurements/2026-10-05T00:00:00Z", body), 200
        ),
    )

    assert "kpi.measurements_recorded" in names(trace)


def test_deleting_a_value(world: World, editor_api: Api, measured: Kpi) -> None:
    client = world.client_for(world.editor)
    stored = measured.measurements.get()

    compare_paths(
        web=lambda: expect_status(
            client.post(
                reverse("kpi_value_edit", args=[measured.pk, stored.pk]),
                {"action": "delete", "reason": "duplicate"},
            ),
            302,
        ),
        api=lambda: expect_status(
            editor_api.delete(
                f"/kpis/{measured.pk}/measurements/2026-10-05T00:00:00Z", reason="duplicate"
            ),
            204,
        ),
    )
