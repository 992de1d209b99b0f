"""Every OKR page runs the same number of SQL queries on the demo company and on a company of
2,000 people (about thirty times the objectives, key results and check-ins).

The counts are printed (`pytest -s`) for the record; the test fails when one of them grows
with the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.demo.services import ADMIN_EMAIL, demo_clock, demo_workspace, load_demo
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TODAY = dt.date(2026, 11, 20)
NOW = demo_clock(TODAY)[1]
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_queries() -> dict[str, int]:
    """Queries per page, for the demo loaded now, seen by its admin."""
    workspace = demo_workspace()
    assert workspace is not None
    client = Client()
    client.force_login(workspace.people.get(user__email=ADMIN_EMAIL).user)
    client.get(reverse("home"))  # the first visit stores the workspace in the session
    cycle = Cycle.objects.get(workspace=workspace, state=CycleState.ACTIVE)
    # Comparable objects in both companies: the company's first objective and key result.
    objective = (
        Objective.objects.filter(workspace=workspace, cycle=cycle, team__parent__isnull=True)
        .order_by("id")
        .first()
    )
    assert objective is not None
    key_result = KeyResult.objects.filter(objective=objective).order_by("position", "id").first()
    assert key_result is not None
    check_in = reverse("key_result_check_in", args=[key_result.pk])
    board = reverse("cycle_board", args=[cycle.pk])
    value = (key_result.current or 0) + 1
    visits: dict[str, Callable[[], HttpResponse]] = {
        "home": lambda: client.get(reverse("home")),
        "cycles": lambda: client.get(reverse("cycles")),
        "cycle_board": lambda: client.get(board),
        "cycle_board filtered (htmx)": lambda: client.get(
            board, {"status": "at_risk"}, HTTP_HX_TARGET="board-results", **HTMX
        ),
        "objective_detail": lambda: client.get(reverse("objective_detail", args=[objective.pk])),
        "alignment": lambda: client.get(reverse("alignment")),
        "alignment_cycle": lambda: client.get(reverse("alignment_cycle", args=[cycle.pk])),
        "alignment_cycle focused": lambda: client.get(
            reverse("alignment_cycle", args=[cycle.pk]), {"focus": objective.pk}
        ),
        "alignment search (htmx)": lambda: client.get(
            reverse("alignment_cycle", args=[cycle.pk]),
            {"q": "customer"},
            HTTP_HX_TARGET="tree-search-results",
            **HTMX,
        ),
        "alignment_children (htmx)": lambda: client.get(
            reverse("alignment_children", args=[objective.pk]), **HTMX
        ),
        "cycle_board second page": lambda: client.get(board, {"page": 2}),
        "key_result_check_in GET": lambda: client.get(check_in, {"context": "detail"}, **HTMX),
        "key_result_check_in POST (objective page)": lambda: client.post(
            check_in, {"value": value, "confidence": 7, "context": "detail"}, **HTMX
        ),
        "key_result_check_in POST (home)": lambda: client.post(
            check_in,
            {
                "value": value + 1,
                "context": "objective",
                "copies": ["waiting", "objective"],
                "counts": "home",
                "shown": [str(objective.pk)],
            },
            **HTMX,
        ),
        "key_result_check_in POST (board)": lambda: client.post(
            check_in,
            {
                "value": value + 2,
                "context": "objective",
                "counts": "board",
                "shown": [str(objective.pk)],
            },
            HTTP_HX_CURRENT_URL=f"http://testserver{board}?kind=committed",
            **HTMX,
        ),
        "key_result_row": lambda: client.get(reverse("key_result_row", args=[key_result.pk])),
    }
    counts = {}
    for name, visit in visits.items():
        with CaptureQueriesContext(connection) as queries:
            response = visit()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def test_every_page_runs_the_same_queries_on_the_demo_and_on_2000_people() -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo(progress=False, today=TODAY)
        demo = page_queries()
        load_demo(people=2000, reset=True, progress=False, today=TODAY)
        large = page_queries()

    print("\nqueries per page: demo (32 people) / 2,000 people")
    for name, count in demo.items():
        print(f"  {name:45} {count:3} / {large[name]:3}")
    assert large == demo
    # And a page stays a handful of queries, not merely a constant number. A check-in also
    # writes (check-in, key result, audit entry, webhook lookup) inside its transaction.
    reads = {name: count for name, count in demo.items() if "POST" not in name}
    writes = {name: count for name, count in demo.items() if "POST" in name}
    # Home is at 11: it also reads the broken data sources of the person's KPIs. The board's
    # first visit in a minute works out where every objective of the cycle stands (two more
    # queries than a visit that finds the answer kept, see okrs/standing.py): 13. Every
    # full page counts the inbox's open items for the navigation (one query), and the
    # objective page reads who watches it for its Watch button (15), and the comment counts
    # of the objective, its key results and check-ins, and the check-ins' reactions, one
    # query each for all of them (docs/comments.md): 17. It also reads its further parents
    # and its key results' contributors with their shares, one query each
    # (docs/cascade.md): 19. And its guardrails with their KPIs' health and signal, one
    # query (docs/okrs.md): 20.
    assert max(reads.values()) <= 20, reads
    # A check-in also clears the check-in-due items of its key result and tells its watchers
    # (the key result, its watches, the team's leads, the author's name, who is active and
    # how they want it, one INSERT): seven more.
    assert max(writes.values()) <= 32, writes
