"""Activating a cycle whose dates overlap another active cycle asks first.

Two active cycles are allowed (a company quarter and a product half, say), but never by
accident: the service refuses unless the overlap is confirmed, the page asks, and the API
answers 422 naming the overlapping cycle unless the body says `"confirm": true`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from goalkeeper.okrs import services
from goalkeeper.okrs.models import Cycle, CycleState
from tests.conftest import World


def overlapping(world: World) -> Cycle:
    """A planning cycle from mid-November, while 2026-Q4 (Oct-Dec) is active."""
    return services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="Product H2",
        start_date=dt.date(2026, 11, 15),
        end_date=dt.date(2027, 2, 15),
    )


def state_of(cycle: Cycle) -> str:
    cycle.refresh_from_db()
    return cycle.state


def test_the_service_refuses_an_unconfirmed_overlap_naming_the_other_cycle(world: World) -> None:
    cycle = overlapping(world)

    with pytest.raises(ValidationError) as caught:
        services.activate_cycle(actor=world.admin, cycle=cycle)

    message = " ".join(caught.value.message_dict["state"])
    assert "2026-Q4" in message
    assert "1 Oct 2026" in message
    assert state_of(cycle) == CycleState.PLANNING


def test_the_service_activates_a_confirmed_overlap(world: World) -> None:
    cycle = overlapping(world)

    services.activate_cycle(actor=world.admin, cycle=cycle, confirm_overlap=True)

    assert state_of(cycle) == CycleState.ACTIVE
    assert state_of(world.cycle) == CycleState.ACTIVE


def test_a_cycle_that_overlaps_nothing_active_needs_no_confirmation(world: World) -> None:
    cycle = services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )

    services.activate_cycle(actor=world.admin, cycle=cycle)

    assert state_of(cycle) == CycleState.ACTIVE


def test_the_activate_button_asks_before_overlapping(world: World, admin: Client) -> None:
    cycle = overlapping(world)

    response = admin.post(reverse("cycle_activate", args=[cycle.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="confirm-overlap"' in html
    assert "2026-Q4" in html
    assert state_of(cycle) == CycleState.PLANNING


def test_confirming_activates_both(world: World, admin: Client) -> None:
    cycle = overlapping(world)

    response = admin.post(reverse("cycle_activate", args=[cycle.pk]), {"confirm": "1"}, follow=True)

    assert state_of(cycle) == CycleState.ACTIVE
    assert "Product H2 is active." in response.content.decode()
