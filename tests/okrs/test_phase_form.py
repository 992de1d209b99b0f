"""Phased targets on the key result form: a grid of the cycle's months, saved through the
service, refusals beside the month they concern, the writer leaves them alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.okrs import services
from goalkeeper.okrs.models import KeyResult, Objective
from tests.conftest import World
from tests.okrs.test_key_result_pages import create_url, errors_of, form_data
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


@pytest.fixture
def objective(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)


def phases(**months: Any) -> dict[str, Any]:
    """The grid's fields: phase_0 is October 2026, phase_1 November, phase_2 December."""
    grid = {"phase_0": "", "phase_1": "", "phase_2": ""}
    grid.update(months)
    return grid


def test_the_form_offers_one_field_per_month_of_the_cycle(
    editor: Client, objective: Objective
) -> None:
    html = editor.get(create_url(objective)).content.decode()

    assert 'data-testid="phases"' in html
    for day in ("2026-10-31", "2026-11-30", "2026-12-31"):
        assert f'data-phase="{day}"' in html
    assert "31 Oct 2026" in html


def test_typed_phases_are_saved_and_shown_again(
    world: World, editor: Client, objective: Objective
) -> None:
    data = form_data(world, start="0", target="120", **phases(phase_0="10", phase_2="120"))

    response = editor.post(create_url(objective), data)

    assert response.status_code == 302
    key_result = KeyResult.objects.get()
    assert key_result.phases == [
        {"until": "2026-10-31", "value": 10.0},
        {"until": "2026-12-31", "value": 120.0},
    ]
    page = editor.get(reverse("key_result_edit", args=[key_result.pk]))
    assert page.context["form"]["phase_0"].value() == 10
    assert page.context["form"]["phase_1"].value() is None


def test_empty_months_keep_the_straight_line(
    world: World, editor: Client, objective: Objective
) -> None:
    editor.post(create_url(objective), form_data(world, **phases()))

    assert KeyResult.objects.get().phases == []


def test_a_refused_phase_is_named_beside_its_month(
    world: World, editor: Client, objective: Objective
) -> None:
    data = form_data(world, **phases(phase_1="lots", phase_2="1e300"))

    response = editor.post(create_url(objective), data)

    assert response.status_code == 200
    assert errors_of(response) == {
        "phase_1": ["enter a number, e.g. 42 or 0.5"],
        "phase_2": ["must be between -1e15 and 1e15"],
    }
    assert KeyResult.objects.count() == 0


def test_phases_of_a_maintain_key_result_are_dropped(
    world: World, editor: Client, objective: Objective
) -> None:
    data = form_data(world, kind="maintain", low="90", high="100", **phases(phase_0="95"))

    response = editor.post(create_url(objective), data)

    assert response.status_code == 302
    assert KeyResult.objects.get().phases == []


def test_editing_elsewhere_keeps_phases_the_form_does_not_show(
    world: World, editor: Client, objective: Objective
) -> None:
    key_result = factories.key_result(objective, "Sales", start=0, target=120)
    services.update_key_result(
        actor=world.editor,
        key_result=key_result,
        phases=[{"until": "2026-11-15", "value": 30}],
    )

    page = editor.get(reverse("key_result_edit", args=[key_result.pk]))

    form = page.context["form"]
    assert [day.isoformat() for day in form.phase_dates] == [
        "2026-10-31",
        "2026-11-15",
        "2026-11-30",
        "2026-12-31",
    ]
    assert form["phase_1"].value() == 30
