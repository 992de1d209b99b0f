"""What the alerts remember per KPI: observed on the write, adopted, pending, told."""

from __future__ import annotations

from goalkeeper.kpis.models import Kpi
from tests.alerts.conftest import DAY, GREEN, RED, START, Clock, Record, state, sweep


def test_a_first_green_health_is_adopted_silently(churn: Kpi):
    row = state(churn)
    assert (row.notified_health, row.seen_health) == ("green", "green")
    assert row.notified_at is None


def test_turning_red_is_remembered_with_its_instant_inside_the_write(
    churn: Kpi, record: Record, clock: Clock
):
    record(RED)
    row = state(churn)
    assert (row.notified_health, row.seen_health, row.seen_since) == ("green", "red", START)


def test_a_flap_back_before_the_hold_leaves_nothing_pending(
    churn: Kpi, record: Record, clock: Clock
):
    record(RED)
    clock.at(START + 3 * DAY)
    record(GREEN)
    for days in range(1, 9):
        clock.at(START + 3 * DAY + days * DAY)
        sweep()
    row = state(churn)
    assert (row.notified_health, row.seen_health, row.notified_at) == ("green", "green", None)


def test_time_alone_turning_a_kpi_stale_is_seen_by_the_sweep_from_its_instant(
    churn: Kpi, clock: Clock
):
    churn.refresh_from_db()
    clock.at(churn.stale_from + DAY)
    sweep()
    row = state(churn)
    assert (row.seen_health, row.seen_since) == ("stale", churn.stale_from)
