"""Contributions roll up: a key result that adds up its contributors' values is recomputed
once per change, children before parents, in a fixed number of reads however deep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.events import recorded
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs import services
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


def fresh(key_result: KeyResult) -> KeyResult:
    return KeyResult.objects.get(pk=key_result.pk)


def automatic_check_ins(key_result: KeyResult) -> list[CheckIn]:
    return list(CheckIn.objects.filter(key_result=key_result, automatic=True))


@pytest.fixture
def company_objective(world: World) -> Objective:
    return factories.objective(world.cycle, world.company, "Reach $600k MRR", owner=world.admin)


@pytest.fixture
def sales_objective(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Sell more", owner=world.editor)


@pytest.fixture
def mrr(company_objective: Objective) -> KeyResult:
    return factories.key_result(company_objective, "MRR", target=600, rollup="sum")


def contributor(objective: Objective, title: str, parent: KeyResult, **fields) -> KeyResult:
    return factories.key_result(objective, title, target=200, contributes_to=parent, **fields)


def chain(world: World, levels: int) -> list[KeyResult]:
    """`levels` key results, each in its own objective, the bottom one checked in on and
    every other one adding up the one below: [bottom, ..., top]."""
    key_results: list[KeyResult] = []
    for level in reversed(range(levels)):
        objective = factories.objective(world.cycle, world.sales, f"Level {level}")
        key_results.insert(
            0,
            factories.key_result(
                objective,
                f"Level {level} result",
                target=1000,
                rollup="sum" if level else "none",
                contributes_to=key_results[0] if key_results else None,
            ),
        )
    return key_results


# --- One change updates every ancestor once ---------------------------------------------------


def test_a_check_in_at_the_bottom_of_five_levels_updates_the_four_above_once_each(
    world: World,
) -> None:
    bottom, *ancestors = chain(world, 5)

    services.record_check_in(actor=world.editor, key_result=bottom, value=30)

    for ancestor in ancestors:
        assert fresh(ancestor).current == 30
        [check_in] = automatic_check_ins(ancestor)
        assert check_in.value == 30
        assert check_in.note == "Automatic: sum of 1 contributing key result."
        assert check_in.author is None


def test_each_ancestor_emits_one_check_in_event(world: World) -> None:
    bottom, *ancestors = chain(world, 5)

    with recorded() as seen:
        services.record_check_in(actor=world.editor, key_result=bottom, value=30)

    check_ins = [
        event.payload["key_result"]["id"] for event in seen if event.name == "check_in.created"
    ]
    assert sorted(check_ins) == sorted([bottom.pk, *(kr.pk for kr in ancestors)])


def queries_of_a_check_in(world: World, levels: int) -> tuple[int, int]:
    """(all queries, reads of the contribution graph) of one check-in at the bottom."""
    bottom = chain(world, levels)[0]
    with CaptureQueriesContext(connection) as context:
        services.record_check_in(actor=world.editor, key_result=bottom, value=7)
    graph_reads = [
        query["sql"]
        for query in context.captured_queries
        if '"contributes_to_id" IS NOT NULL' in query["sql"] and "rollup" in query["sql"]
    ]
    return len(context.captured_queries), len(graph_reads)


def test_the_graph_is_read_in_the_same_queries_however_deep_the_chain(world: World) -> None:
    two, two_reads = queries_of_a_check_in(world, 2)
    three, three_reads = queries_of_a_check_in(world, 3)
    five, five_reads = queries_of_a_check_in(world, 5)

    assert two_reads == three_reads == five_reads == 1
    # Each ancestor written costs the same fixed number of queries (its lock is shared).
    per_ancestor = three - two
    assert per_ancestor <= 8
    assert five - three == 2 * per_ancestor


# --- Sum, average, what contributes ------------------------------------------------------------


def test_sum_adds_the_contributors_values(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    ann = contributor(sales_objective, "Ann's MRR", mrr)
    bob = contributor(sales_objective, "Bob's MRR", mrr)

    services.record_check_in(actor=world.editor, key_result=ann, value=120)
    services.record_check_in(actor=world.editor, key_result=bob, value=80)

    assert fresh(mrr).current == 200
    assert automatic_check_ins(mrr)[-1].note == "Automatic: sum of 2 contributing key results."


def test_average_is_over_the_contributors_with_a_value(
    world: World, company_objective: Objective, sales_objective: Objective
) -> None:
    satisfaction = factories.key_result(company_objective, "NPS", target=60, rollup="average")
    east = contributor(sales_objective, "NPS east", satisfaction)
    west = contributor(sales_objective, "NPS west", satisfaction)
    # A maintain key result has no value before its first check-in: it is left out.
    contributor(sales_objective, "NPS north", satisfaction, kind="maintain", low=30)

    services.record_check_in(actor=world.editor, key_result=east, value=40)
    services.record_check_in(actor=world.editor, key_result=west, value=50)

    assert fresh(satisfaction).current == 45


def test_contributors_in_another_team_and_cycle_count(world: World, mrr: KeyResult) -> None:
    other_cycle = Cycle.objects.create(
        workspace=world.acme,
        name="2026-Q3",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
        state="active",
    )
    elsewhere = factories.objective(other_cycle, world.sales, "Last quarter's push")
    late = contributor(elsewhere, "Late deals", mrr)

    services.record_check_in(actor=world.editor, key_result=late, value=55)

    assert fresh(mrr).current == 55


def test_a_milestone_contributes_one_when_done(
    world: World, company_objective: Objective, sales_objective: Objective
) -> None:
    launches = factories.key_result(company_objective, "Launches", target=3, rollup="sum")
    first = contributor(sales_objective, "Launch A", launches, kind="milestone")
    contributor(sales_objective, "Launch B", launches, kind="milestone")

    services.record_check_in(actor=world.editor, key_result=first, done=True)

    assert fresh(launches).current == 1


def test_a_closed_ancestor_keeps_its_value_and_its_parent_reads_it(world: World) -> None:
    bottom, middle, top = chain(world, 3)
    services.record_check_in(actor=world.editor, key_result=bottom, value=10)
    services.close_objective(actor=world.admin, objective=middle.objective, final_score=0.0)

    services.record_check_in(actor=world.editor, key_result=bottom, value=25)

    assert fresh(middle).current == 10
    assert fresh(top).current == 10
    assert len(automatic_check_ins(middle)) == 1


def test_an_unchanged_total_writes_no_check_in(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    ann = contributor(sales_objective, "Ann's MRR", mrr)
    services.record_check_in(actor=world.editor, key_result=ann, value=50)

    services.record_check_in(actor=world.editor, key_result=ann, value=50)

    assert len(automatic_check_ins(mrr)) == 1


# --- Changes of the graph recompute ------------------------------------------------------------


def test_deleting_a_contributor_recomputes_its_parent(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    ann = contributor(sales_objective, "Ann's MRR", mrr)
    bob = contributor(sales_objective, "Bob's MRR", mrr)
    services.record_check_in(actor=world.editor, key_result=ann, value=120)
    services.record_check_in(actor=world.editor, key_result=bob, value=80)

    services.delete_key_result(actor=world.editor, key_result=bob)

    assert fresh(mrr).current == 120


def test_deleting_a_contributors_objective_recomputes_its_parent(
    world: World, mrr: KeyResult, sales_objective: Objective, company_objective: Objective
) -> None:
    ann = contributor(sales_objective, "Ann's MRR", mrr)
    services.record_check_in(actor=world.editor, key_result=ann, value=120)
    other = factories.objective(world.cycle, world.sales, "Other")
    bob = contributor(other, "Bob's MRR", mrr)
    services.record_check_in(actor=world.editor, key_result=bob, value=80)

    services.delete_objective(actor=world.editor, objective=other)

    assert fresh(mrr).current == 120


def test_moving_a_contributor_recomputes_the_old_and_the_new_parent(
    world: World, mrr: KeyResult, company_objective: Objective, sales_objective: Objective
) -> None:
    arr = factories.key_result(company_objective, "ARR", target=600, rollup="sum")
    ann = contributor(sales_objective, "Ann's MRR", mrr)
    bob = contributor(sales_objective, "Bob's MRR", mrr)
    services.record_check_in(actor=world.editor, key_result=ann, value=120)
    services.record_check_in(actor=world.editor, key_result=bob, value=80)

    services.update_key_result(actor=world.editor, key_result=bob, contributes_to=arr)

    assert fresh(mrr).current == 120
    assert fresh(arr).current == 80


def test_a_new_contributor_with_a_value_counts_at_once(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    contributor(sales_objective, "Carried deals", mrr, start=40)

    assert fresh(mrr).current == 40


def test_turning_roll_up_on_takes_the_contributors_total(
    world: World, company_objective: Objective, sales_objective: Objective
) -> None:
    mrr = factories.key_result(company_objective, "MRR", target=600)
    ann = contributor(sales_objective, "Ann's MRR", mrr)
    services.record_check_in(actor=world.editor, key_result=ann, value=70)
    assert fresh(mrr).current == 0

    services.update_key_result(actor=world.admin, key_result=mrr, rollup="sum")

    assert fresh(mrr).current == 70


def test_a_key_result_may_roll_up_before_it_has_contributors(
    world: World, company_objective: Objective
) -> None:
    mrr = factories.key_result(company_objective, "MRR", start=10, target=600)

    services.update_key_result(actor=world.admin, key_result=mrr, rollup="average")

    assert fresh(mrr).current == 10
    assert fresh(mrr).rollup == "average"


def test_a_kpi_driven_contributor_rolls_up(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Sales MRR",
        owner=world.editor,
        direction="higher_is_better",
        target=300,
        warning=200,
    )
    record_measurements(
        actor=world.admin, kpi=kpi, points=[(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), 90.0)]
    )

    contributor(sales_objective, "Team MRR", mrr, kpi=kpi)

    assert fresh(mrr).current == 90


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="the database has no row locks"
)
def test_the_ancestors_are_locked_before_their_contributors_are_read(
    world: World, mrr: KeyResult, sales_objective: Objective
) -> None:
    ann = contributor(sales_objective, "Ann's MRR", mrr)

    with CaptureQueriesContext(connection) as context:
        services.record_check_in(actor=world.editor, key_result=ann, value=5)

    sqls = [query["sql"] for query in context.captured_queries]
    lock = next(i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and f"IN ({mrr.pk})" in sql)
    values = next(i for i, sql in enumerate(sqls) if '"contributes_to_id" IN' in sql)
    assert lock < values
