"""Process limits of a KPI: the read model, the stored signal, baselines and `kpi.signal`
(docs/signals.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from goalkeeper import events
from goalkeeper.audit.models import AuditEntry
from goalkeeper.domain.process_limits import Rule, Side
from goalkeeper.kpis.limits import kpi_limits, kpi_signal, signal_now
from goalkeeper.kpis.models import Kpi, KpiBaseline
from goalkeeper.kpis.services import record_measurements, refresh_figures, set_baseline
from goalkeeper.notifications.models import Notification
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.usefixtures("now")

# docs/signals.md's worked example: a baseline of 8 months, then 12 months after it.
BASELINE = [10, 12, 11, 13, 9, 11, 10, 12]
AFTER = [17, 14, 14.5, 10, 15, 12, 12, 12, 12, 11.5, 11.5, 11.5]
# monthly() ends in October 2026 (the latest complete month): 20 values start in March 2025.
FIRST = dt.date(2025, 3, 1)
EIGHTH = dt.date(2025, 10, 1)


def utc(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


def test_limits_of_the_first_twenty_periods_by_default(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    found = kpi_limits(kpi, world.acme.clock())

    assert found.chart is not None
    assert found.chart.limits.baseline.count == 20
    assert found.chart.limits.baseline.first == utc(2025, 3)
    assert found.chart.limits.baseline.last == utc(2026, 10)
    assert found.baseline is None


def test_a_baseline_set_after_a_process_change_gives_the_worked_example(
    make_kpi: MakeKpi, world: World
) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    set_baseline(
        actor=world.editor, kpi=kpi, first=FIRST, last=EIGHTH, note="Measured before the change"
    )

    found = kpi_limits(kpi, world.acme.clock())
    assert found.chart is not None
    limits = found.chart.limits
    assert (limits.centre, limits.lower, limits.upper) == pytest.approx((11, 5.68, 16.32))
    assert limits.moving_range_upper == pytest.approx(6.536)
    marked = {s.period: s.rule for s in found.chart.signals}
    assert marked[utc(2025, 11)] is Rule.OUTSIDE_LIMITS
    assert marked[utc(2025, 12)] is Rule.THREE_OF_FOUR
    assert utc(2026, 2) not in marked
    assert marked[utc(2026, 10)] is Rule.RUN_OF_EIGHT
    kpi.refresh_from_db()
    assert (kpi.signal, kpi.signal_side) == ("run_of_eight", "upper")


def test_baselines_are_kept_in_history_and_the_newest_wins(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))
    set_baseline(actor=world.editor, kpi=kpi, first=FIRST, last=EIGHTH, note="First")
    with time_machine.travel(dt.datetime(2026, 11, 20, 13, tzinfo=dt.UTC), tick=False):
        set_baseline(
            actor=world.admin, kpi=kpi, first=dt.date(2026, 3, 1), last=None, note="New tool"
        )

    history = list(KpiBaseline.objects.filter(kpi=kpi))
    assert [b.note for b in history] == ["New tool", "First"]
    found = kpi_limits(kpi, world.acme.clock())
    assert found.baseline == history[0]
    assert found.chart is not None
    assert found.chart.limits.baseline.count == 8
    assert found.chart.limits.baseline.first == utc(2026, 3)


def test_setting_a_baseline_is_audited_and_announced(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    with events.recorded() as seen:
        set_baseline(actor=world.editor, kpi=kpi, first=FIRST, last=EIGHTH, note="Before")

    names = [event.name for event in seen]
    assert names == ["kpi.baseline_set", "kpi.signal"]
    assert seen[0].payload["baseline"]["from"] == "2025-03-01T00:00:00+00:00"
    assert seen[1].payload["after"] == "run_of_eight"
    assert seen[1].payload["side"] == "upper"
    assert seen[1].payload["period"] == "2026-10-01T00:00:00+00:00"
    entry = AuditEntry.objects.get(action="kpi.baseline_set")
    assert entry.changes["note"] == [None, "Before"]


@pytest.mark.parametrize(
    ("first", "last", "note", "field"),
    [
        (EIGHTH, FIRST, "x", "to"),
        (FIRST, dt.date(2026, 11, 1), "x", "to"),
        (dt.date(2026, 12, 1), None, "x", "from"),
        (FIRST, EIGHTH, "  ", "note"),
        (dt.date(2026, 6, 1), None, "x", "from"),
        (dt.date(2020, 1, 1), dt.date(2020, 6, 1), "x", "from"),
    ],
)
def test_a_bad_baseline_is_refused_with_its_field_and_nothing_written(
    make_kpi: MakeKpi, world: World, first, last, note, field
) -> None:
    kpi = make_kpi(values=monthly(BASELINE + AFTER))

    with pytest.raises(ValidationError) as refused:
        set_baseline(actor=world.editor, kpi=kpi, first=first, last=last, note=note)

    assert field in refused.value.message_dict
    assert not KpiBaseline.objects.exists()
    assert not AuditEntry.objects.filter(action="kpi.baseline_set").exists()


def test_not_enough_data_gives_no_limits(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly([10, 12, 11, 13, 9]))

    assert kpi_limits(kpi, world.acme.clock()).chart is None
    kpi.refresh_from_db()
    assert kpi.signal == ""


def test_new_values_announce_a_signal_once(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly([10, 12, 11, 13, 9, 11, 10, 12], last=utc(2026, 9)))
    assert kpi.signal == ""

    with events.recorded() as seen:
        record_measurements(
            actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 10, 20, tzinfo=dt.UTC), 40)]
        )
    with events.recorded() as again:
        record_measurements(
            actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 10, 21, tzinfo=dt.UTC), 41)]
        )

    signals = [e for e in seen if e.name == "kpi.signal"]
    assert len(signals) == 1
    assert signals[0].payload["before"] is None
    assert signals[0].payload["after"] == "outside_limits"
    assert not [e for e in again if e.name == "kpi.signal"]


def test_the_signal_turns_with_the_period_and_the_refresh_announces_it(
    make_kpi: MakeKpi, world: World
) -> None:
    # November's value so far is far above: it counts when November is complete.
    kpi = make_kpi(values=[*monthly(BASELINE), (dt.datetime(2026, 11, 10, tzinfo=dt.UTC), 40)])
    assert (kpi.signal, kpi.next_signal) == ("", "outside_limits")
    december = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    assert kpi_signal(kpi, december) == (Rule.OUTSIDE_LIMITS, Side.UPPER)
    assert Kpi.objects.filter(pk=kpi.pk).values_list(signal_now(december), flat=True).get() == (
        "outside_limits"
    )

    with time_machine.travel(december, tick=False), events.recorded() as seen:
        refresh_figures(due_only=True)

    kpi.refresh_from_db()
    assert kpi.signal == "outside_limits"
    assert [e.payload["after"] for e in seen if e.name == "kpi.signal"] == ["outside_limits"]


def test_a_new_signal_notifies_the_owner_and_watchers_once(make_kpi: MakeKpi, world: World) -> None:
    kpi = make_kpi(values=monthly(BASELINE, last=utc(2026, 9)), owner=world.owner)

    for day in (20, 21):
        record_measurements(
            actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 10, day, tzinfo=dt.UTC), 40)]
        )

    items = list(Notification.objects.filter(kind="kpi_signal").order_by("person_id"))
    # Its owner, and Sales' lead, who watches the team's KPIs; each once.
    assert sorted(item.person_id for item in items) == sorted([world.owner.pk, world.editor.pk])
    assert items[0].title == "Revenue shows a signal: Outside the limits"
    assert items[0].url.endswith(f"/kpis/{kpi.pk}/#limits")
    assert "above the centre" in items[0].body
