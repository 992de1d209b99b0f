"""Any numbers the services accept leave every page and endpoint readable (docs/scoring.md,
"Limits"): random accepted values, extremes drawn often, stored through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goalkeeper.domain.limits import MAX_ABS_VALUE, MAX_WEIGHT
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import create_key_result, create_objective, record_check_in
from tests.conftest import World
from tests.numbers.reads import Ids, read_everything

EDGES = [MAX_ABS_VALUE, -MAX_ABS_VALUE, 0.0, -0.0, 5e-324, -5e-324, 1.0]
values = st.sampled_from(EDGES) | st.floats(min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)
weights = st.sampled_from([5e-324, 1e-300, 1.0, MAX_WEIGHT]) | st.floats(
    min_value=0, max_value=MAX_WEIGHT, exclude_min=True
)
# Yesterday (the latest complete day, judged by health), earlier this month, and October.
MOMENTS = [
    dt.datetime(2026, 11, 19, 8, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 19, 9, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 19, 10, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 5, tzinfo=dt.UTC),
]


@dataclass(frozen=True)
class Case:
    """What one example stores."""

    kind: str
    metric: tuple[float, float, float, float]  # start, commit, target, stretch
    zones: bool
    band: tuple[float, float]
    weights: tuple[float, float, float]
    check_ins: tuple[tuple[float, ...], tuple[float, ...]]
    direction: str
    goal: tuple[float, float]  # target and warning, or low and high
    aggregation: str
    frequency: str
    measurements: tuple[float, ...]
    link_mode: str


def _ordered(count: int) -> st.SearchStrategy[tuple[float, ...]]:
    return st.lists(values, min_size=count, max_size=count, unique_by=lambda v: v + 0.0).map(
        lambda found: tuple(sorted(found))
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(["increase", "decrease"]))
    metric = draw(_ordered(4))
    if kind == "decrease":
        metric = metric[::-1]
    direction = draw(st.sampled_from(["higher_is_better", "lower_is_better", "in_range"]))
    goal = draw(_ordered(2))
    if direction == "higher_is_better":
        goal = goal[::-1]  # target above warning
    return Case(
        kind=kind,
        metric=(metric[0], metric[1], metric[2], metric[3]),
        zones=draw(st.booleans()),
        band=draw(st.tuples(values, values).map(lambda pair: (min(pair), max(pair)))),
        weights=draw(st.tuples(weights, weights, weights)),
        check_ins=(
            tuple(draw(st.lists(values, min_size=1, max_size=3))),
            tuple(draw(st.lists(values, max_size=2))),
        ),
        direction=direction,
        goal=(goal[0], goal[1]),
        aggregation=draw(st.sampled_from(["sum", "average", "last", "min", "max"])),
        frequency=draw(st.sampled_from(["daily", "weekly", "monthly", "quarterly"])),
        measurements=tuple(draw(st.lists(values, min_size=1, max_size=len(MOMENTS)))),
        link_mode=draw(st.sampled_from(["latest", "cycle_aggregate"])),
    )


def store(world: World, case: Case) -> Ids:
    """Write the case through the services, as the pages and the API do."""
    actor = world.editor
    parent = create_objective(
        actor=actor,
        cycle=world.cycle,
        team=world.company,
        title="Be the reference",
        owner=actor,
        roll_up_children=True,
    )
    child = create_objective(
        actor=actor, cycle=world.cycle, team=world.sales, title="Win", owner=actor, parent=parent
    )
    start, commit, target, stretch = case.metric
    metric = create_key_result(
        actor=actor,
        objective=child,
        title="Metric",
        kind=case.kind,
        start=start,
        target=target,
        commit=commit if case.zones else None,
        stretch=stretch if case.zones else None,
        weight=case.weights[0],
    )
    band = create_key_result(
        actor=actor,
        objective=child,
        title="Band",
        kind="maintain",
        low=case.band[0],
        high=case.band[1],
        weight=case.weights[1],
    )
    for key_result, numbers in zip((metric, band), case.check_ins, strict=True):
        for value in numbers:
            record_check_in(actor=actor, key_result=key_result, value=value, confidence=5)
    if case.direction == "in_range":
        goal = {"low": case.goal[0], "high": case.goal[1], "warning": 0.0}
    else:
        goal = {"target": case.goal[0], "warning": case.goal[1]}
    kpi = create_kpi(
        actor=actor,
        team=world.sales,
        name="Bookings",
        owner=actor,
        direction=case.direction,
        aggregation=case.aggregation,
        frequency=case.frequency,
        **goal,
    )
    driven = create_key_result(
        actor=actor,
        objective=parent,
        title="Driven",
        kind="increase",
        start=-MAX_ABS_VALUE,
        target=MAX_ABS_VALUE,
        weight=case.weights[2],
        kpi=kpi,
        kpi_mode=case.link_mode,
    )
    points = list(zip(MOMENTS, case.measurements, strict=False))
    record_measurements(actor=actor, kpi=kpi, points=points)
    return Ids(
        cycle=world.cycle.pk,
        objectives=(parent.pk, child.pk),
        key_results=(metric.pk, band.pk, driven.pk),
        kpi=kpi.pk,
    )


@pytest.mark.usefixtures("now")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
# The extremes, whatever the draw: a decreasing key result checked in at its start (0 / -x,
# a negative zero), the largest and tiniest weights, a sum of values at the limit.
@example(
    case=Case(
        kind="decrease",
        metric=(10.0, 8.0, 0.0, -5.0),
        zones=False,
        band=(-MAX_ABS_VALUE, MAX_ABS_VALUE),
        weights=(MAX_WEIGHT, 5e-324, MAX_WEIGHT),
        check_ins=((10.0,), (-0.0,)),
        direction="higher_is_better",
        goal=(MAX_ABS_VALUE, -MAX_ABS_VALUE),
        aggregation="sum",
        frequency="daily",
        measurements=(MAX_ABS_VALUE, MAX_ABS_VALUE, MAX_ABS_VALUE, MAX_ABS_VALUE),
        link_mode="cycle_aggregate",
    )
)
@example(
    case=Case(
        kind="increase",
        metric=(-5e-324, 0.0, 5e-324, MAX_ABS_VALUE),
        zones=True,
        band=(0.0, 0.0),
        weights=(5e-324, 1e-300, 5e-324),
        check_ins=((MAX_ABS_VALUE, -MAX_ABS_VALUE), ()),
        direction="in_range",
        goal=(-MAX_ABS_VALUE, MAX_ABS_VALUE),
        aggregation="average",
        frequency="weekly",
        measurements=(-MAX_ABS_VALUE, -MAX_ABS_VALUE, -MAX_ABS_VALUE),
        link_mode="latest",
    )
)
def test_accepted_numbers_never_break_a_page_or_an_endpoint(
    world: World, api_for, case: Case
) -> None:
    # Each example in a savepoint rolled back at its end: the next starts from the world.
    with transaction.atomic():
        ids = store(world, case)
        read_everything(world.client_for(world.editor), api_for(world.editor), ids)
        transaction.set_rollback(True)
