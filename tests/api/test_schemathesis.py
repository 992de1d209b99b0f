"""Property-based run of the live OpenAPI document against the app, in-process (WSGI).

Every operation gets a fixed number of generated requests, valid and invalid, from a
derandomized Hypothesis, so the run is the same each time. Path ids are steered half of
the time to objects that exist, so the answers checked are real objects, not only 404s.

Checks: no server error; every answer documented (status code, content type, headers) and
conforming to its schema; input that breaks the schema refused.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from goalkeeper.api.schemas import MAX_ID
from goalkeeper.channels.services import create_channel
from goalkeeper.comments.services import add_comment
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from goalkeeper.sources import services as sources
from goalkeeper.sources.models import RunTrigger, SyncRun
from goalkeeper.webhooks.services import create_subscription
from tests.api.conftest import API_SCHEMA, token_for
from tests.conftest import World

EXAMPLES_PER_OPERATION = 20

schema = API_SCHEMA.clone()
# Requests with unexpected parameters are not generated: HTTP carries headers the API does
# not know about by nature, and they must not be refused. (Unknown query parameters and
# body fields are refused; tests in test_errors.py say so.)
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION, deterministic=True, allow_extra_parameters=False
)

# A body too large to read (413) is refused input too.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413"]

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.negative_data_rejection,
]

# Ids of seeded objects by the resource of the path ("objectives", "kpis"...).
EXISTING: dict[str, list[int]] = {}
CALLS: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Point an even generated id at an existing object of the path's resource."""
    if not path_parameters:
        return path_parameters
    value = path_parameters.get("id")
    resource = context.operation.path.split("/")[3]
    existing = EXISTING.get(resource)
    # Only ids the schema allows: a negative case made invalid by its id must stay invalid.
    valid = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID
    if existing and valid and value % 2 == 0:
        path_parameters["id"] = existing[value % len(existing)]
    return path_parameters


def _source_with_a_run(world: World, kpi: Kpi) -> SyncRun:
    """A CSV source on the KPI and one finished run, so source operations find them."""
    root = Path(django_settings.SOURCE_FILE_ROOTS[0])
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"schema-{kpi.pk}.csv"
    path.write_text("date,value\n2026-11-01,5\n")
    configuration = sources.configure(
        kpi=kpi,
        kind="csv",
        values={"location": str(path), "timestamp_column": "date", "value_column": "value"},
    )
    source = sources.create_source(actor=world.admin, kpi=kpi, configuration=configuration)
    run = sources.request_sync(actor=world.admin, source=source, trigger=RunTrigger.MANUAL)
    sources.execute(run.pk)
    return run


@pytest.fixture
def token(world: World) -> str:
    """An admin's token, with a little of everything in the workspace to read and change."""
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow", owner=world.editor
    )
    leads = create_key_result(
        actor=world.editor, objective=objective, title="Leads", kind="increase", start=0, target=100
    )
    create_key_result(actor=world.editor, objective=objective, title="Launch", kind="milestone")
    check_in = record_check_in(actor=world.editor, key_result=leads, value=40, confidence=6)
    comment = add_comment(
        actor=world.admin, subject_type="objective", subject_id=objective.pk, body="Why?"
    )
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Revenue", target=100, frequency="daily"
    )
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[(start + dt.timedelta(hours=6 * i), float(i)) for i in range(40)],
    )
    hook = create_subscription(
        actor=world.admin,
        workspace=world.acme,
        url="http://127.0.0.1:9/hook",
        events=["check_in.created"],
    )
    run = _source_with_a_run(world, kpi)
    channel = create_channel(
        actor=world.admin,
        workspace=world.acme,
        kind="slack",
        name="Room",
        url="http://127.0.0.1:9/services/T/B/token",
    )
    EXISTING.update(
        sources=[run.pk],
        teams=[world.company.pk, world.sales.pk],
        people=[world.admin.pk, world.editor.pk, world.viewer.pk],
        cycles=[world.cycle.pk],
        objectives=[objective.pk],
        **{"key-results": [kr.pk for kr in objective.key_results.all()]},
        kpis=[kpi.pk],
        webhooks=[hook.pk],
        comments=[comment.pk],
        **{"check-ins": [check_in.pk]},
        **{"chat-channels": [channel.pk]},
    )
    return token_for(world.admin)


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    print(
        f"\nschemathesis: {len(CALLS)} operations, {sum(CALLS.values())} requests, "
        f"statuses {dict(sorted(STATUSES.items()))}"
    )


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_conforms_to_the_schema(case: Any, token: str) -> None:
    # Through WSGI the answer is read as sent: ask for it uncompressed (pages and answers
    # are gzipped for clients that accept it; tests/test_serving.py covers that).
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    CALLS[case.operation.label] += 1
    STATUSES[response.status_code] += 1
