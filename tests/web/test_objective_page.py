"""The objective page: numbers, alignment path, key results with forecasts, the progress
chart, the check-in history and the coach's remarks."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.okrs.models import CycleState, Objective
from goalkeeper.okrs.pages.objective import CHILDREN_SHOWN
from goalkeeper.okrs.services import close_objective, create_cycle
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)
OCT_1 = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)


def page(client: Client, objective: Objective) -> str:
    response = client.get(reverse("objective_detail", args=[objective.pk]))
    assert response.status_code == 200
    return response.content.decode()


def chart_data(html: str) -> dict[str, object]:
    match = re.search(
        r'<script id="objective-chart-data" type="application/json">(.*?)</script>', html
    )
    assert match
    data: dict[str, object] = json.loads(match.group(1))
    return data


@pytest.fixture
def revenue(world: World, now: dt.datetime) -> Objective:
    objective = factories.objective(
        world.cycle,
        world.sales,
        "Grow revenue",
        owner=world.editor,
        description="Bigger deals with retailers.",
    )
    factories.key_result(
        objective, "Revenue", unit="k€", target=100, check_ins=[(10, OCT_1), (60, now)]
    )
    factories.key_result(objective, "Logos", target=100, check_ins=[(0, OCT_1), (10, now)])
    return objective


def test_the_page_shows_the_objective_and_its_numbers(world: World, revenue: Objective) -> None:
    html = page(world.client_for(world.viewer), revenue)

    assert 'data-testid="objective-title">Grow revenue<' in html
    assert "Bigger deals with retailers." in html
    assert "Eddie Editor" in html
    assert 'data-kind="committed"' in html
    # (0.6 + 0.1) / 2 = 35% at 55% of the cycle: 0.2 behind, at risk.
    assert 'data-testid="objective-progress">35%<' in html
    assert "At risk" in html.split('data-testid="objective-status"')[1][:300]
    assert "Expected by today: 55%" in html
    assert "60 k€</strong>" in html
    assert "target 100 · from 0" in html


def test_each_metric_key_result_has_a_forecast_coloured_against_its_target(
    world: World, revenue: Objective
) -> None:
    html = page(world.client_for(world.viewer), revenue)

    # 10 on 1 Oct, 60 on 20 Nov: one a day, about 101.5 by the end of 31 Dec.
    assert re.search(
        r'class="forecast" data-tone="green".*?Forecast: <strong>101\.5 k€</strong> by 31 Dec',
        html,
        re.S,
    )
    assert re.search(
        r'class="forecast" data-tone="red".*?Forecast: <strong>18\.3</strong>', html, re.S
    )


def test_a_single_check_in_gives_no_forecast(world: World, now: dt.datetime) -> None:
    objective = factories.objective(world.cycle, world.sales, "Young", owner=world.editor)
    factories.key_result(objective, "Once", check_ins=[(10, now)])
    # Two check-ins minutes apart are one day's news, not a trend.
    factories.key_result(
        objective, "Twice today", check_ins=[(5, now - dt.timedelta(minutes=5)), (9, now)]
    )

    html = page(world.client_for(world.viewer), objective)

    assert html.count("Needs check-ins on two days") == 2


def test_the_chart_replays_progress_after_each_check_in_day(
    world: World, revenue: Objective
) -> None:
    data = chart_data(page(world.client_for(world.viewer), revenue))

    assert data == {
        "points": [["2026-10-01", 5.0], ["2026-11-20", 35.0]],
        "start": "2026-10-01",
        "end": "2026-12-31",
        "today": "2026-11-20",
        "pace": True,
    }


def test_the_chart_extends_flat_to_today_and_counts_milestones(
    world: World, now: dt.datetime
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    factories.key_result(objective, "Shipped", kind="milestone", check_ins=[(None, now - 10 * DAY)])
    factories.key_result(objective, "Users", target=10, check_ins=[(5, now - 20 * DAY)])

    data = chart_data(page(world.client_for(world.viewer), objective))

    assert data["points"] == [
        ["2026-10-01", 0.0],
        ["2026-10-31", 25.0],
        ["2026-11-10", 75.0],
        ["2026-11-20", 75.0],
    ]


def test_the_check_in_history_lists_notes_newest_first(world: World, now: dt.datetime) -> None:
    objective = factories.objective(world.cycle, world.sales, "Noted", owner=world.editor)
    kr = factories.key_result(objective, "Leads", target=50)
    from goalkeeper.okrs.services import record_check_in

    record_check_in(
        actor=world.editor, key_result=kr, value=5, note="First <b>steps</b>", at=now - 9 * DAY
    )
    record_check_in(
        actor=world.editor, key_result=kr, value=20, confidence=6, note="Trade fair", at=now - DAY
    )

    html = page(world.client_for(world.viewer), objective)
    history = html.split('data-testid="check-in-history"')[1]

    assert history.index("Trade fair") < history.index("First &lt;b&gt;steps&lt;/b&gt;")
    assert "confidence 6/10" in history
    assert '<strong class="feed__value">20</strong>' in history
    assert 'Check-ins <span class="count">2<' in html


def test_the_path_leads_up_to_the_company_objective(world: World, now: dt.datetime) -> None:
    root = factories.objective(world.cycle, world.company, "Win the market", owner=world.admin)
    team = factories.objective(
        world.cycle, world.sales, "Sell more", owner=world.editor, parent=root
    )
    mine = factories.objective(
        world.cycle, world.sales, "Call leads", owner=world.editor, parent=team
    )
    client = world.client_for(world.viewer)

    path = page(client, mine).split('data-testid="alignment-path"')[1].split("</ol>")[0]
    root_page = page(client, root)

    assert path.index("Win the market") < path.index("Sell more") < path.index("Call leads")
    assert 'aria-current="true"' in path
    assert "A company-level objective" in root_page
    assert 'Supported by <span class="count">1<' in root_page
    assert f'href="/objectives/{team.pk}/"' in root_page
    assert f"?focus={mine.pk}#node-{mine.pk}" in page(client, mine)


def test_an_objective_with_many_supporters_lists_the_first_and_counts_them_all(
    world: World,
) -> None:
    root = factories.objective(world.cycle, world.company, "Win the market", owner=world.admin)
    supporters = [
        factories.objective(world.cycle, world.sales, f"Supporter {n:02}", parent=root)
        for n in range(CHILDREN_SHOWN + 3)
    ]

    html = page(world.client_for(world.viewer), root)
    listed = html.split('class="children"')[1].split("</ul>")[0]

    assert f'Supported by <span class="count">{CHILDREN_SHOWN + 3}<' in html
    assert listed.count('class="children__item"') == CHILDREN_SHOWN
    assert f"Supporter {CHILDREN_SHOWN - 1:02}" in listed
    assert f"Supporter {CHILDREN_SHOWN:02}" not in listed
    assert (
        f"The first {CHILDREN_SHOWN} of {len(supporters)} shown: the alignment tree has them all."
        in html
    )


def test_an_objective_without_a_parent_below_the_company_is_unaligned(
    world: World, revenue: Objective
) -> None:
    assert 'data-testid="unaligned"' in page(world.client_for(world.viewer), revenue)


def test_the_coach_explains_each_remark(world: World, now: dt.datetime) -> None:
    objective = factories.objective(world.cycle, world.sales, "Lonely", owner=world.editor)
    factories.key_result(objective, "Launch the referral program", kind="milestone")

    html = page(world.client_for(world.viewer), objective)
    remarks = html.split('data-testid="coach-remarks"')[1].split("</ul>")[0]

    assert 'data-code="too_few_key_results"' in remarks
    assert "aim for 2 to 5" in remarks
    assert "One key result rarely captures an objective" in remarks
    assert 'data-code="task_not_result"' in remarks
    assert "Key result 1: Launch the referral program" in remarks
    assert "Why it matters:" in remarks


def test_the_coach_counts_the_teams_objectives(world: World) -> None:
    objectives = [
        factories.objective(world.cycle, world.sales, f"Sales {n}", owner=world.editor)
        for n in range(6)
    ]

    html = page(world.client_for(world.viewer), objectives[0])

    assert 'data-code="too_many_objectives"' in html
    assert "This team has 6 objectives in this cycle" in html


def test_the_coach_flags_a_team_that_always_scores_its_aspirations_in_full(
    world: World, revenue: Objective
) -> None:
    for year, month in ((2026, 4), (2026, 7)):
        past = create_cycle(
            actor=None,
            workspace=world.acme,
            name=f"{year}-{month}",
            start_date=dt.date(year, month, 1),
            end_date=dt.date(year, month + 2, 28),
            state=CycleState.ACTIVE,
        )
        easy = factories.objective(
            past, world.sales, "Easy", owner=world.editor, kind="aspirational"
        )
        close_objective(actor=None, objective=easy, final_score=1.0)
        past.state = CycleState.CLOSED
        past.save()

    html = page(world.client_for(world.viewer), revenue)

    assert 'data-code="sandbagging"' in html
    assert "0.7 is success" in html


def test_editors_see_edit_actions_and_viewers_do_not(world: World, revenue: Objective) -> None:
    editor = page(world.client_for(world.editor), revenue)
    viewer = page(world.client_for(world.viewer), revenue)

    assert 'data-testid="edit-objective"' in editor
    assert 'data-testid="add-key-result"' in editor
    assert 'data-testid="promote-key-result"' in editor
    assert "Check in on Revenue" in editor
    for marker in ("edit-objective", "add-key-result", "promote-key-result"):
        assert f'data-testid="{marker}"' not in viewer
    assert "Check in on Revenue" not in viewer


def test_the_history_panel_loads_the_audit_trail(world: World, revenue: Objective) -> None:
    html = page(world.client_for(world.viewer), revenue)

    assert f'hx-get="/history/objective/{revenue.pk}/"' in html


def test_a_closed_objective_shows_its_final_score_and_takes_no_check_in(
    world: World, revenue: Objective
) -> None:
    close_objective(actor=None, objective=revenue, final_score=0.4, retrospective="We learnt.")

    html = page(world.client_for(world.editor), revenue)

    assert "Final score" in html
    assert "We learnt." in html
    assert "Check in on" not in html
    assert 'data-testid="edit-objective"' not in html


def test_the_title_and_description_are_escaped(world: World) -> None:
    objective = factories.objective(
        world.cycle,
        world.sales,
        "<script>alert(1)</script>",
        owner=world.editor,
        description="<img src=x onerror=alert(2)>",
    )

    html = page(world.client_for(world.viewer), objective)

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_another_workspaces_objective_is_not_found(world: World, things: object) -> None:
    acme = Objective.objects.get(title="Acme secret objective")

    response = world.client_for(world.outsider).get(reverse("objective_detail", args=[acme.pk]))

    assert response.status_code == 404


def test_the_page_loads_no_inline_script(world: World, revenue: Objective) -> None:
    html = page(world.client_for(world.viewer), revenue)

    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts == [' id="objective-chart-data" type="application/json"']
