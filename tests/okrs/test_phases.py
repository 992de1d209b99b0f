"""Phased targets on a key result: stored by the service with its audit entry and events,
refused with the field named, and read by the pace status instead of the straight line."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.phasing import Phase
from goalkeeper.events import recorded
from goalkeeper.okrs import services
from goalkeeper.okrs.figures import key_result_status, objective_figures
from goalkeeper.okrs.models import KeyResult, Objective
from tests.conftest import World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")
# 2026-11-20 (the frozen clock) is 50 days into the 91-day cycle: a straight line expects
# 55%; these phases, back-loaded like a sales quarter, expect 20% by 30 November.
BACK_LOADED = [
    {"until": "2026-10-31", "value": 5.0},
    {"until": "2026-11-30", "value": 20.0},
    {"until": "2026-12-31", "value": 100.0},
]


@pytest.fixture
def grow(world: World) -> Objective:
    return factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)


@pytest.fixture
def sales(grow: Objective) -> KeyResult:
    return factories.key_result(grow, "Sales", start=0, target=100)


def checked_in(world: World, key_result: KeyResult, value: float) -> KeyResult:
    services.record_check_in(actor=world.editor, key_result=key_result, value=value)
    return KeyResult.objects.select_related("objective__cycle", "workspace").get(pk=key_result.pk)


def test_phases_are_stored_with_an_audit_entry_and_an_event(world: World, sales: KeyResult) -> None:
    with recorded() as seen:
        services.update_key_result(actor=world.editor, key_result=sales, phases=BACK_LOADED)

    sales.refresh_from_db()
    assert sales.phases == BACK_LOADED
    assert "key_result.updated" in [event.name for event in seen]
    entry = AuditEntry.objects.filter(action="key_result.updated").latest("id")
    assert entry.changes["phases"][0] == "[]"
    assert "2026-11-30" in entry.changes["phases"][1]


def test_phases_given_as_dates_and_phases_are_stored_alike(world: World, sales: KeyResult) -> None:
    given = [Phase(dt.date(2026, 10, 31), 5), {"until": dt.date(2026, 12, 31), "value": 100}]

    services.update_key_result(actor=world.editor, key_result=sales, phases=given)

    sales.refresh_from_db()
    assert sales.phases == [
        {"until": "2026-10-31", "value": 5.0},
        {"until": "2026-12-31", "value": 100.0},
    ]


@pytest.mark.parametrize(
    ("phases", "field", "reason"),
    [
        ([{"until": "2026-10-31", "value": "many"}], "phases[0].value", "must be a number"),
        ([{"until": "soon", "value": 5}], "phases[0].until", "must be a date (YYYY-MM-DD)"),
        (
            [{"until": "2026-10-31", "value": 5}, {"until": "2027-01-31", "value": 9}],
            "phases[1].until",
            "must lie inside the cycle",
        ),
        (
            [{"until": "2026-11-30", "value": 5}, {"until": "2026-10-31", "value": 9}],
            "phases[1].until",
            "must come after the one before",
        ),
        ([{"until": "2026-10-31", "value": 1e300}], "phases[0].value", None),
        ("monthly", "phases", None),
    ],
)
def test_bad_phases_are_refused_with_the_field_named(
    world: World, sales: KeyResult, phases: object, field: str, reason: str | None
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_key_result(actor=world.editor, key_result=sales, phases=phases)

    assert field in refused.value.message_dict
    if reason is not None:
        assert reason in refused.value.message_dict[field]
    sales.refresh_from_db()
    assert sales.phases == []


def test_a_maintain_key_result_takes_no_phases(world: World, grow: Objective) -> None:
    band = factories.key_result(grow, "Uptime", kind="maintain", low=99, high=100)

    with pytest.raises(ValidationError) as refused:
        services.update_key_result(actor=world.editor, key_result=band, phases=BACK_LOADED)

    assert "phases" in refused.value.message_dict


def test_pace_follows_the_phases_instead_of_the_straight_line(
    world: World, sales: KeyResult
) -> None:
    sales = checked_in(world, sales, 18)
    assert key_result_status(sales) == PaceStatus.OFF_TRACK

    services.update_key_result(actor=world.editor, key_result=sales, phases=BACK_LOADED)

    sales.refresh_from_db()
    assert key_result_status(sales) == PaceStatus.ON_TRACK


def test_setting_phases_that_move_the_pace_emits_status_changed(
    world: World, sales: KeyResult
) -> None:
    sales = checked_in(world, sales, 18)

    with recorded() as seen:
        services.update_key_result(actor=world.editor, key_result=sales, phases=BACK_LOADED)

    changed = [event for event in seen if event.name == "key_result.status_changed"]
    assert len(changed) == 1


def test_clearing_the_phases_brings_the_straight_line_back(world: World, sales: KeyResult) -> None:
    sales = checked_in(world, sales, 18)
    services.update_key_result(actor=world.editor, key_result=sales, phases=BACK_LOADED)

    services.update_key_result(actor=world.editor, key_result=sales, phases=[])

    sales.refresh_from_db()
    assert sales.phases == []
    assert key_result_status(sales) == PaceStatus.OFF_TRACK


def test_the_objective_expects_what_its_key_results_expect(
    world: World, grow: Objective, sales: KeyResult
) -> None:
    straight = factories.key_result(grow, "Leads", start=0, target=100)
    checked_in(world, straight, 55)
    sales = checked_in(world, sales, 18)
    services.update_key_result(actor=world.editor, key_result=sales, phases=BACK_LOADED)
    clock = world.acme.clock()

    grow = Objective.objects.select_related("cycle").prefetch_related("key_results").get(pk=grow.pk)
    figures = objective_figures([grow], clock)[grow.pk]

    # Leads expect the straight line's 50/91, sales what their phases expect by 20 November.
    phased = 5 + (20 - 5) * 20 / 30
    assert figures.expected == pytest.approx((50 / 91 + phased / 100) / 2)
    assert figures.status == PaceStatus.ON_TRACK


def test_an_objective_without_phases_keeps_the_straight_line(
    world: World, grow: Objective, sales: KeyResult
) -> None:
    checked_in(world, sales, 18)
    grow = Objective.objects.select_related("cycle").prefetch_related("key_results").get(pk=grow.pk)

    figures = objective_figures([grow], world.acme.clock())[grow.pk]

    assert figures.expected is None
    assert figures.status == PaceStatus.OFF_TRACK


def test_the_objective_page_draws_the_phased_path(
    world: World, grow: Objective, sales: KeyResult
) -> None:
    sales = checked_in(world, sales, 18)
    services.update_key_result(actor=world.editor, key_result=sales, phases=BACK_LOADED)

    response = world.client_for(world.editor).get(reverse("objective_detail", args=[grow.pk]))

    html = response.content.decode()
    assert '"expected": [["2026-10-01", 0.0]' in html
    assert '["2026-11-30", 20.0]' in html
    # 5 by October's end, 20 by November's: 15 by the 20th.
    assert "Expected by today: 15%" in html
