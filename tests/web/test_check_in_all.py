"""Check in on everything: one page with all my key results of the active cycles, a form a row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from goalkeeper.accounts.models import Person
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Objective
from goalkeeper.okrs.services import (
    close_objective,
    create_cycle,
    create_key_result,
    record_check_in,
)
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE = reverse("check_in_all")


def row_url(key_result: KeyResult) -> str:
    return reverse("check_in_all_row", args=[key_result.pk])


def owned(objective: Objective, title: str, owner: Person | None, **fields) -> KeyResult:
    fields.setdefault("kind", "increase")
    if fields["kind"] == "increase":
        fields.setdefault("start", 0.0)
        fields.setdefault("target", 100.0)
    return create_key_result(actor=None, objective=objective, title=title, owner=owner, **fields)


@pytest.fixture
def mine(world: World, now: dt.datetime) -> dict[str, KeyResult]:
    """Owen's key results: two he owns on Eddie's objective, one without an owner on his own
    objective; and key results that are not his."""
    grow = factories.objective(world.cycle, world.sales, "Grow the pipeline", owner=world.editor)
    ship = factories.objective(world.cycle, world.sales, "Ship the app", owner=world.owner)
    leads = owned(grow, "Qualified leads", world.owner, unit="leads")
    record_check_in(
        actor=world.owner, key_result=leads, value=40, confidence=6, note="Fair", at=now - 8 * DAY
    )
    deals = owned(grow, "Signed deals", world.owner)
    launch = owned(ship, "App launched", None, kind="milestone")
    others = owned(grow, "Eddie's own", world.editor)
    return {"leads": leads, "deals": deals, "launch": launch, "others": others}


def test_the_page_lists_my_key_results_grouped_by_objective(
    world: World, mine: dict[str, KeyResult]
) -> None:
    response = world.client_for(world.owner).get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    grow, leads, ship = (html.index(t) for t in ("Grow the", "Qualified leads", "Ship the"))
    assert grow < leads < ship
    assert "Signed deals" in html
    # Without an owner, on an objective of mine: mine to check in on.
    assert "App launched" in html
    assert "Eddie&#x27;s own" not in html
    # The previous check-in beside the new one: value with its unit, confidence, note.
    assert "40 leads" in html
    assert "“Fair”" in html
    assert f'id="bulk-confidence-{mine["leads"].pk}" value="6"' in html
    assert 'type="checkbox" name="done"' in html
    assert "<strong data-summary-updated>0</strong> updated" in html


def test_key_results_of_a_cycle_in_planning_or_of_another_workspace_are_not_listed(
    world: World, mine: dict[str, KeyResult]
) -> None:
    planning = create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    later = factories.objective(planning, world.sales, "Next quarter", owner=world.owner)
    owned(later, "Planned result", world.owner)

    html = world.client_for(world.owner).get(PAGE).content.decode()

    assert planning.state == CycleState.PLANNING
    assert "Planned result" not in html


def test_the_queries_do_not_grow_with_the_key_results(
    world: World, mine: dict[str, KeyResult], django_assert_max_num_queries
) -> None:
    client = world.client_for(world.owner)
    client.get(PAGE)  # warm the session and the workspace caches
    for n in range(6):
        objective = factories.objective(world.cycle, world.sales, f"More {n}", owner=world.owner)
        for m in range(5):
            owned(objective, f"Result {n}.{m}", world.owner)

    with django_assert_max_num_queries(9):  # the page, and the navigation's inbox count
        response = client.get(PAGE)

    assert response.content.decode().count("data-bulk-row=") == 33


def test_enter_on_a_row_saves_it_through_the_check_in_service(
    world: World, mine: dict[str, KeyResult]
) -> None:
    response = world.client_for(world.owner).post(
        row_url(mine["leads"]), {"value": "55", "confidence": "7", "note": "Webinar"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<li class="bulk-row" id="check-in-{mine["leads"].pk}"')
    assert 'data-row-state="updated"' in html
    assert "55 leads" in html
    assert "Checked in" in html
    check_in = CheckIn.objects.filter(key_result=mine["leads"]).latest("id")
    assert (check_in.value, check_in.confidence, check_in.note, check_in.author) == (
        55,
        7,
        "Webinar",
        world.owner,
    )


def test_a_milestone_is_checked_in_as_done(world: World, mine: dict[str, KeyResult]) -> None:
    world.client_for(world.owner).post(row_url(mine["launch"]), {"done": "on"}, **HTMX)

    mine["launch"].refresh_from_db()
    assert mine["launch"].done is True


def test_without_javascript_a_saved_row_comes_back_to_the_page_counted(
    world: World, mine: dict[str, KeyResult]
) -> None:
    client = world.client_for(world.owner)
    leads, deals = mine["leads"], mine["deals"]

    response = client.post(row_url(leads), {"value": "60", "updated": "", "unchanged": ""})
    skipped = client.post(row_url(deals), {"skip": "1", "updated": str(leads.pk), "unchanged": ""})

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?updated={leads.pk}&unchanged=#check-in-{leads.pk}"
    assert skipped["Location"] == (
        f"{PAGE}?updated={leads.pk}&unchanged={deals.pk}#check-in-{deals.pk}"
    )
    html = client.get(skipped["Location"]).content.decode()
    assert "<strong data-summary-updated>1</strong> updated" in html
    assert "<strong data-summary-unchanged>1</strong> unchanged" in html
    # The next row to do takes the focus: the milestone of "Ship the app".
    assert "autofocus" in html.split(f'id="check-in-{mine["launch"].pk}"')[1].split("</li>")[0]
    assert CheckIn.objects.filter(key_result=deals).count() == 0


def test_a_row_without_a_value_says_which_field_and_writes_nothing(
    world: World, mine: dict[str, KeyResult]
) -> None:
    client = world.client_for(world.owner)
    before = CheckIn.objects.count()

    htmx = client.post(row_url(mine["deals"]), {"value": "", "confidence": "4"}, **HTMX)
    plain = client.post(row_url(mine["deals"]), {"value": "12", "confidence": "11"})

    assert htmx.status_code == 200
    assert "Value: Enter the current value of this key result." in htmx.content.decode()
    assert 'aria-invalid="true"' in htmx.content.decode()
    assert plain.status_code == 422
    assert "Confidence: Confidence goes from 0 (no chance) to 10 (certain)." in (
        plain.content.decode()
    )
    assert CheckIn.objects.count() == before


def test_another_workspaces_key_result_is_refused(world: World, mine: dict[str, KeyResult]) -> None:
    before = CheckIn.objects.count()

    response = world.client_for(world.outsider).post(row_url(mine["leads"]), {"value": "99"})

    assert response.status_code == 404
    assert CheckIn.objects.count() == before


def test_a_viewer_may_not_check_in_on_a_key_result_that_is_not_theirs(
    world: World, mine: dict[str, KeyResult]
) -> None:
    response = world.client_for(world.viewer).post(row_url(mine["leads"]), {"value": "99"})

    assert response.status_code == 403
    assert not CheckIn.objects.filter(value=99).exists()


def test_rows_of_a_closed_objective_or_read_from_a_kpi_are_read_only(
    world: World, mine: dict[str, KeyResult]
) -> None:
    done = factories.objective(world.cycle, world.sales, "Old news", owner=world.owner)
    closed_kr = owned(done, "Finished result", world.owner)
    close_objective(actor=None, objective=done, final_score=0.5)
    kpi = create_kpi(
        actor=None, team=world.sales, name="Revenue", target=100.0, frequency="monthly"
    )
    KeyResult.objects.filter(pk=mine["deals"].pk).update(kpi=kpi)
    client = world.client_for(world.owner)

    html = client.get(PAGE).content.decode()
    posted = client.post(row_url(closed_kr), {"value": "80"}, **HTMX)
    linked = client.post(row_url(mine["deals"]), {"value": "80"}, **HTMX)

    assert "The objective is closed." in html
    assert "Its value is read from the KPI Revenue." in html
    assert 'data-row-state="read-only"' in posted.content.decode()
    assert 'data-row-state="read-only"' in linked.content.decode()
    assert not CheckIn.objects.filter(value=80).exists()


def test_home_links_to_the_page(world: World, mine: dict[str, KeyResult]) -> None:
    html = world.client_for(world.owner).get(reverse("home")).content.decode()

    assert f'href="{PAGE}" data-testid="check-in-all"' in html


def test_a_closed_cycle_is_not_listed(world: World, mine: dict[str, KeyResult]) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=CycleState.CLOSED)

    html = world.client_for(world.owner).get(PAGE).content.decode()

    assert "Qualified leads" not in html
    assert "Nothing to check in on" in html


def test_two_active_cycles_are_read_in_a_bounded_number_of_queries(
    world: World, mine: dict[str, KeyResult], django_assert_max_num_queries
) -> None:
    yearly = Cycle.objects.create(
        workspace=world.acme,
        name="FY2026",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        state=CycleState.ACTIVE,
    )
    objective = factories.objective(yearly, world.sales, "A yearly objective", owner=world.owner)
    for m in range(4):
        owned(objective, f"Yearly {m}", world.owner)
    client = world.client_for(world.owner)
    client.get(PAGE)

    with django_assert_max_num_queries(11):
        html = client.get(PAGE).content.decode()

    # The cycle that started first comes first.
    assert html.index("A yearly objective") < html.index("Grow the pipeline")
    assert html.count("data-bulk-row=") == 3 + 4


def test_more_key_results_than_a_page_holds_are_capped_and_said(
    world: World, mine: dict[str, KeyResult], monkeypatch
) -> None:
    monkeypatch.setattr("goalkeeper.okrs.pages.check_in_all.ROWS_MAX", 2)

    html = world.client_for(world.owner).get(PAGE).content.decode()

    assert html.count("data-bulk-row=") == 2
    assert "here are the first 2" in html
