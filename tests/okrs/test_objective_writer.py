"""Writing an objective with all its key results on one page: the one write that saves them
all or nothing, the page that posts the rows, and the live validation named by row."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import Event, recorded
from goalkeeper.okrs import services
from goalkeeper.okrs.forms.writer import MAX_ROWS
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.okrs.services import Closing, KeyResultPlan
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

CREATE = reverse("objective_create")
VALIDATE = reverse("objective_validate")


def names(seen: list[Event]) -> list[str]:
    return [event.name for event in seen]


def actions() -> list[str]:
    return sorted(AuditEntry.objects.values_list("action", flat=True))


def kr_fields(title: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": title, "kind": "increase", "start": 0.0, "target": 10.0}
    fields.update(overrides)
    return fields


def objective_fields(world: World, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": "Win the mid-market", "team": world.sales}
    fields.update(overrides)
    return fields


# --- The one write -------------------------------------------------------------------------


def test_an_objective_and_its_key_results_are_created_in_one_write(world: World) -> None:
    AuditEntry.objects.all().delete()

    with recorded() as seen:
        objective = services.write_objective(
            actor=world.editor,
            cycle=world.cycle,
            fields=objective_fields(world, owner=world.editor),
            key_results=[
                KeyResultPlan(None, kr_fields("Deals")),
                KeyResultPlan(None, kr_fields("Days to close", kind="decrease", start=30.0)),
                KeyResultPlan(None, {"title": "Partner portal live", "kind": "milestone"}),
            ],
        )

    rows = list(objective.key_results.order_by("position").values_list("title", "position"))
    assert rows == [("Deals", 0), ("Days to close", 1), ("Partner portal live", 2)]
    assert names(seen) == ["objective.created"] + ["key_result.created"] * 3
    assert actions() == ["key_result.created"] * 3 + ["objective.created"]


def test_a_refused_third_key_result_writes_nothing(world: World) -> None:
    AuditEntry.objects.all().delete()

    with pytest.raises(ValidationError) as refused:
        services.write_objective(
            actor=world.editor,
            cycle=world.cycle,
            fields=objective_fields(world),
            key_results=[
                KeyResultPlan(None, kr_fields("Deals")),
                KeyResultPlan(None, kr_fields("Leads")),
                KeyResultPlan(None, kr_fields("Churn", start=5.0, target=5.0)),
            ],
        )

    assert "key_results.2.target" in refused.value.message_dict
    assert Objective.objects.count() == 0
    assert KeyResult.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_an_edit_adds_changes_and_removes_key_results_in_one_write(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    kept = factories.key_result(objective, "Deals", start=0, target=10)
    changed = factories.key_result(objective, "Leads", start=0, target=100)
    removed = factories.key_result(objective, "Calls", start=0, target=50)
    AuditEntry.objects.all().delete()

    with recorded() as seen:
        services.write_objective(
            actor=world.editor,
            objective=objective,
            fields={"title": "Grow"},
            key_results=[
                KeyResultPlan(changed, kr_fields("Qualified leads", target=200.0)),
                KeyResultPlan(None, kr_fields("Referrals")),
                KeyResultPlan(kept, kr_fields("Deals", position=0)),
            ],
        )

    rows = list(objective.key_results.order_by("position").values_list("title", "target"))
    assert rows == [("Qualified leads", 200.0), ("Referrals", 10.0), ("Deals", 10.0)]
    assert not KeyResult.objects.filter(pk=removed.pk).exists()
    # The kept key result moved from first to last: only its position changed.
    assert sorted(names(seen)) == [
        "key_result.created",
        "key_result.deleted",
        "key_result.updated",
        "key_result.updated",
    ]
    assert actions() == [
        "key_result.created",
        "key_result.deleted",
        "key_result.updated",
        "key_result.updated",
    ]


def test_an_edit_that_changes_nothing_leaves_no_audit_entry(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    deals = factories.key_result(objective, "Deals", start=0, target=10)
    AuditEntry.objects.all().delete()

    services.write_objective(
        actor=world.editor,
        objective=objective,
        fields={"title": "Grow"},
        key_results=[KeyResultPlan(deals, kr_fields("Deals", owner=world.editor))],
    )

    assert AuditEntry.objects.count() == 0


def test_a_refused_row_of_an_edit_undoes_the_removals_before_it(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    deals = factories.key_result(objective, "Deals", start=0, target=10)
    calls = factories.key_result(objective, "Calls", start=0, target=10)
    services.record_check_in(actor=world.editor, key_result=calls, value=4)

    with pytest.raises(ValidationError) as refused:
        services.write_objective(
            actor=world.editor,
            objective=objective,
            fields={"title": "Grown"},
            key_results=[KeyResultPlan(deals, kr_fields("Deals", weight=0.0))],
        )

    assert "key_results.0.weight" in refused.value.message_dict
    objective.refresh_from_db()
    assert objective.title == "Grow"
    assert KeyResult.objects.filter(pk=calls.pk).exists()
    assert CheckIn.objects.filter(key_result=calls).count() == 1


def test_a_key_result_of_another_objective_is_refused(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow")
    other = factories.objective(world.cycle, world.sales, "Other")
    theirs = factories.key_result(other, "Theirs", start=0, target=10)

    with pytest.raises(ValidationError) as refused:
        services.write_objective(
            actor=world.editor,
            objective=objective,
            fields={},
            key_results=[KeyResultPlan(theirs, kr_fields("Mine now"))],
        )

    assert refused.value.message_dict == {
        "key_results.0.title": ["not a key result of this objective"]
    }
    theirs.refresh_from_db()
    assert theirs.objective == other


def test_no_rows_given_leaves_the_key_results_as_they_are(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow")
    factories.key_result(objective, "Deals", start=0, target=10)

    services.write_objective(
        actor=world.editor, objective=objective, fields={"title": "Grown"}, key_results=None
    )

    assert objective.key_results.count() == 1


def test_nothing_is_written_into_a_closed_cycle(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow")
    services.close_cycle(
        actor=world.admin, cycle=world.cycle, closings=[Closing(objective.pk, 0.2)]
    )

    with pytest.raises(ValidationError) as refused:
        services.write_objective(
            actor=world.editor,
            objective=objective,
            fields={},
            key_results=[KeyResultPlan(None, kr_fields("Deals"))],
        )

    assert refused.value.message_dict == {"cycle": ["the cycle is closed"]}
    assert objective.key_results.count() == 0


# --- The page ------------------------------------------------------------------------------


def page_data(world: World, rows: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """The objective writer's post: the objective's fields, then each row by its key."""
    data: dict[str, Any] = {
        "cycle": world.cycle.pk,
        "title": "Win the mid-market",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "committed",
        "state": "active",
        "kr_rows": "1",
        "kr": [],
    }
    for key, row in enumerate(rows):
        data["kr"].append(str(key))
        values = {"kind": "increase", "weight": "1", "owner": world.editor.pk, **row}
        for name, value in values.items():
            data[f"kr-{key}-{name}"] = value
    data.update(overrides)
    return data


def test_the_new_objective_page_starts_with_one_empty_key_result_row(editor: Client) -> None:
    html = editor.get(CREATE).content.decode()

    assert html.count('data-testid="kr-row"') == 2  # the row, and the template to copy
    assert 'name="kr-0-title"' in html
    assert 'name="kr-__row__-title"' in html
    assert 'name="kr_rows"' in html
    # Nothing typed yet: the coach waits rather than calling the empty form a good OKR.
    assert 'data-testid="coach-idle"' in html
    assert 'data-testid="coach-ok"' not in html


def test_the_page_saves_the_objective_with_its_rows_in_their_order(
    world: World, editor: Client
) -> None:
    rows = [
        {"title": "Deals", "start": "0", "target": "10", "unit": "deals"},
        {"title": "Portal live", "kind": "milestone"},
        {"title": "Churn", "kind": "maintain", "high": "3", "unit": "%"},
    ]
    data = page_data(world, rows)
    data["kr"] = ["0", "2", "1"]

    response = editor.post(CREATE, data)

    objective = Objective.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("objective_detail", args=[objective.pk])
    rows_saved = list(
        objective.key_results.order_by("position").values_list("title", "kind", "unit")
    )
    assert rows_saved == [
        ("Deals", "increase", "deals"),
        ("Churn", "maintain", "%"),
        ("Portal live", "milestone", ""),
    ]


def test_an_empty_row_is_no_key_result(world: World, editor: Client) -> None:
    data = page_data(world, [{"title": "Deals", "start": "0", "target": "10"}, {"title": ""}])

    editor.post(CREATE, data)

    assert list(KeyResult.objects.values_list("title", flat=True)) == ["Deals"]


def test_a_refused_row_keeps_every_typed_value_and_names_row_and_field(
    world: World, editor: Client
) -> None:
    rows = [
        {"title": "Deals", "start": "0", "target": "10"},
        {"title": "Churn rate", "start": "5", "target": "5", "unit": "%"},
    ]

    response = editor.post(CREATE, page_data(world, rows, title="Win the mid-market"))

    html = response.content.decode()
    assert response.status_code == 200
    assert Objective.objects.count() == 0
    assert KeyResult.objects.count() == 0
    assert 'value="Churn rate"' in html
    assert 'value="Win the mid-market"' in html
    slot = html[html.index('id="id_kr-1-target_error"') :].split("</div>")[0]
    assert "target must differ from start" in slot
    problems = response.context["problems"]
    assert [(p.label, p.message) for p in problems] == [
        ("Key result 2 · Target", "target must differ from start")
    ]
    assert 'data-testid="form-errors"' in html


def test_the_edit_page_saves_rows_added_changed_and_removed(world: World, editor: Client) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    deals = factories.key_result(objective, "Deals", start=0, target=10)
    calls = factories.key_result(objective, "Calls", start=0, target=10)
    data = page_data(
        world,
        [
            {"id": deals.pk, "title": "Closed deals", "start": "0", "target": "12"},
            {"title": "Referrals", "start": "0", "target": "5"},
        ],
        title="Grow",
    )

    response = editor.post(reverse("objective_edit", args=[objective.pk]), data)

    assert response.status_code == 302
    rows = list(objective.key_results.order_by("position").values_list("pk", "title", "target"))
    assert rows[0] == (deals.pk, "Closed deals", 12.0)
    assert rows[1][1:] == ("Referrals", 5.0)
    assert not KeyResult.objects.filter(pk=calls.pk).exists()


def test_an_objective_with_more_key_results_than_a_page_holds_keeps_them_all(
    world: World, editor: Client
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    saved = [
        factories.key_result(objective, f"Deals {n}", start=0, target=10)
        for n in range(MAX_ROWS + 2)
    ]
    rows = [{"id": kr.pk, "title": kr.title, "start": "0", "target": "10"} for kr in saved]

    response = editor.post(reverse("objective_edit", args=[objective.pk]), page_data(world, rows))

    assert response.status_code == 302
    assert objective.key_results.count() == MAX_ROWS + 2


def test_rows_beyond_the_limit_are_refused_not_dropped(world: World, editor: Client) -> None:
    rows = [{"title": f"Deals {n}", "start": "0", "target": "10"} for n in range(MAX_ROWS + 1)]

    response = editor.post(CREATE, page_data(world, rows))

    assert response.status_code == 200
    problems = [p.message for p in response.context["problems"]]
    assert any(f"At most {MAX_ROWS} key results" in message for message in problems)
    assert not Objective.objects.filter(title="Win the mid-market").exists()


def test_an_edit_post_without_rows_changes_the_objective_only(world: World, editor: Client) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    factories.key_result(objective, "Deals", start=0, target=10)
    data = page_data(world, [], title="Grown")
    del data["kr_rows"], data["kr"]

    editor.post(reverse("objective_edit", args=[objective.pk]), data)

    objective.refresh_from_db()
    assert objective.title == "Grown"
    assert objective.key_results.count() == 1


def test_a_viewer_cannot_write_through_the_page(world: World, viewer: Client) -> None:
    rows = [{"title": "Deals", "start": "0", "target": "10"}]

    response = viewer.post(CREATE, page_data(world, rows))

    assert response.status_code == 403
    assert Objective.objects.count() == 0


# --- Validated as you type -----------------------------------------------------------------


def error_slot(html: str, auto_id: str) -> str:
    match = re.search(rf'id="{re.escape(auto_id)}_error"[^>]*>(.*?)</div>', html, re.S)
    assert match, auto_id
    return match.group(1)


def test_live_validation_names_the_row_and_the_field(world: World, editor: Client) -> None:
    rows = [
        {"title": "Deals", "start": "0", "target": "10"},
        {"title": "Churn", "start": "5", "target": "5"},
    ]
    data = page_data(world, rows, _touched="kr-1-target")

    html = editor.post(VALIDATE, data).content.decode()

    assert "target must differ from start" in error_slot(html, "id_kr-1-target")
    assert "Key result 2 · Target" in html
    assert 'id="writer-problems"' in html
    assert 'hx-swap-oob="outerHTML"' in html


def test_live_validation_clears_the_error_once_fixed(world: World, editor: Client) -> None:
    rows = [{"title": "Churn", "start": "5", "target": "8"}]

    html = editor.post(VALIDATE, page_data(world, rows, _touched="kr-0-target")).content.decode()

    assert error_slot(html, "id_kr-0-target").strip() == ""
    assert 'data-testid="problem"' not in html


def test_live_validation_is_quiet_on_rows_and_fields_not_typed_in(
    world: World, editor: Client
) -> None:
    rows = [{"title": "Deals", "start": "", "target": ""}, {"title": ""}]

    html = editor.post(VALIDATE, page_data(world, rows, _touched="kr-0-title")).content.decode()

    assert error_slot(html, "id_kr-0-target").strip() == ""
    assert error_slot(html, "id_kr-1-title").strip() == ""
    assert "a key result needs a title" not in html


def test_live_validation_coaches_the_rows_by_their_number(world: World, editor: Client) -> None:
    rows = [{"title": ""}, {"title": "Launch the portal", "kind": "milestone"}]

    html = editor.post(VALIDATE, page_data(world, rows, _touched="kr-1-title")).content.decode()

    assert "Key result 2 reads like a task with no metric" in html
    assert "This objective has only one key result; aim for 2 to 5." in html
    assert "Key result 1" not in html


def test_live_validation_never_saves(world: World, editor: Client) -> None:
    rows = [{"title": "Deals", "start": "0", "target": "10"}]

    editor.post(VALIDATE, page_data(world, rows, _touched="*"))

    assert Objective.objects.count() == 0
    assert KeyResult.objects.count() == 0


def test_live_validation_runs_in_bounded_queries_whatever_the_rows(
    world: World, editor: Client, django_assert_max_num_queries: Any
) -> None:
    rows = [{"title": f"Row {n}", "start": "0", "target": "10"} for n in range(30)]
    data = page_data(world, rows, _touched="*")

    with django_assert_max_num_queries(80):
        editor.post(VALIDATE, data)


def test_without_javascript_add_key_result_posts_back_with_one_more_row(
    world: World, editor: Client
) -> None:
    rows = [{"title": "Deals", "start": "0", "target": "10"}]

    response = editor.post(CREATE, page_data(world, rows, kr_add="1"))

    html = response.content.decode()
    assert response.status_code == 200
    assert Objective.objects.count() == 0
    assert 'value="Deals"' in html
    new_title = html[html.index('name="kr-1-title"') - 300 : html.index('name="kr-1-title"')]
    assert "<input" in new_title
    assert (
        "autofocus" in html[html.index('name="kr-1-title"') : html.index('name="kr-1-title"') + 300]
    )


def test_without_javascript_remove_posts_back_without_the_row(world: World, editor: Client) -> None:
    rows = [
        {"title": "Deals", "start": "0", "target": "10"},
        {"title": "Calls", "start": "0", "target": "10"},
    ]

    response = editor.post(CREATE, page_data(world, rows, kr_remove="0"))

    html = response.content.decode()
    assert Objective.objects.count() == 0
    assert 'value="Calls"' in html
    assert 'value="Deals"' not in html


def test_saving_the_edit_page_unchanged_writes_no_key_result(world: World, editor: Client) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    deals = factories.key_result(objective, "Deals", start=0, target=10, unit="deals")
    portal = factories.key_result(objective, "Portal live", kind="milestone")
    AuditEntry.objects.all().delete()
    rows = [
        {"id": deals.pk, "title": "Deals", "start": "0", "target": "10", "unit": "deals"},
        {"id": portal.pk, "title": "Portal live", "kind": "milestone"},
    ]

    response = editor.post(
        reverse("objective_edit", args=[objective.pk]), page_data(world, rows, title="Grow")
    )

    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="key_result.").exists()
