"""W8, under Django: the company through the open format (docs/format.md).

The built company is exported (`export_document`, then YAML), and the document is imported
into an empty workspace the way `goalkeeper import` does it: parsed, planned, then applied by
`goalkeeper.portability.services.import_document` (every row through its app's services, in
one transaction). The same document is then imported again, where the plan finds nothing to
change. Each step is timed; the rows created are counted in the new workspace.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.test import override_settings

from goalkeeper.accounts.models import Person, Role, Team, Workspace
from goalkeeper.accounts.services import add_person, create_workspace
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.portability.document import parse
from goalkeeper.portability.export import dump, export_document
from goalkeeper.portability.plan import make_plan
from goalkeeper.portability.services import import_document

T = TypeVar("T")
KINDS = ("objectives", "key_results", "people", "teams", "kpis")


def _timed(times: dict[str, float], name: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    answer = work()
    times[name] = round((time.perf_counter() - started) * 1000, 1)
    return answer


def _peak_mb() -> float:
    """The process's peak resident memory so far (kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _counts(workspace: Workspace) -> dict[str, int]:
    return {
        "objectives": Objective.objects.filter(workspace=workspace).count(),
        "key_results": KeyResult.objects.filter(workspace=workspace).count(),
        "people": Person.objects.filter(workspace=workspace).count(),
        "teams": Team.objects.filter(workspace=workspace).count(),
        "kpis": Kpi.objects.filter(workspace=workspace).count(),
        "check_ins": CheckIn.objects.filter(key_result__workspace=workspace).count(),
    }


def round_trip(source: Workspace, admin: Person) -> dict[str, Any]:
    """Export `source`, import it into a new workspace administered by `admin`'s login, and
    import it once more; milliseconds per step, rows created, rows per second."""
    # The demo's broken integration points at a closed port of this machine, which the
    # sources' outbound check refuses unless the installation allows it.
    with override_settings(OUTBOUND_ALLOW=["127.0.0.1"]):
        return _round_trip(source, admin)


def _round_trip(source: Workspace, admin: Person) -> dict[str, Any]:
    times: dict[str, float] = {}
    baseline_mb = _peak_mb()
    document = _timed(times, "export_ms", lambda: export_document(source))
    text = _timed(times, "dump_ms", lambda: dump(document, "yaml"))
    workspace = create_workspace(name=f"{source.name} (imported)")
    actor = add_person(
        actor=None,
        workspace=workspace,
        email=admin.user.email,
        name=admin.name,
        role=Role.ADMIN,
        existing_login=True,
    )
    before = _counts(workspace)
    parsed = _timed(times, "parse_ms", lambda: parse(text, "company.yaml"))
    plan = _timed(times, "plan_ms", lambda: make_plan(workspace, parsed))
    summary = plan.summary()
    _timed(times, "apply_ms", lambda: import_document(plan, workspace=workspace, actor=actor))
    after = _counts(workspace)
    created = {kind: after[kind] - before[kind] for kind in after}
    import_ms = times["parse_ms"] + times["plan_ms"] + times["apply_ms"]
    rows = sum(created[kind] for kind in KINDS)
    again = _timed(times, "reparse_ms", lambda: parse(text, "company.yaml"))
    replan = _timed(times, "replan_ms", lambda: make_plan(workspace, again))
    _timed(times, "reapply_ms", lambda: import_document(replan, workspace=workspace, actor=actor))
    return {
        "document_bytes": len(text.encode()),
        "plan": summary,
        "created": created,
        "rows": rows,
        "import_ms": round(import_ms, 1),
        "rows_per_s": round(rows / (import_ms / 1000), 1) if import_ms else None,
        "reimport_ms": round(times["reparse_ms"] + times["replan_ms"] + times["reapply_ms"], 1),
        "reimport_plan": replan.summary(),
        "steps_ms": times,
        "baseline_mb": baseline_mb,
        "peak_mb": _peak_mb(),
    }
