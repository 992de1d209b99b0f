"""Driver links: a KPI declared to drive a KPI or a key result, shown with the correlation
over the shared history and its best lag (docs/kpis.md "Drivers")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper import events
from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.driver_queries import kpi_drivers
from goalkeeper.bridges.models import DriverLink
from goalkeeper.bridges.services import add_driver_link, remove_driver_link
from goalkeeper.insights.map.queries import LEADS, strategy_map
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.services import record_check_in
from tests.api.conftest import Api, fields_of, token_for
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import MakeKpi
from tests.web import factories

# Wednesdays of the 20 complete weeks before the frozen clock's week (Fri 20 Nov 2026).
WEEKS = [dt.datetime(2026, 11, 11, 12, tzinfo=dt.UTC) - dt.timedelta(weeks=n) for n in range(20)][
    ::-1
]
LEADING = [10, 14, 9, 17, 12, 20, 11, 15, 18, 8, 13, 19, 16, 10, 21, 12, 14, 9, 18, 11]


def weekly(values: Sequence[float], shift: int = 0) -> list[tuple[dt.datetime, float]]:
    """The values on consecutive weeks, `shift` weeks later (those past the window dropped)."""
    return [(WEEKS[i + shift], v) for i, v in enumerate(values) if i + shift < len(WEEKS)]


@pytest.fixture
def pair(world: World, now: dt.datetime, make_kpi: MakeKpi) -> tuple[Kpi, Kpi]:
    """Demos booked, and revenue that follows them exactly two weeks later (times 500)."""
    demos = make_kpi("Demos booked", weekly(LEADING), frequency="weekly", aggregation="sum")
    revenue = make_kpi(
        "New MRR", weekly([v * 500 for v in LEADING], shift=2), frequency="weekly", target=5000.0
    )
    return demos, revenue


# --- Services -----------------------------------------------------------------------------------


def test_a_driver_link_is_declared_audited_and_announced(
    world: World, pair: tuple[Kpi, Kpi]
) -> None:
    demos, revenue = pair

    with events.recorded() as seen:
        link = add_driver_link(actor=world.editor, leading=demos, kpi=revenue, note="closes later")

    assert (link.leading_id, link.lagging_kpi_id, link.note) == (
        demos.pk,
        revenue.pk,
        "closes later",
    )
    entry = AuditEntry.objects.get(action="kpi.driver_added", object_id=demos.pk)
    assert entry.changes["kpi"] == [None, revenue.pk]
    assert [event.name for event in seen] == ["kpi.updated"]

    remove_driver_link(actor=world.editor, link=link)

    assert not DriverLink.objects.exists()
    assert AuditEntry.objects.filter(action="kpi.driver_removed", object_id=demos.pk).exists()


def test_what_cannot_be_driven_is_refused_with_the_field_named(
    world: World, pair: tuple[Kpi, Kpi]
) -> None:
    demos, revenue = pair
    add_driver_link(actor=world.editor, leading=demos, kpi=revenue)
    objective = factories.objective(world.cycle, world.sales, "Launch")
    milestone = factories.key_result(
        objective, "Ship it", kind="milestone", start=None, target=None
    )
    reading = linked_key_result(world, demos)

    cases = {
        "itself": {"leading": demos, "kpi": demos},
        "twice": {"leading": demos, "kpi": revenue},
        "both ways": {"leading": revenue, "kpi": demos},
        "milestone": {"leading": demos, "key_result": milestone},
        "reads it": {"leading": demos, "key_result": reading},
        "neither": {"leading": demos},
    }
    refused = {}
    for name, arguments in cases.items():
        with pytest.raises(ValidationError) as error:
            add_driver_link(actor=world.editor, **arguments)  # type: ignore[arg-type]
        refused[name] = error.value.message_dict

    assert "cannot drive itself" in refused["itself"]["kpi"][0]
    assert "already" in refused["twice"]["kpi"][0]
    assert "not both ways" in refused["both ways"]["kpi"][0]
    assert "milestone" in refused["milestone"]["key_result"][0]
    assert "reads its value from this KPI" in refused["reads it"]["key_result"][0]
    assert "either a KPI or a key result" in refused["neither"]["kpi"][0]
    assert DriverLink.objects.count() == 1


# --- Correlation --------------------------------------------------------------------------------


def test_the_kpi_page_shows_the_correlation_at_the_best_lag(
    world: World, pair: tuple[Kpi, Kpi]
) -> None:
    demos, revenue = pair
    add_driver_link(actor=world.editor, leading=demos, kpi=revenue)

    leading = kpi_drivers(demos, world.viewer)
    lagging = kpi_drivers(revenue, world.viewer)
    page = world.client_for(world.editor).get(reverse("kpi_detail", args=[revenue.pk]))

    assert leading.driven[0].correlation.text == "r = 1.00 at a lag of 2 weeks"
    assert lagging.drivers[0].other_name == "Demos booked"
    assert leading.form is None  # viewers declare nothing
    body = page.content.decode().split('data-testid="drivers"')[1]
    assert "Correlation, not causation" in body
    assert "r = 1.00 at a lag of 2 weeks" in body


def test_too_little_shared_history_says_so(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    demos = make_kpi("Demos booked", weekly(LEADING[:4]), frequency="weekly")
    revenue = make_kpi("New MRR", weekly(LEADING[:4]), frequency="weekly")
    add_driver_link(actor=world.editor, leading=demos, kpi=revenue)

    row = kpi_drivers(demos, world.editor).driven[0]

    assert row.correlation.best is None
    assert row.correlation.text.startswith("Too little shared history")


def test_a_key_result_is_correlated_on_its_check_ins(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    demos = make_kpi("Demos booked", weekly(LEADING), frequency="weekly")
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Revenue", start=0.0, target=10_000.0)
    for when, value in weekly([v * 100 for v in LEADING], shift=1)[-7:]:
        with time_machine.travel(when, tick=False):
            record_check_in(actor=world.editor, key_result=key_result, value=value, confidence=5)
    add_driver_link(actor=world.editor, leading=demos, key_result=key_result)

    row = kpi_drivers(demos, world.editor).driven[0]

    assert row.other_kind == "key_result"
    assert row.correlation.text == "r = 1.00 at a lag of 1 week"


def test_the_kpi_page_reads_drivers_in_a_bounded_number_of_queries(
    world: World, pair: tuple[Kpi, Kpi], make_kpi: MakeKpi
) -> None:
    demos, revenue = pair
    add_driver_link(actor=world.editor, leading=demos, kpi=revenue)
    client = world.client_for(world.editor)
    path = reverse("kpi_detail", args=[demos.pk])
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for index in range(4):
        other = make_kpi(f"Lagging {index}", weekly(LEADING), frequency="weekly")
        add_driver_link(actor=world.editor, leading=demos, kpi=other)
    with CaptureQueriesContext(connection) as five:
        client.get(path)

    assert len(five) == len(one)


# --- Map ----------------------------------------------------------------------------------------


def test_the_strategy_map_draws_a_leading_kpi_beside_the_kpi_it_drives(
    world: World, pair: tuple[Kpi, Kpi]
) -> None:
    demos, revenue = pair
    linked_key_result(world, revenue)
    add_driver_link(actor=world.editor, leading=demos, kpi=revenue)

    found = strategy_map(world.acme, world.cycle, dt.datetime.now(dt.UTC))

    leads = [node for node in found.root.walk() if node.edge == LEADS]
    assert [(node.name, node.lead_text) for node in leads] == [
        ("Demos booked", "New MRR: r = 1.00 at a lag of 2 weeks")
    ]


# --- API ----------------------------------------------------------------------------------------


def test_the_api_declares_lists_and_removes_driver_links(
    world: World, pair: tuple[Kpi, Kpi]
) -> None:
    demos, revenue = pair
    api = Api(token_for(world.editor))

    created = api.post(f"/kpis/{demos.pk}/drivers", {"kpi": revenue.pk, "note": "later"})
    listed = api.get(f"/kpis/{revenue.pk}/drivers")
    link_id = created.json["id"]
    removed = api.delete(f"/kpis/{revenue.pk}/drivers/{link_id}")

    assert created.status_code == 201
    assert created.json["correlation"] == {"r": 1.0, "lag": 2, "periods": 18, "frequency": "weekly"}
    assert listed.json["driven"] == []
    assert [link["leading"] for link in listed.json["drivers"]] == [demos.pk]
    assert removed.status_code == 204
    assert not DriverLink.objects.exists()


def test_the_api_refuses_viewers_bad_input_and_other_workspaces(
    world: World, pair: tuple[Kpi, Kpi]
) -> None:
    demos, revenue = pair
    editor, viewer, outsider = (
        Api(token_for(person)) for person in (world.editor, world.viewer, world.outsider)
    )

    itself = editor.post(f"/kpis/{demos.pk}/drivers", {"kpi": demos.pk})
    by_viewer = viewer.post(f"/kpis/{demos.pk}/drivers", {"kpi": revenue.pk})
    from_outside = outsider.get(f"/kpis/{demos.pk}/drivers")
    into_outside = outsider.post(f"/kpis/{demos.pk}/drivers", {"kpi": revenue.pk})

    assert itself.status_code == 422
    assert "itself" in fields_of(itself)["kpi"]
    assert by_viewer.status_code == 403
    assert from_outside.status_code == into_outside.status_code == 404
    assert not DriverLink.objects.exists()
