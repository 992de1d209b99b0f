"""The bridge pages: flag a red KPI, link and unlink key results, promote, dismiss."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template import Context, Template
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly
from tests.web import factories


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def text(response: Any) -> str:
    return str(response.content.decode())


# --- Flag, link, promote ------------------------------------------------------------------------


def test_a_red_kpi_offers_a_recovery_objective(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([40]))
    editor = world.client_for(world.editor)

    before = text(editor.get(url("kpi_detail", kpi.pk)))
    response = editor.post(url("kpi_flag", kpi.pk), follow=True)

    assert 'data-testid="create-recovery"' in before
    body = text(response)
    assert "Draft objective “Bring Revenue back to target” created in 2026-Q4" in body
    assert 'data-testid="create-recovery"' not in body
    assert "Bring Revenue back to target" in body.split('data-testid="recoveries"')[1]


def test_a_green_kpi_refuses_a_recovery_objective(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([140]))

    response = world.client_for(world.editor).post(url("kpi_flag", kpi.pk), follow=True)

    assert "Only a red KPI needs a recovery objective" in text(response)
    assert not Objective.objects.exists()


def test_an_editor_links_and_unlinks_a_key_result(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([40, 50]))
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Revenue to 100", start=0, target=100)
    editor = world.client_for(world.editor)

    linked = editor.post(
        url("kpi_link", kpi.pk), {"key_result": key_result.pk, "mode": "latest"}, follow=True
    )
    key_result.refresh_from_db()
    assert (key_result.kpi_id, key_result.current) == (kpi.pk, 50.0)
    assert "Revenue to 100" in text(linked).split('data-testid="linked"')[1]

    editor.post(url("kpi_unlink", kpi.pk, key_result.pk))
    key_result.refresh_from_db()
    assert key_result.kpi_id is None


def test_unlinking_a_key_result_that_reads_another_kpi_is_not_found(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi, other = make_kpi("A"), make_kpi("B")
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "KR")
    KeyResult.objects.filter(pk=key_result.pk).update(kpi=other)

    response = world.client_for(world.editor).post(url("kpi_unlink", kpi.pk, key_result.pk))

    assert response.status_code == 404


def test_the_promote_page_shows_the_kpi_to_be_then_creates_it(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(
        objective,
        "Demos booked",
        start=0,
        target=40,
        unit="demos",
        check_ins=[(12, dt.datetime(2026, 10, 5, tzinfo=dt.UTC))],
    )
    editor = world.client_for(world.editor)

    page = text(editor.get(url("key_result_promote", key_result.pk)))
    response = editor.post(
        url("key_result_promote", key_result.pk), {"frequency": "monthly", "aggregation": "max"}
    )

    assert "Higher is better" in page
    assert "1 check-in copied as values" in page
    kpi = Kpi.objects.get()
    assert response["Location"] == url("kpi_detail", kpi.pk)
    assert (kpi.frequency, kpi.aggregation, kpi.target) == ("monthly", "max", 40.0)
    # The start value at the cycle's start, then the check-in.
    assert list(Measurement.objects.filter(kpi=kpi).values_list("value", flat=True)) == [0.0, 12.0]


def test_a_milestone_is_not_offered_promotion(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    milestone = factories.key_result(objective, "Launched", kind="milestone")
    editor = world.client_for(world.editor)

    page = text(editor.get(url("key_result_promote", milestone.pk)))
    editor.post(
        url("key_result_promote", milestone.pk), {"frequency": "weekly", "aggregation": "last"}
    )

    assert "it has no number to track as a KPI" in page
    assert 'data-testid="promote"' not in page
    assert not Kpi.objects.exists()


def render_button(world: World, person, key_result) -> str:
    template = Template('{% include "bridges/_promote_button.html" %}')
    return template.render(Context({"person": person, "key_result": key_result}))


def test_the_promote_button_snippet(world: World, make_kpi: MakeKpi) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    metric = factories.key_result(objective, "Demos")
    milestone = factories.key_result(objective, "Launched", kind="milestone")
    driven = factories.key_result(objective, "Driven")
    KeyResult.objects.filter(pk=driven.pk).update(kpi=make_kpi())
    driven.refresh_from_db()

    assert f'href="{url("key_result_promote", metric.pk)}"' in render_button(
        world, world.editor, metric
    )
    assert "Promote" not in render_button(world, world.viewer, metric)
    assert "Promote" not in render_button(world, world.editor, milestone)
    assert "Promote" not in render_button(world, world.editor, driven)


def test_a_link_without_a_key_result_or_to_a_milestone_is_explained(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()
    objective = factories.objective(world.cycle, world.sales, "Ship", owner=world.editor)
    milestone = factories.key_result(objective, "Launched", kind="milestone")
    editor = world.client_for(world.editor)

    empty = editor.post(url("kpi_link", kpi.pk), {"mode": "latest"}, follow=True)
    refused = editor.post(
        url("kpi_link", kpi.pk), {"key_result": milestone.pk, "mode": "latest"}, follow=True
    )

    assert "Key result: choose a key result" in text(empty)
    assert "a KPI&#x27;s number cannot drive it" in text(refused)
    milestone.refresh_from_db()
    assert milestone.kpi_id is None


def test_a_key_result_driven_by_a_kpi_is_not_promoted_again(
    world: World, make_kpi: MakeKpi
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Driven")
    KeyResult.objects.filter(pk=key_result.pk).update(kpi=make_kpi())

    response = world.client_for(world.editor).post(
        url("key_result_promote", key_result.pk), {"frequency": "weekly", "aggregation": "last"}
    )

    assert "already reads its value from a KPI" in text(response)
    assert Kpi.objects.count() == 1


def close_the_cycle_and_open_the_next(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.ACTIVE,
    )


def test_a_recovery_draft_left_in_a_closed_cycle_never_blocks_a_new_one(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([40]))
    editor = world.client_for(world.editor)
    editor.post(url("kpi_flag", kpi.pk))
    close_the_cycle_and_open_the_next(world)

    page = text(editor.get(url("kpi_detail", kpi.pk)))
    response = editor.post(url("kpi_flag", kpi.pk), follow=True)

    assert 'data-testid="create-recovery"' in page
    assert 'data-testid="stale-recovery"' in page
    assert "created in 2027-Q1" in text(response)
    assert Objective.objects.filter(title="Bring Revenue back to target").count() == 2


def test_an_editor_dismisses_a_stale_recovery_draft(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([40]))
    editor = world.client_for(world.editor)
    editor.post(url("kpi_flag", kpi.pk))
    draft = Objective.objects.get()
    close_the_cycle_and_open_the_next(world)

    response = editor.post(url("kpi_recovery_dismiss", kpi.pk, draft.pk), follow=True)

    body = text(response)
    assert "Recovery draft dismissed" in body
    assert 'data-testid="stale-recovery"' not in body
    assert not RecoveryLink.objects.exists()
    assert AuditEntry.objects.filter(action="kpi.recovery_dismissed").exists()


def test_an_open_recovery_is_not_dismissed_from_the_page(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([40]))
    editor = world.client_for(world.editor)
    editor.post(url("kpi_flag", kpi.pk))
    draft = Objective.objects.get()

    response = editor.post(url("kpi_recovery_dismiss", kpi.pk, draft.pk), follow=True)

    assert "still open in its cycle" in text(response)
    assert RecoveryLink.objects.count() == 1
    viewer = world.client_for(world.viewer)
    assert viewer.post(url("kpi_recovery_dismiss", kpi.pk, draft.pk)).status_code == 403


def test_the_link_form_searches_key_results_instead_of_listing_them(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue")
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    for title in ("Calls", "Demos", "Deals"):
        factories.key_result(objective, title)
    editor = world.client_for(world.editor)

    page = text(editor.get(url("kpi_detail", kpi.pk)))
    form = page.split('data-testid="link-form"')[1].split("</form>")[0]
    select = form.split('name="key_result"')[1].split("</select>")[0]

    assert 'data-picker="/pick/key-results/"' in form
    assert "&quot;linkable&quot;: 1" in form
    assert "<option" not in select
    assert "Demos" not in page


def test_a_promoted_kpi_is_judged_at_once_rather_than_stale_with_no_value(
    world: World, now: dt.datetime
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(
        objective,
        "Demos booked",
        start=10,
        target=40,
        commit=20,
        stretch=50,
        # The last complete week (9-15 November) had no check-in; this week has one.
        check_ins=[
            (15, dt.datetime(2026, 11, 5, tzinfo=dt.UTC)),
            (31, dt.datetime(2026, 11, 18, tzinfo=dt.UTC)),
        ],
    )
    editor = world.client_for(world.editor)

    response = editor.post(
        url("key_result_promote", key_result.pk),
        {"frequency": "weekly", "aggregation": "last"},
        follow=True,
    )

    page = text(response)
    health = page.split('data-testid="kpi-health"')[1].split(">")[0]
    assert 'data-health="yellow"' in health
    assert 'data-provisional="true"' in health
    assert 'data-testid="health-provisional"' in page
    value = page.split('data-testid="kpi-value">')[1].split("<")[0]
    assert value.strip() == "31"
