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
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.checks import CHECKS as CHECKS_REGISTRY
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi import checks as openapi_checks  # noqa: F401 - registers them

from goalkeeper.api import errors
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
# Input the document allows may still break a rule about stored data, which no schema can
# state: a closed cycle takes no objective, an archived KPI is not archived again, a cursor
# must be one this list handed out. Such a refusal is a 422 naming the field, and counts as
# accepted here; `parsing_accepts_valid_input` below checks that it is never the parsing of
# the input (its shape, types, formats and bounds), which the document does describe.
_acceptance = schema.config.checks.positive_data_acceptance
_acceptance.expected_statuses = [*_acceptance.expected_statuses, "422"]

# Every check schemathesis has (the OpenAPI ones register on import), but the response time:
# a time limit would fail on a busy machine, not on a fault of the API.
CHECKS: list[CheckFunction] = [
    cast(CheckFunction, check)
    for check in CHECKS_REGISTRY.get_all()
    if check.__name__ != "max_response_time"
]

# Whether the request under way was refused by the parsing of its input (set by the 422
# handler of goalkeeper/api/errors.py, wrapped by the `parsing_watched` fixture).
PARSING_REFUSED: list[list[dict[str, Any]]] = []


def parsing_accepts_valid_input(ctx: Any, response: Any, case: Case[Any]) -> bool | None:
    """Input generated valid by the document is never refused by the input's parsing: what
    the parsing checks (types, formats, bounds, required fields) the document must say."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not PARSING_REFUSED:
        return None
    # schemathesis sends a generated file (`format: binary`) as a plain form field, without
    # a file name, so Django reads no file: a limit of the tool, not of the document.
    if "multipart/form-data" in (case.media_type or ""):
        return None
    if response.status_code != 422:
        return None
    errors = PARSING_REFUSED[-1]
    raise AssertionError(
        "Input valid by the document was refused by its parsing "
        f"(the document must state this rule): {errors}"
    )


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
def token(world: World, allow_local_outbound: None) -> str:
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


@pytest.fixture
def parsing_watched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record each refusal of the input's parsing (the 422 of a NinjaValidationError)."""
    unwatched = errors._without_union_branches

    def watched(found: Any) -> list[dict[str, Any]]:
        PARSING_REFUSED.append(list(found))
        return unwatched(found)

    monkeypatch.setattr(errors, "_without_union_branches", watched)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_conforms_to_the_schema(
    case: Case[Any], token: str, parsing_watched: None
) -> None:
    # Through WSGI the answer is read as sent: ask for it uncompressed (pages and answers
    # are gzipped for clients that accept it; tests/test_serving.py covers that).
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    PARSING_REFUSED.clear()
    response = case.call_and_validate(
        headers=headers, checks=CHECKS, additional_checks=[parsing_accepts_valid_input]
    )
    CALLS[case.operation.label] += 1
    STATUSES[response.status_code] += 1


# Sequences of calls, linked by the ids answers carry (links schemathesis infers from the
# document): what the stateful checks need. A DELETEd object is never read back
# (`use_after_free`), a POSTed one is read back at once (`ensure_resource_availability`).
SCENARIOS = 25
STEPS = 6


def test_linked_calls_conform_to_the_schema(token: str, parsing_watched: None) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"headers": headers}

        def setup(self) -> None:
            # Every scenario starts from the same data: what one wrote is rolled back.
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case: Case[Any]) -> None:
            PARSING_REFUSED.clear()

        def validate_response(
            self, response: Any, case: Case[Any], additional_checks: Any = None, **kwargs: Any
        ) -> None:
            CALLS[case.operation.label] += 1
            STATUSES[response.status_code] += 1
            case.validate_response(
                response,
                checks=CHECKS,
                additional_checks=[parsing_accepts_valid_input],
                headers=headers,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # The steps depend on what the database answered before: a replay to shrink a
            # failure draws differently, which Hypothesis refuses as flaky; report it as found.
            phases=[Phase.explicit, Phase.generate],
        )
    )
