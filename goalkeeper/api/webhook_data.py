"""What each webhook delivery carries: the REST resources of its event.

The webhooks app queues deliveries without knowing the apps above it; the API app, which
knows every resource, gives it this function when it starts (`shape_payloads_with`).
Objectives, key results, check-ins, KPIs and sources are shaped in
goalkeeper/webhooks/payloads.py; comments and reactions by the comments app, which the
webhooks app may not import.
"""

from __future__ import annotations

from typing import Any

from goalkeeper.comments.payloads import SHAPES as COMMENT_SHAPES
from goalkeeper.events import Event
from goalkeeper.webhooks.payloads import rest_data


def webhook_data(event: Event) -> dict[str, Any]:
    """The `data` a delivery of `event` carries."""
    shape = COMMENT_SHAPES.get(event.name)
    return shape(event) if shape is not None else rest_data(event)
