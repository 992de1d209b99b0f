"""Reads of the cascade: a key result's contributors with their share, the contributors of
many key results at once, and a cycle's alignment links, each in bounded queries."""

from __future__ import annotations

import pytest

from goalkeeper.okrs import services
from goalkeeper.okrs.contributions import (
    AlignmentLink,
    alignment_links,
    contributions_in,
    contributors_of,
)
from goalkeeper.okrs.models import KeyResult, Objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def company(world: World) -> Objective:
    return factories.objective(world.cycle, world.company, "Reach $600k MRR", owner=world.admin)


@pytest.fixture
def mrr(company: Objective) -> KeyResult:
    return factories.key_result(company, "MRR", target=600, rollup="sum")


def sales_team_with(world: World, mrr: KeyResult, values: list[float | None]) -> list[KeyResult]:
    objective = factories.objective(world.cycle, world.sales, "Sell", owner=world.editor)
    made = []
    for number, value in enumerate(values):
        kr = factories.key_result(objective, f"Seller {number}", target=200, contributes_to=mrr)
        if value is not None:
            services.record_check_in(actor=world.editor, key_result=kr, value=value)
        made.append(kr)
    return made


def test_contributors_come_with_their_value_and_share_of_the_total(
    world: World, mrr: KeyResult, django_assert_num_queries
) -> None:
    sales_team_with(world, mrr, [300, 100])

    with django_assert_num_queries(1):
        found = contributors_of(mrr)
        teams = [item.key_result.objective.team.name for item in found]

    assert [(item.key_result.title, item.value, item.share) for item in found] == [
        ("Seller 0", 300, 0.75),
        ("Seller 1", 100, 0.25),
    ]
    assert teams == ["Sales", "Sales"]


def test_no_share_while_the_total_is_zero(world: World, mrr: KeyResult) -> None:
    sales_team_with(world, mrr, [None, None])

    assert [(item.value, item.share) for item in contributors_of(mrr)] == [(0, None), (0, None)]


def test_a_milestone_contributes_its_done_flag(
    world: World, mrr: KeyResult, company: Objective
) -> None:
    launches = factories.key_result(company, "Launches", target=2, rollup="sum")
    objective = factories.objective(world.cycle, world.sales, "Ship")
    done = factories.key_result(objective, "A", kind="milestone", contributes_to=launches)
    factories.key_result(objective, "B", kind="milestone", contributes_to=launches)
    services.record_check_in(actor=world.editor, key_result=done, done=True)

    assert [(item.value, item.share) for item in contributors_of(launches)] == [
        (1.0, 1.0),
        (0.0, 0.0),
    ]


def test_contributions_of_many_key_results_come_in_one_query(
    world: World, mrr: KeyResult, company: Objective, django_assert_num_queries
) -> None:
    arr = factories.key_result(company, "ARR", target=600, rollup="sum")
    sales_team_with(world, mrr, [30, 10])
    sales_team_with(world, arr, [5])
    lonely = factories.key_result(company, "Alone")

    with django_assert_num_queries(1):
        found = contributions_in(world.acme, [mrr.pk, arr.pk, lonely.pk])

    assert set(found) == {mrr.pk, arr.pk}
    first = found[mrr.pk][0]
    assert (first.title, first.team_name, first.owner_name, first.value, first.share) == (
        "Seller 0",
        "Sales",
        "Eddie Editor",
        30,
        0.75,
    )
    assert [fact.value for fact in found[arr.pk]] == [5]


def test_alignment_links_read_a_cycle_in_the_same_queries_at_any_size(
    world: World, mrr: KeyResult, company: Objective, django_assert_max_num_queries
) -> None:
    product = factories.objective(world.cycle, world.company, "Product")
    for size in (2, 8):
        for number in range(size):
            team_objective = factories.objective(world.cycle, world.sales, f"Team {size}.{number}")
            services.set_alignments(
                actor=world.admin, objective=team_objective, parents=[mrr, product]
            )
            factories.key_result(team_objective, "Share", contributes_to=mrr)

        with django_assert_max_num_queries(5):
            links = alignment_links(world.acme, world.cycle)

    assert len(links.contributions) == 10
    assert links.key_result_titles[mrr.pk] == "MRR"
    assert links.objective_titles[company.pk] == "Reach $600k MRR"
    some = Objective.objects.get(title="Team 8.0")
    assert links.parents_of(some.pk) == [
        AlignmentLink(
            objective_id=some.pk, parent_id=company.pk, key_result_id=mrr.pk, primary=True
        ),
        AlignmentLink(
            objective_id=some.pk, parent_id=product.pk, key_result_id=None, primary=False
        ),
    ]
