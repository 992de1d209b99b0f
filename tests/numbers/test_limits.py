"""Numbers beyond the limits are refused with the field and the limit named, through the API
and the forms; numbers stored before the limits, and negative zeros, never break a read."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import create_key_result, record_check_in
from tests.api.conftest import Api, fields_of
from tests.conftest import World
from tests.numbers.reads import NEGATIVE_ZERO, Ids, read_everything, strict_json
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

VALUE_LIMIT = "must be between -1e15 and 1e15"
WEIGHT_LIMIT = "must be more than 0 and at most 1000"
YESTERDAY = dt.datetime(2026, 11, 19, 8, tzinfo=dt.UTC)


@pytest.fixture
def objective(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)


@pytest.fixture
def kpi(world: World) -> Kpi:
    return create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Bookings",
        owner=world.editor,
        target=100,
        warning=80,
        frequency="daily",
        aggregation="sum",
    )


def key_result_body(objective: Objective, **fields: Any) -> dict[str, Any]:
    return {"objective": objective.pk, "title": "Leads", "start": 0, "target": 10, **fields}


# --- Refused through the API -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weight": 1.7e308}, "weight", WEIGHT_LIMIT),
        ({"weight": 1000.5}, "weight", WEIGHT_LIMIT),
        ({"weight": 0}, "weight", WEIGHT_LIMIT),
        ({"start": -2e15}, "start", VALUE_LIMIT),
        ({"target": 1.7e308}, "target", VALUE_LIMIT),
        ({"commit": 5, "stretch": 2e15}, "stretch", VALUE_LIMIT),
        ({"kind": "maintain", "start": None, "target": None, "low": -1e16}, "low", VALUE_LIMIT),
        ({"kind": "maintain", "start": None, "target": None, "high": 1e16}, "high", VALUE_LIMIT),
    ],
)
def test_a_key_result_number_beyond_the_limits_is_refused_by_the_api(
    editor_api: Api, objective: Objective, fields: dict[str, Any], field: str, message: str
) -> None:
    response = editor_api.post("/key-results", key_result_body(objective, **fields))

    assert response.status_code == 422
    assert fields_of(response) == {field: message}
    assert not KeyResult.objects.exists()


def test_a_key_result_weight_beyond_the_limit_is_refused_when_changed(
    editor_api: Api, objective: Objective
) -> None:
    created = editor_api.post("/key-results", key_result_body(objective, weight=1000)).json

    response = editor_api.patch(f"/key-results/{created['id']}", {"weight": 1.7e308})

    assert response.status_code == 422
    assert fields_of(response) == {"weight": WEIGHT_LIMIT}
    assert KeyResult.objects.get().weight == 1000


def test_a_check_in_beyond_the_limits_is_refused_by_the_api(
    editor_api: Api, objective: Objective
) -> None:
    created = editor_api.post("/key-results", key_result_body(objective)).json

    response = editor_api.post(f"/key-results/{created['id']}/check-ins", {"value": 1.7e308})

    assert response.status_code == 422
    assert fields_of(response) == {"value": VALUE_LIMIT}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target": 2e15}, "target"),
        ({"warning": -1.7e308}, "warning"),
        ({"direction": "in_range", "target": None, "low": -2e15, "high": 0}, "low"),
        ({"direction": "in_range", "target": None, "low": 0, "high": 2e15}, "high"),
    ],
)
def test_a_kpi_goal_beyond_the_limits_is_refused_by_the_api(
    world: World, editor_api: Api, fields: dict[str, Any], field: str
) -> None:
    body = {"team": world.sales.pk, "name": "Revenue", "target": 100, "warning": None, **fields}

    response = editor_api.post("/kpis", body)

    assert response.status_code == 422
    assert fields_of(response) == {field: VALUE_LIMIT}


def test_a_measurement_beyond_the_limits_is_refused_by_the_api(editor_api: Api, kpi: Kpi) -> None:
    response = editor_api.post(
        f"/kpis/{kpi.pk}/measurements",
        [
            {"timestamp": "2026-11-19T08:00:00Z", "value": 1e15},
            {"timestamp": "2026-11-19T09:00:00Z", "value": 1.7e308},
        ],
    )

    assert response.status_code == 422
    assert fields_of(response) == {"items.1.value": VALUE_LIMIT}
    assert not Measurement.objects.exists()


def test_the_api_document_states_the_limits(editor_api: Api) -> None:
    schemas = editor_api.get("/openapi.json").json["components"]["schemas"]

    weight = schemas["KeyResultIn"]["properties"]["weight"]
    target = schemas["KpiIn"]["properties"]["target"]["anyOf"][0]
    assert (weight["exclusiveMinimum"], weight["maximum"]) == (0, 1000)
    assert (target["minimum"], target["maximum"]) == (-1e15, 1e15)


# --- Refused through the forms -----------------------------------------------------------


def key_result_form(world: World, **overrides: str) -> dict[str, Any]:
    data = {
        "title": "Qualified leads",
        "kind": "increase",
        "owner": world.editor.pk,
        "unit": "",
        "weight": "1",
        "start": "0",
        "target": "10",
        "commit": "",
        "stretch": "",
        "low": "",
        "high": "",
        "kpi": "",
        "kpi_mode": "latest",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weight": "1001"}, "weight", WEIGHT_LIMIT),
        ({"weight": "1.7e308"}, "weight", WEIGHT_LIMIT),
        ({"start": "-2e15"}, "start", VALUE_LIMIT),
        ({"target": "1e16"}, "target", VALUE_LIMIT),
    ],
)
def test_the_key_result_form_names_the_field_and_the_limit(
    world: World, objective: Objective, overrides: dict[str, str], field: str, message: str
) -> None:
    response = world.client_for(world.editor).post(
        f"/objectives/{objective.pk}/key-results/new/", key_result_form(world, **overrides)
    )

    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {field: [message]}
    assert not KeyResult.objects.exists()


def test_the_weight_input_says_its_range(world: World, objective: Objective) -> None:
    response = world.client_for(world.editor).get(f"/objectives/{objective.pk}/key-results/new/")

    assert 'name="weight"' in response.content.decode()
    assert 'max="1000"' in response.content.decode()


def test_the_check_in_form_names_the_limit(world: World, objective: Objective) -> None:
    key_result = factories.key_result(objective, "Leads")

    response = world.client_for(world.editor).post(
        f"/key-results/{key_result.pk}/check-in/", {"value": "2e15", "confidence": "5"}
    )

    assert response.status_code == 422
    assert f"The value {VALUE_LIMIT}." in response.content.decode()
    assert not key_result.check_ins.exists()


def test_the_kpi_form_names_the_limit(world: World) -> None:
    form = {
        "name": "Revenue",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "direction": "higher_is_better",
        "target": "1e16",
        "warning": "",
        "frequency": "monthly",
        "aggregation": "last",
    }

    response = world.client_for(world.editor).post("/kpis/new/", form)

    assert response.status_code == 200
    assert VALUE_LIMIT in response.content.decode()
    assert not Kpi.objects.exists()


def test_a_value_typed_by_hand_beyond_the_limits_is_refused(world: World, kpi: Kpi) -> None:
    response = world.client_for(world.editor).post(
        f"/kpis/{kpi.pk}/values/", {"action": "one", "date": "2026-11-19", "value": "1.7e308"}
    )

    assert response.status_code == 200
    assert VALUE_LIMIT in response.content.decode()
    assert not Measurement.objects.exists()


def test_an_upload_names_the_line_beyond_the_limits(world: World, kpi: Kpi) -> None:
    stream = io.BytesIO(b"date,value\n2026-11-18,5\n2026-11-19,1.7e308\n")
    stream.name = "values.csv"

    client = world.client_for(world.editor)
    response = client.post(f"/kpis/{kpi.pk}/upload/", {"file": stream, "date_format": "iso"})

    # The good line waits in the preview; the bad one is listed there, named by its line.
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert '<tr data-line="3">' in preview
    assert f"the value {VALUE_LIMIT}" in preview
    assert not Measurement.objects.exists()


# --- Negative zero -----------------------------------------------------------------------


def test_a_decreasing_key_result_at_its_start_shows_0_not_minus_0(
    world: World, editor_api: Api, objective: Objective
) -> None:
    key_result = factories.key_result(
        objective, "Churn", kind="decrease", start=10, target=0, check_ins=[(10.0, YESTERDAY)]
    )

    api_text = editor_api.get(f"/key-results/{key_result.pk}").get_data(as_text=True)
    page = world.client_for(world.editor).get(f"/objectives/{objective.pk}/").content.decode()

    answer = strict_json(api_text)
    assert (answer["progress"], answer["score"]) == (0, 0)
    assert "-0.0" not in api_text
    assert not NEGATIVE_ZERO.search(page)


# --- Numbers stored before the limits ------------------------------------------------------


def test_weights_stored_before_the_limits_do_not_break_a_read(
    world: World, editor_api: Api, objective: Objective, kpi: Kpi
) -> None:
    first = factories.key_result(objective, "A", check_ins=[(5.0, YESTERDAY)])
    second = factories.key_result(objective, "B")
    KeyResult.objects.update(weight=1.7e308)  # as a row written before the limits could be

    read_everything(
        world.client_for(world.editor),
        editor_api,
        Ids(world.cycle.pk, (objective.pk,), (first.pk, second.pk), kpi.pk),
    )
    answer = editor_api.get(f"/objectives/{objective.pk}").json
    assert answer["progress"] == pytest.approx(0.025)


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="PostgreSQL refuses to sum such values at all: docs/scoring.md, Limits",
)
def test_a_sum_of_values_stored_before_the_limits_reads_as_no_number(
    world: World, editor_api: Api, objective: Objective, kpi: Kpi
) -> None:
    driven = create_key_result(
        actor=world.editor,
        objective=objective,
        title="Bookings this quarter",
        kind="increase",
        start=0,
        target=100,
        kpi=kpi,
        kpi_mode="cycle_aggregate",
    )
    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[(YESTERDAY, 1.0), (YESTERDAY + dt.timedelta(hours=1), 2.0)],
    )
    Measurement.objects.update(value=1.7e308)  # as rows written before the limits could be

    read_everything(
        world.client_for(world.editor),
        editor_api,
        Ids(world.cycle.pk, (objective.pk,), (driven.pk,), kpi.pk),
    )
    assert editor_api.get(f"/kpis/{kpi.pk}").json["period"]["value"] is None
    daily = editor_api.get(f"/kpis/{kpi.pk}/measurements", period="daily").json
    assert daily["items"][0]["value"] is None
    # The linked key result still takes new values: its sum is held at the limit.
    pushed = editor_api.post(
        f"/kpis/{kpi.pk}/measurements", [{"timestamp": "2026-11-20T08:00:00Z", "value": 5}]
    )
    assert pushed.status_code == 200
    driven.refresh_from_db()
    assert driven.current == 1e15


def test_a_check_in_stored_before_the_limits_does_not_break_a_read(
    world: World, editor_api: Api, objective: Objective, kpi: Kpi
) -> None:
    key_result = factories.key_result(objective, "A", start=0, target=1)
    record_check_in(actor=world.editor, key_result=key_result, value=1.0)
    KeyResult.objects.update(current=1.7e308, target=5e-324)

    read_everything(
        world.client_for(world.editor),
        editor_api,
        Ids(world.cycle.pk, (objective.pk,), (key_result.pk,), kpi.pk),
    )
