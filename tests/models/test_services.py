"""Writes go through services: one transaction each, each with an audit entry."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements, update_kpi
from goalkeeper.okrs.models import CheckIn
from goalkeeper.okrs.services import (
    close_objective,
    create_key_result,
    create_objective,
    record_check_in,
    update_key_result,
    update_objective,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def latest_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    return entry


def test_creating_an_objective_is_audited_with_its_fields(world: World) -> None:
    objective = create_objective(
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Win the mid-market",
        owner=world.editor,
    )
    entry = latest_entry()
    assert (entry.action, entry.object_id, entry.actor_name) == (
        "objective.created",
        objective.pk,
        "Eddie Editor",
    )
    assert entry.changes["title"] == [None, "Win the mid-market"]
    assert entry.workspace_id == world.acme.pk


def test_updating_an_objective_records_only_the_changed_fields(world: World) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Old"
    )
    update_objective(actor=world.admin, objective=objective, title="New", kind="aspirational")
    assert latest_entry().changes == {
        "title": ["Old", "New"],
        "kind": ["committed", "aspirational"],
    }


def test_check_in_becomes_the_key_results_current_value(world: World) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    kr = create_key_result(
        actor=world.editor,
        objective=objective,
        title="ARR",
        kind="increase",
        start=100,
        target=200,
        unit="k€",
    )
    assert kr.current == 100  # no check-in yet: current is the start value
    at = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    record_check_in(
        actor=world.editor, key_result=kr, value=150, confidence=6, note="Two deals", at=at
    )
    kr.refresh_from_db()
    assert (kr.current, kr.confidence, kr.last_check_in_at) == (150, 6, at)
    entry = latest_entry()
    assert entry.action == "check_in.created"
    assert entry.changes["current"] == [100.0, 150.0]


def test_milestone_check_in_marks_it_done(world: World) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    kr = create_key_result(
        actor=world.editor, objective=objective, title="Partner portal live", kind="milestone"
    )
    record_check_in(actor=world.editor, key_result=kr, done=True, confidence=10)
    kr.refresh_from_db()
    assert kr.done is True


def test_metric_check_in_needs_a_value(world: World) -> None:
    from django.core.exceptions import ValidationError

    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    kr = create_key_result(
        actor=world.editor, objective=objective, title="ARR", kind="increase", start=0, target=1
    )
    with pytest.raises(ValidationError) as info:
        record_check_in(actor=world.editor, key_result=kr)
    assert "value" in info.value.message_dict


def test_check_ins_are_append_only(world: World) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    kr = create_key_result(
        actor=world.editor, objective=objective, title="ARR", kind="increase", start=0, target=1
    )
    check_in = record_check_in(actor=world.editor, key_result=kr, value=0.5)
    check_in.note = "rewritten history"
    with pytest.raises(PermissionError):
        check_in.save()
    assert CheckIn.objects.get().note == ""


def test_audit_entries_are_append_only(world: World) -> None:
    entry = latest_entry()
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_key_result_update_is_audited(world: World) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    kr = create_key_result(
        actor=world.editor, objective=objective, title="ARR", kind="increase", start=0, target=10
    )
    update_key_result(actor=world.editor, key_result=kr, target=12)
    assert latest_entry().changes == {"target": [10.0, 12.0]}


def test_closing_an_objective_keeps_score_and_retrospective(world: World) -> None:
    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    close_objective(
        actor=world.editor, objective=objective, final_score=0.7, retrospective="Good quarter"
    )
    objective.refresh_from_db()
    assert (objective.state, objective.final_score, objective.retrospective) == (
        "closed",
        0.7,
        "Good quarter",
    )
    assert latest_entry().action == "objective.closed"


def test_resending_a_measurement_updates_it_and_never_duplicates(world: World) -> None:
    kpi = create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Leads",
        direction="higher_is_better",
        target=100,
        frequency="daily",
        aggregation="sum",
    )
    t0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    first = record_measurements(
        actor=world.editor, kpi=kpi, points=[(t0, 1.0), (t0 + dt.timedelta(days=1), 2.0)]
    )
    second = record_measurements(
        actor=world.editor, kpi=kpi, points=[(t0, 10.0), (t0 + dt.timedelta(days=2), 3.0)]
    )
    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (1, 1)
    assert Measurement.objects.filter(kpi=kpi).count() == 3
    assert Measurement.objects.get(kpi=kpi, timestamp=t0).value == 10.0
    kpi.refresh_from_db()
    assert kpi.last_measurement_at == t0 + dt.timedelta(days=2)


def test_kpi_update_is_audited(world: World) -> None:
    kpi = create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Leads",
        direction="higher_is_better",
        target=100,
        warning=80,
    )
    update_kpi(actor=world.admin, kpi=kpi, target=120)
    assert latest_entry().changes == {"target": [100.0, 120.0]}


def test_a_field_that_cannot_be_changed_is_named(world: World) -> None:
    from django.core.exceptions import ValidationError

    objective = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Grow"
    )
    with pytest.raises(ValidationError) as info:
        update_objective(actor=world.editor, objective=objective, workspace=world.globex)
    assert info.value.message_dict == {"workspace": ["cannot be changed here"]}
