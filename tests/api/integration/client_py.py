"""A scripted integration through the Python client generated from the API document.

tests/api/test_clients.py generates `goalkeeper_api_client` with openapi-python-client from
the live document, type-checks this file against it with `mypy --strict`, and runs it
against the app: the active objectives, a check-in on the first one's first key result,
then a KPI's newest measurements.
"""

from __future__ import annotations

import datetime as dt

import httpx
from goalkeeper_api_client import AuthenticatedClient
from goalkeeper_api_client.api.check_ins import create_check_in
from goalkeeper_api_client.api.kp_is import list_kpis, list_measurements
from goalkeeper_api_client.api.objectives import list_objectives
from goalkeeper_api_client.models import (
    CheckInIn,
    CheckInOut,
    KpiPage,
    MeasurementList,
    ObjectiveOut,
    ObjectivePage,
    ObjectiveState,
)


def active_objectives(client: AuthenticatedClient) -> list[ObjectiveOut]:
    # The state a filter takes is the type an objective's state has.
    state: ObjectiveState = ObjectiveState.ACTIVE
    page = list_objectives.sync(client=client, state=[state], limit=10)
    if not isinstance(page, ObjectivePage):
        raise RuntimeError(f"objectives: {page!r}")
    assert all(objective.state == state for objective in page.items)
    return page.items


def check_in(client: AuthenticatedClient, key_result: int, value: float) -> CheckInOut:
    answer = create_check_in.sync(
        key_result, client=client, body=CheckInIn(value=value, note="From the integration")
    )
    if not isinstance(answer, CheckInOut):
        raise RuntimeError(f"check-in: {answer!r}")
    return answer


def newest_measurements(client: AuthenticatedClient, since: dt.datetime) -> MeasurementList:
    kpis = list_kpis.sync(client=client, limit=1)
    if not isinstance(kpis, KpiPage) or not kpis.items:
        raise RuntimeError(f"KPIs: {kpis!r}")
    measurements = list_measurements.sync(kpis.items[0].id, client=client, from_=since)
    if not isinstance(measurements, MeasurementList):
        raise RuntimeError(f"measurements: {measurements!r}")
    values: list[float | None] = [point.value for point in measurements.items]
    assert len(values) <= measurements.count
    return measurements


def run(base_url: str, token: str, transport: httpx.BaseTransport | None = None) -> CheckInOut:
    """The integration: returns the check-in it wrote."""
    client = AuthenticatedClient(
        base_url=base_url,
        token=token,
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport} if transport is not None else {},
    )
    objectives = active_objectives(client)
    with_key_results = [objective for objective in objectives if objective.key_results]
    written = check_in(client, with_key_results[0].key_results[0], 42.0)
    newest_measurements(client, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return written
