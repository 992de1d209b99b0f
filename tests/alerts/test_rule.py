"""The alerting rule (goalkeeper.domain.alerting): a change is told once, after it held."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.domain.alerting import Decision, Outcome, decide, hold_for, is_recovery, observe

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
BAD = ["yellow", "red", "stale"]
JUDGED = ["green", *BAD]

periods = st.sampled_from(
    [timedelta(hours=1), timedelta(days=1), WEEK, timedelta(days=30), timedelta(days=91)]
)
holds = st.integers(min_value=1, max_value=4)
# Each example simulates weeks of sweeps: a busy machine must not fail it for slowness.
simulation = settings(deadline=None, max_examples=60)


def run(
    changes: Sequence[tuple[datetime, str]],
    *,
    period: timedelta,
    hold: int,
    until: datetime,
    ticks: int = 40,
) -> list[tuple[datetime, str]]:
    """What the app does, in miniature: each change is seen when it happens (the event)
    and the health is looked at again `ticks` times a period (the sweep); returns the
    alerts told, with when."""
    instants = {when for when, _ in changes}
    step = period / ticks
    moment = changes[0][0]
    while moment <= until:
        instants.add(moment)
        moment += step
    instants.add(until)
    notified, seen, since = "", "", None
    told: list[tuple[datetime, str]] = []
    for now in sorted(instants):
        health = [h for when, h in changes if when <= now][-1]
        seen, since = observe(seen, since, health, now)
        decision = decide(
            notified=notified, current=seen, seen_since=since, now=now, period=period, hold=hold
        )
        if decision.outcome is Outcome.NOTIFY:
            told.append((now, seen))
            notified = seen
        elif decision.outcome is Outcome.ADOPT:
            notified = seen
    return told


@simulation
@given(period=periods, hold=holds, other=st.sampled_from(BAD), base=st.sampled_from(JUDGED))
def test_a_kpi_alternating_every_half_period_never_alerts(period, hold, other, base):
    # The flips start once the first health was told (a KPI born red is news).
    flipping = T0 + hold_for(period, hold) + period
    changes = [(T0, base)]
    healths = [other, base] if other != base else ["green", base]
    for number in range(30):
        changes.append((flipping + number * period / 2, healths[number % 2]))
    told = run(changes, period=period, hold=hold, until=changes[-1][0] + period / 4)
    assert [h for _, h in told] == ([base] if base != "green" else [])
    assert all(when < flipping for when, _ in told)


@simulation
@given(period=periods, hold=holds, new=st.sampled_from(BAD), extra=st.integers(0, 10))
def test_a_change_that_holds_alerts_exactly_once(period, hold, new, extra):
    turned = T0 + 3 * WEEK
    changes = [(T0, "green"), (turned, new)]
    told = run(changes, period=period, hold=hold, until=turned + (hold + extra) * period)
    assert len(told) == 1
    when, health = told[0]
    assert health == new
    assert turned + hold * period <= when <= turned + hold * period + period / 40


@simulation
@given(
    period=periods,
    hold=holds,
    new=st.sampled_from(BAD),
    share=st.floats(min_value=0.01, max_value=0.99),
)
def test_going_back_to_the_told_health_before_the_hold_cancels(period, hold, new, share):
    turned = T0 + 3 * WEEK
    back = turned + hold * period * share
    changes = [(T0, "green"), (turned, new), (back, "green")]
    told = run(changes, period=period, hold=hold, until=back + 5 * hold * period)
    assert told == []


@simulation
@given(period=periods, hold=holds, first=st.sampled_from(BAD))
def test_recovering_to_green_after_an_alert_is_told_once_too(period, hold, first):
    turned = T0 + 3 * WEEK
    healed = turned + 2 * hold * period
    changes = [(T0, "green"), (turned, first), (healed, "green")]
    told = run(changes, period=period, hold=hold, until=healed + 3 * hold * period)
    assert [h for _, h in told] == [first, "green"]


@simulation
@given(period=periods, new=st.sampled_from(BAD))
def test_hold_zero_tells_at_the_instant_of_the_change(period, new):
    turned = T0 + 3 * WEEK
    told = run([(T0, "green"), (turned, new)], period=period, hold=0, until=turned + period)
    assert told == [(turned, new)]


def decision(notified, current, *, since=T0, now=T0 + WEEK, hold=1):
    return decide(
        notified=notified, current=current, seen_since=since, now=now, period=WEEK, hold=hold
    )


def test_the_first_health_green_is_adopted_silently():
    assert decision("", "green").outcome is Outcome.ADOPT
    assert decision("no_data", "green").outcome is Outcome.ADOPT


@pytest.mark.parametrize("health", BAD)
def test_a_first_health_that_is_not_green_is_told_after_the_hold(health):
    assert decision("", health, now=T0 + WEEK / 2) == Decision(Outcome.WAIT, at=T0 + WEEK)
    assert decision("", health, now=T0 + WEEK).outcome is Outcome.NOTIFY


def test_no_data_is_adopted_silently_and_nothing_follows_it():
    assert decision("red", "no_data").outcome is Outcome.ADOPT
    assert decision("no_data", "no_data").outcome is Outcome.NOTHING
    assert decision("", "no_data").outcome is Outcome.NOTHING


def test_the_health_already_told_calls_for_nothing():
    assert decision("red", "red", now=T0).outcome is Outcome.NOTHING


def test_a_pending_change_waits_until_the_hold_is_over():
    assert decision("green", "red", now=T0 + timedelta(days=6)) == Decision(
        Outcome.WAIT, at=T0 + WEEK
    )
    assert decision("green", "red", now=T0 + 2 * WEEK, hold=2).outcome is Outcome.NOTIFY


def test_a_negative_hold_is_refused():
    with pytest.raises(ValueError, match="hold"):
        hold_for(WEEK, -1)


def test_observing_the_same_health_keeps_its_instant():
    assert observe("red", T0, "red", T0 + WEEK) == ("red", T0)
    assert observe("red", T0, "green", T0 + WEEK) == ("green", T0 + WEEK)
    assert observe("", None, "", T0) == ("", T0)


def test_a_recovery_is_green_after_a_told_health():
    assert is_recovery("red", "green")
    assert not is_recovery("", "green")
    assert not is_recovery("green", "red")
