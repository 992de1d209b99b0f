"""What a webhook delivers: the `data` of each event, shaped as the REST API shows it.

An objective event carries the REST Objective resource (the body of `GET /objectives/{id}`),
a key result event the KeyResult resource, a comment event the Comment resource, and so on,
so that a receiver parses webhooks with the same models as API answers. `rest_data` turns a
domain event's payload (built by the services from the row alone) into that shape when a
delivery is queued, inside the write's transaction: a deleted object is shown as it was
just before it went. Comments and reactions are shaped by the comments app, which this app
may not import (goalkeeper/comments/payloads.py, joined in goalkeeper/api/webhook_data.py).

`EVENT_DATA` describes each event's `data` in JSON Schema for the OpenAPI document
(its `webhooks` section), with references to the REST resources' components.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from goalkeeper.events import Event
from goalkeeper.webhooks.models import EVENTS, PING

Payload = dict[str, Any]


def _ref(name: str) -> Payload:
    return {"$ref": f"#/components/schemas/{name}"}


_INT = {"type": "integer"}
_OBJECTIVE = {"objective": _ref("ObjectiveOut")}
_KEY_RESULT = {"key_result": _ref("KeyResultOut")}
_KPI = {"kpi": _ref("KpiOut")}
_URL = {"type": "string", "description": "the page of the subject"}
# Comments and reactions are shaped by the comments app (goalkeeper/comments/payloads.py),
# which this app may not import; the API app joins both (goalkeeper/api/webhook_data.py).
_COMMENT = {
    "comment": _ref("CommentOut"),
    "text": {"type": "string", "description": "the body as people read it: mentions as @Name"},
    "url": _URL,
    "new_mentions": {
        "type": "array",
        "items": _INT,
        "description": "people mentioned by this write who were not before",
    },
}
_REACTION = {"reaction": _ref("ReactionOut"), "check_in": _ref("CheckInOut"), "url": _URL}
_SOURCE = {"source": _ref("SourceSummaryOut")}
_SIGNAL_RULE = {
    "anyOf": [_ref("SignalRule"), {"type": "null"}],
    "description": "the latest complete period's signal rule (null: none)",
}

# The properties of each event's `data` (every one of them is always present).
EVENT_DATA: dict[str, Payload] = {
    "check_in.created": {"check_in": _ref("CheckInOut"), **_KEY_RESULT},
    "key_result.created": _KEY_RESULT,
    "key_result.updated": _KEY_RESULT,
    "key_result.deleted": _KEY_RESULT,
    "key_result.status_changed": {
        **_KEY_RESULT,
        "before": _ref("PaceStatus"),
        "after": _ref("PaceStatus"),
    },
    "objective.created": _OBJECTIVE,
    "objective.updated": _OBJECTIVE,
    "objective.closed": _OBJECTIVE,
    "objective.deleted": _OBJECTIVE,
    "objective.review_requested": {**_OBJECTIVE, "reviewer": _INT, "requested_by": _INT},
    "objective.review_returned": {**_OBJECTIVE, "reviewer": _INT, "note": {"type": "string"}},
    "kpi.created": _KPI,
    "kpi.updated": _KPI,
    "kpi.deleted": _KPI,
    "kpi.measurements_recorded": {**_KPI, "created": _INT, "updated": _INT},
    "kpi.health_changed": {**_KPI, "before": _ref("KpiHealth"), "after": _ref("KpiHealth")},
    "kpi.signal": {
        **_KPI,
        "before": _SIGNAL_RULE,
        "after": _SIGNAL_RULE,
        "side": {
            "anyOf": [_ref("SignalSide"), {"type": "null"}],
            "description": "the side of the centre of `after` (null with no signal)",
        },
        "period": {
            "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
            "description": "the start of the signalled period (null with no signal)",
        },
    },
    "kpi.baseline_set": {**_KPI, "baseline": _ref("KpiBaselineOut")},
    "comment.created": _COMMENT,
    "comment.updated": _COMMENT,
    "comment.deleted": _COMMENT,
    "reaction.added": _REACTION,
    "source.broken": _SOURCE,
    "source.recovered": _SOURCE,
    PING: {
        "message": {"type": "string"},
        "webhook": {"type": "integer", "description": "the subscription's id"},
    },
}
assert set(EVENT_DATA) == {*EVENTS, PING}, "every event needs its data described"


def rest_data(event: Event) -> Payload:
    """The `data` a delivery of `event` carries: its objects as the REST API shows them."""
    # Imported here: the endpoints' modules load the whole API, which the app registry
    # must be ready for; and the services that queue deliveries never import endpoints.
    from goalkeeper.accounts.models import Workspace

    data = dict(event.payload)
    clock = Workspace.objects.get(pk=event.workspace_id).clock()
    shapes: list[tuple[str, Callable[[Payload], Payload]]] = [
        ("objective", lambda given: _objective(given["id"], clock)),
        ("key_result", lambda given: _key_result(given["id"], clock)),
        ("check_in", lambda given: _check_in(given["id"])),
        ("kpi", lambda given: _kpi(given["id"], clock)),
        ("source", _source),
    ]
    for key, shape in shapes:
        # A row gone already (an event emitted after its delete) is sent as given.
        if key in data:
            with suppress(ObjectDoesNotExist):
                data[key] = shape(data[key])
    return data


def _objective(objective_id: int, clock: Any) -> Payload:
    from goalkeeper.okrs.api.cascade import alignments_prefetch
    from goalkeeper.okrs.api.objectives import objective_out
    from goalkeeper.okrs.figures import objective_figures, ordered_key_results
    from goalkeeper.okrs.models import Objective

    objective = (
        Objective.objects.select_related("cycle")
        .prefetch_related(ordered_key_results(), alignments_prefetch())
        .get(pk=objective_id)
    )
    figures = objective_figures([objective], clock)[objective.pk]
    return objective_out(objective, figures).model_dump(mode="json")


def _key_result(key_result_id: int, clock: Any) -> Payload:
    from goalkeeper.okrs.api.cascade import key_result_prefetches
    from goalkeeper.okrs.api.key_results import key_result_out
    from goalkeeper.okrs.figures import key_result_figures
    from goalkeeper.okrs.models import KeyResult

    key_result = (
        KeyResult.objects.select_related("objective__cycle")
        .prefetch_related(*key_result_prefetches())
        .get(pk=key_result_id)
    )
    figures = key_result_figures(key_result, key_result.objective.cycle, clock)
    return key_result_out(key_result, figures).model_dump(mode="json")


def _check_in(check_in_id: int) -> Payload:
    from goalkeeper.okrs.api.key_results import check_in_out
    from goalkeeper.okrs.models import CheckIn

    return check_in_out(CheckIn.objects.get(pk=check_in_id)).model_dump(mode="json")


def _kpi(kpi_id: int, clock: Any) -> Payload:
    from goalkeeper.kpis.api import kpi_out
    from goalkeeper.kpis.figures import kpi_figures, periods_for, with_kpi_figures, with_kpi_trends
    from goalkeeper.kpis.models import Kpi

    kpi = with_kpi_trends(with_kpi_figures(Kpi.objects.filter(pk=kpi_id), clock), clock).get()
    return kpi_out(kpi, kpi_figures(kpi, clock, periods_for(clock))).model_dump(mode="json")


def _source(event_source: Payload) -> Payload:
    from goalkeeper.sources.api import SourceSummaryOut, source_summary_out
    from goalkeeper.sources.models import DataSource

    source = DataSource.objects.select_related("kpi").get(pk=event_source["id"])
    shown = source_summary_out(source)
    # The row may not carry the status the event reports yet (it is saved after).
    shown["status"] = event_source["status"]
    if event_source.get("error"):
        shown["last_error"] = event_source["error"]
    return SourceSummaryOut(**shown).model_dump(mode="json")
