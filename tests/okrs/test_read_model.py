"""One read model for OKRs: the same rows give the same figures, whoever reads them.

Pages read `values()` dicts, the API and the events read model instances; both become the
same light rows (`goalkeeper.okrs.facts`) and go through the same roll-up and clock.
"""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.domain.pace import PaceStatus
from goalkeeper.okrs import cycles
from goalkeeper.okrs.access import access_key_result_by_id
from goalkeeper.okrs.facts import (
    KEY_RESULT_FACT_FIELDS,
    OBJECTIVE_FACT_FIELDS,
    KeyResultFacts,
    cycle_facts,
    key_result_facts,
    key_result_spec,
    objective_facts,
)
from goalkeeper.okrs.figures import (
    key_result_figures,
    objective_figures,
    objective_figures_from,
    ordered_key_results,
    rolled_up,
)
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from goalkeeper.okrs.pages.board import cycle_overview
from goalkeeper.okrs.services import close_objective, create_cycle, create_key_result
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)


@pytest.fixture
def tree(world: World, now: dt.datetime) -> dict[str, Objective]:
    """A roll-up root with a measured child, a draft child (never counted) and its own KR."""
    root = factories.objective(
        world.cycle, world.company, "Root", owner=world.admin, roll_up_children=True
    )
    factories.key_result(root, "Own", weight=2, check_ins=[(30, now - 3 * DAY)])
    child = factories.objective(world.cycle, world.sales, "Child", owner=world.editor, parent=root)
    factories.key_result(child, "Deals", target=10, commit=3, stretch=15, check_ins=[(10, now)])
    draft = factories.objective(
        world.cycle, world.sales, "Idea", owner=world.editor, parent=root, state="draft"
    )
    factories.key_result(draft, "Anything", check_ins=[(100, now)])
    return {"root": root, "child": child, "draft": draft}


def test_a_row_read_as_a_dict_or_as_an_instance_is_the_same_row(
    world: World, tree: dict[str, Objective]
) -> None:
    instance = KeyResult.objects.get(title="Deals")
    values = KeyResult.objects.values(*KEY_RESULT_FACT_FIELDS).get(title="Deals")

    assert key_result_facts(instance) == key_result_facts(values)
    assert key_result_spec(instance) == key_result_spec(values) == instance.spec
    assert cycle_facts(world.cycle) == cycle_facts(
        type(world.cycle).objects.values("id", "start_date", "end_date", "state").get()
    )


def test_the_api_and_the_pages_read_the_same_figures(
    world: World, tree: dict[str, Objective], now: dt.datetime
) -> None:
    clock = world.acme.clock(now)
    objectives = list(
        Objective.objects.filter(cycle=world.cycle)
        .exclude(state="draft")
        .select_related("cycle")
        .prefetch_related(ordered_key_results())
    )
    api = objective_figures(objectives, clock)
    pages = {row.id: row for row in cycle_overview(world.acme, world.cycle, now).objectives}

    assert set(api) == set(pages)
    for pk, figures in api.items():
        row = pages[pk]
        assert (figures.progress, figures.score, figures.status) == (
            row.progress,
            row.score,
            row.status,
        )


def test_a_roll_up_counts_its_non_draft_children_of_the_cycle(
    world: World, tree: dict[str, Objective], now: dt.datetime
) -> None:
    period = cycle_facts(world.cycle)
    key_results: dict[int, list[KeyResultFacts]] = {}
    for values in KeyResult.objects.values(*KEY_RESULT_FACT_FIELDS):
        key_results.setdefault(values["objective_id"], []).append(key_result_facts(values))
    facts = [
        objective_facts(values, period, key_results.get(values["id"], []))
        for values in Objective.objects.values(*OBJECTIVE_FACT_FIELDS)
    ]

    rolled = rolled_up(facts)

    # Root: its key result (0.3, weight 2) and Child (10 of 10 with zones: 0.7), weight 1.
    assert rolled[tree["child"].pk].progress == pytest.approx(0.7)
    assert rolled[tree["root"].pk].progress == pytest.approx((2 * 0.3 + 0.7) / 3)
    assert rolled[tree["root"].pk].last_check_in_at == now
    figures = objective_figures_from(facts, world.acme.clock(now))
    assert figures[tree["root"].pk].score == 0.4


def test_a_closed_objective_reads_its_final_score(world: World, tree: dict[str, Objective]) -> None:
    close_objective(actor=world.editor, objective=tree["child"], final_score=0.9)
    child = (
        Objective.objects.select_related("cycle")
        .prefetch_related(ordered_key_results())
        .get(pk=tree["child"].pk)
    )

    figures = objective_figures([child], world.acme.clock())

    assert figures[child.pk].score == 0.9
    assert figures[child.pk].progress == pytest.approx(0.7)


def test_a_key_result_read_by_the_api_has_the_pages_numbers(
    world: World, tree: dict[str, Objective], now: dt.datetime
) -> None:
    key_result = access_key_result_by_id(world.editor, KeyResult.objects.get(title="Deals").pk)

    figures = key_result_figures(key_result, key_result.objective.cycle, world.acme.clock(now))

    assert (figures.progress, figures.score, figures.status) == (1.0, 0.7, PaceStatus.ON_TRACK)


# --- Which cycle a person works in ------------------------------------------------------------


def test_the_current_cycle_is_the_active_one_holding_my_objectives(
    world: World, tree: dict[str, Objective]
) -> None:
    newer = create_cycle(
        actor=None,
        workspace=world.acme,
        name="Product H2",
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2027, 1, 31),
        state=CycleState.ACTIVE,
    )

    assert cycles.current_cycle_for(world.editor) == world.cycle
    assert cycles.current_cycle_for(world.viewer) == newer
    assert cycles.active_cycles(world.acme) == [newer, world.cycle]
    assert [(c.name, c.mine) for c in cycles.choices_of(cycles.open_cycles_for(world.editor))] == [
        ("Product H2", False),
        ("2026-Q4", True),
    ]


def test_a_key_result_i_own_makes_the_cycle_mine(world: World, now: dt.datetime) -> None:
    other = factories.objective(world.cycle, world.sales, "Theirs", owner=world.admin)
    create_key_result(
        actor=None, objective=other, title="Mine inside", kind="milestone", owner=world.viewer
    )
    create_cycle(
        actor=None,
        workspace=world.acme,
        name="Product H2",
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2027, 1, 31),
        state=CycleState.ACTIVE,
    )

    assert cycles.current_cycle_for(world.viewer) == world.cycle


def test_no_open_cycle_means_no_current_cycle(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    assert cycles.current_cycle_for(world.editor) is None
    assert cycles.newest_cycle(world.acme) == world.cycle
