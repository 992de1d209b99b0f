"""The parts of the benchmark that run under Django, in a child process of the site.

`python -m benchmarks.inside prepare --people 16 --series 100000` makes API tokens, picks the
pages' objects and loads the long KPI; `python -m benchmarks.inside figures` times the read
model over the whole company; `import` exports the company and imports it into an empty
workspace (benchmarks/portable.py); `ratelimit --token T --path P` times the rate limiter's write
(benchmarks/ratelimit.py). Each prints one line of JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from collections import Counter
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goalkeeper.settings")
django.setup()

from django.db.models import Count  # noqa: E402 - after django.setup()

from benchmarks.cascade import cascade  # noqa: E402
from benchmarks.portable import round_trip  # noqa: E402
from benchmarks.ratelimit import rate_limit  # noqa: E402
from goalkeeper.accounts.models import Person, Role, Workspace  # noqa: E402
from goalkeeper.api.services import create_token  # noqa: E402
from goalkeeper.dashboards.models import Dashboard  # noqa: E402
from goalkeeper.demo.services import demo_workspace  # noqa: E402
from goalkeeper.kpis import services as kpi_services  # noqa: E402
from goalkeeper.kpis.models import Kpi, Measurement  # noqa: E402
from goalkeeper.okrs.facts import (  # noqa: E402
    CYCLE_FACT_FIELDS,
    KEY_RESULT_FACT_FIELDS,
    OBJECTIVE_FACT_FIELDS,
    KeyResultFacts,
    cycle_facts,
    key_result_facts,
    objective_facts,
)
from goalkeeper.okrs.figures import objective_figures_from  # noqa: E402
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective  # noqa: E402

SERIES_NAME = "Benchmark: long series"
INGEST_NAME = "Benchmark: ingest"
BATCH = kpi_services.MAX_BATCH


def _workspace() -> Workspace:
    workspace = demo_workspace()
    if workspace is None:
        raise SystemExit("no demo company in this data directory")
    return workspace


def _people(workspace: Workspace, count: int) -> list[Person]:
    """The admin first, then editors: people who may read every page and write."""
    active = Person.objects.select_related("user").filter(workspace=workspace, is_active=True)
    admins = list(active.filter(role=Role.ADMIN).order_by("id")[:count])
    editors = list(active.filter(role=Role.EDITOR).order_by("id")[: count - len(admins)])
    return admins + editors


def _long_series(workspace: Workspace, owner: Person, values: int) -> int:
    """A KPI holding `values` hourly values up to now, written in batches by the service."""
    team = owner.memberships.select_related("team").first()
    kpi = kpi_services.create_kpi(
        actor=None,
        team=team.team if team else workspace.teams.order_by("id")[0],
        name=SERIES_NAME,
        frequency="hourly",
        aggregation="average",
        target=100.0,
    )
    end = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(hours=values - 1)
    for first in range(0, values, BATCH):
        points = [
            (start + dt.timedelta(hours=hour), 80.0 + (hour * 37 % 41))
            for hour in range(first, min(first + BATCH, values))
        ]
        kpi_services.record_measurements(actor=None, kpi=kpi, points=points, source="benchmark")
    return kpi.pk


def _counts(workspace: Workspace) -> dict[str, int]:
    return {
        "people": Person.objects.filter(workspace=workspace, is_active=True).count(),
        "teams": workspace.teams.count(),
        "objectives": Objective.objects.filter(workspace=workspace).count(),
        "key_results": KeyResult.objects.filter(workspace=workspace).count(),
        "kpis": Kpi.objects.filter(workspace=workspace).count(),
        "measurements": Measurement.objects.filter(kpi__workspace=workspace).count(),
    }


def prepare(people: int, series: int) -> dict[str, Any]:
    workspace = _workspace()
    counts = _counts(workspace)  # the company as built, before the benchmark adds to it
    chosen = _people(workspace, people)
    tokens = [
        {
            "email": person.user.email,
            "role": person.role,
            "token": create_token(actor=None, person=person, name="benchmark")[1],
        }
        for person in chosen
    ]
    cycle = (
        Cycle.objects.filter(workspace=workspace, state=CycleState.ACTIVE)
        .order_by("start_date")
        .first()
        or Cycle.objects.filter(workspace=workspace).order_by("-start_date").first()
    )
    objectives = Objective.objects.filter(workspace=workspace, cycle=cycle).exclude(state="draft")
    objective = (
        objectives.annotate(n=Count("key_results")).order_by("-n", "id").values("id").first()
    )
    # The KPI page of the busiest KPI: the demo's worst case.
    busiest = (
        Measurement.objects.filter(kpi__workspace=workspace)
        .values("kpi_id")
        .annotate(n=Count("id"))
        .order_by("-n", "kpi_id")
        .first()
    )
    key_results = list(
        KeyResult.objects.filter(
            workspace=workspace,
            objective__cycle=cycle,
            objective__state="active",
            kind__in=["increase", "decrease"],
        )
        .order_by("id")
        .values("id", "start", "target")[: max(people, 1)]
    )
    linked = list(
        KeyResult.objects.filter(workspace=workspace, objective__cycle=cycle, kpi__isnull=False)
        .order_by("kpi_id")
        .values_list("kpi_id", flat=True)
        .distinct()[: max(people, 1)]
    )
    others = Kpi.objects.filter(workspace=workspace, archived_at__isnull=True).exclude(
        pk__in=linked
    )
    load_kpis = linked + list(others.order_by("id").values_list("id", flat=True)[:people])
    admin = chosen[0] if chosen else None
    series_kpi = _long_series(workspace, admin, series) if series and admin else None
    ingest_kpi = None
    if admin is not None:
        ingest_kpi = kpi_services.create_kpi(
            actor=None,
            team=workspace.teams.order_by("id")[0],
            name=INGEST_NAME,
            frequency="hourly",
            aggregation="sum",
            target=100.0,
        ).pk
    return {
        "counts": counts,
        "workspace": workspace.pk,
        "cycle": cycle.pk if cycle else None,
        # The cycle review reads the last closed cycle (its final scores), else the active one.
        "closed_cycle": (
            Cycle.objects.filter(workspace=workspace, state=CycleState.CLOSED)
            .order_by("-end_date")
            .values_list("id", flat=True)
            .first()
        )
        or (cycle.pk if cycle else None),
        "objective": objective["id"] if objective else None,
        "kpi": busiest["kpi_id"] if busiest else None,
        # The demo company's "Company pulse", shared with everyone.
        "dashboard": Dashboard.objects.filter(workspace=workspace)
        .order_by("id")
        .values_list("id", flat=True)
        .first(),
        "kpi_values": busiest["n"] if busiest else 0,
        "series_kpi": series_kpi,
        "series_values": series,
        "ingest_kpi": ingest_kpi,
        "key_results": key_results,
        "load_kpis": load_kpis[: max(people, 1)],
        "people": tokens,
    }


def figures(repeat: int) -> dict[str, Any]:
    """The figures of every objective of the company through the read model, `repeat` times."""
    workspace = _workspace()
    clock = workspace.clock()
    reads, computes = [], []
    statuses: Counter[str] = Counter()
    objective_count = key_result_count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        cycles = {
            row["id"]: cycle_facts(row)
            for row in Cycle.objects.filter(workspace=workspace).values(*CYCLE_FACT_FIELDS)
        }
        key_results: dict[int, list[KeyResultFacts]] = {}
        rows = KeyResult.objects.filter(workspace=workspace).order_by("position", "id")
        for row in rows.values(*KEY_RESULT_FACT_FIELDS):
            key_results.setdefault(row["objective_id"], []).append(key_result_facts(row))
        objectives = [
            objective_facts(row, cycles[row["cycle_id"]], key_results.get(row["id"], ()))
            for row in Objective.objects.filter(workspace=workspace).values(*OBJECTIVE_FACT_FIELDS)
        ]
        read = time.perf_counter()
        computed = objective_figures_from(objectives, clock)
        done = time.perf_counter()
        reads.append(read - started)
        computes.append(done - read)
        statuses = Counter(str(f.status) for f in computed.values())
        objective_count = len(objectives)
        key_result_count = sum(len(krs) for krs in key_results.values())
    read_ms = statistics.median(reads) * 1000
    compute_ms = statistics.median(computes) * 1000
    return {
        "objectives": objective_count,
        "key_results": key_result_count,
        "read_ms": round(read_ms, 1),
        "compute_ms": round(compute_ms, 1),
        "total_ms": round(read_ms + compute_ms, 1),
        "statuses": dict(statuses),
        "repeat": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inside")
    commands = parser.add_subparsers(dest="command", required=True)
    ready = commands.add_parser("prepare")
    ready.add_argument("--people", type=int, default=16)
    ready.add_argument("--series", type=int, default=100_000)
    figure = commands.add_parser("figures")
    figure.add_argument("--repeat", type=int, default=3)
    chain = commands.add_parser("cascade")
    chain.add_argument("--levels", type=int, default=5)
    chain.add_argument("--fan", type=int, default=200)
    chain.add_argument("--repeat", type=int, default=5)
    commands.add_parser("import")
    limiter = commands.add_parser("ratelimit")
    limiter.add_argument("--token", required=True)
    limiter.add_argument("--path", action="append", required=True)
    limiter.add_argument("--count", type=int, default=300)
    limiter.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.command == "prepare":
        answer = prepare(args.people, args.series)
    elif args.command == "cascade":
        workspace = _workspace()
        owner = _people(workspace, 1)[0]
        answer = cascade(workspace, owner, args.levels, args.fan, args.repeat)
    elif args.command == "import":
        workspace = _workspace()
        answer = round_trip(workspace, _people(workspace, 1)[0])
    elif args.command == "ratelimit":
        answer = rate_limit(args.token, args.path, args.count, args.rounds)
    else:
        answer = figures(args.repeat)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
