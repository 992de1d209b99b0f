"""A key result driven by several KPIs through the API: `kpi_formula` over `kpis`, in order,
its value read at once, and what is refused (docs/cascade.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.api.conftest import Api, fields_of
from tests.api.test_okrs import key_result, objective
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")
NOVEMBER = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


def kpi(world: World, name: str, value: float) -> Kpi:
    made = create_kpi(
        actor=world.editor, team=world.sales, name=name, target=100, frequency="monthly"
    )
    record_measurements(actor=world.editor, kpi=made, points=[(NOVEMBER, value)])
    return made


@pytest.fixture
def revenue(world: World) -> Kpi:
    return kpi(world, "Revenue", 600_000)


@pytest.fixture
def customers(world: World) -> Kpi:
    return kpi(world, "Customers", 400)


def test_a_ratio_of_two_kpis_makes_the_value(
    world: World, editor_api: Api, revenue: Kpi, customers: Kpi
) -> None:
    grow = objective(editor_api, world)

    per_customer = key_result(
        editor_api,
        grow["id"],
        title="Revenue per customer",
        target=2000,
        kpi_formula="ratio",
        kpis=[revenue.pk, customers.pk],
    )

    assert per_customer["kpi_formula"] == "ratio"
    assert per_customer["kpis"] == [revenue.pk, customers.pk]
    assert per_customer["kpi"] is None
    assert per_customer["current"] == 1500
    read = editor_api.get(f"/key-results/{per_customer['id']}").json
    assert (read["kpi_formula"], read["kpis"]) == ("ratio", [revenue.pk, customers.pk])


def test_the_kpis_change_and_the_formula_stays(
    world: World, editor_api: Api, revenue: Kpi, customers: Kpi
) -> None:
    north, south = kpi(world, "North", 10), kpi(world, "South", 30)
    grow = objective(editor_api, world)
    total = key_result(editor_api, grow["id"], kpi_formula="sum", kpis=[revenue.pk, customers.pk])

    changed = editor_api.patch(f"/key-results/{total['id']}", {"kpis": [north.pk, south.pk]})
    averaged = editor_api.patch(f"/key-results/{total['id']}", {"kpi_formula": "average"})

    assert (changed.json["kpi_formula"], changed.json["current"]) == ("sum", 40)
    assert (averaged.json["kpis"], averaged.json["current"]) == ([north.pk, south.pk], 20)


def test_an_empty_formula_clears_it(
    world: World, editor_api: Api, revenue: Kpi, customers: Kpi
) -> None:
    grow = objective(editor_api, world)
    total = key_result(editor_api, grow["id"], kpi_formula="sum", kpis=[revenue.pk, customers.pk])

    cleared = editor_api.patch(f"/key-results/{total['id']}", {"kpi_formula": ""}).json

    assert (cleared["kpi_formula"], cleared["kpis"]) == ("", [])


def test_a_ratio_needs_exactly_two_kpis(
    world: World, editor_api: Api, revenue: Kpi, customers: Kpi
) -> None:
    grow = objective(editor_api, world)
    body = {"objective": grow["id"], "title": "Per customer", "start": 0, "target": 5}
    third = kpi(world, "Orders", 9)

    refused = editor_api.post(
        "/key-results",
        {**body, "kpi_formula": "ratio", "kpis": [revenue.pk, customers.pk, third.pk]},
    )

    assert refused.status_code == 422
    assert set(fields_of(refused)) == {"kpis"}
    # The refused formula leaves no key result behind.
    assert editor_api.get("/key-results", objective=grow["id"]).json["count"] == 0


def test_kpis_need_a_formula(world: World, editor_api: Api, revenue: Kpi) -> None:
    grow = objective(editor_api, world)

    refused = editor_api.post(
        "/key-results",
        {"objective": grow["id"], "title": "Revenue", "target": 5, "kpis": [revenue.pk]},
    )

    assert fields_of(refused) == {"kpis": "give a kpi_formula to combine these KPIs"}


def test_a_formula_names_kpis_of_the_workspace(world: World, editor_api: Api, revenue: Kpi) -> None:
    grow = objective(editor_api, world)
    leads = key_result(editor_api, grow["id"])

    refused = editor_api.patch(
        f"/key-results/{leads['id']}", {"kpi_formula": "sum", "kpis": [revenue.pk, 987654]}
    )

    assert refused.status_code == 422
    assert "987654" in fields_of(refused)["kpis"]


def test_a_rolled_up_key_result_reads_no_formula(
    world: World, editor_api: Api, revenue: Kpi, customers: Kpi
) -> None:
    grow = objective(editor_api, world)
    total = key_result(editor_api, grow["id"], rollup="sum")

    refused = editor_api.patch(
        f"/key-results/{total['id']}", {"kpi_formula": "sum", "kpis": [revenue.pk, customers.pk]}
    )

    assert refused.status_code == 422
    assert "contributors" in fields_of(refused)["kpi_formula"]
