"""An objective supports several parents (objectives or key results), the first primary;
loops are refused over the whole alignment graph with the objectives named."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import recorded
from goalkeeper.okrs import services
from goalkeeper.okrs.models import Alignment, Cycle, Objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


def fresh(objective: Objective) -> Objective:
    return Objective.objects.get(pk=objective.pk)


def further(objective: Objective) -> list[tuple[int, int | None]]:
    return list(
        Alignment.objects.filter(objective=objective).values_list("parent_id", "key_result_id")
    )


@pytest.fixture
def company(world: World) -> Objective:
    return factories.objective(world.cycle, world.company, "Company", owner=world.admin)


@pytest.fixture
def product(world: World) -> Objective:
    return factories.objective(world.cycle, world.company, "Product", owner=world.admin)


@pytest.fixture
def sales(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Sales", owner=world.editor)


def test_the_first_parent_is_primary_and_the_others_are_further_alignments(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    revenue = factories.key_result(company, "Revenue")

    services.set_alignments(actor=world.editor, objective=sales, parents=[revenue, product])

    stored = fresh(sales)
    assert (stored.parent_id, stored.parent_key_result_id) == (company.pk, revenue.pk)
    assert further(sales) == [(product.pk, None)]


def test_a_parent_objective_as_primary_has_no_key_result(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    adoption = factories.key_result(product, "Adoption")

    services.set_alignments(actor=world.editor, objective=sales, parents=[company, adoption])

    stored = fresh(sales)
    assert (stored.parent_id, stored.parent_key_result_id) == (company.pk, None)
    assert further(sales) == [(product.pk, adoption.pk)]


def test_setting_parents_replaces_the_previous_ones(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[company, product])

    services.set_alignments(actor=world.editor, objective=sales, parents=[product])

    assert fresh(sales).parent_id == product.pk
    assert further(sales) == []


def test_an_empty_list_leaves_the_objective_unaligned(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[company, product])

    services.set_alignments(actor=world.editor, objective=sales, parents=[])

    stored = fresh(sales)
    assert (stored.parent_id, stored.parent_key_result_id) == (None, None)
    assert further(sales) == []


def test_repeated_parents_count_once(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(
        actor=world.editor, objective=sales, parents=[company, product, company, product]
    )

    assert fresh(sales).parent_id == company.pk
    assert further(sales) == [(product.pk, None)]


def test_parents_in_another_team_and_cycle_are_allowed(
    world: World, company: Objective, sales: Objective
) -> None:
    later = Cycle.objects.create(
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    yearly = factories.objective(later, world.company, "Yearly")

    services.set_alignments(actor=world.editor, objective=sales, parents=[company, yearly])

    assert further(sales) == [(yearly.pk, None)]


def test_the_audit_entry_and_event_name_the_parents(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    revenue = factories.key_result(company, "Revenue")

    with recorded() as seen:
        services.set_alignments(actor=world.editor, objective=sales, parents=[revenue, product])

    assert [event.name for event in seen] == ["objective.updated"]
    entry = AuditEntry.objects.filter(action="objective.updated").latest("id")
    assert entry.changes == {
        "parents": [
            [],
            [
                {"objective": company.pk, "key_result": revenue.pk},
                {"objective": product.pk, "key_result": None},
            ],
        ]
    }


def test_setting_the_same_parents_again_writes_nothing(
    world: World, company: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[company])

    with recorded() as seen:
        services.set_alignments(actor=world.editor, objective=sales, parents=[company])

    assert seen == []


# --- Refusals -----------------------------------------------------------------------------------


def refusal(world: World, objective: Objective, parents: list) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        services.set_alignments(actor=world.editor, objective=objective, parents=parents)
    return refused.value.message_dict


def test_a_loop_through_primary_parents_is_refused_naming_it(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[product])
    services.set_alignments(actor=world.editor, objective=product, parents=[company])

    assert refusal(world, company, [sales]) == {
        "parents": [
            "this alignment would make a loop: “Company” supports “Sales” which supports "
            "“Product” which supports “Company”"
        ]
    }
    assert fresh(company).parent_id is None


def test_a_loop_through_a_further_alignment_is_refused(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[product, company])

    assert refusal(world, company, [sales]) == {
        "parents": [
            "this alignment would make a loop: “Company” supports “Sales” which supports “Company”"
        ]
    }


def test_a_loop_through_a_key_result_is_refused(
    world: World, company: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[company])
    quota = factories.key_result(sales, "Quota")

    assert "parents" in refusal(world, company, [quota])


def test_supporting_itself_or_its_own_key_result_is_refused(world: World, sales: Objective) -> None:
    own = factories.key_result(sales, "Quota")

    assert refusal(world, sales, [sales]) == {"parents": ["an objective cannot support itself"]}
    assert refusal(world, sales, [own]) == {
        "parents": ["an objective cannot support one of its own key results"]
    }


def test_a_parent_in_another_workspace_is_refused(world: World, sales: Objective) -> None:
    globex_cycle = Cycle.objects.create(
        workspace=world.globex,
        name="2026-Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        state="active",
    )
    theirs = factories.objective(globex_cycle, world.globex.teams.get(), "Theirs")

    assert refusal(world, sales, [theirs]) == {"parents": ["“Theirs” belongs to another workspace"]}


def test_the_loop_check_reads_the_same_queries_however_deep(world: World) -> None:
    def deep(levels: int) -> tuple[Objective, Objective]:
        objectives = [factories.objective(world.cycle, world.sales, f"L{i}") for i in range(levels)]
        for child, parent in pairwise(objectives):
            services.set_alignments(actor=world.editor, objective=child, parents=[parent])
        return objectives[0], objectives[-1]

    reads = []
    for levels in (3, 12):
        bottom, top = deep(levels)
        with CaptureQueriesContext(connection) as context, pytest.raises(ValidationError):
            services.set_alignments(actor=world.editor, objective=top, parents=[bottom])
        reads.append(sum(q["sql"].startswith("SELECT") for q in context.captured_queries))

    # Primary parents, further alignments, and the titles the refusal names.
    assert reads == [3, 3]


# --- update_objective(parent=...) keeps working ------------------------------------------------


def test_changing_the_parent_clears_a_key_result_of_the_old_parent(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    revenue = factories.key_result(company, "Revenue")
    services.set_alignments(actor=world.editor, objective=sales, parents=[revenue])

    services.update_objective(actor=world.editor, objective=sales, parent=product)

    stored = fresh(sales)
    assert (stored.parent_id, stored.parent_key_result_id) == (product.pk, None)


def test_keeping_the_parent_keeps_its_key_result(
    world: World, company: Objective, sales: Objective
) -> None:
    revenue = factories.key_result(company, "Revenue")
    services.set_alignments(actor=world.editor, objective=sales, parents=[revenue])

    services.update_objective(actor=world.editor, objective=sales, parent=company, title="Sell")

    assert fresh(sales).parent_key_result_id == revenue.pk


def test_clearing_the_parent_clears_its_key_result(
    world: World, company: Objective, sales: Objective
) -> None:
    services.set_alignments(
        actor=world.editor, objective=sales, parents=[factories.key_result(company, "Revenue")]
    )

    services.update_objective(actor=world.editor, objective=sales, parent=None)

    assert fresh(sales).parent_key_result_id is None


def test_a_new_primary_parent_replaces_the_same_further_alignment(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[company, product])

    services.update_objective(actor=world.editor, objective=sales, parent=product)

    assert fresh(sales).parent_id == product.pk
    assert further(sales) == []


def test_a_parent_that_loops_through_a_further_alignment_is_refused(
    world: World, company: Objective, product: Objective, sales: Objective
) -> None:
    services.set_alignments(actor=world.editor, objective=sales, parents=[product, company])

    with pytest.raises(ValidationError) as refused:
        services.update_objective(actor=world.admin, objective=company, parent=sales)

    assert refused.value.message_dict == {
        "parent": [
            "this alignment would make a loop: “Company” supports “Sales” which supports “Company”"
        ]
    }
