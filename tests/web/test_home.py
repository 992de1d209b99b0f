"""The home page: the active cycle's objectives with their progress."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.models import Person, User
from goalkeeper.accounts.services import create_team
from goalkeeper.okrs.models import CycleState
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)


def home_html(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_the_active_cycle_with_its_week(world: World, now: dt.datetime) -> None:
    html = home_html(world.client_for(world.viewer))

    assert "My week" in html
    assert "2026-Q4" in html
    assert "Active cycle" in html
    assert "Week 8 of 13" in html
    assert "1 Oct" in html
    assert "31 Dec 2026" in html


def section(html: str, name: str) -> str:
    """The HTML of one section of home: waiting, mine or teams."""
    return html.split(f'id="{name}"')[1].split("</section>\n\n")[0]


def test_my_objectives_show_their_progress_and_key_results(world: World, now: dt.datetime) -> None:
    grow = factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)
    factories.key_result(grow, "Qualified leads", target=200, check_ins=[(100, now - DAY)])
    factories.key_result(grow, "Signed deals", target=10, check_ins=[(10, now - DAY)])

    mine = section(home_html(world.client_for(world.editor)), "mine")

    assert "Grow the pipeline" in mine
    # (0.5 + 1.0) / 2 over two key results of weight 1.
    assert 'aria-valuenow="75"' in mine
    assert ">75%<" in mine
    assert "Eddie Editor" in mine
    assert "2 key results" in mine
    assert "Last check-in" in mine
    assert "Qualified leads" in mine
    assert "100</strong>" in mine
    assert "target 200 · from 0 · " in mine
    assert ">50%</span>" in mine  # the key result's own progress, next to its numbers
    # My objectives come unfolded.
    assert '<div class="objective is-open" id="objective-mine-' in mine
    assert 'aria-expanded="true"' in mine.split("objective__body")[0]


def test_an_objective_where_i_own_a_key_result_is_mine_too(world: World, now: dt.datetime) -> None:
    theirs = factories.objective(world.cycle, world.company, "Ada's objective", owner=world.admin)
    factories.key_result(theirs, "Ada's number")
    helped = factories.key_result(theirs, "Vera's number")
    helped.owner = world.viewer
    helped.save()

    mine = section(home_html(world.client_for(world.viewer)), "mine")

    assert "Ada&#x27;s objective" in mine


def test_key_results_without_a_check_in_this_week_wait_first(
    world: World, now: dt.datetime
) -> None:
    # 20 Nov 2026 is a Friday: the week began on Monday 16 Nov.
    grow = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    factories.key_result(grow, "Checked in on Thursday", check_ins=[(10, now - DAY)])
    factories.key_result(grow, "Checked in last Sunday", check_ins=[(10, now - 5 * DAY)])
    factories.key_result(grow, "Never checked in")
    other = factories.objective(world.cycle, world.sales, "Someone else's", owner=world.admin)
    factories.key_result(other, "Ada's silent number")

    waiting = section(home_html(world.client_for(world.editor)), "waiting")

    assert "data-waiting-count>2<" in waiting
    assert waiting.index("Never checked in") < waiting.index("Checked in last Sunday")
    assert "Checked in on Thursday" not in waiting
    assert "Ada&#x27;s silent number" not in waiting
    assert 'href="/objectives/' in waiting  # each names its objective, as a link
    assert "Check in on Never checked in" in waiting


def test_nothing_waiting_says_so(world: World, now: dt.datetime) -> None:
    grow = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    factories.key_result(grow, "Fresh", check_ins=[(10, now - DAY)])

    waiting = section(home_html(world.client_for(world.editor)), "waiting")

    assert "You are up to date" in waiting
    assert "Every key result you own has a check-in this week" in waiting


def test_my_teams_and_the_companys_objectives_come_below_mine(
    world: World, now: dt.datetime
) -> None:
    factories.objective(world.cycle, world.sales, "Eddie's own", owner=world.editor)
    factories.objective(world.cycle, world.sales, "A Sales objective", owner=world.admin)
    factories.objective(world.cycle, world.company, "A company objective", owner=world.admin)
    marketing = create_team(
        actor=None, workspace=world.acme, name="Marketing", parent=world.company
    )
    factories.objective(world.cycle, marketing, "A Marketing objective", owner=world.admin)

    html = home_html(world.client_for(world.editor))  # Eddie is in Sales
    teams = section(html, "teams")

    assert "A Sales objective" in teams
    assert "A company objective" in teams
    assert "A Marketing objective" not in html
    assert "Eddie&#x27;s own" not in teams  # already in "My objectives"
    headers = re.findall(r'class="team-group__title"[^>]*>([^<]+)<', teams)
    assert [h.strip() for h in headers] == ["Acme", "Sales"]
    assert "All 4 objectives" in teams


def test_an_objective_without_key_results_shows_a_dash_not_zero(
    world: World, now: dt.datetime
) -> None:
    factories.objective(world.cycle, world.company, "Be loved by customers", owner=world.editor)

    html = home_html(world.client_for(world.viewer))

    assert "Be loved by customers" in html
    assert 'progress__label--none">-<' in html
    assert ">0%<" not in html
    assert "No key results yet" in html
    assert "No check-in yet" in html


def test_home_counts_my_objectives_per_pace_status(world: World, now: dt.datetime) -> None:
    on_track = factories.objective(world.cycle, world.sales, "On track", owner=world.editor)
    factories.key_result(on_track, "Done already", check_ins=[(100, now - DAY)])
    off_track = factories.objective(world.cycle, world.sales, "Off track", owner=world.editor)
    factories.key_result(off_track, "Barely moved", check_ins=[(5, now - DAY)])
    stale = factories.objective(world.cycle, world.sales, "Stale", owner=world.editor)
    factories.key_result(stale, "Silent", check_ins=[(90, now - 30 * DAY)])
    factories.objective(world.cycle, world.sales, "Not started", owner=world.editor)
    factories.objective(world.cycle, world.sales, "Not mine", owner=world.admin)

    html = home_html(world.client_for(world.editor))

    def count(status: str) -> int:
        match = re.search(
            rf'data-testid="count-{status}">\s*<span class="stat__value">(\d+)<', html
        )
        assert match, status
        return int(match.group(1))

    assert count("on_track") == 1
    assert count("at_risk") == 0
    assert count("off_track") == 1
    assert count("stale") == 1
    assert count("not_started") == 1


def test_a_title_with_markup_is_escaped(world: World, now: dt.datetime) -> None:
    factories.objective(
        world.cycle, world.company, "<script>alert('x')</script>", owner=world.editor
    )

    html = home_html(world.client_for(world.viewer))

    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_outsider_never_sees_acmes_objectives(world: World, now: dt.datetime) -> None:
    secret = factories.objective(world.cycle, world.sales, "Acme secret plan", owner=world.editor)
    factories.key_result(secret, "Acme secret number", check_ins=[(40, now - DAY)])

    html = home_html(world.client_for(world.outsider))

    assert "Globex" in html
    assert "Acme secret" not in html
    assert "2026-Q4" not in html
    assert "No open cycle" in html


def test_no_open_cycle_tells_an_admin_to_create_one(world: World, now: dt.datetime) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    admin = home_html(world.client_for(world.admin))
    viewer = home_html(world.client_for(world.viewer))

    assert "No open cycle" in admin
    assert "Create a cycle" in admin
    assert "Ask an admin" in viewer
    assert "2026-Q4" not in admin


def test_a_planning_cycle_is_shown_when_none_is_active(world: World, now: dt.datetime) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )

    html = home_html(world.client_for(world.viewer))

    assert "2027-Q1" in html
    assert "Planning cycle" in html
    assert "Starts in 42 days" in html


def test_a_cycle_without_objectives_shows_an_empty_state(world: World, now: dt.datetime) -> None:
    html = home_html(world.client_for(world.viewer))

    assert "No objectives in this cycle yet" in html
    assert "objective-list" not in html


def test_draft_objectives_stay_off_the_home_page(world: World, now: dt.datetime) -> None:
    factories.objective(world.cycle, world.company, "A draft proposal", state="draft")
    factories.objective(world.cycle, world.sales, "My draft", owner=world.editor, state="draft")

    html = home_html(world.client_for(world.editor))

    assert "A draft proposal" not in html
    assert "My draft" not in html


def test_a_login_without_a_workspace_is_told_so(world: World, now: dt.datetime) -> None:
    client = Client()
    client.force_login(User.objects.create_user("nobody@example.test", "pw"))

    html = home_html(client)

    assert "You are not in a workspace yet" in html


def test_the_layout_names_the_workspace_and_person_and_logs_out_by_post(
    world: World, now: dt.datetime
) -> None:
    html = home_html(world.client_for(world.admin))

    assert 'data-testid="workspace-name">Acme<' in html
    assert 'data-testid="person-name">Ada Admin<' in html
    assert ">Admin</span>" in html  # the role
    logout_form = re.search(r'<form method="post" action="/logout/">(.*?)</form>', html, re.S)
    assert logout_form
    assert "csrfmiddlewaretoken" in logout_form.group(1)
    assert 'href="#main"' in html  # skip link
    assert "htmx" in html
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", html)


def test_every_element_id_on_home_is_unique(world: World, now: dt.datetime) -> None:
    # A key result appears twice (waiting, and in its objective); ids must stay unique.
    mine = factories.objective(world.cycle, world.sales, "Mine", owner=world.editor)
    factories.key_result(mine, "Due")
    factories.objective(world.cycle, world.sales, "Team's", owner=world.admin)
    html = home_html(world.client_for(world.editor))

    ids = re.findall(r'\sid="([^"]+)"', html)

    assert len(ids) == len(set(ids)), sorted(ids)


def test_admin_navigation_is_for_admins_only(world: World, now: dt.datetime) -> None:
    def nav(person: Person) -> str:
        html = home_html(world.client_for(person))
        return html.split('aria-label="Main"')[1].split("</nav>")[0]

    assert "<span>Admin</span>" in nav(world.admin)
    assert "<span>Admin</span>" not in nav(world.viewer)
    assert "<span>Home</span>" in nav(world.viewer)


def test_no_link_on_home_leads_to_a_404(world: World, now: dt.datetime) -> None:
    grow = factories.objective(world.cycle, world.sales, "Grow", owner=world.admin)
    factories.key_result(grow, "Leads")
    client = world.client_for(world.admin)
    html = home_html(client)

    links = set(re.findall(r'href="(/[^"#]*)"', html))

    assert reverse("home") in links
    for link in links:
        assert client.get(link).status_code != 404, link


def test_home_runs_the_same_number_of_queries_whatever_the_data_size(
    world: World, now: dt.datetime
) -> None:
    for n in range(2):
        small = factories.objective(world.cycle, world.sales, f"Small {n}", owner=world.editor)
        factories.key_result(small, "One", check_ins=[(10, now - DAY)])
    client = world.client_for(world.editor)
    home_html(client)  # the first visit stores the workspace in the session

    with CaptureQueriesContext(connection) as small_data:
        home_html(client)

    owners = [world.admin, world.editor, world.viewer, None]
    teams = [world.sales, world.company]
    for n in range(38):
        big = factories.objective(
            world.cycle,
            teams[n % 2],
            f"Large {n}",
            owner=owners[n % 4],
            roll_up_children=n % 5 == 0,
        )
        for k in range(4):
            factories.key_result(
                big,
                f"KR {n}.{k}",
                check_ins=[(v, now - (10 - v // 10) * DAY) for v in (10, 30, 50)],
                confidence=k + 5,
            )
    with CaptureQueriesContext(connection) as large_data:
        html = home_html(client)

    assert "Large 37" in html
    assert html.count('data-objective-id="') >= 40
    assert len(large_data) == len(small_data), [q["sql"] for q in large_data.captured_queries]
    # Session, user, person, the sidebar's workspace switcher, then the page's own reads
    # (the objectives shown, the cycle's count and their roll-ups' neighbourhood apart; the
    # last one: the broken data sources of KPIs the person owns), and the navigation's count
    # of open inbox items.
    assert len(small_data) <= 13
    print(f"home queries: {len(small_data)} with 2 objectives, {len(large_data)} with 40")
    for query in large_data.captured_queries:
        print(query["sql"][:160])
