"""The pages: the gallery and its search, a template's preview, an objective started from
a template and saved, a template's KPIs added to a team."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Objective
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")

GALLERY = reverse("template_gallery")


def test_the_gallery_shows_a_card_per_template_with_its_counts(editor: Client) -> None:
    html = editor.get(GALLERY).content.decode()

    assert html.count('data-testid="template-card"') == 10
    assert "3 objectives" in html
    assert "9 key results" in html
    assert "7 KPIs" in html
    assert 'data-testid="template-problems"' not in html


def test_the_gallery_searches_and_answers_htmx_with_the_results_only(editor: Client) -> None:
    html = editor.get(GALLERY, {"q": "dora"}, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in html
    assert html.count('data-testid="template-card"') == 1
    assert 'data-key="engineering"' in html
    none = editor.get(GALLERY, {"q": "zebra"}).content.decode()
    assert "No template matches" in none


def test_admins_see_the_broken_company_files_and_others_do_not(
    company_dir: Path, admin: Client, editor: Client
) -> None:
    (company_dir / "broken.yaml").write_text("version: 2\ntemplate: {name: X}\n")

    for_admin = admin.get(GALLERY).content.decode()
    for_editor = editor.get(GALLERY).content.decode()

    assert 'data-testid="template-problems"' in for_admin
    assert "broken.yaml:1" in for_admin
    assert "broken.yaml" not in for_editor
    assert for_admin.count('data-testid="template-card"') == 10


def test_a_company_template_is_listed_and_marked(company_dir: Path, editor: Client) -> None:
    (company_dir / "legal.yaml").write_text(
        "version: 1\ntemplate: {name: Legal, department: Legal}\n"
        "objectives:\n- key: safe\n  title: Sign contracts safely\n  key_results:\n"
        "  - {key: days, title: Days to review a contract, kind: decrease, unit: days,"
        " start: 10, target: 3}\n"
        "  - {key: playbook, title: Publish the playbook, kind: milestone}\n"
    )

    html = editor.get(GALLERY).content.decode()
    detail = editor.get(reverse("template_detail", args=["company-legal"])).content.decode()

    assert 'data-testid="company-badge"' in html
    assert "Sign contracts safely" in detail
    assert "Days to review a contract" in detail


def test_the_preview_lists_objectives_and_kpis(editor: Client, viewer: Client) -> None:
    html = editor.get(reverse("template_detail", args=["finance"])).content.decode()
    for_viewer = viewer.get(reverse("template_detail", args=["finance"])).content.decode()

    assert html.count('data-testid="template-objective"') == 3
    assert "Days sales outstanding (DSO)" in html
    assert 'data-testid="start-objective"' in html
    assert 'data-testid="start-objective"' not in for_viewer
    assert editor.get(reverse("template_detail", args=["nothing"])).status_code == 404


def test_an_objective_from_a_template_starts_with_its_title_and_key_results(
    editor: Client,
) -> None:
    url = reverse("template_objective", args=["sales", 1])

    html = editor.get(url).content.decode()

    assert 'value="Win more of the deals we work"' in html
    assert 'name="kr-2-title"' in html
    assert 'value="Win rate of qualified opportunities"' in html
    assert 'value="Run a win/loss review of every deal above 50k"' in html
    assert editor.get(reverse("template_objective", args=["sales", 9])).status_code == 404


def _objective_post(world: World, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cycle": world.cycle.pk,
        "title": "Win more of the deals we work",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "kind": "committed",
        "state": "active",
        "kr_rows": "1",
        "kr": [],
    }
    for key, row in enumerate(rows):
        data["kr"].append(str(key))
        for name, value in {"weight": "1", "owner": world.editor.pk, **row}.items():
            data[f"kr-{key}-{name}"] = value
    return data


def test_an_objective_from_a_template_is_saved_as_the_person_changed_it(
    world: World, editor: Client
) -> None:
    rows = [
        {
            "title": "Win rate of qualified opportunities",
            "kind": "increase",
            "unit": "%",
            "start": "18",
            "target": "30",
        },
        {
            "title": "Median sales cycle",
            "kind": "decrease",
            "unit": "days",
            "start": "75",
            "target": "60",
        },
    ]

    response = editor.post(
        reverse("template_objective", args=["sales", 1]), _objective_post(world, rows)
    )

    objective = Objective.objects.get()
    assert response.status_code == 302
    assert (objective.title, objective.team, objective.cycle) == (
        "Win more of the deals we work",
        world.sales,
        world.cycle,
    )
    assert list(objective.key_results.order_by("position").values_list("title", "target")) == [
        ("Win rate of qualified opportunities", 30),
        ("Median sales cycle", 60),
    ]


def test_a_viewer_cannot_start_from_a_template(viewer: Client) -> None:
    assert viewer.get(reverse("template_objective", args=["sales", 0])).status_code == 403
    assert viewer.get(reverse("template_kpis", args=["sales"])).status_code == 403


def test_the_kpi_page_lists_the_suggestions_checked(world: World, editor: Client) -> None:
    html = editor.get(reverse("template_kpis", args=["it"]), {"team": world.sales.pk}).content
    page = html.decode()

    assert page.count('data-testid="template-kpi-row"') == 7
    assert page.count("checked") == 7
    assert 'value="Uptime of core systems"' in page


def _kpi_post(world: World, chosen: dict[int, dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"team": world.sales.pk, "owner": world.editor.pk}
    for index in range(7):
        data[f"kpi-{index}-name"] = f"KPI {index}"
    for index, values in chosen.items():
        data[f"kpi-{index}-use"] = "on"
        data.update({f"kpi-{index}-{name}": value for name, value in values.items()})
    return data


def test_the_chosen_kpis_are_added_to_the_team(world: World, editor: Client) -> None:
    data = _kpi_post(world, {0: {"target": "99.95", "warning": "99.5"}, 3: {"target": "100"}})

    response = editor.post(reverse("template_kpis", args=["it"]), data)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('kpis')}?team={world.sales.pk}"
    kpis = list(Kpi.objects.order_by("id").values_list("name", "target", "owner", "team"))
    assert kpis == [
        ("KPI 0", 99.95, world.editor.pk, world.sales.pk),
        ("KPI 3", 100, world.editor.pk, world.sales.pk),
    ]


def test_a_refused_kpi_adds_none_and_is_marked(world: World, editor: Client) -> None:
    data = _kpi_post(world, {0: {"target": "99.9"}, 1: {"target": "60", "warning": "10"}})

    response = editor.post(reverse("template_kpis", args=["it"]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in page
    assert "warning must be above the target" in page
    assert Kpi.objects.count() == 0
