"""The neighbourhood of some objectives in a cycle's index (`CycleIndex.around`) answers as
the whole index (`CycleIndex.load`) does, on any tree: drafts, objectives of another cycle,
roll-ups at any depth and parent loops included; and pages read it, not the whole cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalkeeper.accounts.services import create_team
from goalkeeper.okrs import rows, standing
from goalkeeper.okrs.models import Objective, ObjectiveState
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.web import factories

DAY = dt.timedelta(days=1)

# One objective: its parent (an index into the tree, None for none), whether it rolls up
# its children, whether it is a draft, whether it belongs to another cycle.
_node = st.tuples(
    st.one_of(st.none(), st.integers(0, 13)),
    st.booleans(),
    st.sampled_from([False, False, False, True]),
    st.sampled_from([False, False, False, False, True]),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tree=st.lists(_node, min_size=1, max_size=14),
    picks=st.lists(st.integers(0, 13), min_size=1, max_size=4),
)
def test_the_neighbourhood_answers_as_the_whole_index(
    world: World, tree: list[tuple[int | None, bool, bool, bool]], picks: list[int]
) -> None:
    other = create_cycle(
        actor=None,
        workspace=world.acme,
        name="Other",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            workspace=world.acme,
            cycle=other if elsewhere else world.cycle,
            team=world.company if n % 3 == 0 else world.sales,
            title=f"O{n}",
            roll_up_children=roll_up,
            state=ObjectiveState.DRAFT if draft else ObjectiveState.ACTIVE,
        )
        for n, (_, roll_up, draft, elsewhere) in enumerate(tree)
    )
    ids = [o.pk for o in objectives]
    # Any parent, loops too: the rule against loops lives in the services, not the table.
    for objective, (parent, *_) in zip(objectives, tree, strict=True):
        if parent is not None:
            objective.parent_id = ids[parent % len(ids)]
    Objective.objects.bulk_update(objectives, ["parent"])
    seeds = sorted({ids[p % len(ids)] for p in picks})
    viewed = seeds[0]  # the objective page's, perhaps a draft

    try:
        whole = rows.CycleIndex.load(world.acme, world.cycle, include=[viewed])
        near = rows.CycleIndex.around(
            world.acme,
            world.cycle,
            seeds,
            paths=True,
            path_rollups=True,
            children_of=seeds,
            include=[viewed],
        )
        assert near.nodes.keys() <= whole.nodes.keys()
        for pk in seeds:
            path = whole.path(pk)
            kids = whole.children.get(pk, [])
            assert near.path(pk) == path
            assert sorted(near.children.get(pk, [])) == sorted(kids)
            for asked in ([pk], path, kids, [pk, *path, *kids]):
                assert near.with_rollups(asked) == whole.with_rollups(asked)
            assert (pk in near.nodes) == (pk in whole.nodes)
        assert near.with_rollups(seeds) == whole.with_rollups(seeds)
        # Without paths: what a board or a home page asks.
        plain = rows.CycleIndex.around(world.acme, world.cycle, seeds)
        whole_plain = rows.CycleIndex.load(world.acme, world.cycle)
        assert plain.with_rollups(seeds) == whole_plain.with_rollups(seeds)
        # Another workspace reads nothing of Acme's.
        assert not rows.CycleIndex.around(world.globex, world.cycle, seeds).nodes
    finally:
        Objective.objects.filter(workspace=world.acme).delete()
        other.delete()


def _grow(world: World, now: dt.datetime, teams: int) -> Objective:
    """A company objective, and `teams` teams of three
    objectives (one aligned to it, one to that one, one unaligned) run by the editor, each
    with a key result checked in. Returns the first team's aligned objective."""
    top = factories.objective(world.cycle, world.company, "Company goal", owner=world.admin)
    factories.key_result(top, "Company number", check_ins=[(50, now - DAY)])
    first_goal = None
    for n in range(teams):
        team = create_team(
            actor=None, workspace=world.acme, name=f"Team {n:03}", parent=world.company
        )
        goal = factories.objective(
            world.cycle, team, f"Team {n:03} goal", owner=world.editor, parent=top
        )
        detail = factories.objective(
            world.cycle, team, f"Team {n:03} detail", owner=world.editor, parent=goal
        )
        loose = factories.objective(world.cycle, team, f"Team {n:03} chore", owner=world.editor)
        for objective in (goal, detail, loose):
            factories.key_result(objective, "A number", check_ins=[(30, now - DAY)])
        first_goal = first_goal or goal
    assert first_goal is not None
    return first_goal


def _measure(
    world: World, goal: Objective, monkeypatch: pytest.MonkeyPatch
) -> dict[str, tuple[int, int, int]]:
    """(queries, objectives in the index read, HTML bytes) of home and an objective page,
    seen by the owner of the company objective."""
    read: list[int] = []
    original = rows.CycleIndex.__init__

    def counting(self: rows.CycleIndex, nodes: object) -> None:
        original(self, nodes)  # type: ignore[arg-type]
        read.append(len(self.nodes))

    monkeypatch.setattr(rows.CycleIndex, "__init__", counting)
    client = world.client_for(world.admin)
    client.get(reverse("home"))  # the first visit stores the workspace in the session
    found = {}
    pages = {"home": reverse("home"), "objective": reverse("objective_detail", args=[goal.pk])}
    for name, url in pages.items():
        standing.forget()
        read.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        found[name] = (len(queries), sum(read), len(response.content))
    monkeypatch.undo()
    return found


def test_home_and_the_objective_page_read_the_same_rows_when_the_company_grows_tenfold(
    world: World, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _measure(world, _grow(world, now, 12), monkeypatch)
    Objective.objects.filter(workspace=world.acme).delete()
    big = _measure(world, _grow(world, now, 120), monkeypatch)

    for name, (queries, index_rows, size) in small.items():
        assert big[name][0] == queries, name
        assert big[name][1] == index_rows, name
        assert big[name][2] <= size * 1.1 + 500, name
    # Home: the company objective (the viewer's); the objective page: the team's goal, its
    # path (the company objective) and its child.
    assert (small["home"][1], small["objective"][1]) == (1, 3)
