"""The bridges' writes: key results driven by a KPI, recovery objectives, promotion."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.services import create_recovery_objective as recover
from goalkeeper.bridges.services import (
    dismiss_recovery,
    link_key_result,
    promote_key_result,
    promotion_plan,
    unlink_key_result,
)
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink
from goalkeeper.kpis.services import record_measurements
from goalkeeper.okrs.models import CheckIn, CycleState, KeyResult, ObjectiveState
from goalkeeper.okrs.services import create_cycle
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi, monthly
from tests.web import factories

HOUR = dt.timedelta(hours=1)


# --- KR driven by a KPI -----------------------------------------------------------------------


def test_a_driven_key_result_takes_the_newest_value_as_an_automatic_check_in(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(frequency="daily")
    key_result = linked_key_result(world, kpi)

    record_measurements(
        actor=world.editor, kpi=kpi, points=[(NOW - 3 * DAY, 10.0), (NOW - DAY, 42.0)]
    )

    key_result.refresh_from_db()
    assert key_result.current == 42.0
    check_in = CheckIn.objects.get(key_result=key_result)
    assert check_in.automatic is True
    assert check_in.author is None
    assert check_in.value == 42.0
    assert "latest value" in check_in.note


def test_latest_is_the_newest_period_aggregated(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(frequency="monthly", aggregation="sum")
    key_result = linked_key_result(world, kpi)
    november = [(dt.datetime(2026, 11, day, tzinfo=dt.UTC), 10.0) for day in (2, 3, 4)]

    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[(dt.datetime(2026, 10, 5, tzinfo=dt.UTC), 99.0), *november],
    )

    key_result.refresh_from_db()
    assert key_result.current == 30.0


def test_a_cycle_aggregate_counts_only_values_inside_the_cycle(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(frequency="daily", aggregation="sum")
    key_result = linked_key_result(world, kpi, mode="cycle_aggregate")
    points = [
        (dt.datetime(2026, 9, 30, 23, tzinfo=dt.UTC), 1000.0),  # before the cycle
        (dt.datetime(2026, 10, 1, 0, tzinfo=dt.UTC), 1.0),
        (dt.datetime(2026, 11, 15, tzinfo=dt.UTC), 2.0),
        (dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC), 4.0),
        (dt.datetime(2027, 1, 1, 0, tzinfo=dt.UTC), 1000.0),  # after it
    ]

    record_measurements(actor=world.editor, kpi=kpi, points=points)

    key_result.refresh_from_db()
    assert key_result.current == 7.0
    assert "over 2026-Q4" in CheckIn.objects.get(key_result=key_result).note


def test_one_check_in_per_key_result_per_batch_in_bounded_queries(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(frequency="hourly")
    first = linked_key_result(world, kpi)
    second = linked_key_result(world, kpi, mode="cycle_aggregate")

    def queries_for(count: int, offset: int) -> int:
        points = [(NOW - (offset + i) * HOUR, float(i)) for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            record_measurements(actor=world.editor, kpi=kpi, points=points)
        # The values themselves go in bulk INSERTs of a few hundred rows (SQLite's limit on
        # parameters); everything else must not depend on the size of the batch.
        return sum(
            not query["sql"].startswith('INSERT INTO "kpis_measurement"')
            for query in captured.captured_queries
        )

    queries_for(1, 50)  # loads the KPI's workspace once
    few = queries_for(5, 0)
    many = queries_for(900, 60)

    assert few == many, (few, many)
    assert CheckIn.objects.filter(key_result=first).count() == 3
    assert CheckIn.objects.filter(key_result=second).count() == 3


def test_finished_and_milestone_key_results_do_not_move(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    closed = linked_key_result(world, kpi)
    closed.objective.state = ObjectiveState.CLOSED
    closed.objective.save()
    milestone = linked_key_result(world, kpi, kind="milestone")

    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW, 5.0)])

    assert not CheckIn.objects.filter(key_result__in=[closed, milestone]).exists()


def test_a_key_result_in_a_closed_cycle_does_not_move(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    key_result = linked_key_result(world, kpi)
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW, 5.0)])

    assert not CheckIn.objects.filter(key_result=key_result).exists()


def test_linking_gives_the_key_result_its_value_at_once(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW - DAY, 250.0)], frequency="daily")
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Reach 1000", start=0, target=1000)

    linked = link_key_result(actor=world.editor, key_result=key_result, kpi=kpi)

    assert (linked.kpi_id, linked.kpi_mode, linked.current) == (kpi.pk, "latest", 250.0)
    assert AuditEntry.objects.filter(action="key_result.updated", object_id=key_result.pk).exists()


def test_a_milestone_cannot_be_driven_by_a_kpi(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    milestone = factories.key_result(objective, "Launched", kind="milestone")

    with pytest.raises(ValidationError, match="milestone"):
        link_key_result(actor=world.editor, key_result=milestone, kpi=kpi)


def test_a_closed_objectives_key_result_cannot_be_linked(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    objective = factories.objective(
        world.cycle, world.sales, "Done", owner=world.editor, state=ObjectiveState.CLOSED
    )
    key_result = factories.key_result(objective, "Old")

    with pytest.raises(ValidationError, match="closed"):
        link_key_result(actor=world.editor, key_result=key_result, kpi=kpi)


def test_unlinking_keeps_the_history(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    key_result = linked_key_result(world, kpi)
    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW + HOUR, 6.0)])
    key_result.refresh_from_db()

    unlink_key_result(actor=world.editor, key_result=key_result)

    key_result.refresh_from_db()
    assert key_result.kpi_id is None
    assert key_result.current == 6.0
    assert CheckIn.objects.filter(key_result=key_result).count() == 1


def test_a_new_cycle_does_not_change_which_cycle_a_key_result_aggregates(
    world: World, make_kpi: MakeKpi
) -> None:
    create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.PLANNING,
    )
    kpi = make_kpi(frequency="daily", aggregation="sum")
    key_result = linked_key_result(world, kpi, mode="cycle_aggregate")

    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[
            (dt.datetime(2026, 10, 2, tzinfo=dt.UTC), 3.0),
            (dt.datetime(2027, 1, 2, tzinfo=dt.UTC), 5.0),
        ],
    )

    key_result.refresh_from_db()
    assert key_result.current == 3.0


# --- Flag: recovery objectives ------------------------------------------------------------------


def test_a_red_kpi_gets_a_draft_recovery_objective_in_the_active_cycle(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([120, 100, 60]), target=100, warning=80, unit="$")

    objective = recover(actor=world.editor, kpi=kpi)

    assert (objective.cycle, objective.team, objective.owner) == (
        world.cycle,
        world.sales,
        world.editor,
    )
    assert objective.state == ObjectiveState.DRAFT
    assert objective.title == "Bring Revenue back to target"
    key_result = objective.key_results.get()
    assert (key_result.kind, key_result.start, key_result.target) == ("increase", 60.0, 100.0)
    assert (key_result.current, key_result.unit) == (60.0, "$")
    assert (key_result.kpi_id, key_result.kpi_mode) == (kpi.pk, "latest")
    assert RecoveryLink.objects.get().objective == objective
    assert AuditEntry.objects.filter(action="kpi.recovery_created", object_id=kpi.pk).exists()


def test_a_lower_is_better_kpi_recovers_with_a_decrease(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Churn", monthly([9]), direction="lower_is_better", target=2, warning=4)

    key_result = recover(actor=world.editor, kpi=kpi).key_results.get()

    assert (key_result.kind, key_result.start, key_result.target) == ("decrease", 9.0, 2.0)


@pytest.mark.parametrize(
    ("value", "kind", "target"), [(10.0, "increase", 40.0), (95.0, "decrease", 70.0)]
)
def test_an_in_range_kpi_recovers_towards_the_nearer_bound(
    world: World, now: dt.datetime, make_kpi: MakeKpi, value: float, kind: str, target: float
) -> None:
    kpi = make_kpi(
        "CPU", monthly([value]), direction="in_range", target=None, low=40, high=70, warning=5
    )

    key_result = recover(actor=world.editor, kpi=kpi).key_results.get()

    assert (key_result.kind, key_result.start, key_result.target) == (kind, value, target)


def test_only_a_red_kpi_gets_a_recovery_objective(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    yellow = make_kpi("Yellow", monthly([90]), target=100, warning=80)
    silent = make_kpi("Silent")

    for kpi in (yellow, silent):
        with pytest.raises(ValidationError, match="not red"):
            recover(actor=world.editor, kpi=kpi)
    assert not RecoveryLink.objects.exists()


def test_one_recovery_at_a_time_until_it_is_closed(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([50]))
    first = recover(actor=world.editor, kpi=kpi)

    with pytest.raises(ValidationError, match="already open"):
        recover(actor=world.editor, kpi=kpi)

    first.state = ObjectiveState.CLOSED
    first.save()
    assert recover(actor=world.editor, kpi=kpi) != first


def test_without_an_open_cycle_there_is_nowhere_to_recover(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    kpi = make_kpi("Revenue", monthly([50]))

    with pytest.raises(ValidationError, match="no open cycle"):
        recover(actor=world.editor, kpi=kpi)


def test_the_recovery_key_result_follows_the_kpi_afterwards(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([50]))
    key_result = recover(actor=world.editor, kpi=kpi).key_results.get()

    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW, 80.0)])

    key_result.refresh_from_db()
    assert key_result.current == 80.0


# --- Promote ------------------------------------------------------------------------------------


def test_promoting_copies_the_history_and_keeps_the_link(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    at = [NOW - 20 * DAY, NOW - 10 * DAY, NOW - DAY]
    key_result = factories.key_result(
        objective,
        "Weekly demos booked",
        start=10,
        target=40,
        commit=20,
        stretch=50,
        unit="demos",
        check_ins=[(15, at[0]), (22, at[1]), (31, at[2])],
    )

    kpi = promote_key_result(actor=world.editor, key_result=key_result, frequency="weekly")

    assert (kpi.name, kpi.team, kpi.owner, kpi.unit) == (
        "Weekly demos booked",
        world.sales,
        world.editor,
        "demos",
    )
    assert (kpi.direction, kpi.target, kpi.warning, kpi.frequency) == (
        "higher_is_better",
        40.0,
        20.0,
        "weekly",
    )
    cycle_start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    assert list(
        Measurement.objects.filter(kpi=kpi).order_by("timestamp").values_list("timestamp", "value")
    ) == [(cycle_start, 10.0), *zip(at, [15.0, 22.0, 31.0], strict=True)]
    key_result.refresh_from_db()
    assert (key_result.kpi_id, key_result.kpi_mode, key_result.current) == (kpi.pk, "latest", 31.0)
    # The history is copied to the KPI, not back: at most the link's reading of it.
    assert CheckIn.objects.filter(key_result=key_result, automatic=False).count() == 3
    automatic = CheckIn.objects.filter(key_result=key_result, automatic=True)
    assert set(automatic.values_list("value", flat=True)) <= {31.0}
    assert AuditEntry.objects.filter(action="key_result.promoted", object_id=kpi.pk).exists()


def test_a_promoted_kpi_keeps_the_start_value_as_its_first_measurement(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Cut", owner=world.editor)
    key_result = factories.key_result(
        objective, "Open bugs", kind="decrease", start=80, target=20, check_ins=[(70, NOW - DAY)]
    )

    kpi = promote_key_result(actor=world.editor, key_result=key_result)

    first = Measurement.objects.filter(kpi=kpi).order_by("timestamp").first()
    assert first is not None
    # The world's cycle starts on 1 October 2026; the workspace reads days in UTC.
    assert (first.timestamp, first.value) == (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), 80.0)


def test_a_key_result_without_check_ins_promotes_to_a_kpi_with_its_start_value(
    world: World,
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Partners", start=3, target=12)

    kpi = promote_key_result(actor=world.editor, key_result=key_result)

    assert list(Measurement.objects.filter(kpi=kpi).values_list("value", flat=True)) == [3.0]


def test_a_check_in_before_the_cycle_start_stands_for_the_start_value(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    planned = dt.datetime(2026, 9, 28, tzinfo=dt.UTC)
    key_result = factories.key_result(
        objective, "Partners", start=3, target=12, check_ins=[(4, planned)]
    )

    kpi = promote_key_result(actor=world.editor, key_result=key_result)

    assert list(Measurement.objects.filter(kpi=kpi).values_list("timestamp", "value")) == [
        (planned, 4.0)
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "decrease", "start": 9, "target": 3}, ("lower_is_better", 3.0, None, None)),
        ({"kind": "maintain", "low": 95, "high": 100}, ("in_range", None, 95.0, 100.0)),
        ({"kind": "maintain", "low": 95}, ("higher_is_better", 95.0, None, None)),
        ({"kind": "maintain", "high": 4}, ("lower_is_better", 4.0, None, None)),
    ],
)
def test_each_key_result_kind_maps_to_a_kpi_direction(
    world: World, fields: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Keep", owner=world.editor)
    kind = fields.pop("kind")
    key_result = factories.key_result(objective, "Metric", kind=kind, **fields)
    if kind == "maintain":
        KeyResult.objects.filter(pk=key_result.pk).update(**fields)
        key_result.refresh_from_db()

    kpi = promote_key_result(actor=world.editor, key_result=key_result)

    assert (kpi.direction, kpi.target, kpi.low, kpi.high) == expected


def test_a_milestone_cannot_be_promoted(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    milestone = factories.key_result(objective, "Launched", kind="milestone")

    with pytest.raises(ValidationError, match="milestone"):
        promote_key_result(actor=world.editor, key_result=milestone)
    assert not Kpi.objects.exists()


def test_a_key_result_already_driven_by_a_kpi_is_not_promoted_again(
    world: World, make_kpi: MakeKpi
) -> None:
    key_result = linked_key_result(world, make_kpi())

    with pytest.raises(ValidationError, match="already reads"):
        promotion_plan(key_result)


# --- Recovery drafts left in a closed cycle -------------------------------------------------


def close_the_cycle_and_open_the_next(world: World) -> Any:
    """Close the world's cycle (its drafts stay drafts) and start 2027-Q1."""
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    return create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.ACTIVE,
    )


def test_a_recovery_draft_of_a_closed_cycle_does_not_block_a_new_recovery(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([50]))
    draft = recover(actor=world.editor, kpi=kpi)
    following = close_the_cycle_and_open_the_next(world)

    again = recover(actor=world.editor, kpi=kpi)

    assert again.cycle == following
    assert again != draft
    assert RecoveryLink.objects.filter(kpi=kpi).count() == 2


def test_a_stale_recovery_draft_is_dismissed_and_stays_in_its_cycle(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([50]))
    draft = recover(actor=world.editor, kpi=kpi)
    close_the_cycle_and_open_the_next(world)

    dismiss_recovery(actor=world.editor, recovery=RecoveryLink.objects.get(objective=draft))

    assert not RecoveryLink.objects.filter(kpi=kpi).exists()
    draft.refresh_from_db()
    assert (draft.state, draft.cycle) == (ObjectiveState.DRAFT, world.cycle)
    entry = AuditEntry.objects.get(action="kpi.recovery_dismissed")
    assert (entry.object_id, entry.changes) == (kpi.pk, {"objective": [draft.pk, None]})


def test_an_open_or_closed_recovery_is_not_dismissed(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([50]))
    draft = recover(actor=world.editor, kpi=kpi)
    link = RecoveryLink.objects.get(objective=draft)

    with pytest.raises(ValidationError, match="still open"):
        dismiss_recovery(actor=world.editor, recovery=link)
    draft.state = ObjectiveState.CLOSED
    draft.save()
    link.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        dismiss_recovery(actor=world.editor, recovery=link)
    assert RecoveryLink.objects.filter(pk=link.pk).exists()
