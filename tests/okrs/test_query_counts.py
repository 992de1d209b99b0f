"""Every OKR writing page runs the same number of SQL queries whatever the size of the data.

Each test renders a page over a small workspace and over one grown many times larger (more
objectives, key results, people, teams, KPIs, cycles) and asserts the two counts are equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.models import Person, Role, Team
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs import services
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective
from goalkeeper.okrs.services import Closing
from tests.conftest import World


def grow(world: World, size: int, *, cycle: Cycle | None = None, start: int = 0) -> None:
    """Add `size` teams, people, KPIs and objectives (two key results each) to Acme."""
    cycle = cycle or world.cycle
    teams = Team.objects.bulk_create(
        Team(
            workspace=world.acme, parent=world.sales, name=f"Team {start + i}", slug=f"t{start + i}"
        )
        for i in range(size)
    )
    users = [
        Person.user.field.related_model.objects.create_user(f"p{start + i}@acme.test")  # type: ignore[attr-defined]
        for i in range(size)
    ]
    people = Person.objects.bulk_create(
        Person(workspace=world.acme, user=user, name=f"Person {start + i}", role=Role.EDITOR)
        for i, user in enumerate(users)
    )
    Kpi.objects.bulk_create(
        Kpi(workspace=world.acme, team=teams[i], owner=people[i], name=f"KPI {start + i}", target=1)
        for i in range(size)
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            workspace=world.acme,
            cycle=cycle,
            team=teams[i],
            owner=people[i],
            title=f"Objective {start + i}",
            parent=None,
        )
        for i in range(size)
    )
    KeyResult.objects.bulk_create(
        KeyResult(
            workspace=world.acme,
            objective=objective,
            owner=objective.owner,
            title=f"KR {n} of {objective.title}",
            kind="increase",
            start=0,
            target=100,
            current=40,
        )
        for objective in objectives
        for n in range(2)
    )


def count(client: Client, call: Callable[[Client], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call(client)
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


def same_count_small_and_large(
    world: World,
    client: Client,
    call: Callable[[Client], Any],
    offset: int = 0,
    cycle: Cycle | None = None,
) -> int:
    grow(world, 3, cycle=cycle, start=offset)
    call(client)  # warm caches (content types, session) outside the measure
    small = count(client, call)
    grow(world, 57, cycle=cycle, start=offset + 3)
    large = count(client, call)
    assert small == large, f"{small} queries with 3 objectives, {large} with 60"
    return large


@pytest.fixture
def objective(world: World) -> Objective:
    return services.create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Mine", owner=world.editor
    )


def test_the_close_page(world: World, admin: Client, now: dt.datetime) -> None:
    url = reverse("cycle_close", args=[world.cycle.pk])

    queries = same_count_small_and_large(world, admin, lambda c: c.get(url))

    assert queries <= 12


def test_the_objective_form(world: World, editor: Client, objective: Objective) -> None:
    same_count_small_and_large(world, editor, lambda c: c.get(reverse("objective_create")))
    same_count_small_and_large(
        world, editor, lambda c: c.get(reverse("objective_edit", args=[objective.pk])), offset=100
    )


def test_a_refused_objective_form(world: World, editor: Client) -> None:
    data = {"cycle": world.cycle.pk, "title": "", "team": world.sales.pk, "kind": "committed"}

    same_count_small_and_large(world, editor, lambda c: c.post(reverse("objective_create"), data))


def test_the_key_result_form(world: World, editor: Client, objective: Objective) -> None:
    url = reverse("key_result_create", args=[objective.pk])

    same_count_small_and_large(world, editor, lambda c: c.get(url))


def test_live_validation(world: World, editor: Client, objective: Objective) -> None:
    objective_data = {"objective": objective.pk, "title": "Launch", "team": world.sales.pk}
    kr_data = {"objective": objective.pk, "title": "Launch", "kind": "increase", "weight": "1"}

    same_count_small_and_large(
        world, editor, lambda c: c.post(reverse("objective_validate"), objective_data)
    )
    same_count_small_and_large(
        world, editor, lambda c: c.post(reverse("key_result_validate"), kr_data), offset=100
    )


def test_the_cycle_list(world: World, admin: Client, now: dt.datetime) -> None:
    def more_cycles(first: int, how_many: int) -> None:
        for i in range(first, first + how_many):
            Cycle.objects.create(
                workspace=world.acme,
                name=f"C{i}",
                start_date=dt.date(2020, 1, 1) + dt.timedelta(days=100 * i),
                end_date=dt.date(2020, 3, 1) + dt.timedelta(days=100 * i),
            )

    more_cycles(0, 2)
    count(admin, lambda c: c.get(reverse("cycle_list")))
    small = count(admin, lambda c: c.get(reverse("cycle_list")))
    more_cycles(2, 30)
    grow(world, 20)

    assert count(admin, lambda c: c.get(reverse("cycle_list"))) == small


def test_the_cycle_form(world: World, admin: Client, now: dt.datetime) -> None:
    same_count_small_and_large(world, admin, lambda c: c.get(reverse("cycle_create")))


def test_the_carry_over_page(world: World, admin: Client, now: dt.datetime) -> None:
    closed = Cycle.objects.create(
        workspace=world.acme,
        name="2026-Q3",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
        state=CycleState.CLOSED,
    )
    url = reverse("cycle_carry_over", args=[closed.pk])

    same_count_small_and_large(world, admin, lambda c: c.get(url), cycle=closed)


def test_the_delete_pages(world: World, editor: Client, objective: Objective) -> None:
    key_result = services.create_key_result(
        actor=world.editor, objective=objective, title="KR", kind="milestone"
    )

    same_count_small_and_large(
        world, editor, lambda c: c.get(reverse("objective_delete", args=[objective.pk]))
    )
    same_count_small_and_large(
        world,
        editor,
        lambda c: c.get(reverse("key_result_delete", args=[key_result.pk])),
        offset=100,
    )


def test_closing_writes_each_objective_once(world: World) -> None:
    """The close itself costs one update, one audit entry and one `objective.closed` event
    (whose webhook subscriber reads the workspace's subscriptions) per objective."""
    grow(world, 10)
    closings = [Closing(o.pk, 0.4) for o in Objective.objects.all()]

    with CaptureQueriesContext(connection) as captured:
        services.close_cycle(actor=world.admin, cycle=world.cycle, closings=closings)

    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert statements.count("UPDATE") == 10 + 1  # the objectives, then the cycle
    # Their audit entries, then the cycle's; and each objective's "closed" item for the
    # people who watch it (docs/notifications.md), one statement per objective.
    assert statements.count("INSERT") == 10 + 1 + 10
    # The cycle's objectives; per objective, the webhooks' subscriptions and the
    # notifications' few reads (the objective, its watchers, their choices).
    assert statements.count("SELECT") <= 1 + 10 * 8
