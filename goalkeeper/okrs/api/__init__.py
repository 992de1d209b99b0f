"""REST endpoints for cycles, objectives, key results and check-ins.

Thin: check access, resolve the ids a body names, call one service (which writes in one
transaction, audits and emits its events: the same service, with the same arguments, as the
page that offers the write), answer with numbers from the read model.

One `router` gathers the endpoints of the modules below. They register on import, in the
order imported here, which is the order of the OpenAPI document: keep it.
"""

from __future__ import annotations

from ninja import Router

router = Router()

# isort: off
from goalkeeper.okrs.api import cycles  # noqa: E402
from goalkeeper.okrs.api import objectives  # noqa: E402
from goalkeeper.okrs.api import lifecycle  # noqa: E402
from goalkeeper.okrs.api import key_results  # noqa: E402
from goalkeeper.okrs.api import split  # noqa: E402
# isort: on

__all__ = ["cycles", "key_results", "lifecycle", "objectives", "router", "split"]
