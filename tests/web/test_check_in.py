"""Checking in from any page: the inline form, the saved row and what moves with it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.okrs.models import CheckIn, CycleState, KeyResult, Objective
from goalkeeper.okrs.services import close_objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")

DAY = dt.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def leads(world: World, now: dt.datetime) -> KeyResult:
    """A key result of Sales at 40% (at risk) in an objective that a company one rolls up."""
    company = factories.objective(
        world.cycle, world.company, "Win", owner=world.admin, roll_up_children=True
    )
    grow = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor, parent=company)
    # Last checked in on Saturday 14 Nov: both wait for this week's check-in.
    key_result = factories.key_result(grow, "Leads", target=100, check_ins=[(40, now - 6 * DAY)])
    factories.key_result(grow, "Deals", target=10, check_ins=[(4, now - 6 * DAY)])
    return key_result


def url(key_result: KeyResult) -> str:
    return reverse("key_result_check_in", args=[key_result.pk])


def post(client: Client, key_result: KeyResult, data: dict[str, object], **headers: str):
    return client.post(url(key_result), data, **headers)


def test_the_form_comes_prefilled_with_the_current_numbers(world: World, leads: KeyResult) -> None:
    response = world.client_for(world.editor).get(url(leads), {"context": "detail"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<tr class="kr-check-in" data-kr-form="')
    assert 'data-kr-context="detail"' in html
    assert 'name="value"' in html
    assert 'value="40"' in html
    assert 'name="confidence"' in html
    assert 'name="note"' in html
    assert "autofocus" in html
    assert "Now 40 · target 100" in html
    assert f'hx-get="{reverse("key_result_row", args=[leads.pk])}?context=detail"' in html


def test_a_milestone_is_checked_in_as_done(world: World, now: dt.datetime) -> None:
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    milestone = factories.key_result(objective, "Shipped", kind="milestone")
    client = world.client_for(world.editor)

    form = client.get(url(milestone), **HTMX).content.decode()
    saved = post(client, milestone, {"done": "on", "context": "objective"}, **HTMX)

    assert 'type="checkbox" name="done"' in form
    assert 'name="value"' not in form
    milestone.refresh_from_db()
    assert milestone.done is True
    assert "<strong>Done</strong>" in saved.content.decode()


def test_saving_returns_the_row_and_updates_the_objective_and_its_roll_up(
    world: World, leads: KeyResult
) -> None:
    grow, company = leads.objective, leads.objective.parent
    assert company is not None
    response = post(
        world.client_for(world.editor),
        leads,
        {
            "value": "90",
            "confidence": "8",
            "note": "Trade fair",
            "context": "objective",
            "shown": [str(grow.pk), str(company.pk)],
            "copies": ["objective"],
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    # The row, in place: 90 of 100, on track, confidence 8.
    row = html.split("</tr>")[0]
    assert row.startswith('<tr class="kr-row is-saved" data-kr-row="')
    assert "90</strong>" in row
    assert 'data-tone="on_track"' in row
    assert ">8<" in row
    # The objective (0.9 + 0.4) / 2 = 65%, on track at 55% elapsed; its parent rolls it up.
    grow_summary = re.search(
        rf'<div[^>]*data-objective-summary="{grow.pk}" hx-swap-oob="outerHTML:'
        rf"\[data-objective-summary='{grow.pk}'\]\">.*?objective__status.*?</div>",
        html,
        re.S,
    )
    assert grow_summary
    assert 'aria-valuenow="65"' in grow_summary.group(0)
    assert "On track" in grow_summary.group(0)
    assert f'data-objective-summary="{company.pk}" hx-swap-oob' in html
    assert "Check-in saved on Leads: on track." in html
    check_in = CheckIn.objects.get(note="Trade fair")
    assert (check_in.value, check_in.confidence, check_in.author) == (90, 8, world.editor)


def test_objectives_the_page_does_not_show_are_not_sent(world: World, leads: KeyResult) -> None:
    response = post(
        world.client_for(world.editor),
        leads,
        {"value": "50", "context": "objective", "shown": [str(leads.objective_id)]},
        **HTMX,
    )

    html = response.content.decode()
    assert html.count('class="objective__summary"') == 1
    assert 'data-kr-context="waiting"' not in html  # no other copy was on the page


def test_from_home_the_waiting_copy_and_my_counts_update_too(
    world: World, leads: KeyResult
) -> None:
    response = post(
        world.client_for(world.editor),
        leads,
        {
            "value": "90",
            "context": "waiting",
            "copies": ["waiting", "objective"],
            "counts": "home",
            "shown": [str(leads.objective_id)],
        },
        **HTMX,
    )

    html = response.content.decode()
    assert html.startswith('<tr class="kr-row is-saved" data-kr-row="')
    assert 'data-kr-context="waiting"' in html.split("</tr>")[0]
    assert "Checked in" in html.split("</tr>")[0]
    assert "hx-swap-oob=\"outerHTML:[data-kr-row='" in html  # the copy under its objective
    counts = html.split('data-counts="home"')[1].split("</div>\n</div>")[0]
    assert re.search(r'data-testid="count-on_track">\s*<span class="stat__value">1<', counts)
    assert 'data-waiting-count hx-swap-oob="outerHTML:[data-waiting-count]">1<' in html


def test_from_the_board_the_counts_follow_its_filters(world: World, leads: KeyResult) -> None:
    board = reverse("cycle_board", args=[world.cycle.pk])
    response = post(
        world.client_for(world.editor),
        leads,
        {"value": "90", "context": "objective", "counts": "board"},
        HTTP_HX_CURRENT_URL=f"http://testserver{board}?team={world.sales.pk}",
        **HTMX,
    )

    html = response.content.decode()
    counts = html.split('data-counts="board"')[1]
    assert re.search(r'data-testid="count-on_track"[^>]*>\s*<span class="stat__value">1<', counts)
    assert f"team={world.sales.pk}" in counts


def test_from_the_objective_page_the_numbers_chart_and_history_update(
    world: World, leads: KeyResult
) -> None:
    grow = leads.objective
    response = post(
        world.client_for(world.editor),
        leads,
        {"value": "90", "note": "Trade fair", "context": "detail"},
        **HTMX,
    )

    html = response.content.decode()
    assert f"hx-swap-oob=\"outerHTML:[data-objective-numbers='{grow.pk}']\"" in html
    assert 'data-testid="objective-progress">65%<' in html
    assert f"[data-objective-chart-card='{grow.pk}']" in html
    chart = re.search(r'id="objective-chart-data" type="application/json">(.*?)</script>', html)
    assert chart
    assert json.loads(chart.group(1))["points"] == [
        ["2026-10-01", 0.0],
        ["2026-11-14", 40.0],
        ["2026-11-20", 65.0],
    ]
    assert f"[data-objective-check-ins='{grow.pk}']" in html
    assert "Trade fair" in html
    assert f"[data-objective-alignment='{grow.pk}']" in html
    assert "Forecast:" in html.split("</tr>")[0]


def test_a_bad_value_comes_back_with_the_field_and_the_reason(
    world: World, leads: KeyResult
) -> None:
    client = world.client_for(world.editor)

    htmx = post(client, leads, {"value": "lots", "confidence": "11"}, **HTMX)
    plain = post(client, leads, {"value": "", "confidence": "5"})

    assert htmx.status_code == 200
    html = htmx.content.decode()
    assert html.startswith('<tr class="kr-check-in"')
    assert "Enter a number, such as 42 or 3.5." in html
    assert "Confidence goes from 0 (no chance) to 10 (certain)." in html
    assert 'aria-invalid="true"' in html
    assert 'value="lots"' in html
    assert plain.status_code == 422
    assert "Enter the current value of this key result." in plain.content.decode()
    assert leads.check_ins.count() == 1


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_non_finite_value_is_refused(world: World, leads: KeyResult, value: str) -> None:
    response = post(world.client_for(world.editor), leads, {"value": value}, **HTMX)

    assert "field__error" in response.content.decode()
    assert leads.check_ins.count() == 1


def test_without_javascript_a_check_in_redirects_back(world: World, leads: KeyResult) -> None:
    client = world.client_for(world.editor)

    page = client.get(url(leads), {"next": "/objectives/"})
    back = post(client, leads, {"value": "50", "next": "/objectives/"})
    home = post(client, leads, {"value": "55", "next": "https://evil.example/"})

    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert 'name="next" value="/objectives/"' in page.content.decode()
    assert back.status_code == 302
    assert back["Location"] == "/objectives/"
    assert home["Location"] == reverse("objective_detail", args=[leads.objective_id])


def test_a_viewer_who_does_not_own_the_key_result_is_refused(
    world: World, leads: KeyResult
) -> None:
    client = world.client_for(world.viewer)

    assert client.get(url(leads), **HTMX).status_code == 403
    assert post(client, leads, {"value": "99"}, **HTMX).status_code == 403
    assert leads.check_ins.count() == 1


def test_a_viewer_checks_in_on_a_key_result_they_own(world: World, things: object) -> None:
    owned = KeyResult.objects.get(title="Acme secret key result")
    client = world.client_for(world.owner)

    form = client.get(url(owned), **HTMX)
    saved = post(client, owned, {"value": "20", "confidence": "5"}, **HTMX)

    assert form.status_code == 200
    assert saved.status_code == 200
    owned.refresh_from_db()
    assert owned.current == 20


def test_another_workspace_is_not_found(world: World, things: object) -> None:
    acme = KeyResult.objects.get(title="Acme secret key result")
    client = world.client_for(world.outsider)

    assert client.get(url(acme), **HTMX).status_code == 404
    assert post(client, acme, {"value": "1"}, **HTMX).status_code == 404
    assert client.get(reverse("key_result_row", args=[acme.pk])).status_code == 404


def test_a_closed_objective_or_cycle_takes_no_check_in(world: World, leads: KeyResult) -> None:
    client = world.client_for(world.admin)
    close_objective(actor=None, objective=leads.objective, final_score=0.5)

    assert post(client, leads, {"value": "99"}, **HTMX).status_code == 403
    Objective.objects.filter(pk=leads.objective_id).update(state="active")
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    assert client.get(url(leads), **HTMX).status_code == 403
    assert leads.check_ins.count() == 1


def test_the_row_partial_puts_a_row_back(world: World, leads: KeyResult) -> None:
    response = world.client_for(world.viewer).get(
        reverse("key_result_row", args=[leads.pk]), {"context": "waiting"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr class="kr-row" data-kr-row="{leads.pk}" data-kr-context="waiting"')
    assert "Check in" not in html  # a viewer who does not own it


def test_an_anonymous_check_in_goes_to_log_in(leads: KeyResult) -> None:
    client = Client()

    plain = client.post(url(leads), {"value": "1"})
    htmx = client.post(url(leads), {"value": "1"}, **HTMX)

    assert plain.status_code == 302
    assert htmx.status_code == 401
    assert htmx["HX-Redirect"] == reverse("login")


def test_a_check_in_needs_the_csrf_token(world: World, leads: KeyResult) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor.user)

    assert post(client, leads, {"value": "99"}).status_code == 403
