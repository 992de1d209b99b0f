"""Managing cycles in the browser's pages: list, create (fiscal presets), activate, close,
carry over; who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Workspace
from goalkeeper.audit.models import AuditEntry
from goalkeeper.domain.scoring import final_score
from goalkeeper.okrs import services
from goalkeeper.okrs.forms import quarter_presets
from goalkeeper.okrs.models import Cycle, CycleState, Objective
from goalkeeper.okrs.services import Closing
from tests.conftest import World
from tests.web import factories

LIST = reverse("cycle_list")
CREATE = reverse("cycle_create")


def planning(world: World, name: str = "2027-Q1") -> Cycle:
    return services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name=name,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )


# --- Fiscal quarter presets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fiscal_start", "today", "expected"),
    [
        (
            1,
            dt.date(2026, 11, 20),
            [
                ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
                ("2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
                ("2027-Q2", dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
                ("2027-Q3", dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
            ],
        ),
        (
            4,
            dt.date(2026, 11, 20),
            [
                ("FY2027-Q3", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
                ("FY2027-Q4", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
                ("FY2028-Q1", dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
                ("FY2028-Q2", dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
            ],
        ),
        (
            10,
            dt.date(2026, 9, 30),
            [
                ("FY2026-Q4", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
                ("FY2027-Q1", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
                ("FY2027-Q2", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
                ("FY2027-Q3", dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
            ],
        ),
        (
            2,
            dt.date(2027, 1, 31),
            [
                ("FY2027-Q4", dt.date(2026, 11, 1), dt.date(2027, 1, 31)),
                ("FY2028-Q1", dt.date(2027, 2, 1), dt.date(2027, 4, 30)),
                ("FY2028-Q2", dt.date(2027, 5, 1), dt.date(2027, 7, 31)),
                ("FY2028-Q3", dt.date(2027, 8, 1), dt.date(2027, 10, 31)),
            ],
        ),
    ],
)
def test_presets_are_the_next_fiscal_quarters(
    fiscal_start: int, today: dt.date, expected: list[tuple[str, dt.date, dt.date]]
) -> None:
    workspace = Workspace(name="W", slug="w", fiscal_year_start_month=fiscal_start)

    presets = quarter_presets(workspace, today, taken=[])

    assert [(p.name, p.start_date, p.end_date) for p in presets] == expected


def test_presets_skip_quarters_that_already_have_a_cycle() -> None:
    workspace = Workspace(name="W", slug="w", fiscal_year_start_month=1)

    presets = quarter_presets(workspace, dt.date(2026, 11, 20), taken=["2026-Q4", "2027-q2"])

    assert [p.name for p in presets] == ["2027-Q1", "2027-Q3", "2027-Q4", "2028-Q1"]


def test_an_april_fiscal_year_offers_april_to_june_2026_as_fy2027_q1() -> None:
    workspace = Workspace(name="W", slug="w", fiscal_year_start_month=4)

    presets = quarter_presets(workspace, dt.date(2026, 5, 10), taken=[])

    assert (presets[0].name, presets[0].start_date, presets[0].end_date) == (
        "FY2027-Q1",
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )


# --- List ------------------------------------------------------------------------------------


def test_the_list_shows_each_cycle_with_state_dates_and_counts(
    world: World, admin: Client, now: dt.datetime
) -> None:
    factories.objective(world.cycle, world.sales, "One", owner=world.editor)
    factories.objective(world.cycle, world.sales, "Two", owner=world.editor)
    factories.objective(world.cycle, world.sales, "Idea", owner=world.editor, state="draft")
    planning(world)

    html = admin.get(LIST).content.decode()

    row = html[html.index('data-testid="cycle-2026-Q4"') :].split("</li>")[0]
    assert "1 Oct 2026" in row
    assert "31 Dec 2026" in row
    assert "<strong>2</strong> objectives" in row
    assert "+ 1 draft" in row
    assert "Active" in row
    assert "Close…" in row
    assert "now" in row
    upcoming = html[html.index('data-testid="cycle-2027-Q1"') :].split("</li>")[0]
    assert "Planning" in upcoming
    assert "Activate" in upcoming
    assert html.index("2027-Q1") < html.index("2026-Q4")


def test_members_read_the_list_without_the_admin_actions(world: World, editor: Client) -> None:
    response = editor.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "2026-Q4" in html
    assert "New cycle" not in html
    assert "Close…" not in html


# --- Create and edit -------------------------------------------------------------------------


def test_the_create_page_offers_fiscal_quarters_in_one_click(
    world: World, admin: Client, now: dt.datetime
) -> None:
    html = admin.get(CREATE).content.decode()

    assert 'data-testid="preset-2027-Q1"' in html
    assert 'data-testid="preset-2026-Q4"' not in html  # the world's cycle has that name
    assert "The fiscal year starts in January" in html


def test_a_preset_creates_the_quarter_in_planning(world: World, admin: Client) -> None:
    response = admin.post(
        CREATE, {"name": "2027-Q1", "start_date": "2027-01-01", "end_date": "2027-03-31"}
    )

    assert response["Location"] == LIST
    cycle = Cycle.objects.get(name="2027-Q1")
    assert (cycle.start_date, cycle.end_date, cycle.state) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
        "planning",
    )
    assert AuditEntry.objects.filter(action="cycle.created", object_id=cycle.pk).exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"name": "Sprint", "start_date": "2027-03-31", "end_date": "2027-01-01"},
            {"end_date": ["the cycle must end after it starts"]},
        ),
        (
            {"name": "Same day", "start_date": "2027-01-01", "end_date": "2027-01-01"},
            {"end_date": ["the cycle must end after it starts"]},
        ),
        (
            {"name": "2026-q4", "start_date": "2027-01-01", "end_date": "2027-03-31"},
            {"name": ["a cycle named '2026-q4' already exists"]},
        ),
        (
            {"name": " ", "start_date": "2027-01-01", "end_date": "2027-03-31"},
            {"name": ["a cycle needs a name"]},
        ),
        (
            {"name": "H1", "start_date": "", "end_date": "someday"},
            {"start_date": ["give the cycle's first day"], "end_date": ["enter a date"]},
        ),
    ],
)
def test_a_refused_cycle_names_the_field_and_the_reason(
    world: World, admin: Client, data: dict[str, str], expected: dict[str, list[str]]
) -> None:
    response = admin.post(CREATE, data)

    assert {k: list(v) for k, v in response.context["form"].errors.items()} == expected
    assert Cycle.objects.count() == 1


def test_editing_a_cycle_moves_its_dates(world: World, admin: Client) -> None:
    cycle = planning(world)

    response = admin.post(
        reverse("cycle_edit", args=[cycle.pk]),
        {"name": "2027-Q1", "start_date": "2027-01-04", "end_date": "2027-03-31"},
    )

    assert response["Location"] == LIST
    cycle.refresh_from_db()
    assert cycle.start_date == dt.date(2027, 1, 4)


def test_a_cycle_keeps_its_own_name_when_edited(world: World, admin: Client) -> None:
    response = admin.post(
        reverse("cycle_edit", args=[world.cycle.pk]),
        {"name": "2026-Q4", "start_date": "2026-10-01", "end_date": "2026-12-30"},
    )

    assert response.status_code == 302


def test_the_same_name_in_another_workspace_is_fine(world: World, outsider: Client) -> None:
    response = outsider.post(
        CREATE, {"name": "2026-Q4", "start_date": "2026-10-01", "end_date": "2026-12-31"}
    )

    assert response.status_code == 302


# --- Activate ----------------------------------------------------------------------------------


def test_activating_from_the_list(world: World, admin: Client) -> None:
    cycle = planning(world)

    response = admin.post(reverse("cycle_activate", args=[cycle.pk]), follow=True)

    cycle.refresh_from_db()
    assert cycle.state == "active"
    assert "2027-Q1 is active." in response.content.decode()


def test_activating_an_active_cycle_says_why_not(world: World, admin: Client) -> None:
    response = admin.post(reverse("cycle_activate", args=[world.cycle.pk]), follow=True)

    assert "2026-Q4 was not activated: only a cycle in planning can be activated" in (
        response.content.decode()
    )


# --- Close ------------------------------------------------------------------------------------


@pytest.fixture
def scored(world: World) -> dict[str, Objective]:
    at = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
    grow = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    factories.key_result(grow, "Leads", start=0, target=100, check_ins=[(63, at)])
    empty = factories.objective(world.cycle, world.company, "Empty", owner=world.admin)
    return {"grow": grow, "empty": empty}


def test_the_close_page_prefills_final_scores_from_progress(
    world: World, admin: Client, scored: dict[str, Objective], now: dt.datetime
) -> None:
    response = admin.get(reverse("cycle_close", args=[world.cycle.pk]))

    rows = {row.objective.title: row.form for row in response.context["form"].rows}
    assert rows["Grow"]["final_score"].value() == f"{final_score(0.63):.1f}" == "0.6"
    assert rows["Empty"]["final_score"].value() == ""
    html = response.content.decode()
    assert "no key results: score it by hand" in html
    assert 'name="o{}-retrospective"'.format(scored["grow"].pk) in html


def test_closing_from_the_page_scores_closes_and_locks(
    world: World, admin: Client, scored: dict[str, Objective], now: dt.datetime
) -> None:
    grow, empty = scored["grow"], scored["empty"]

    response = admin.post(
        reverse("cycle_close", args=[world.cycle.pk]),
        {
            f"o{grow.pk}-final_score": "0.6",
            f"o{grow.pk}-retrospective": "Leads came late.",
            f"o{empty.pk}-final_score": "0",
            f"o{empty.pk}-retrospective": "",
        },
    )

    assert response["Location"] == LIST
    world.cycle.refresh_from_db()
    grow.refresh_from_db()
    assert world.cycle.state == CycleState.CLOSED
    assert (grow.state, grow.final_score, grow.retrospective) == ("closed", 0.6, "Leads came late.")
    key_result = grow.key_results.get()
    with pytest.raises(Exception, match="the cycle is closed"):
        services.record_check_in(actor=world.editor, key_result=key_result, value=90)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5", "Ensure this value is less than or equal to 1.0."),
        ("0.75", "has one decimal at most: 0.0, 0.1 … 1.0"),
        ("nan", "must be a finite number"),
        ("high", "enter a number, e.g. 42 or 0.5"),
        ("", "give a final score from 0.0 to 1.0"),
    ],
)
def test_a_refused_final_score_is_shown_on_its_row(
    world: World,
    admin: Client,
    scored: dict[str, Objective],
    now: dt.datetime,
    value: str,
    message: str,
) -> None:
    grow, empty = scored["grow"], scored["empty"]

    response = admin.post(
        reverse("cycle_close", args=[world.cycle.pk]),
        {f"o{grow.pk}-final_score": "0.6", f"o{empty.pk}-final_score": value},
    )

    rows = {row.objective.title: row.form for row in response.context["form"].rows}
    assert rows["Empty"].errors == {"final_score": [message]}
    assert rows["Grow"].errors == {}
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    start = html.index(f'name="o{empty.pk}-final_score"')
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    assert "autofocus" in tag
    assert 'aria-invalid="true"' in tag
    assert html.count("autofocus") == 1
    world.cycle.refresh_from_db()
    assert world.cycle.state == "active"
    assert Objective.objects.filter(state="closed").count() == 0


def test_the_close_page_of_a_closed_cycle_says_it_is_locked(
    world: World, admin: Client, scored: dict[str, Objective], now: dt.datetime
) -> None:
    services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(o.pk, 0.5) for o in scored.values()],
    )

    html = admin.get(reverse("cycle_close", args=[world.cycle.pk])).content.decode()

    assert 'data-testid="locked"' in html
    assert 'data-testid="close-cycle"' not in html
    assert reverse("cycle_carry_over", args=[world.cycle.pk]) in html


# --- Carry over ---------------------------------------------------------------------------------


def test_carrying_over_from_the_page(
    world: World, admin: Client, scored: dict[str, Objective], now: dt.datetime
) -> None:
    services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(scored["grow"].pk, 0.6), Closing(scored["empty"].pk, 1.0)],
    )
    target = planning(world)
    url = reverse("cycle_carry_over", args=[world.cycle.pk])

    page = admin.get(url)
    response = admin.post(url, {"target": target.pk, "objectives": [scored["grow"].pk]})

    assert [o.title for o in page.context["candidates"]] == ["Grow"]
    assert page.context["form"]["target"].value() == target.pk
    assert response["Location"] == reverse("cycle_board", args=[target.pk])
    copy = Objective.objects.get(cycle=target)
    assert (copy.title, copy.carried_from) == ("Grow", scored["grow"])
    assert copy.key_results.get().start == 63


def test_carrying_over_needs_at_least_one_objective(
    world: World, admin: Client, scored: dict[str, Objective]
) -> None:
    services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(o.pk, 0.5) for o in scored.values()],
    )
    target = planning(world)

    response = admin.post(reverse("cycle_carry_over", args=[world.cycle.pk]), {"target": target.pk})

    assert response.context["form"].errors == {
        "objectives": ["choose at least one objective to carry over"]
    }


def test_the_carry_over_page_of_an_open_cycle_asks_to_close_it_first(
    world: World, admin: Client
) -> None:
    html = admin.get(reverse("cycle_carry_over", args=[world.cycle.pk])).content.decode()

    assert "is not closed yet: close it first" in html


# --- Permissions --------------------------------------------------------------------------------

ADMIN_ROUTES = [
    ("cycle_create", False),
    ("cycle_edit", True),
    ("cycle_activate", True),
    ("cycle_close", True),
    ("cycle_carry_over", True),
]


@pytest.mark.parametrize(("route", "with_id"), ADMIN_ROUTES)
@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_only_admins_manage_cycles(world: World, route: str, with_id: bool, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    url = reverse(route, args=[world.cycle.pk] if with_id else [])
    before = AuditEntry.objects.count()

    assert client.post(url, {"name": "X"}).status_code == 403
    if route != "cycle_activate":
        assert client.get(url).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("route", "with_id"), [r for r in ADMIN_ROUTES if r[1]])
def test_another_workspaces_cycle_is_missing(
    world: World, outsider: Client, route: str, with_id: bool
) -> None:
    url = reverse(route, args=[world.cycle.pk])

    assert outsider.post(url).status_code == 404
    world.cycle.refresh_from_db()
    assert world.cycle.state == "active"


def test_the_list_shows_only_the_callers_workspace(
    world: World, outsider: Client, admin: Client
) -> None:
    assert "2026-Q4" not in outsider.get(LIST).content.decode()
    assert "2026-Q4" in admin.get(LIST).content.decode()


def test_activate_takes_posts_only(world: World, admin: Client) -> None:
    cycle = planning(world)

    assert admin.get(reverse("cycle_activate", args=[cycle.pk])).status_code == 405


def test_cycle_forms_carry_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin.user)
    cycle = planning(world)

    assert client.post(reverse("cycle_activate", args=[cycle.pk])).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in client.get(LIST).content.decode()
    assert 'name="csrfmiddlewaretoken"' in client.get(CREATE).content.decode()


@pytest.mark.parametrize("route", ["cycle_create", "cycle_edit", "cycle_close", "cycle_carry_over"])
def test_an_empty_cycle_post_answers_with_the_errors_not_a_crash(
    world: World, admin: Client, route: str
) -> None:
    factories.objective(world.cycle, world.sales, "Needs a score", owner=world.editor)
    args = [] if route == "cycle_create" else [world.cycle.pk]

    response = admin.post(reverse(route, args=args))

    assert response.status_code == 200
    world.cycle.refresh_from_db()
    assert world.cycle.state == "active"


def test_the_close_page_of_a_closed_cycle_shows_its_scores_and_notes_read_only(
    world: World, admin: Client, scored: dict[str, Objective], now: dt.datetime
) -> None:
    grow = next(iter(scored.values()))
    services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[
            Closing(o.pk, 0.5, "Slow start, strong finish." if o.pk == grow.pk else "")
            for o in scored.values()
        ],
    )

    html = admin.get(reverse("cycle_close", args=[world.cycle.pk])).content.decode()

    assert 'data-testid="closed-scores"' in html
    assert "Slow start, strong finish." in html
    assert "0.5" in html
    assert "<input" not in html.split('data-testid="closed-scores"')[1].split("</ol>")[0]
    assert "<textarea" not in html
    assert 'data-testid="back-to-board"' in html
    assert reverse("objective_detail", args=[grow.pk]) in html


def test_the_close_page_of_a_cycle_in_planning_has_no_form(world: World, admin: Client) -> None:
    planning = services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )

    html = admin.get(reverse("cycle_close", args=[planning.pk])).content.decode()

    assert 'data-testid="not-active"' in html
    assert 'class="closing-form"' not in html
    assert 'data-testid="close-cycle"' not in html
