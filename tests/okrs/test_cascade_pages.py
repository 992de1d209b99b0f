"""The cascade on the OKR pages: a key result's contributors and their share, what a key
result contributes to, every parent of an objective, and the refusals said in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.okrs import services
from goalkeeper.okrs.models import Alignment, KeyResult, Objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)


@dataclass
class Cascade:
    """The company's "$600k MRR" split among two salespeople; one team objective aligned to
    that key result, and also supporting a second company objective."""

    company: Objective
    mrr: KeyResult
    other: Objective
    alice: KeyResult
    bob: KeyResult
    team: Objective


@pytest.fixture
def cascade(world: World, now: dt.datetime) -> Cascade:
    return build_cascade(world)


def build_cascade(world: World) -> Cascade:
    """The `cascade` fixture's objectives and key results, for other modules' tests."""
    company = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    mrr = factories.key_result(company, "Reach $600k MRR", target=600, rollup="sum")
    other = factories.objective(world.cycle, world.company, "Delight customers", owner=world.admin)
    team = factories.objective(world.cycle, world.sales, "Sell to mid-market", owner=world.editor)
    alice = factories.key_result(team, "Alice's MRR", target=200, contributes_to=mrr)
    bob = factories.key_result(team, "Bob's MRR", target=400, contributes_to=mrr)
    services.record_check_in(actor=world.editor, key_result=alice, value=100)
    services.record_check_in(actor=world.editor, key_result=bob, value=300)
    services.set_alignments(actor=world.editor, objective=team, parents=[mrr, other])
    mrr.refresh_from_db()
    return Cascade(company, mrr, other, alice, bob, team)


def grow_cascade(world: World, cascade: Cascade, size: int, start: int = 0) -> None:
    """`size` more team objectives aligned to the $600k key result (and also supporting the
    second company objective), each with a key result contributing to it."""
    for n in range(start, start + size):
        objective = factories.objective(world.cycle, world.sales, f"Region {n}", owner=world.editor)
        factories.key_result(objective, f"Region {n} MRR", target=50, contributes_to=cascade.mrr)
        services.set_alignments(
            actor=world.editor, objective=objective, parents=[cascade.mrr, cascade.other]
        )


def page_of(client: Client, objective: Objective) -> str:
    response = client.get(reverse("objective_detail", args=[objective.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, marker: str, end: str = "</tr>") -> str:
    """The markup from `marker` to the next `end`."""
    return html.split(marker, 1)[1].split(end, 1)[0]


# --- The objective page ---------------------------------------------------------------------


def test_a_rolled_up_key_result_lists_its_contributors_with_their_share(
    editor: Client, cascade: Cascade
) -> None:
    html = page_of(editor, cascade.company)

    contributors = html.split(f'data-contributors-of="{cascade.mrr.pk}"', 1)[1]
    contributors = contributors.split("</tr>", 1)[0]
    assert "The sum of 2 contributors" in contributors
    assert contributors.index("Alice&#x27;s MRR") < contributors.index("Bob&#x27;s MRR")
    # 100 of 400 and 300 of 400.
    assert ">25%<" in contributors
    assert ">75%<" in contributors
    assert "Sales · Eddie Editor · Sell to mid-market" in contributors
    assert cascade.mrr.current == 400


def test_the_history_says_a_rolled_up_value_was_added_up_not_read_from_a_kpi(
    editor: Client, cascade: Cascade
) -> None:
    html = page_of(editor, cascade.company)

    feed = html.split('class="feed__item"')[1:]
    added = [item for item in feed if "Automatic: sum of 2 contributing key results." in item]
    assert added, "the roll-up's check-in is in the history"
    assert "<strong>Roll-up</strong>" in added[0]
    assert ">added up</span>" in added[0]
    assert "Linked KPI" not in added[0]
    assert "from KPI" not in added[0]


def test_a_rolled_up_key_result_offers_no_check_in_but_its_contributors(
    editor: Client, cascade: Cascade
) -> None:
    row = section(page_of(editor, cascade.company), f'data-kr-row="{cascade.mrr.pk}"')

    assert "Adds up 2 contributors: check in on them" in row
    assert f'href="#contributors-{cascade.mrr.pk}"' in row
    assert "data-check-in-open" not in row
    assert "Sum of its contributors" in row


def test_a_contributing_key_result_links_to_what_it_contributes_to(
    editor: Client, cascade: Cascade
) -> None:
    row = section(page_of(editor, cascade.team), f'data-kr-row="{cascade.alice.pk}"')

    assert "Contributes to" in row
    assert (
        f'href="/objectives/{cascade.company.pk}/#kr-{cascade.mrr.pk}">Reach $600k MRR</a>' in row
    )
    assert "(Grow revenue)" in row
    assert "data-check-in-open" in row


def test_the_header_shows_every_parent_the_primary_first(editor: Client, cascade: Cascade) -> None:
    parents = section(page_of(editor, cascade.team), 'data-testid="objective-parents"', "</ul>")

    items = parents.split("<li")[1:]
    assert len(items) == 2
    assert "Contributes to" in items[0]
    assert "Reach $600k MRR" in items[0]
    assert "of “Grow revenue”" in items[0]
    assert "Also supports" in items[1]
    assert "Delight customers" in items[1]


def test_checking_in_on_a_rolled_up_key_result_says_why_not(
    world: World, editor: Client, cascade: Cascade
) -> None:
    url = reverse("key_result_check_in", args=[cascade.mrr.pk])

    page = editor.post(url, {"value": "999", "confidence": "7"})
    inline = editor.post(url, {"value": "999"}, HTTP_HX_REQUEST="true")

    assert page.status_code == 422
    assert inline.status_code == 200
    for response in (page, inline):
        assert "this key result adds up its contributors: check in on them" in (
            response.content.decode()
        )
    cascade.mrr.refresh_from_db()
    assert cascade.mrr.current == 400


def test_the_check_in_form_of_a_rolled_up_key_result_says_so_before_typing(
    editor: Client, cascade: Cascade
) -> None:
    html = editor.get(reverse("key_result_check_in", args=[cascade.mrr.pk])).content.decode()

    assert 'data-testid="rolled-up"' in html


def test_check_in_on_everything_shows_a_rolled_up_key_result_read_only(
    world: World, cascade: Cascade
) -> None:
    services.update_key_result(actor=world.admin, key_result=cascade.mrr, owner=world.editor)

    html = world.client_for(world.editor).get(reverse("check_in_all")).content.decode()

    row = section(html, f'data-bulk-row="{cascade.mrr.pk}"', "</li>")
    assert "This key result adds up its contributors: check in on them." in row
    assert "<form" not in row


# --- The objective form ---------------------------------------------------------------------


def objective_data(world: World, **rows: Any) -> dict[str, Any]:
    data = {
        "cycle": world.cycle.pk,
        "title": "Open the Nordics",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "committed",
        "state": "active",
    }
    data.update(rows)
    return data


def test_a_new_objective_contributes_to_a_key_result_and_an_objective(
    world: World, editor: Client, cascade: Cascade
) -> None:
    data = objective_data(
        world,
        aligned_rows="2",
        aligned_0_key_result=cascade.mrr.pk,
        aligned_1_objective=cascade.other.pk,
    )

    response = editor.post(reverse("objective_create"), data)

    assert response.status_code == 302
    created = Objective.objects.get(title="Open the Nordics")
    assert (created.parent, created.parent_key_result) == (cascade.company, cascade.mrr)
    assert list(
        Alignment.objects.filter(objective=created).values_list("parent", "key_result")
    ) == [(cascade.other.pk, None)]


def test_the_edit_form_starts_from_the_objectives_parents(editor: Client, cascade: Cascade) -> None:
    html = editor.get(reverse("objective_edit", args=[cascade.team.pk])).content.decode()

    assert 'name="aligned_rows" value="2"' in html
    first = section(html, 'data-aligned-row="0"', "</li>")
    second = section(html, 'data-aligned-row="1"', "</li>")
    assert "Primary" in first
    assert (
        f'<option value="{cascade.mrr.pk}" selected>Reach $600k MRR — Grow revenue</option>'
        in first
    )
    assert "Also supports" in second
    assert "Make primary" in second
    assert f'<option value="{cascade.other.pk}" selected>Delight customers</option>' in second


def test_rows_are_added_moved_and_removed_without_saving(
    world: World, editor: Client, cascade: Cascade
) -> None:
    url = reverse("objective_edit", args=[cascade.team.pk])
    base = objective_data(
        world,
        title=cascade.team.title,
        aligned_rows="2",
        aligned_0_key_result=cascade.mrr.pk,
        aligned_1_objective=cascade.other.pk,
    )
    del base["cycle"]

    added = editor.post(url, {**base, "aligned_add": "1"})
    moved = editor.post(url, {**base, "aligned_primary": "1"})
    removed = editor.post(url, {**base, "aligned_remove": "0"})

    assert added.status_code == moved.status_code == removed.status_code == 200
    assert added.context["form"].aligned_count == 3
    # The keyboard lands on the row just added.
    assert "autofocus" in section(added.content.decode(), 'data-aligned-row="2"', "</li>")
    assert "autofocus" not in section(added.content.decode(), 'data-aligned-row="0"', "</li>")
    first = section(moved.content.decode(), 'data-aligned-row="0"', "</li>")
    assert "Delight customers" in first
    assert removed.context["form"].aligned_count == 1
    assert "Delight customers" in section(removed.content.decode(), 'data-aligned-row="0"', "</li>")
    for response in (added, moved, removed):
        assert not response.context["form"].errors
    cascade.team.refresh_from_db()
    assert cascade.team.parent_key_result == cascade.mrr


def test_a_key_result_beside_another_objective_is_refused_on_its_row(
    world: World, editor: Client, cascade: Cascade
) -> None:
    data = objective_data(
        world,
        aligned_rows="1",
        aligned_0_objective=cascade.other.pk,
        aligned_0_key_result=cascade.mrr.pk,
    )

    response = editor.post(reverse("objective_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["aligned_0_key_result"] == [
        "“Reach $600k MRR” is a key result of “Grow revenue”, not of the objective chosen beside it"
    ]
    assert not Objective.objects.filter(title="Open the Nordics").exists()


def test_a_loop_through_a_key_result_is_refused_in_words(
    world: World, editor: Client, cascade: Cascade
) -> None:
    data = objective_data(
        world,
        title=cascade.company.title,
        team=world.company.pk,
        owner=world.admin.pk,
        aligned_rows="1",
        aligned_0_key_result=cascade.alice.pk,
    )
    del data["cycle"]

    response = editor.post(reverse("objective_edit", args=[cascade.company.pk]), data)

    assert response.context["form"].errors["aligned_rows"] == [
        "this alignment would make a loop: “Grow revenue” supports “Sell to mid-market” which"
        " supports “Grow revenue”"
    ]
    assert "this alignment would make a loop" in response.content.decode()
    cascade.company.refresh_from_db()
    assert cascade.company.parent is None


# --- The key result form --------------------------------------------------------------------


def key_result_data(**fields: Any) -> dict[str, Any]:
    data = {
        "title": "Carol's MRR",
        "kind": "increase",
        "weight": "1",
        "start": "0",
        "target": "100",
    }
    data.update(fields)
    return data


def test_a_key_result_is_created_contributing_and_one_is_set_to_add_up(
    world: World, editor: Client, cascade: Cascade
) -> None:
    editor.post(
        reverse("key_result_create", args=[cascade.team.pk]),
        key_result_data(contributes_to=cascade.mrr.pk, then="finish"),
    )
    response = editor.post(
        reverse("key_result_edit", args=[cascade.alice.pk]),
        key_result_data(title="Alice's MRR", rollup="average"),
    )

    assert response.status_code == 302
    carol = KeyResult.objects.get(title="Carol's MRR")
    assert carol.contributes_to == cascade.mrr
    cascade.alice.refresh_from_db()
    assert (cascade.alice.rollup, cascade.alice.contributes_to) == ("average", None)


def test_a_milestone_cannot_add_up_its_contributors(editor: Client, cascade: Cascade) -> None:
    html = editor.get(reverse("key_result_create", args=[cascade.team.pk])).content.decode()
    response = editor.post(
        reverse("key_result_create", args=[cascade.team.pk]),
        key_result_data(kind="milestone", rollup="sum", then="finish"),
    )

    assert "it cannot add up its contributors" in html
    # The kind's fields are cleared: a milestone keeps no roll-up.
    assert KeyResult.objects.get(title="Carol's MRR").rollup == "none"
    assert response.status_code == 302


def test_a_key_result_reading_a_kpi_says_why_it_cannot_add_up(
    world: World, editor: Client, cascade: Cascade
) -> None:
    from goalkeeper.kpis.models import Kpi

    kpi = Kpi.objects.create(workspace=world.acme, team=world.sales, name="MRR", target=1)
    services.update_key_result(
        actor=world.admin, key_result=cascade.bob, contributes_to=None, kpi=kpi
    )

    html = editor.get(reverse("key_result_edit", args=[cascade.bob.pk])).content.decode()

    assert 'data-testid="rollup-refused"' in html
    assert "To add up its contributors instead, unlink the KPI first." in html


def test_rolling_up_with_a_kpi_is_refused_on_the_field(
    world: World, editor: Client, cascade: Cascade
) -> None:
    from goalkeeper.kpis.models import Kpi

    kpi = Kpi.objects.create(workspace=world.acme, team=world.sales, name="MRR", target=1)

    response = editor.post(
        reverse("key_result_edit", args=[cascade.bob.pk]),
        key_result_data(title="Bob's MRR", kpi=kpi.pk, rollup="sum"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["rollup"] == [
        "this key result reads a KPI: unlink it to roll values up"
    ]


def test_the_key_result_picker_labels_a_choice_with_its_objective(
    editor: Client, cascade: Cascade
) -> None:
    answer = editor.get(reverse("pick_key_results"), {"q": "600k", "labels": "objective"})

    assert [row["label"] for row in answer.json()["results"]] == ["Reach $600k MRR — Grow revenue"]


def test_the_board_offers_no_check_in_on_a_rolled_up_key_result(
    world: World, editor: Client, cascade: Cascade
) -> None:
    html = editor.get(reverse("cycle_board", args=[world.cycle.pk])).content.decode()

    assert f'data-check-in-open="{cascade.alice.pk}"' in html
    assert f'data-check-in-open="{cascade.mrr.pk}"' not in html


def test_live_validation_reads_the_parent_rows(
    world: World, editor: Client, cascade: Cascade
) -> None:
    data = objective_data(
        world,
        objective=cascade.team.pk,
        aligned_rows="1",
        aligned_0_objective=cascade.other.pk,
        aligned_0_key_result=cascade.mrr.pk,
        _touched="aligned_0_key_result",
    )

    response = editor.post(reverse("objective_validate"), data)

    assert response.status_code == 200
    assert "not of the objective chosen beside it" in response.content.decode()
