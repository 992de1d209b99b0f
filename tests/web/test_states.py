"""States that agree: a live cycle is coloured by pace, a closed one by final scores.

In a live cycle a thing's colour is its pace status and a score is shown neutral; score
bands (red, yellow, green) colour final scores only. A closed objective shows its final
score, band and retrospective: never pace, "expected by today" or coach remarks. A closed
cycle says it is closed, not which week it is in (see docs/scoring.md).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.okrs.models import Cycle, CycleState, Objective
from goalkeeper.okrs.services import Closing, close_cycle, close_objective, create_cycle
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def chips(html: str) -> list[tuple[str, str]]:
    """(tone, text) of every score chip on the page."""
    return re.findall(r'<span class="score-chip" data-tone="([a-z_]*)"[^>]*>([^<]*)</span>', html)


@pytest.fixture
def lagging(world: World, now: dt.datetime) -> Objective:
    """At 55% of the cycle, one key result at 0.3: at risk, one check-in only."""
    objective = factories.objective(world.cycle, world.sales, "Win retail", owner=world.editor)
    factories.key_result(objective, "Stores signed", target=100, check_ins=[(30, now)])
    return objective


# --- A closed objective: final score, band and retrospective only ---------------------------


def test_a_closed_objective_shows_no_pace_no_expectation_and_no_coach(
    world: World, lagging: Objective
) -> None:
    close_objective(
        actor=world.editor, objective=lagging, final_score=0.3, retrospective="Too ambitious."
    )

    html = html_of(world.client_for(world.viewer), reverse("objective_detail", args=[lagging.pk]))

    assert "Expected by today" not in html
    assert "progress__marker" not in html
    assert "At risk" not in html
    assert "Needs check-ins" not in html
    assert 'id="coach-title"' not in html
    assert "Too ambitious." in html
    assert ("red", "0.3") in chips(html)


def test_an_objective_of_a_closed_cycle_shows_its_final_score_in_its_band(
    world: World, lagging: Objective
) -> None:
    close_cycle(actor=world.admin, cycle=world.cycle, closings=[Closing(lagging.pk, 0.5, "")])

    html = html_of(world.client_for(world.viewer), reverse("objective_detail", args=[lagging.pk]))

    assert "At risk" not in html
    assert "Expected by today" not in html
    assert 'id="coach-title"' not in html
    assert ("yellow", "0.5") in chips(html)
    assert '"pace": false' in html


def test_the_chart_of_a_live_objective_keeps_its_expected_pace(
    world: World, lagging: Objective
) -> None:
    html = html_of(world.client_for(world.viewer), reverse("objective_detail", args=[lagging.pk]))

    assert '"pace": true' in html
    assert "Expected by today: 55%" in html


# --- A closed cycle: its header says so ---------------------------------------------------------


def test_a_cycle_closed_early_says_closed_not_which_week(world: World, lagging: Objective) -> None:
    close_cycle(actor=world.admin, cycle=world.cycle, closings=[Closing(lagging.pk, 0.3, "")])

    html = html_of(world.client_for(world.viewer), reverse("cycle_board", args=[world.cycle.pk]))

    assert "Week 8 of 13" not in html
    assert "Closed 20 Nov 2026" in html
    assert "13 weeks" in html
    assert "expected by today" not in html
    assert "At risk" not in html
    assert ("red", "0.3") in chips(html)


def test_a_closed_board_counts_objectives_by_final_score_band(
    world: World, lagging: Objective
) -> None:
    other = factories.objective(world.cycle, world.sales, "Hire", owner=world.editor)
    factories.key_result(other, "Hires", target=10)
    close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(lagging.pk, 0.3, ""), Closing(other.pk, 0.8, "")],
    )

    html = html_of(world.client_for(world.viewer), reverse("cycle_board", args=[world.cycle.pk]))

    assert re.search(r'data-testid="band-red"[^>]*>\s*<span class="stat__value">1<', html)
    assert re.search(r'data-testid="band-green"[^>]*>\s*<span class="stat__value">1<', html)
    assert re.search(r'data-testid="band-yellow"[^>]*>\s*<span class="stat__value">0<', html)
    assert 'data-testid="count-at_risk"' not in html
    assert 'name="status"' not in html


# --- A live cycle: colours from pace, scores neutral ---------------------------------------------


def test_a_score_during_the_cycle_is_neutral_beside_its_pace_status(
    world: World, lagging: Objective
) -> None:
    for url in (
        reverse("objective_detail", args=[lagging.pk]),
        reverse("cycle_board", args=[world.cycle.pk]),
        reverse("home"),
    ):
        html = html_of(world.client_for(world.editor), url)

        assert "At risk" in html, url
        assert chips(html), url
        assert {tone for tone, _ in chips(html)} == {"neutral"}, url


def test_a_key_result_without_check_ins_is_grey_not_red(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Open Lyon", owner=world.editor)
    factories.key_result(objective, "Stores open", target=3)

    html = html_of(world.client_for(world.viewer), reverse("objective_detail", args=[objective.pk]))

    row = html.split('data-kr-context="detail"')[1].split("</tr>")[0]
    assert 'data-tone="not_started"' in row
    assert "Not started" in row
    assert chips(row) == [("neutral", "0.0")]
    assert 'data-tone="red"' not in html


# --- Several active cycles: Home and the board open on the person's --------------------------


@pytest.fixture
def second_active(world: World) -> Cycle:
    """A newer cycle, active at the same time as 2026-Q4, in which the editor has nothing."""
    return create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="Product H2",
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2027, 1, 31),
        state=CycleState.ACTIVE,
    )


def test_home_opens_on_the_active_cycle_holding_my_objectives(
    world: World, lagging: Objective, second_active: Cycle
) -> None:
    html = html_of(world.client_for(world.editor), reverse("home"))

    assert 'data-testid="cycle-name">2026-Q4<' in html
    assert "Win retail" in html
    switcher = html.split('data-testid="home-cycles"')[1].split("</form>")[0]
    assert "2026-Q4" in switcher
    assert "Product H2" in switcher


def test_home_switches_to_another_active_cycle(
    world: World, lagging: Objective, second_active: Cycle
) -> None:
    html = html_of(world.client_for(world.editor), reverse("home") + f"?cycle={second_active.pk}")

    assert 'data-testid="cycle-name">Product H2<' in html
    assert "Win retail" not in html


def test_the_board_opens_on_the_active_cycle_holding_my_objectives(
    world: World, lagging: Objective, second_active: Cycle
) -> None:
    html = html_of(world.client_for(world.editor), reverse("cycles"))

    assert 'data-testid="cycle-name">2026-Q4<' in html
    assert "Win retail" in html
    also = html.split('data-testid="also-active"')[1][:400]
    assert "Product H2" in also


def test_someone_with_no_objectives_opens_on_the_newest_active_cycle(
    world: World, lagging: Objective, second_active: Cycle
) -> None:
    html = html_of(world.client_for(world.viewer), reverse("home"))

    assert 'data-testid="cycle-name">Product H2<' in html
