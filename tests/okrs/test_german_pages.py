"""OKR pages in German: German words, decimal commas for people, plain numbers for machines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A German request leaves German active in this thread: the next test starts in English."""
    yield
    translation.activate("en")


NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _speaks_german(world: World) -> None:
    user = world.editor.user
    user.language = "de"
    user.save(update_fields=["language"])


def test_an_objective_page_in_german_writes_commas_for_people_and_dots_for_machines(
    world: World,
) -> None:
    _speaks_german(world)
    with time_machine.travel(NOW, tick=False):
        objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
        factories.key_result(
            objective,
            "Weekly active teams",
            check_ins=[(42.5, dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC))],
        )
        page = (
            world.client_for(world.editor)
            .get(reverse("objective_detail", args=[objective.pk]))
            .content.decode()
        )

    assert '<html lang="de">' in page
    assert "42,5" in page  # the key result's value, as a German reader writes it
    widths = re.findall(r'style="width: ([^"%]*)%"', page)
    assert "42.5" in widths  # the progress bar's CSS width, read by the browser
    assert all("," not in width for width in widths)


def test_the_objective_form_speaks_german(world: World) -> None:
    _speaks_german(world)

    page = world.client_for(world.editor).get(reverse("objective_create")).content.decode()

    assert "Neues Objective" in page
    assert "Was du erreichen willst" in page
    assert "New objective" not in page


def test_the_coach_speaks_german(world: World) -> None:
    _speaks_german(world)

    response = world.client_for(world.editor).post(
        reverse("objective_validate"), {"title": "Grow", "_touched": "*"}
    )

    page = response.content.decode()
    assert "Dieses Objective hat keine verantwortliche Person." in page
    assert "This objective has no owner." not in page
