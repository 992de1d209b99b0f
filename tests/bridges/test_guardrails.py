"""Guardrails: KPIs that must stay healthy while an objective is pursued (docs/okrs.md).

Added and removed by the objective's owner or an editor, on its page and over the API;
a guardrail that turns red flags the objective (its page, the cycle board) and tells its
owner.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper import events
from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.guardrail_queries import guardrail_flags, objective_guardrails
from goalkeeper.bridges.models import Guardrail
from goalkeeper.bridges.services import add_guardrail, remove_guardrail, require_guard
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import archive_kpi, record_measurements
from goalkeeper.notifications import guardrails
from goalkeeper.notifications.models import Notification
from goalkeeper.okrs.models import Objective
from tests.api.conftest import Api, connection_kept, fields_of, token_for
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly
from tests.web import factories

RED_OCTOBER = [(dt.datetime(2026, 10, 20, tzinfo=dt.UTC), 40.0)]


@pytest.fixture
def sales(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow sales", owner=world.owner)


def _discount(make_kpi: MakeKpi, values: list[float] | None = None) -> Any:
    """A KPI green in October (140 against a target of 100) unless `values` say otherwise."""
    return make_kpi("Discount rate", monthly(values or [140]), aggregation="last", warning=80.0)


# --- Services -----------------------------------------------------------------------------------


def test_a_guardrail_is_added_audited_and_announced(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)

    with events.recorded() as seen:
        guardrail = add_guardrail(
            actor=world.editor, objective=sales, kpi=kpi, note=" no deals bought "
        )

    assert guardrail.note == "no deals bought"
    assert guardrail.workspace_id == world.acme.pk
    entry = AuditEntry.objects.get(action="objective.guardrail_added", object_id=sales.pk)
    assert entry.changes["kpi"] == [None, kpi.pk]
    assert [event.name for event in seen] == ["objective.updated"]


def test_a_guardrail_is_removed_audited_and_announced(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    guardrail = add_guardrail(actor=world.editor, objective=sales, kpi=_discount(make_kpi))

    with events.recorded() as seen:
        remove_guardrail(actor=world.editor, guardrail=guardrail)

    assert not Guardrail.objects.exists()
    assert AuditEntry.objects.filter(action="objective.guardrail_removed").exists()
    assert [event.name for event in seen] == ["objective.updated"]


def test_what_cannot_guard_is_refused_with_the_field_named(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    add_guardrail(actor=world.editor, objective=sales, kpi=kpi)
    archived = archive_kpi(actor=world.editor, kpi=make_kpi("Churn", monthly([1])))

    with pytest.raises(ValidationError) as twice:
        add_guardrail(actor=world.editor, objective=sales, kpi=kpi)
    with pytest.raises(ValidationError) as gone:
        add_guardrail(actor=world.editor, objective=sales, kpi=archived)
    with pytest.raises(ValidationError) as long_note:
        add_guardrail(actor=world.editor, objective=sales, kpi=archived, note="x" * 201)

    assert "guards this objective already" in twice.value.message_dict["kpi"][0]
    assert "archived" in gone.value.message_dict["kpi"][0]
    assert "at most 200" in long_note.value.message_dict["note"][0]
    assert Guardrail.objects.count() == 1


def test_the_owner_and_editors_guard_viewers_do_not(world: World, sales: Objective) -> None:
    require_guard(world.owner, sales)  # a viewer, but the objective's owner
    require_guard(world.editor, sales)
    with pytest.raises(PermissionDenied):
        require_guard(world.viewer, sales)


# --- Flag and notification ---------------------------------------------------------------------


def test_a_red_guardrail_flags_the_objective(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    green = _discount(make_kpi)
    red = make_kpi("Returns", monthly([40]), aggregation="last", warning=80.0)
    add_guardrail(actor=world.editor, objective=sales, kpi=green)
    add_guardrail(actor=world.editor, objective=sales, kpi=red)

    flags = guardrail_flags([sales.pk])[sales.pk]
    page = objective_guardrails(sales.pk, sales.owner_id, sales.state, world.viewer)

    assert [(flag.kpi_name, flag.reason) for flag in flags] == [("Returns", "red")]
    assert [(row.name, row.health) for row in page.rows] == [
        ("Discount rate", "green"),
        ("Returns", "red"),
    ]
    assert page.form is None  # a viewer who does not own it


def test_a_guardrail_turning_red_tells_the_objectives_owner(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    add_guardrail(actor=world.editor, objective=sales, kpi=kpi)

    record_measurements(actor=world.editor, kpi=kpi, points=RED_OCTOBER)

    told = Notification.objects.get(kind="guardrail")
    assert told.person_id == world.owner.pk
    assert told.title == "Guardrail Discount rate is red on Grow sales"
    assert told.url == reverse("objective_detail", args=[sales.pk]) + "#guardrails"


def test_a_kpi_turning_red_tells_nobody_of_objectives_it_does_not_guard(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)

    record_measurements(actor=world.editor, kpi=kpi, points=RED_OCTOBER)

    assert not Notification.objects.filter(kind="guardrail").exists()


# --- Pages --------------------------------------------------------------------------------------


def test_the_owner_adds_a_guardrail_on_the_objective_page(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    owner = world.client_for(world.owner)

    before = owner.get(reverse("objective_detail", args=[sales.pk])).content.decode()
    response = owner.post(
        reverse("guardrail_add", args=[sales.pk]), {"kpi": kpi.pk, "note": "margin"}, follow=True
    )

    assert 'data-testid="guardrail-form"' in before
    body = response.content.decode()
    assert "“Discount rate” now guards this objective." in body
    assert 'data-testid="guardrail-flag"' not in body
    assert Guardrail.objects.get().note == "margin"


def test_a_red_guardrail_shows_its_flag_on_the_page_and_the_board(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = make_kpi("Discount rate", monthly([40]), aggregation="last", warning=80.0)
    add_guardrail(actor=world.editor, objective=sales, kpi=kpi)
    client = world.client_for(world.viewer)

    page = client.get(reverse("objective_detail", args=[sales.pk])).content.decode()
    board = client.get(reverse("cycle_board", args=[world.cycle.pk])).content.decode()

    assert "Guardrail Discount rate is red" in page.split('data-testid="guardrail-flag"')[1]
    assert 'data-testid="guardrail-form"' not in page
    assert "Guardrail Discount rate is red" in board.split('data-testid="board-guardrail-flags"')[1]


def test_a_viewer_cannot_add_or_remove_a_guardrail(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    add_guardrail(actor=world.editor, objective=sales, kpi=kpi)
    viewer = world.client_for(world.viewer)

    added = viewer.post(reverse("guardrail_add", args=[sales.pk]), {"kpi": kpi.pk})
    removed = viewer.post(reverse("guardrail_remove", args=[sales.pk, kpi.pk]))

    assert added.status_code == removed.status_code == 403
    assert Guardrail.objects.count() == 1


def test_another_workspace_reaches_no_guardrail(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    outsider = world.client_for(world.outsider)

    response = outsider.post(reverse("guardrail_add", args=[sales.pk]), {"kpi": kpi.pk})

    assert response.status_code == 404
    assert not Guardrail.objects.exists()


def test_the_objective_page_reads_guardrails_in_a_fixed_number_of_queries(
    world: World,
    now: dt.datetime,
    make_kpi: MakeKpi,
    sales: Objective,
    django_assert_max_num_queries: Any,
) -> None:
    client = world.client_for(world.editor)
    path = reverse("objective_detail", args=[sales.pk])
    add_guardrail(actor=world.editor, objective=sales, kpi=_discount(make_kpi))
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for index in range(5):
        kpi = make_kpi(f"Guard {index}", monthly([40 + index]), aggregation="last", warning=80.0)
        add_guardrail(actor=world.editor, objective=sales, kpi=kpi)
    with CaptureQueriesContext(connection) as six:
        client.get(path)

    assert len(six) == len(one)


# --- API ----------------------------------------------------------------------------------------


def test_the_api_adds_lists_and_removes_guardrails(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = make_kpi("Discount rate", monthly([40]), aggregation="last", warning=80.0)
    api = Api(token_for(world.owner))

    created = api.post(f"/objectives/{sales.pk}/guardrails", {"kpi": kpi.pk, "note": "margin"})
    listed = api.get(f"/objectives/{sales.pk}/guardrails")
    removed = api.delete(f"/objectives/{sales.pk}/guardrails/{kpi.pk}")

    assert created.status_code == 201
    assert listed.json == {
        "objective": sales.pk,
        "flagged": True,
        "guardrails": [
            {
                "kpi": kpi.pk,
                "name": "Discount rate",
                "health": "red",
                "signal": None,
                "note": "margin",
                "tripped": "red",
            }
        ],
    }
    assert removed.status_code == 204
    assert not Guardrail.objects.exists()


def test_the_api_refuses_with_the_field_named_and_scopes_to_the_workspace(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    with connection_kept():
        other = make_kpi("Elsewhere", monthly([1]))
        other.workspace = world.globex
        other.save(update_fields=["workspace"])
    editor, viewer, outsider = (
        Api(token_for(person)) for person in (world.editor, world.viewer, world.outsider)
    )

    unknown = editor.post(f"/objectives/{sales.pk}/guardrails", {"kpi": other.pk})
    editor.post(f"/objectives/{sales.pk}/guardrails", {"kpi": kpi.pk})
    twice = editor.post(f"/objectives/{sales.pk}/guardrails", {"kpi": kpi.pk})
    by_viewer = viewer.post(f"/objectives/{sales.pk}/guardrails", {"kpi": kpi.pk})
    from_outside = outsider.get(f"/objectives/{sales.pk}/guardrails")

    assert unknown.status_code == 422
    assert "kpi" in fields_of(unknown)
    assert twice.status_code == 422
    assert "already" in fields_of(twice)["kpi"]
    assert by_viewer.status_code == 403
    assert from_outside.status_code == 404


def test_a_signalling_guardrail_flags_the_objective_and_tells_its_owner(
    world: World, now: dt.datetime, make_kpi: MakeKpi, sales: Objective
) -> None:
    kpi = _discount(make_kpi)
    add_guardrail(actor=world.editor, objective=sales, kpi=kpi)
    Kpi.objects.filter(pk=kpi.pk).update(signal="run_of_eight", signal_side="upper")

    flags = guardrail_flags([sales.pk])[sales.pk]
    page = world.client_for(world.owner).get(reverse("objective_detail", args=[sales.pk]))
    guardrails.signalled(
        events.Event(world.acme.pk, "kpi.signal", {"kpi": {"id": kpi.pk}, "rule": "run_of_eight"})
    )

    assert [(flag.reason, flag.rule) for flag in flags] == [("signal", "run_of_eight")]
    body = page.content.decode()
    assert "Guardrail Discount rate signals" in body.split('data-testid="guardrail-flag"')[1]
    assert "Run of 8 on one side" in body.split('data-testid="guardrails"')[1]
    told = Notification.objects.get(kind="guardrail")
    assert (told.person_id, told.title) == (
        world.owner.pk,
        "Guardrail Discount rate signals on Grow sales",
    )
