"""The key result form: every kind, refusals with field and reason, KPI link, live coach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs import services
from goalkeeper.okrs.models import KeyResult, Objective
from goalkeeper.okrs.services import Closing
from tests.conftest import World
from tests.web import factories

VALIDATE = reverse("key_result_validate")


@pytest.fixture
def objective(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)


def create_url(objective: Objective) -> str:
    return reverse("key_result_create", args=[objective.pk])


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Qualified leads per month",
        "kind": "increase",
        "owner": world.editor.pk,
        "unit": "leads",
        "weight": "1",
        "start": "40",
        "target": "120",
        "commit": "",
        "stretch": "",
        "low": "",
        "high": "",
        "kpi": "",
        "kpi_mode": "latest",
    }
    data.update(overrides)
    return data


def errors_of(response: Any) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


# --- Every kind ------------------------------------------------------------------------------


def test_an_increase_key_result_is_added_and_the_page_is_ready_for_the_next(
    world: World, editor: Client, objective: Objective
) -> None:
    response = editor.post(create_url(objective), form_data(world, then="another"))

    assert response.status_code == 302
    assert response["Location"] == create_url(objective)
    kr = KeyResult.objects.get()
    assert (kr.title, kr.kind, kr.unit, kr.start, kr.target, kr.current, kr.owner) == (
        "Qualified leads per month",
        "increase",
        "leads",
        40,
        120,
        40,
        world.editor,
    )
    assert AuditEntry.objects.filter(action="key_result.created").count() == 1
    page = editor.get(create_url(objective)).content.decode()
    assert "Add key result 2" in page
    assert "Qualified leads per month" in page


def test_add_and_finish_returns_to_the_objective(
    world: World, editor: Client, objective: Objective
) -> None:
    response = editor.post(create_url(objective), form_data(world, then="finish"))

    assert response["Location"] == reverse("objective_detail", args=[objective.pk])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"kind": "decrease", "start": "12", "target": "4", "unit": "days"},
            {"kind": "decrease", "start": 12.0, "target": 4.0, "low": None, "high": None},
        ),
        (
            {"kind": "maintain", "low": "99.5", "high": "", "start": "1", "target": "2"},
            {"kind": "maintain", "start": None, "target": None, "low": 99.5, "high": None},
        ),
        (
            {"kind": "milestone", "start": "1", "target": "2", "low": "3", "commit": "1.5"},
            {"kind": "milestone", "start": None, "target": None, "low": None, "commit": None},
        ),
        (
            {"commit": "60", "stretch": "150"},
            {"kind": "increase", "commit": 60.0, "stretch": 150.0, "target": 120.0},
        ),
    ],
)
def test_each_kind_keeps_its_own_numbers_only(
    world: World,
    editor: Client,
    objective: Objective,
    overrides: dict[str, str],
    expected: dict[str, Any],
) -> None:
    editor.post(create_url(objective), form_data(world, **overrides))

    kr = KeyResult.objects.get()
    assert {name: getattr(kr, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"target": "40"}, {"target": ["target must differ from start"]}),
        (
            {"kind": "decrease"},
            {"target": ["target must be below start for decrease key results"]},
        ),
        ({"kind": "maintain", "low": "5", "high": "3"}, {"low": ["low must not exceed high"]}),
        (
            {"kind": "maintain"},
            {"low": ["low or high is required for maintain key results"]},
        ),
        ({"weight": "0"}, {"weight": ["must be more than 0 and at most 1000"]}),
        ({"weight": "-2"}, {"weight": ["must be more than 0 and at most 1000"]}),
        (
            {"weight": ""},
            {"weight": ["give a weight: 1 unless it counts more or less than the others"]},
        ),
        ({"start": "nan"}, {"start": ["must be a finite number"]}),
        ({"target": "inf"}, {"target": ["must be a finite number"]}),
        ({"target": "lots"}, {"target": ["enter a number, e.g. 42 or 0.5"]}),
        (
            {"start": "", "target": ""},
            {
                "start": ["is required for increase key results"],
                "target": ["is required for increase key results"],
            },
        ),
        (
            {"commit": "130", "stretch": "150"},
            {"commit": ["commit must be below target"]},
        ),
        (
            {"commit": "60", "stretch": "100"},
            {"stretch": ["stretch must be above target"]},
        ),
        ({"commit": "60"}, {"stretch": ["is required when commit is set"]}),
        (
            {"title": "", "target": "40"},
            {"title": ["a key result needs a title"], "target": ["target must differ from start"]},
        ),
        (
            {"kind": "sideways"},
            {"kind": ["Select a valid choice. sideways is not one of the available choices."]},
        ),
    ],
)
def test_a_refused_key_result_names_the_field_and_the_reason(
    world: World,
    editor: Client,
    objective: Objective,
    overrides: dict[str, str],
    expected: dict[str, list[str]],
) -> None:
    response = editor.post(create_url(objective), form_data(world, **overrides))

    assert response.status_code == 200
    assert errors_of(response) == expected
    assert KeyResult.objects.count() == 0
    html = response.content.decode()
    for field, messages in expected.items():
        slot = html[html.index(f'id="id_{field}_error"') :].split("</div>")[0]
        assert messages[0] in slot


def test_the_same_refusal_reads_the_same_in_the_api(
    world: World, editor: Client, objective: Objective
) -> None:
    from goalkeeper.api.services import create_token

    _, raw = create_token(actor=None, person=world.editor, name="t")
    api = Client().post(
        "/api/v1/key-results",
        {
            "objective": objective.pk,
            "title": "Leads",
            "kind": "increase",
            "start": 40,
            "target": 40,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    page = editor.post(create_url(objective), form_data(world, target="40"))

    assert "target must differ from start" in api.content.decode()
    assert errors_of(page) == {"target": ["target must differ from start"]}


def test_the_form_shows_the_fields_of_the_chosen_kind(
    world: World, editor: Client, objective: Objective
) -> None:
    html = editor.get(create_url(objective)).content.decode()

    assert 'data-kind="increase"' in html
    assert 'data-for-kind="increase decrease"' in html
    assert 'data-for-kind="maintain"' in html
    assert 'data-for-kind="milestone"' in html
    assert "okrs/okrs.js" in html


# --- KPI link --------------------------------------------------------------------------------


def test_a_key_result_linked_to_a_kpi_reads_its_value_at_once(
    world: World, editor: Client, objective: Objective
) -> None:
    kpi = create_kpi(
        actor=world.admin, team=world.sales, name="Leads", direction="higher_is_better", target=100
    )
    record_measurements(
        actor=world.admin, kpi=kpi, points=[(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), 75.0)]
    )

    editor.post(create_url(objective), form_data(world, kpi=kpi.pk, kpi_mode="latest"))

    kr = KeyResult.objects.get()
    assert (kr.kpi, kr.kpi_mode, kr.current) == (kpi, "latest", 75.0)
    assert kr.check_ins.get().automatic is True


def test_the_kpi_choices_are_the_workspaces_own(
    world: World, editor: Client, objective: Objective, things: Any
) -> None:
    response = editor.post(create_url(objective), form_data(world, kpi=things.globex.kpi.pk))

    assert list(errors_of(response)) == ["kpi"]
    assert response.context["form"].errors["kpi"] == ["no such KPI in this workspace"]
    assert "Globex" not in response.content.decode()


# --- Edit and delete -------------------------------------------------------------------------


def test_editing_a_key_result_saves_and_returns_to_the_objective(
    world: World, editor: Client, objective: Objective
) -> None:
    kr = factories.key_result(objective, "Leads", start=0, target=100)
    url = reverse("key_result_edit", args=[kr.pk])

    page = editor.get(url)
    response = editor.post(url, form_data(world, title="Leads", start="0", target="150"))

    assert page.context["form"].initial["target"] == 100
    assert response["Location"] == reverse("objective_detail", args=[objective.pk])
    kr.refresh_from_db()
    assert kr.target == 150
    assert AuditEntry.objects.filter(action="key_result.updated").get().changes["target"] == [
        100.0,
        150.0,
    ]


def test_deleting_a_key_result_asks_first(
    world: World, editor: Client, objective: Objective
) -> None:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    kr = factories.key_result(objective, "Leads", check_ins=[(10, now), (20, now)])
    url = reverse("key_result_delete", args=[kr.pk])

    page = editor.get(url).content.decode()
    response = editor.post(url)

    assert "Its 2 check-ins are deleted with it" in page
    assert response["Location"] == reverse("objective_detail", args=[objective.pk])
    assert KeyResult.objects.count() == 0


def test_a_closed_cycle_refuses_new_and_changed_key_results(
    world: World, editor: Client, objective: Objective
) -> None:
    kr = factories.key_result(objective, "Leads")
    services.close_cycle(
        actor=world.admin, cycle=world.cycle, closings=[Closing(objective.pk, 0.1)]
    )

    added = editor.post(create_url(objective), form_data(world))
    changed = editor.post(reverse("key_result_edit", args=[kr.pk]), form_data(world))

    assert added.context["form"].non_field_errors() == ["cycle: the cycle is closed"]
    assert changed.context["form"].non_field_errors() == ["cycle: the cycle is closed"]
    assert 'data-testid="locked"' in added.content.decode()
    assert KeyResult.objects.count() == 1


# --- Permissions -------------------------------------------------------------------------------


def test_a_viewer_may_not_write_key_results(
    world: World, viewer: Client, objective: Objective
) -> None:
    kr = factories.key_result(objective, "Leads")

    assert viewer.get(create_url(objective)).status_code == 403
    assert viewer.post(create_url(objective), form_data(world)).status_code == 403
    assert viewer.post(reverse("key_result_edit", args=[kr.pk]), form_data(world)).status_code == (
        403
    )
    assert viewer.post(reverse("key_result_delete", args=[kr.pk])).status_code == 403
    assert viewer.post(VALIDATE, form_data(world, objective=objective.pk)).status_code == 403
    assert KeyResult.objects.count() == 1


def test_another_workspace_sees_no_key_result(
    world: World, outsider: Client, objective: Objective
) -> None:
    kr = factories.key_result(objective, "Leads")

    assert outsider.get(create_url(objective)).status_code == 404
    assert outsider.get(reverse("key_result_edit", args=[kr.pk])).status_code == 404
    assert outsider.post(reverse("key_result_delete", args=[kr.pk])).status_code == 404
    assert outsider.post(VALIDATE, {"objective": objective.pk}).status_code == 404
    assert outsider.post(VALIDATE, {"key_result": kr.pk}).status_code == 404


# --- Live validation and the coach ---------------------------------------------------------------


def live(client: Client, objective: Objective, data: dict[str, Any]) -> str:
    return client.post(
        VALIDATE, {**data, "objective": objective.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()


def slot(html: str, field: str) -> str:
    return html[html.index(f'id="id_{field}_error"') :].split("</div>")[0]


def test_live_validation_says_target_equals_start_while_typing(
    world: World, editor: Client, objective: Objective
) -> None:
    html = live(editor, objective, form_data(world, target="40", _touched="start,target"))

    assert "target must differ from start" in slot(html, "target")
    assert KeyResult.objects.count() == 0


def test_live_validation_is_quiet_on_fields_not_yet_touched(
    world: World, editor: Client, objective: Objective
) -> None:
    html = live(
        editor, objective, form_data(world, title="", start="", target="", _touched="title")
    )

    assert "a key result needs a title" in slot(html, "title")
    assert "is required" not in slot(html, "start")
    assert "is required" not in slot(html, "target")


def test_the_coach_counts_the_draft_among_the_objectives_key_results(
    world: World, editor: Client, objective: Objective
) -> None:
    first = live(editor, objective, form_data(world, _touched="title"))
    factories.key_result(objective, "Existing")
    second = live(editor, objective, form_data(world, _touched="title"))

    assert "This objective has only one key result; aim for 2 to 5." in first
    assert "too_few_key_results" not in second


def test_the_coach_flags_a_task_phrased_title_with_its_why(
    world: World, editor: Client, objective: Objective
) -> None:
    milestone = live(editor, objective, form_data(world, kind="milestone", title="Launch the beta"))
    metric = live(editor, objective, form_data(world, title="Launch the beta to 500 teams"))

    assert (
        "Key result 1 reads like a task with no metric: &quot;Launch the beta&quot;." in milestone
    )
    assert "A key result states the outcome a task should bring" in milestone
    assert 'data-testid="remark-task_title"' in metric
    assert "Name the outcome the work should bring" in metric


def test_the_coach_says_nothing_measurable_and_no_owner(
    world: World, editor: Client, objective: Objective
) -> None:
    factories.key_result(objective, "Existing")
    html = live(editor, objective, form_data(world, start="", target="", owner=""))

    assert "Key result 2 has nothing measurable." in html
    assert "Key result 2 has no owner." in html


def test_a_good_key_result_gets_no_remark(
    world: World, editor: Client, objective: Objective
) -> None:
    factories.key_result(objective, "Existing")
    html = live(editor, objective, form_data(world))

    assert 'data-testid="coach-ok"' in html


def test_editing_coaches_the_draft_in_its_own_place(
    world: World, editor: Client, objective: Objective
) -> None:
    factories.key_result(objective, "First")
    second = factories.key_result(objective, "Second")
    data = form_data(world, kind="milestone", title="Ship it", key_result=second.pk)

    html = live(editor, objective, data)

    assert "Key result 2 reads like a task" in html
    assert "too_few_key_results" not in html
