"""Calibration at cycle close: Brier scores of people, teams and the model on a small known
example, in the cycle review (docs/signals.md, "Calibration")."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.models import Person
from goalkeeper.accounts.services import create_team
from goalkeeper.audit.models import AuditEntry
from goalkeeper.okrs.calibration import cycle_calibration, kept_cycle_calibration
from goalkeeper.okrs.models import CheckIn, KeyResult
from goalkeeper.okrs.services import (
    close_cycle,
    create_key_result,
    create_objective,
    record_check_in,
)
from tests.conftest import World


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 9, tzinfo=dt.UTC)


def _key_result(world: World, title: str) -> KeyResult:
    objective = create_objective(
        actor=world.admin, cycle=world.cycle, team=world.sales, title=title, owner=world.editor
    )
    return create_key_result(
        actor=world.admin, objective=objective, title=title, kind="increase", start=0, target=100
    )


def _check_in(
    person: Person, key_result: KeyResult, value: float, confidence: int, day: int, odds: float
) -> None:
    check_in = record_check_in(
        actor=person, key_result=key_result, value=value, confidence=confidence, at=_at(day)
    )
    CheckIn.objects.filter(pk=check_in.pk).update(odds_success=odds)


@pytest.fixture
def example(world: World, now: dt.datetime) -> World:
    """Met: Eddie said 8 then 6 (the model 0.9, 0.7). Missed: Eddie said 3, Ada 5 (the
    model 0.2, 0.4). A KPI's automatic check-in counts for the model only."""
    met = _key_result(world, "Met")
    missed = _key_result(world, "Missed")
    _check_in(world.editor, met, 50, 8, 5, 0.9)
    _check_in(world.editor, met, 100, 6, 20, 0.7)
    _check_in(world.editor, missed, 10, 3, 6, 0.2)
    _check_in(world.admin, missed, 20, 5, 21, 0.4)
    record_check_in(actor=None, key_result=missed, value=20, confidence=9, automatic=True)
    return world


def test_brier_scores_of_people_teams_and_the_model(example: World) -> None:
    calibration = cycle_calibration(example.cycle)
    people = {row.name: row for row in calibration.people}
    # Eddie: (0.2^2 + 0.4^2 + 0.3^2) / 3 = 0.29 / 3; Ada: 0.5^2.
    assert people["Eddie Editor"].brier == pytest.approx(0.29 / 3)
    assert people["Eddie Editor"].count == 3
    assert people["Eddie Editor"].key_results == 2
    assert people["Eddie Editor"].succeeded == 1
    assert people["Ada Admin"].brier == pytest.approx(0.25)
    [team] = calibration.teams
    assert team.name == "Sales"
    assert team.brier == pytest.approx(0.54 / 4)
    # The model: (0.1^2 + 0.3^2 + 0.2^2 + 0.4^2) / 4 = 0.30 / 4.
    assert calibration.model is not None
    assert calibration.model.brier == pytest.approx(0.30 / 4)
    assert calibration.model.count == 4


def test_the_closed_cycles_review_shows_the_calibration(example: World, viewer: Client) -> None:
    close_cycle(actor=example.admin, cycle=example.cycle, closings=[], fill_in=True)
    page = viewer.get(reverse("cycle_review", args=[example.cycle.pk])).content.decode()
    assert 'data-testid="calibration-table"' in page
    assert "0.25 is a coin toss" in page
    assert "0.097" in page  # Eddie
    assert "0.075" in page  # the model


def test_a_running_cycles_review_says_when_calibration_comes(
    example: World, viewer: Client
) -> None:
    page = viewer.get(reverse("cycle_review", args=[example.cycle.pk])).content.decode()
    assert "Calibration appears when the cycle closes" in page
    assert 'data-testid="calibration-table"' not in page


def test_calibration_reads_as_many_queries_whatever_the_check_ins(example: World) -> None:
    with CaptureQueriesContext(connection) as few:
        cycle_calibration(example.cycle)
    key_result = KeyResult.objects.get(title="Met")
    for day in range(22, 30):
        _check_in(example.editor, key_result, 100, 7, day, 0.8)
    with CaptureQueriesContext(connection) as many:
        cycle_calibration(example.cycle)
    assert len(many) == len(few) == 3


def test_the_calibration_is_kept_until_something_is_written(example: World) -> None:
    first = kept_cycle_calibration(example.cycle)
    with CaptureQueriesContext(connection) as kept:
        again = kept_cycle_calibration(example.cycle)
    # The world was set up before the frozen clock: the write comes after its newest entry.
    newest = AuditEntry.objects.filter(workspace=example.acme).latest("at", "id").at
    with time_machine.travel(newest + dt.timedelta(seconds=1), tick=False):
        _check_in(example.editor, KeyResult.objects.get(title="Met"), 100, 7, 22, 0.8)
    after_a_write = kept_cycle_calibration(example.cycle)

    assert again is first
    assert len(kept) == 1  # the newest audit entry, which says nothing was written
    assert first.model is not None
    assert first.model.count == 4
    assert after_a_write.model is not None
    assert after_a_write.model.count == 5


def test_a_teams_calibration_is_kept_apart_from_the_companys(example: World) -> None:
    support = create_team(
        actor=None, workspace=example.acme, name="Support", parent=example.company
    )
    company = kept_cycle_calibration(example.cycle)
    other_team = kept_cycle_calibration(example.cycle, [support.pk])

    assert company.model is not None
    assert company.model.count == 4
    assert other_team.model is None
    assert other_team.people == ()
