"""The check-in forms say what is optional: confidence may be left blank ("not given"), and
a milestone's box says what ticked and unticked mean."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.okrs.models import CheckIn, KeyResult
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def leads(world: World) -> KeyResult:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    return factories.key_result(objective, "Leads", target=100)


def confidence_input(html: str) -> str:
    start = html.index('name="confidence"')
    return html[html.rindex("<input", 0, start) : html.index(">", start)]


def test_the_check_in_form_marks_confidence_optional(world: World, leads: KeyResult) -> None:
    client = world.client_for(world.editor)

    html = client.get(reverse("key_result_check_in", args=[leads.pk])).content.decode()

    assert "0-10 (optional)" in html
    tag = confidence_input(html)
    assert " required" not in tag
    assert 'placeholder="not given"' in tag


def test_a_check_in_without_confidence_is_saved_as_not_given(
    world: World, leads: KeyResult
) -> None:
    client = world.client_for(world.editor)

    client.post(reverse("key_result_check_in", args=[leads.pk]), {"value": "12", "confidence": ""})
    html = client.get(reverse("check_in_all")).content.decode()

    check_in = CheckIn.objects.get(key_result=leads)
    assert (check_in.value, check_in.confidence) == (12, None)
    assert "confidence not given" in html


def test_check_in_on_everything_marks_confidence_optional(world: World, leads: KeyResult) -> None:
    html = world.client_for(world.editor).get(reverse("check_in_all")).content.decode()

    assert "0-10 (optional)" in html
    assert 'placeholder="not given"' in confidence_input(html)


def test_a_milestone_check_in_says_what_ticked_and_unticked_mean(
    world: World, leads: KeyResult, now: dt.datetime
) -> None:
    milestone = factories.key_result(leads.objective, "Portal live", kind="milestone")
    client = world.client_for(world.editor)

    single = client.get(reverse("key_result_check_in", args=[milestone.pk]), **HTMX)
    everything = client.get(reverse("check_in_all"))

    for html in (single.content.decode(), everything.content.decode()):
        assert "Ticked: done. Left unticked: not done yet." in html
