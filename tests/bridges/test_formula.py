"""Several KPIs into one key result: sum, average or ratio, read when set and when a KPI moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.services import drive_by_formula, formula_values
from goalkeeper.events import recorded
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import record_measurements
from goalkeeper.okrs.models import CheckIn, KeyResult, KpiInput, Objective
from goalkeeper.okrs.services import set_kpi_formula, update_key_result
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi
from tests.web import factories

OCTOBER = dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
NOVEMBER = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


def key_result(world: World, **fields: object) -> KeyResult:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    fields.setdefault("start", 0.0)
    fields.setdefault("target", 2000.0)
    return factories.key_result(objective, "Revenue per customer", **fields)


def test_a_ratio_of_two_kpis_is_checked_in_when_set(world: World, make_kpi: MakeKpi) -> None:
    revenue = make_kpi("Revenue", values=[(OCTOBER, 500_000.0), (NOVEMBER, 600_000.0)])
    customers = make_kpi("Customers", values=[(OCTOBER, 380.0), (NOVEMBER, 400.0)])
    kr = key_result(world)

    drive_by_formula(actor=world.editor, key_result=kr, formula="ratio", kpis=[revenue, customers])

    kr.refresh_from_db()
    assert (kr.kpi_formula, kr.kpi_id, kr.current) == ("ratio", None, 1500.0)
    assert list(kr.inputs.values_list("kpi_id", "position")) == [(revenue.pk, 0), (customers.pk, 1)]
    check_in = CheckIn.objects.get(key_result=kr)
    assert check_in.automatic is True
    assert check_in.note == "Automatic: first KPI divided by the second, latest values."


@pytest.mark.parametrize(("formula", "value"), [("sum", 60.0), ("average", 20.0)])
def test_sum_and_average_of_three_kpis(
    world: World, make_kpi: MakeKpi, formula: str, value: float
) -> None:
    kpis = [
        make_kpi(name, values=[(NOVEMBER, v)])
        for name, v in (("North", 10.0), ("South", 20.0), ("West", 30.0))
    ]
    kr = key_result(world, target=100.0)

    drive_by_formula(actor=world.editor, key_result=kr, formula=formula, kpis=kpis)

    kr.refresh_from_db()
    assert kr.current == value


def test_the_key_result_moves_when_any_of_its_kpis_gets_a_value(
    world: World, make_kpi: MakeKpi
) -> None:
    revenue = make_kpi("Revenue", frequency="daily", values=[(NOW - 2 * DAY, 300.0)])
    customers = make_kpi("Customers", frequency="daily", values=[(NOW - 2 * DAY, 3.0)])
    kr = key_result(world)
    drive_by_formula(actor=world.editor, key_result=kr, formula="ratio", kpis=[revenue, customers])

    record_measurements(actor=world.editor, kpi=customers, points=[(NOW - DAY, 2.0)])
    kr.refresh_from_db()
    assert kr.current == 150.0  # 300 / 2: each KPI's newest period

    record_measurements(actor=world.editor, kpi=revenue, points=[(NOW - DAY, 500.0)])
    kr.refresh_from_db()
    assert kr.current == 250.0
    assert list(
        CheckIn.objects.filter(key_result=kr).order_by("id").values_list("value", flat=True)
    ) == [100.0, 150.0, 250.0]


def test_the_cycle_aggregate_reads_each_kpi_over_the_cycle(world: World, make_kpi: MakeKpi) -> None:
    deals = make_kpi("Deals", aggregation="sum", values=[(OCTOBER, 4.0), (NOVEMBER, 6.0)])
    calls = make_kpi("Calls", aggregation="sum", values=[(OCTOBER, 40.0), (NOVEMBER, 60.0)])
    kr = key_result(world, target=1.0)

    drive_by_formula(
        actor=world.editor,
        key_result=kr,
        formula="ratio",
        kpis=[deals, calls],
        mode="cycle_aggregate",
    )

    kr.refresh_from_db()
    assert (kr.kpi_mode, kr.current) == ("cycle_aggregate", 0.1)


def test_a_kpi_without_values_or_a_zero_denominator_leaves_the_key_result_alone(
    world: World, make_kpi: MakeKpi
) -> None:
    revenue = make_kpi("Revenue", values=[(NOVEMBER, 100.0)])
    customers = make_kpi("Customers")
    kr = key_result(world)
    drive_by_formula(actor=world.editor, key_result=kr, formula="ratio", kpis=[revenue, customers])
    record_measurements(actor=world.editor, kpi=customers, points=[(NOVEMBER, 0.0)])

    kr.refresh_from_db()
    assert kr.current == 0.0  # its start: no check-in
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_setting_a_formula_replaces_the_single_kpi_and_is_audited(
    world: World, make_kpi: MakeKpi
) -> None:
    one, two = make_kpi("One", values=[(NOVEMBER, 1.0)]), make_kpi("Two", values=[(NOVEMBER, 2.0)])
    kr = key_result(world)
    update_key_result(actor=world.editor, key_result=kr, kpi=one)

    with recorded() as seen:
        set_kpi_formula(actor=world.editor, key_result=kr, formula="sum", kpi_ids=[one.pk, two.pk])

    kr.refresh_from_db()
    assert (kr.kpi_id, kr.kpi_formula, kr.current) == (None, "sum", 3.0)
    entry = AuditEntry.objects.filter(action="key_result.updated", object_id=kr.pk).latest("id")
    assert entry.changes == {
        "kpi": [one.pk, None],
        "kpi_formula": ["", "sum"],
        "kpis": [[], [one.pk, two.pk]],
    }
    assert [event.name for event in seen][:2] == ["key_result.updated", "check_in.created"]


def test_an_empty_formula_clears_it_and_keeps_the_check_ins(
    world: World, make_kpi: MakeKpi
) -> None:
    one, two = make_kpi("One", values=[(NOVEMBER, 1.0)]), make_kpi("Two", values=[(NOVEMBER, 2.0)])
    kr = key_result(world)
    drive_by_formula(actor=world.editor, key_result=kr, formula="sum", kpis=[one, two])

    drive_by_formula(actor=world.editor, key_result=kr, formula="sum", kpis=[])

    kr.refresh_from_db()
    assert (kr.kpi_formula, kr.current) == ("", 3.0)
    assert not KpiInput.objects.filter(key_result=kr).exists()
    record_measurements(actor=world.editor, kpi=one, points=[(NOVEMBER + DAY, 10.0)])
    kr.refresh_from_db()
    assert kr.current == 3.0


def test_setting_the_same_formula_again_writes_nothing(world: World, make_kpi: MakeKpi) -> None:
    one, two = make_kpi("One", values=[(NOVEMBER, 1.0)]), make_kpi("Two", values=[(NOVEMBER, 2.0)])
    kr = key_result(world)
    drive_by_formula(actor=world.editor, key_result=kr, formula="sum", kpis=[one, two])
    entries = AuditEntry.objects.count()

    drive_by_formula(actor=world.editor, key_result=kr, formula="sum", kpis=[one, two])

    assert AuditEntry.objects.count() == entries
    assert CheckIn.objects.filter(key_result=kr).count() == 1


@pytest.mark.parametrize(
    ("formula", "count", "field", "message"),
    [
        ("sum", 1, "kpis", "a sum takes at least 2 KPIs"),
        ("average", 1, "kpis", "an average takes at least 2 KPIs"),
        ("ratio", 3, "kpis", "a ratio takes exactly two KPIs: the numerator, then the denominator"),
        ("median", 2, "kpi_formula", "must be one of sum, average, ratio"),
    ],
)
def test_a_formula_with_the_wrong_kpis_is_refused(
    world: World, make_kpi: MakeKpi, formula: str, count: int, field: str, message: str
) -> None:
    kpis = [make_kpi(f"K{i}") for i in range(count)]
    kr = key_result(world)

    with pytest.raises(ValidationError) as refused:
        set_kpi_formula(
            actor=world.editor, key_result=kr, formula=formula, kpi_ids=[k.pk for k in kpis]
        )

    assert refused.value.message_dict == {field: [message]}
    assert not KpiInput.objects.exists()


def test_a_kpi_of_another_workspace_or_twice_is_refused(world: World, make_kpi: MakeKpi) -> None:
    mine = make_kpi("Mine")
    theirs = Kpi.objects.create(
        workspace=world.globex, team=world.globex.teams.first(), name="Theirs", target=1.0
    )
    kr = key_result(world)

    with pytest.raises(ValidationError) as other:
        set_kpi_formula(
            actor=world.editor, key_result=kr, formula="sum", kpi_ids=[mine.pk, theirs.pk]
        )
    with pytest.raises(ValidationError) as twice:
        set_kpi_formula(
            actor=world.editor, key_result=kr, formula="sum", kpi_ids=[mine.pk, mine.pk]
        )

    assert other.value.message_dict == {"kpis": [f"no such KPI in this workspace: {theirs.pk}"]}
    assert twice.value.message_dict == {"kpis": ["each KPI can be used once"]}


def test_a_closed_objectives_key_result_is_refused(world: World, make_kpi: MakeKpi) -> None:
    ids = [make_kpi("A").pk, make_kpi("B").pk]
    kr = key_result(world)
    Objective.objects.filter(pk=kr.objective_id).update(state="closed")
    kr = KeyResult.objects.select_related("objective", "objective__cycle").get(pk=kr.pk)

    with pytest.raises(ValidationError) as refused:
        set_kpi_formula(actor=world.editor, key_result=kr, formula="sum", kpi_ids=ids)

    assert refused.value.message_dict == {
        "key_result": ["the objective is closed: its numbers are final"]
    }


def test_a_milestone_and_a_bad_mode_are_refused(world: World, make_kpi: MakeKpi) -> None:
    ids = [make_kpi("A").pk, make_kpi("B").pk]
    milestone = key_result(world, kind="milestone")
    kr = key_result(world)

    with pytest.raises(ValidationError) as on_milestone:
        set_kpi_formula(actor=world.editor, key_result=milestone, formula="sum", kpi_ids=ids)
    with pytest.raises(ValidationError) as bad_mode:
        set_kpi_formula(actor=world.editor, key_result=kr, formula="sum", kpi_ids=ids, mode="x")

    assert list(on_milestone.value.message_dict) == ["kpi_formula"]
    assert bad_mode.value.message_dict == {"kpi_mode": ["must be one of latest, cycle_aggregate"]}


@pytest.mark.parametrize("count", [2, 8])
def test_formula_values_read_each_kpi_once_whatever_the_number_of_key_results(
    world: World, make_kpi: MakeKpi, count: int, django_assert_max_num_queries: Any
) -> None:
    one, two = make_kpi("One", values=[(NOVEMBER, 1.0)]), make_kpi("Two", values=[(NOVEMBER, 2.0)])
    for _ in range(count):
        drive_by_formula(
            actor=world.editor, key_result=key_result(world), formula="sum", kpis=[one, two]
        )
    rows = list(
        KeyResult.objects.exclude(kpi_formula="").select_related(
            "objective", "objective__cycle", "workspace"
        )
    )

    # The inputs with their KPIs, then one window read per KPI.
    with django_assert_max_num_queries(3):
        values = formula_values(rows)

    assert set(values.values()) == {3.0}
    assert len(values) == count
