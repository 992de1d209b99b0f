"""Hand down: a key result becomes a KPI of a team below, owned by its lead, linked both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.accounts.services import add_member, create_team
from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.services import (
    create_recovery_objective,
    drive_by_formula,
    hand_down_key_result,
    hand_down_plan,
    promote_key_result,
)
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import record_measurements
from goalkeeper.okrs.models import CheckIn, KeyResult
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi
from tests.web import factories

CYCLE_START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def company_key_result(world: World, **fields: object) -> KeyResult:
    """A company key result ("$600k MRR") with three check-ins."""
    objective = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    fields.setdefault("check_ins", [(420.0, NOW - 20 * DAY), (455.0, NOW - 10 * DAY)])
    return factories.key_result(
        objective,
        "Reach $600k MRR",
        start=400.0,
        target=600.0,
        commit=500.0,
        stretch=650.0,
        unit="k$",
        **fields,
    )


def test_a_handed_down_kpi_belongs_to_the_team_and_its_lead(world: World) -> None:
    key_result = company_key_result(world)

    kpi = hand_down_key_result(actor=world.admin, key_result=key_result, team=world.sales)

    assert (kpi.team, kpi.owner, kpi.name, kpi.unit) == (
        world.sales,
        world.editor,
        "Reach $600k MRR",
        "k$",
    )
    assert (kpi.direction, kpi.target, kpi.warning, kpi.frequency, kpi.aggregation) == (
        "higher_is_better",
        600.0,
        500.0,
        "weekly",
        "last",
    )
    assert "Handed down from the key result “Reach $600k MRR” of “Grow revenue”" in (
        kpi.description
    )


def test_the_history_is_carried_and_the_two_are_linked_both_ways(world: World) -> None:
    key_result = company_key_result(world)

    kpi = hand_down_key_result(actor=world.admin, key_result=key_result, team=world.sales)

    assert list(
        Measurement.objects.filter(kpi=kpi).order_by("timestamp").values_list("timestamp", "value")
    ) == [(CYCLE_START, 400.0), (NOW - 20 * DAY, 420.0), (NOW - 10 * DAY, 455.0)]
    key_result.refresh_from_db()
    kpi.refresh_from_db()
    assert (key_result.kpi_id, key_result.kpi_mode, key_result.current) == (kpi.pk, "latest", 455.0)
    assert kpi.origin_key_result_id == key_result.pk
    # The history went to the KPI, not back: no check-in repeats the latest one.
    assert CheckIn.objects.filter(key_result=key_result).count() == 2


def test_handing_down_is_audited(world: World) -> None:
    key_result = company_key_result(world)

    kpi = hand_down_key_result(actor=world.admin, key_result=key_result, team=world.sales)

    entry = AuditEntry.objects.get(action="key_result.handed_down", object_id=kpi.pk)
    assert entry.actor == world.admin
    assert entry.changes["key_result"] == [None, key_result.pk]
    assert entry.changes["team"] == [None, world.sales.pk]
    assert entry.changes["owner"] == [None, world.editor.pk]
    assert entry.changes["check_ins_copied"] == [None, 2]


def test_the_chosen_owner_wins_over_the_lead(world: World) -> None:
    key_result = company_key_result(world)

    kpi = hand_down_key_result(
        actor=world.admin,
        key_result=key_result,
        team=world.sales,
        owner=world.owner,
        frequency="monthly",
        aggregation="average",
    )

    assert (kpi.owner, kpi.frequency, kpi.aggregation) == (world.owner, "monthly", "average")


def test_a_team_without_a_lead_needs_an_owner(world: World) -> None:
    support = create_team(actor=None, workspace=world.acme, name="Support", parent=world.company)
    add_member(actor=None, team=support, person=world.owner)  # a member, not its lead
    key_result = company_key_result(world)

    with pytest.raises(ValidationError) as refused:
        hand_down_key_result(actor=world.admin, key_result=key_result, team=support)

    assert refused.value.message_dict == {"owner": ["Support has no lead: choose who owns the KPI"]}
    assert not Kpi.objects.filter(team=support).exists()


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("own team", "team", "this is the key result's own team: promote it to a KPI instead"),
        ("other workspace", "team", "must belong to the same workspace"),
        ("outsider owner", "owner", "must be an active person of the same workspace"),
        ("no team", "team", "choose the team that takes the KPI"),
    ],
)
def test_what_cannot_be_handed_down_is_refused_with_the_field_named(
    world: World, case: str, field: str, message: str
) -> None:
    key_result = company_key_result(world)
    team = {
        "own team": world.company,
        "other workspace": world.globex.teams.first(),
        "outsider owner": world.sales,
        "no team": None,
    }[case]
    owner = world.outsider if case == "outsider owner" else None

    with pytest.raises(ValidationError) as refused:
        hand_down_plan(key_result, team, owner)  # type: ignore[arg-type]

    assert refused.value.message_dict == {field: [message]}


def test_a_milestone_or_a_key_result_already_reading_a_kpi_is_refused(world: World) -> None:
    key_result = company_key_result(world)
    hand_down_key_result(actor=world.admin, key_result=key_result, team=world.sales)
    milestone = factories.key_result(key_result.objective, "Launch", kind="milestone")

    for refused_one in (key_result, milestone):
        with pytest.raises(ValidationError) as refused:
            hand_down_key_result(actor=world.admin, key_result=refused_one, team=world.sales)
        assert list(refused.value.message_dict) == ["key_result"]
    assert Kpi.objects.count() == 1


def test_the_team_moving_the_kpi_moves_the_key_result_above(world: World) -> None:
    key_result = company_key_result(world, check_ins=[])
    kpi = hand_down_key_result(actor=world.admin, key_result=key_result, team=world.sales)

    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW - DAY, 470.0)])

    key_result.refresh_from_db()
    assert key_result.current == 470.0


def test_a_red_handed_down_kpi_gets_a_recovery_objective_in_the_team(
    world: World, now: dt.datetime
) -> None:
    key_result = company_key_result(world, check_ins=[])
    kpi = hand_down_key_result(
        actor=world.admin, key_result=key_result, team=world.sales, frequency="monthly"
    )
    record_measurements(
        actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 300.0)]
    )

    recovery = create_recovery_objective(actor=world.editor, kpi=Kpi.objects.get(pk=kpi.pk))

    assert recovery.team == world.sales
    assert recovery.key_results.get().kpi_id == kpi.pk


def test_a_promoted_kpi_names_its_key_result_as_origin(world: World) -> None:
    key_result = company_key_result(world)

    kpi = promote_key_result(actor=world.admin, key_result=key_result)

    assert kpi.origin_key_result_id == key_result.pk
    assert kpi.team == world.company


def test_a_key_result_driven_by_several_kpis_or_rolled_up_is_refused(
    world: World, make_kpi: MakeKpi
) -> None:
    by_formula = company_key_result(world, check_ins=[])
    kpis = [make_kpi("A"), make_kpi("B")]
    drive_by_formula(actor=world.admin, key_result=by_formula, formula="sum", kpis=kpis)
    rolled_up = factories.key_result(by_formula.objective, "All regions", start=0, target=10)
    KeyResult.objects.filter(pk=rolled_up.pk).update(rollup="sum")
    rolled_up.refresh_from_db()

    for refused_one, reason in (
        (by_formula, "already reads several KPIs"),
        (rolled_up, "adds up its contributors"),
    ):
        with pytest.raises(ValidationError) as refused:
            hand_down_plan(refused_one, world.sales)
        assert reason in refused.value.message_dict["key_result"][0]
