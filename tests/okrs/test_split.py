"""Splitting a key result's target: what one call creates, links, rolls up and refuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.accounts.models import Person, Role
from goalkeeper.accounts.services import add_member, add_person, create_team
from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import recorded
from goalkeeper.okrs import services
from goalkeeper.okrs.models import CycleState, KeyResult, Objective, ObjectiveState, Rollup
from goalkeeper.okrs.services import Share, split_target
from tests.conftest import PASSWORD, World
from tests.web import factories

pytestmark = pytest.mark.usefixtures("now")


def salesperson(world: World, name: str) -> Person:
    person = add_person(
        actor=None,
        workspace=world.acme,
        email=f"{name.lower()}@acme.test",
        name=name,
        role=Role.EDITOR,
        password=PASSWORD,
    )
    add_member(actor=None, team=world.sales, person=person)
    return person


@pytest.fixture
def mrr(world: World) -> KeyResult:
    company = factories.objective(world.cycle, world.company, "Grow revenue", owner=world.admin)
    return factories.key_result(company, "Reach $600k MRR", start=300_000, target=600_000)


@pytest.fixture
def sellers(world: World) -> list[Person]:
    return [salesperson(world, name) for name in ("Sam", "Sid", "Sue")]


def test_an_equal_split_makes_a_draft_objective_and_contribution_per_person(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    made = split_target(
        actor=world.admin,
        key_result=mrr,
        method="equal",
        shares=[Share(person=person) for person in sellers],
    )

    assert [(kr.start, kr.target, kr.owner) for kr in made] == [
        (100_000, 200_000, person) for person in sellers
    ]
    for key_result, person in zip(made, sellers, strict=True):
        objective = key_result.objective
        assert key_result.contributes_to == mrr
        assert (key_result.kind, key_result.unit) == (mrr.kind, mrr.unit)
        assert objective.state == ObjectiveState.DRAFT
        assert objective.cycle == world.cycle
        assert objective.team == world.sales
        assert objective.owner == person
        assert objective.title == "Contribute to: Reach $600k MRR"
        assert (objective.parent, objective.parent_key_result) == (mrr.objective, mrr)
    mrr.refresh_from_db()
    assert mrr.rollup == Rollup.SUM


def test_amounts_and_weights_set_each_share(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    by_amount = split_target(
        actor=world.admin,
        key_result=mrr,
        method="amounts",
        shares=[
            Share(person=sellers[0], amount=300_000),
            Share(person=sellers[1], amount=200_000),
            Share(person=sellers[2], amount=100_000),
        ],
    )
    assert [kr.target for kr in by_amount] == [300_000, 200_000, 100_000]
    assert [kr.start for kr in by_amount] == [150_000, 100_000, 50_000]


def test_a_share_by_weight_goes_into_a_chosen_objective(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    own = factories.objective(world.cycle, world.sales, "Sam's quarter", owner=sellers[0])

    made = split_target(
        actor=world.admin,
        key_result=mrr,
        method="weight",
        shares=[
            Share(person=sellers[0], weight=3, objective=own),
            Share(team=world.sales, weight=1),
        ],
    )

    assert made[0].objective == own
    assert [kr.target for kr in made] == [450_000, 150_000]
    # A team's share: its lead owns the new objective.
    assert made[1].objective.owner == world.editor
    assert made[1].objective.team == world.sales
    assert Objective.objects.filter(title__startswith="Contribute to").count() == 1


def test_a_person_without_a_team_gets_an_objective_in_the_source_team_owned_by_them(
    world: World, mrr: KeyResult
) -> None:
    (made,) = split_target(
        actor=world.admin, key_result=mrr, method="equal", shares=[Share(person=world.owner)]
    )
    assert (made.objective.team, made.objective.owner) == (world.company, world.owner)


def test_a_split_is_one_audited_write_with_the_events_of_what_it_creates(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    with recorded() as seen:
        made = split_target(
            actor=world.admin,
            key_result=mrr,
            method="equal",
            shares=[Share(person=person) for person in sellers[:2]],
        )

    names = [event.name for event in seen]
    assert names.count("objective.created") == 2
    assert names.count("key_result.created") == 2
    entry = AuditEntry.objects.get(action="key_result.split")
    assert entry.actor == world.admin
    assert entry.changes["key_results"] == [None, [kr.pk for kr in made]]
    assert entry.changes["method"] == [None, "equal"]


def test_without_roll_up_the_source_keeps_its_check_ins(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    split_target(
        actor=world.admin,
        key_result=mrr,
        method="equal",
        shares=[Share(person=sellers[0])],
        roll_up=False,
    )
    mrr.refresh_from_db()
    assert mrr.rollup == Rollup.NONE
    assert mrr.contributors.count() == 1


def refused(**kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        split_target(**kwargs)  # type: ignore[arg-type]
    return caught.value.message_dict


def test_refusals_name_the_field_and_write_nothing(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    sam, sid, _ = sellers
    base = {"actor": world.admin, "key_result": mrr}
    assert refused(**base, method="equal", shares=[]) == {"shares": ["add at least one share"]}
    assert refused(**base, method="equal", shares=[Share(person=sam), Share(person=sam)]) == {
        "shares.1.person": ["Sam already has a share"]
    }
    assert refused(**base, method="equal", shares=[Share()]) == {
        "shares.0.person": ["choose a person or a team"]
    }
    assert refused(
        **base,
        method="amounts",
        shares=[Share(person=sam, amount=250_000), Share(person=sid, amount=300_000)],
    ) == {"amounts": ["the amounts add up to 550,000, 50,000 short of 600,000"]}
    assert refused(
        **base, method="weight", shares=[Share(person=sam, weight=1), Share(person=sid)]
    ) == {"shares.1.weight": ["give a weight"]}
    assert refused(**base, method="thirds", shares=[Share(person=sam)]) == {
        "method": ["must be one of equal, weight, amounts"]
    }
    assert refused(**base, method="equal", shares=[Share(person=sam, objective=mrr.objective)]) == {
        "shares.0.objective": ["this is the key result's own objective: choose another"]
    }
    assert not KeyResult.objects.filter(contributes_to=mrr).exists()
    assert not AuditEntry.objects.filter(action="key_result.split").exists()


def test_a_share_from_another_workspace_is_refused(world: World, mrr: KeyResult) -> None:
    assert refused(
        actor=world.admin, key_result=mrr, method="equal", shares=[Share(person=world.outsider)]
    ) == {"shares.0.person": ["must belong to the same workspace"]}


def test_a_share_too_small_to_differ_from_its_start_names_its_row(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    errors = refused(
        actor=world.admin,
        key_result=mrr,
        method="weight",
        shares=[Share(person=sellers[0], weight=1), Share(person=sellers[1], weight=0)],
    )
    assert list(errors) == ["shares.1.weight"]
    assert not KeyResult.objects.filter(contributes_to=mrr).exists()


@pytest.mark.parametrize(
    ("kind", "fields"),
    [("milestone", {"start": None, "target": None}), ("maintain", {"low": 1, "high": 5})],
)
def test_only_a_metric_key_result_can_be_split(
    world: World, sellers: list[Person], kind: str, fields: dict[str, float | None]
) -> None:
    objective = factories.objective(world.cycle, world.company, "Ship", owner=world.admin)
    source = factories.key_result(objective, "Launch", kind=kind, **fields)
    errors = refused(
        actor=world.admin, key_result=source, method="equal", shares=[Share(person=sellers[0])]
    )
    assert list(errors) == ["key_result"]
    assert "only one that increases or decreases a number can be split" in errors["key_result"][0]


def test_a_closed_cycle_refuses_a_split(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    services.close_cycle(actor=world.admin, cycle=world.cycle, closings=[], fill_in=True)
    mrr = KeyResult.objects.select_related("objective__cycle").get(pk=mrr.pk)
    assert mrr.objective.cycle.state == CycleState.CLOSED
    assert refused(
        actor=world.admin, key_result=mrr, method="equal", shares=[Share(person=sellers[0])]
    ) == {"cycle": ["the cycle is closed"]}


def test_a_key_result_reading_a_kpi_lists_contributions_without_rolling_up(
    world: World, sellers: list[Person]
) -> None:
    from goalkeeper.kpis.services import create_kpi

    kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="MRR",
        owner=world.editor,
        direction="higher_is_better",
        target=600_000,
        warning=500_000,
    )
    objective = factories.objective(world.cycle, world.company, "Grow", owner=world.admin)
    source = factories.key_result(objective, "MRR", start=0, target=600_000, kpi=kpi)

    made = split_target(
        actor=world.admin,
        key_result=source,
        method="equal",
        shares=[Share(person=person) for person in sellers],
    )

    source.refresh_from_db()
    assert source.rollup == Rollup.NONE
    assert [kr.contributes_to_id for kr in made] == [source.pk] * 3


def test_a_new_team_gets_its_own_share(world: World, mrr: KeyResult) -> None:
    east = create_team(actor=None, workspace=world.acme, name="East", parent=world.sales)
    (made,) = split_target(
        actor=world.admin, key_result=mrr, method="equal", shares=[Share(team=east)]
    )
    # Nobody leads East: whoever splits owns the objective until someone takes it.
    assert (made.objective.team, made.objective.owner) == (east, world.admin)
    assert made.title == "Reach $600k MRR: East's share"


def test_check_ins_on_the_shares_add_up_on_the_source(
    world: World, mrr: KeyResult, sellers: list[Person]
) -> None:
    made = split_target(
        actor=world.admin,
        key_result=mrr,
        method="equal",
        shares=[Share(person=person) for person in sellers],
    )
    mrr.refresh_from_db()
    assert mrr.current == 300_000  # the shares' starts add up to the source's start

    for key_result, value in zip(made, (150_000, 120_000, 110_000), strict=True):
        services.record_check_in(actor=key_result.owner, key_result=key_result, value=value)

    mrr.refresh_from_db()
    assert mrr.current == 380_000
    with pytest.raises(ValidationError):
        services.record_check_in(actor=world.admin, key_result=mrr, value=1)
