"""Splitting a KPI's target: the key result that carries it in a cycle, then the shares."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.bridges.services.split import split_kpi_target
from goalkeeper.okrs.models import KeyResult, Objective, ObjectiveState, Rollup
from goalkeeper.okrs.services import Share, create_cycle
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.usefixtures("now")


def test_a_kpi_without_a_carrier_gets_a_draft_objective_then_the_shares(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("MRR", values=monthly([400_000, 450_000]), target=600_000, unit="$")

    made = split_kpi_target(
        actor=world.admin,
        kpi=kpi,
        cycle=world.cycle,
        method="equal",
        shares=[Share(person=world.editor), Share(person=world.owner)],
    )

    carrier = made[0].contributes_to
    assert carrier is not None
    assert (carrier.kpi, carrier.kind, carrier.start, carrier.target, carrier.unit) == (
        kpi,
        "increase",
        450_000,
        600_000,
        "$",
    )
    assert carrier.current == 450_000  # read from the KPI at once
    assert carrier.rollup == Rollup.NONE  # it reads the KPI: contributions are only listed
    objective = carrier.objective
    assert (objective.title, objective.state, objective.team, objective.owner) == (
        "Reach MRR target",
        ObjectiveState.DRAFT,
        kpi.team,
        kpi.owner,
    )
    assert [(kr.start, kr.target) for kr in made] == [(225_000, 300_000)] * 2
    entry = AuditEntry.objects.get(action="kpi.target_split")
    assert entry.changes["key_results"] == [None, [kr.pk for kr in made]]


def test_a_chosen_key_result_carries_the_split(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Signups", values=monthly([40]), target=100)
    carrier = linked_key_result(world, kpi, start=40, target=100)

    made = split_kpi_target(
        actor=world.admin,
        kpi=kpi,
        cycle=world.cycle,
        method="weight",
        shares=[Share(person=world.editor, weight=1), Share(person=world.owner, weight=2)],
        key_result=carrier,
    )

    assert [kr.contributes_to_id for kr in made] == [carrier.pk] * 2
    assert [(kr.start, kr.target) for kr in made] == [(13, 33), (27, 67)]
    assert Objective.objects.filter(title="Reach Signups target").count() == 0


def refused(**kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        split_kpi_target(**kwargs)  # type: ignore[arg-type]
    return caught.value.message_dict


def test_refusals_name_the_field_and_leave_no_carrier(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("MRR", values=monthly([400]), target=600)
    other = make_kpi("Churn", values=monthly([4]), target=2, direction="lower_is_better")
    shares = [Share(person=world.editor)]
    base = {"actor": world.admin, "kpi": kpi, "cycle": world.cycle, "method": "equal"}

    assert refused(**base, shares=[]) == {"shares": ["add at least one share"]}
    assert refused(**base, shares=shares, key_result=linked_key_result(world, other)) == {
        "key_result": ["must be a key result that reads this KPI"]
    }
    assert refused(**base, shares=[Share()]) == {"shares.0.person": ["choose a person or a team"]}
    fresh = make_kpi("Empty", target=10)
    assert refused(**{**base, "kpi": fresh}, shares=shares) == {
        "kpi": ["this KPI has no value yet to start the key result from"]
    }
    ranged = make_kpi("Temp", values=monthly([4]), target=None, direction="in_range", low=1, high=5)
    assert list(refused(**{**base, "kpi": ranged}, shares=shares)) == ["kpi"]
    assert not Objective.objects.filter(title__startswith="Reach").exists()


def test_a_lower_is_better_kpi_is_split_as_a_decrease(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(
        "Churn", values=monthly([90]), target=30, direction="lower_is_better", warning=50
    )
    made = split_kpi_target(
        actor=world.admin,
        kpi=kpi,
        cycle=world.cycle,
        method="equal",
        shares=[Share(person=world.editor), Share(team=world.company)],
    )
    assert [(kr.kind, kr.start, kr.target) for kr in made] == [("decrease", 45, 15)] * 2


def test_a_cycle_of_another_workspace_is_refused(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("MRR", values=monthly([400]), target=600)
    theirs = create_cycle(
        actor=world.outsider,
        workspace=world.globex,
        name="G-Q4",
        start_date=world.cycle.start_date,
        end_date=world.cycle.end_date,
    )
    assert refused(
        actor=world.admin,
        kpi=kpi,
        cycle=theirs,
        method="equal",
        shares=[Share(person=world.editor)],
    ) == {"cycle": ["must belong to the same workspace"]}
    assert not KeyResult.objects.filter(kpi=kpi).exists()
