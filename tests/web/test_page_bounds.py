"""The alignment tree and the cycle board stay the same size, in HTML and in queries, when the
company grows tenfold: they show a bounded page whatever the number of objectives.

(`tests/web/test_query_bounds.py` compares the demo with 2,000 people for every page.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.services import create_team
from goalkeeper.okrs import standing
from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.pages import alignment
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def grow(world: World, now: dt.datetime, teams: int) -> Objective:
    """A company objective, and `teams` teams of three objectives: one aligned to it, one
    aligned to that one, one unaligned; each with a key result checked in."""
    top = factories.objective(world.cycle, world.company, "Company goal", owner=world.admin)
    factories.key_result(top, "Company number", check_ins=[(50, now - DAY)])
    for n in range(teams):
        team = create_team(
            actor=None, workspace=world.acme, name=f"Team {n:03}", parent=world.company
        )
        first = factories.objective(
            world.cycle, team, f"Team {n:03} goal", owner=world.editor, parent=top
        )
        second = factories.objective(
            world.cycle, team, f"Team {n:03} detail", owner=world.editor, parent=first
        )
        loose = factories.objective(world.cycle, team, f"Team {n:03} chore", owner=world.editor)
        for objective in (first, second, loose):
            factories.key_result(objective, "A number", check_ins=[(30, now - DAY)])
    return top


def measure(world: World, top: Objective) -> dict[str, tuple[int, int]]:
    """(queries, bytes) of each page, seen by an editor."""
    client = world.client_for(world.editor)
    client.get(reverse("home"))  # the first visit stores the workspace in the session
    board = reverse("cycle_board", args=[world.cycle.pk])
    tree = reverse("alignment_cycle", args=[world.cycle.pk])
    visits: dict[str, Callable[[Client], object]] = {
        "board": lambda c: c.get(board),
        "board, a team search": lambda c: c.get(board, {"q": "team 00"}),
        "alignment": lambda c: c.get(tree),
        "alignment, focused": lambda c: c.get(tree, {"focus": top.pk}),
        "alignment, searched": lambda c: c.get(
            tree, {"q": "detail"}, HTTP_HX_TARGET="tree-search-results", **HTMX
        ),
        "supporting objectives": lambda c: c.get(
            reverse("alignment_children", args=[top.pk]), **HTMX
        ),
    }
    found = {}
    for name, visit in visits.items():
        standing.forget()  # each board read works its figures out: the costlier case
        with CaptureQueriesContext(connection) as queries:
            response = visit(client)
        assert response.status_code == 200, name  # type: ignore[attr-defined]
        found[name] = (len(queries), len(response.content))  # type: ignore[attr-defined]
    return found


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    # The thresholds of a large company, scaled to a test's: the tree opens a level at a
    # time, ten supporting objectives a node, ten unaligned a page, ten matches a search.
    monkeypatch.setattr(alignment, "TREE_OPEN_UP_TO", 0)
    monkeypatch.setattr(alignment, "UNALIGNED_PAGE", 10)
    monkeypatch.setattr(alignment, "CHILDREN_PAGE", 10)
    monkeypatch.setattr(alignment, "SEARCH_MAX", 10)


@pytest.mark.usefixtures("large")
@pytest.mark.parametrize("teams", [12])
def test_the_tree_and_the_board_stay_the_same_size_when_the_company_grows_tenfold(
    world: World, now: dt.datetime, teams: int
) -> None:
    top = grow(world, now, teams)
    small = measure(world, top)
    Objective.objects.filter(workspace=world.acme).delete()
    top = grow(world, now, teams * 10)
    big = measure(world, top)

    print("\nqueries and HTML per page: 12 teams / 120 teams")
    for name, (queries, size) in small.items():
        print(f"  {name:25} {queries:3} / {big[name][0]:3}   {size:7} / {big[name][1]:7}")
    for name, (queries, size) in small.items():
        assert big[name][0] == queries, name
        # Names grow by a digit and counts by one or two: a small margin, never tenfold.
        assert big[name][1] <= size * 1.1 + 500, name
    assert all(size <= 300_000 for _, size in big.values())
