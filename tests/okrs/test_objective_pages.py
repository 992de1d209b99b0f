"""The objective form: create, edit, delete, refusals with field and reason, live validation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs import services
from goalkeeper.okrs.models import Cycle, CycleState, Objective
from goalkeeper.okrs.services import Closing
from tests.conftest import World
from tests.web import factories

CREATE = reverse("objective_create")
VALIDATE = reverse("objective_validate")


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "cycle": world.cycle.pk,
        "title": "Win the mid-market",
        "description": "Where the growth is.",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "aspirational",
        "parent": "",
        "state": "active",
    }
    data.update(overrides)
    return data


def field_errors(response: Any, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


# --- Create --------------------------------------------------------------------------------


def test_creating_an_objective_leads_to_its_page(world: World, editor: Client) -> None:
    response = editor.post(CREATE, form_data(world))

    objective = Objective.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("objective_detail", args=[objective.pk])
    assert (objective.title, objective.team, objective.owner, objective.kind) == (
        "Win the mid-market",
        world.sales,
        world.editor,
        "aspirational",
    )
    assert (objective.cycle, objective.state, objective.description) == (
        world.cycle,
        "active",
        "Where the growth is.",
    )
    entry = AuditEntry.objects.filter(action="objective.created").get()
    assert entry.actor == world.editor


def test_the_form_prefills_cycle_team_and_parent_from_the_address(
    world: World, editor: Client
) -> None:
    parent = factories.objective(world.cycle, world.company, "Be the reference", owner=world.admin)

    response = editor.get(
        f"{CREATE}?cycle={world.cycle.pk}&team={world.sales.pk}&parent={parent.pk}"
    )

    form = response.context["form"]
    assert (form.initial["cycle"], form.initial["team"], form.initial["aligned_0_objective"]) == (
        world.cycle.pk,
        world.sales,
        parent,
    )
    assert form.initial["owner"] == world.editor
    html = response.content.decode()
    assert f'<option value="{parent.pk}" selected>Be the reference</option>' in html


def test_without_a_team_in_the_address_the_callers_own_team_is_chosen(
    world: World, editor: Client
) -> None:
    response = editor.get(CREATE)

    assert response.context["form"].initial["team"] == world.sales


def test_the_team_picker_holds_only_the_chosen_team(world: World, editor: Client) -> None:
    from goalkeeper.accounts.services import create_team

    create_team(actor=world.admin, workspace=world.acme, name="Zeta", parent=world.company)

    html = editor.get(CREATE).content.decode()
    select = html.split('name="team"')[1].split("</select>")[0]

    assert select.count("<option") == 1
    assert f'<option value="{world.sales.pk}" selected>Sales</option>' in select
    assert 'data-picker="/pick/teams/"' in html
    assert "Zeta" not in html


def test_parents_are_the_cycles_objectives_the_company_first(world: World, editor: Client) -> None:
    factories.objective(world.cycle, world.sales, "Sales goal", owner=world.editor)
    factories.objective(world.cycle, world.company, "Company goal", owner=world.admin)
    other = services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    factories.objective(other, world.company, "Next quarter", owner=world.admin)

    found = editor.get(
        reverse("pick_objectives"), {"cycle": world.cycle.pk, "team": world.sales.pk}
    ).json()["results"]

    assert [row["label"] for row in found] == ["Company goal", "Sales goal"]
    assert found[0]["hint"] == "Acme · 2026-Q4"


def test_the_objectives_kind_explains_the_0_7_bar(world: World, editor: Client) -> None:
    html = editor.get(CREATE).content.decode()

    assert "A stretch goal: 0.7 already counts as success." in html
    assert "Must be met in full: success is 1.0." in html


def test_a_page_opens_with_the_title_focused_and_fields_described(
    world: World, editor: Client
) -> None:
    html = editor.get(CREATE).content.decode()

    assert 'name="title"' in html
    assert 'aria-describedby="id_title_help id_title_error"' in html
    title_input = html[html.index('name="title"') - 200 : html.index('name="title"') + 300]
    assert "autofocus" in title_input


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "an objective needs a title"),
        (
            {"title": "x" * 201},
            "title",
            "Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            {"kind": "lukewarm"},
            "kind",
            "Select a valid choice. lukewarm is not one of the available choices.",
        ),
        ({"team": ""}, "team", "choose a team"),
        (
            {"state": "closed"},
            "state",
            "Select a valid choice. closed is not one of the available choices.",
        ),
    ],
)
def test_a_refused_objective_names_the_field_and_the_reason(
    world: World, editor: Client, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = editor.post(CREATE, form_data(world, **overrides))

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert Objective.objects.count() == 0
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert message.replace("'", "&#x27;") in html


def test_after_a_failed_submit_the_first_wrong_field_has_the_focus(
    world: World, editor: Client
) -> None:
    response = editor.post(CREATE, form_data(world, title=""))

    html = response.content.decode()
    start = html.index('name="title"')
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    assert "autofocus" in tag
    assert 'aria-invalid="true"' in tag
    assert html.count("autofocus") == 1


def test_another_workspaces_team_or_parent_is_not_a_choice(
    world: World, editor: Client, things: Any
) -> None:
    response = editor.post(
        CREATE,
        form_data(world, team=things.globex.team.pk, parent=things.globex.objective.pk),
    )

    assert field_errors(response, "team") == ["no such team in this workspace"]
    assert field_errors(response, "aligned_0_objective") == ["no such objective in this workspace"]


def test_a_closed_cycle_is_not_offered(world: World, editor: Client) -> None:
    services.close_cycle(actor=world.admin, cycle=world.cycle, closings=[])

    response = editor.post(CREATE, form_data(world))

    assert field_errors(response, "cycle") == [
        f"Select a valid choice. {world.cycle.pk} is not one of the available choices."
    ]
    assert "No open cycle" in editor.get(CREATE).content.decode()


# --- Edit and delete -------------------------------------------------------------------------


@pytest.fixture
def objective(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)


def test_editing_an_objective_saves_and_returns_to_its_page(
    world: World, editor: Client, objective: Objective
) -> None:
    parent = factories.objective(world.cycle, world.company, "Be the reference", owner=world.admin)
    data = form_data(world, title="Grow the pipeline fast", parent=parent.pk, roll_up_children="on")
    del data["cycle"]

    response = editor.post(reverse("objective_edit", args=[objective.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("objective_detail", args=[objective.pk])
    objective.refresh_from_db()
    assert (objective.title, objective.parent, objective.roll_up_children) == (
        "Grow the pipeline fast",
        parent,
        True,
    )
    entries = AuditEntry.objects.filter(action="objective.updated").order_by("id")
    # The alignment is its own write (`set_alignments`), then the rest.
    assert [sorted(entry.changes)[-1] for entry in entries] == ["parents", "title"]
    assert entries[1].changes["title"] == ["Grow the pipeline", "Grow the pipeline fast"]


def test_an_alignment_loop_is_refused_on_the_parent_field(
    world: World, editor: Client, objective: Objective
) -> None:
    child = factories.objective(
        world.cycle, world.sales, "Child", owner=world.editor, parent=objective
    )
    data = form_data(world, title=objective.title, parent=child.pk)

    response = editor.post(reverse("objective_edit", args=[objective.pk]), data)

    assert field_errors(response, "aligned_rows") == [
        "this alignment would make a loop: “Grow the pipeline” supports “Child” which supports"
        " “Grow the pipeline”"
    ]


def test_an_objective_cannot_support_itself(
    world: World, editor: Client, objective: Objective
) -> None:
    response = editor.post(
        reverse("objective_edit", args=[objective.pk]), form_data(world, parent=objective.pk)
    )

    assert "aligned_0_objective" in response.context["form"].errors
    objective.refresh_from_db()
    assert objective.parent is None


def test_the_edit_page_shows_each_key_result_as_a_row_to_change(
    world: World, editor: Client, objective: Objective
) -> None:
    kr = factories.key_result(objective, "Qualified leads", target=200, unit="leads")

    html = editor.get(reverse("objective_edit", args=[objective.pk])).content.decode()

    assert f'name="kr-0-id" value="{kr.pk}"' in html
    assert 'name="kr-0-title"' in html
    assert 'value="Qualified leads"' in html
    assert 'name="kr-0-target"' in html
    assert 'value="200"' in html
    assert 'data-testid="add-row"' in html


def test_in_a_closed_cycle_the_edit_page_is_locked_and_the_save_refused(
    world: World, editor: Client, objective: Objective
) -> None:
    services.close_cycle(
        actor=world.admin, cycle=world.cycle, closings=[Closing(objective.pk, 0.2)]
    )
    url = reverse("objective_edit", args=[objective.pk])

    page = editor.get(url).content.decode()
    response = editor.post(url, form_data(world, title="Sneaky"))

    assert 'data-testid="locked"' in page
    assert '<fieldset class="editor__fields" disabled>' in page
    assert response.context["form"].non_field_errors() == ["cycle: the cycle is closed"]
    objective.refresh_from_db()
    assert objective.title == "Grow the pipeline"


def test_deleting_asks_first_then_deletes(
    world: World, editor: Client, objective: Objective
) -> None:
    factories.key_result(objective, "Leads")
    child = factories.objective(
        world.cycle, world.sales, "Child", owner=world.editor, parent=objective
    )
    url = reverse("objective_delete", args=[objective.pk])

    page = editor.get(url).content.decode()
    response = editor.post(url)

    assert "Its 1 key result and all their check-ins are deleted with it." in page
    assert "1 objective supports it: they stay, with no parent." in page
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_board", args=[world.cycle.pk])
    assert not Objective.objects.filter(pk=objective.pk).exists()
    child.refresh_from_db()
    assert child.parent is None
    assert AuditEntry.objects.filter(action="objective.deleted").count() == 1


def test_an_objective_of_a_closed_cycle_is_not_deleted(
    world: World, editor: Client, objective: Objective
) -> None:
    services.close_cycle(
        actor=world.admin, cycle=world.cycle, closings=[Closing(objective.pk, 0.2)]
    )

    response = editor.post(reverse("objective_delete", args=[objective.pk]))

    assert "Not deleted: the cycle is closed" in response.content.decode()
    assert Objective.objects.filter(pk=objective.pk).exists()


# --- Permissions and CSRF --------------------------------------------------------------------


@pytest.mark.parametrize("route", ["objective_edit", "objective_delete"])
def test_a_viewer_may_not_write_objectives(
    world: World, viewer: Client, objective: Objective, route: str
) -> None:
    assert viewer.get(CREATE).status_code == 403
    assert viewer.post(CREATE, form_data(world)).status_code == 403
    assert viewer.get(reverse(route, args=[objective.pk])).status_code == 403
    assert viewer.post(reverse(route, args=[objective.pk])).status_code == 403
    assert viewer.post(VALIDATE, form_data(world)).status_code == 403
    assert Objective.objects.count() == 1


@pytest.mark.parametrize("route", ["objective_edit", "objective_delete"])
def test_another_workspace_sees_no_objective(
    world: World, outsider: Client, objective: Objective, route: str
) -> None:
    assert outsider.get(reverse(route, args=[objective.pk])).status_code == 404
    assert outsider.post(reverse(route, args=[objective.pk])).status_code == 404
    assert outsider.post(VALIDATE, {"objective": objective.pk}).status_code == 404
    assert outsider.get(f"{CREATE}?parent={objective.pk}").status_code == 404
    assert outsider.get(f"{CREATE}?cycle={world.cycle.pk}").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    response = Client().get(CREATE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_forms_refuse_a_post_without_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor.user)

    assert client.post(CREATE, form_data(world)).status_code == 403
    assert client.post(VALIDATE, form_data(world)).status_code == 403
    page = client.get(CREATE).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


# --- Live validation -------------------------------------------------------------------------


def test_live_validation_reports_errors_on_touched_fields_only(
    world: World, editor: Client
) -> None:
    data = form_data(world, title="", kind="lukewarm", _touched="title")

    html = editor.post(VALIDATE, data, HTTP_HX_REQUEST="true").content.decode()

    title_slot = html[html.index('id="id_title_error"') : html.index('id="id_description_error"')]
    assert "an objective needs a title" in title_slot
    assert 'hx-swap-oob="innerHTML"' in title_slot
    kind_slot = html[html.index('id="id_kind_error"') :]
    assert "Select a valid choice" not in kind_slot.split("</div>")[0]
    assert Objective.objects.count() == 0


def test_live_validation_after_a_submit_reports_every_field(world: World, editor: Client) -> None:
    html = editor.post(
        VALIDATE, form_data(world, title="", kind="x", _touched="*")
    ).content.decode()

    assert "an objective needs a title" in html
    assert "Select a valid choice. x is not one of the available choices." in html


def test_live_validation_shows_the_coach_with_the_why(world: World, editor: Client) -> None:
    html = editor.post(VALIDATE, form_data(world, owner="", _touched="title")).content.decode()

    assert 'data-testid="remark-missing_owner"' in html
    assert "nobody is accountable" in html


def test_live_validation_of_an_edit_coaches_its_key_results(
    world: World, editor: Client, objective: Objective
) -> None:
    factories.key_result(objective, "Launch the referral programme", kind="milestone")
    factories.key_result(objective, "Qualified leads", target=200)
    data = form_data(world, objective=objective.pk, _touched="title")

    html = editor.post(VALIDATE, data).content.decode()

    assert "too_few_key_results" not in html
    assert (
        "Key result 1 reads like a task with no metric: &quot;Launch the referral programme&quot;."
        in html
    )


def test_live_validation_never_saves(world: World, editor: Client, objective: Objective) -> None:
    editor.post(VALIDATE, form_data(world, objective=objective.pk, title="Changed", _touched="*"))

    objective.refresh_from_db()
    assert objective.title == "Grow the pipeline"


def test_the_form_validates_as_you_type(world: World, editor: Client) -> None:
    html = editor.get(CREATE).content.decode()

    assert f'hx-post="{VALIDATE}"' in html
    assert 'hx-trigger="input changed delay:400ms, change delay:400ms' in html
    assert 'hx-target="#coach-remarks"' in html


def test_a_cycle_in_planning_takes_objectives(world: World, editor: Client) -> None:
    planning = Cycle.objects.create(
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.PLANNING,
    )

    editor.post(CREATE, form_data(world, cycle=planning.pk))

    assert Objective.objects.get().cycle == planning


@pytest.mark.parametrize(
    "route",
    ["objective_create", "objective_edit", "key_result_create", "key_result_edit"],
)
def test_an_empty_post_answers_with_the_errors_not_a_crash(
    world: World, admin: Client, objective: Objective, route: str
) -> None:
    key_result = factories.key_result(objective, "Leads")
    args = {
        "objective_create": [],
        "objective_edit": [objective.pk],
        "key_result_create": [objective.pk],
        "key_result_edit": [key_result.pk],
    }[route]

    response = admin.post(reverse(route, args=args))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'data-testid="form-errors"' in response.content.decode()


def test_the_teams_above_the_chosen_one_come_right_after_the_company(
    world: World, editor: Client
) -> None:
    from goalkeeper.accounts.services import create_team

    alpha = create_team(actor=world.admin, workspace=world.acme, name="Alpha", parent=world.company)
    inside = create_team(
        actor=world.admin, workspace=world.acme, name="Inside sales", parent=world.sales
    )
    factories.objective(world.cycle, alpha, "Alpha goal", owner=world.editor)
    factories.objective(world.cycle, world.sales, "Sales goal", owner=world.editor)
    factories.objective(world.cycle, world.company, "Company goal", owner=world.admin)

    def parents(team: Any) -> list[str]:
        answer = editor.get(reverse("pick_objectives"), {"cycle": world.cycle.pk, "team": team.pk})
        return [row["label"] for row in answer.json()["results"]]

    assert parents(inside)[2] == "Alpha goal"
    assert set(parents(inside)[:2]) == {"Company goal", "Sales goal"}
    assert parents(alpha)[2] == "Sales goal"


def test_changing_cycle_or_team_fetches_the_parents_again(world: World, editor: Client) -> None:
    html = editor.get(CREATE).content.decode()

    select = html.split('name="aligned_0_objective"')[1].split(">")[0]
    assert 'data-picker="/pick/objectives/"' in select
    assert 'data-picker-with="cycle team"' in select
