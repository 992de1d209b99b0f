"""Activate, close and carry over through the API: the services the pages call, with the
same events; and a key result linked to a KPI through the API reads it at once."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import Event, recorded
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs import services
from goalkeeper.okrs.models import CheckIn, Cycle, Objective
from goalkeeper.okrs.services import Closing
from tests.api.conftest import Api, fields_of
from tests.api.test_okrs import key_result, objective
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")


def names(seen: list[Event]) -> list[str]:
    return [event.name for event in seen]


def closed_scores(seen: list[Event]) -> dict[int, float]:
    return {
        event.payload["objective"]["id"]: event.payload["objective"]["final_score"]
        for event in seen
        if event.name == "objective.closed"
    }


def planning(world: World) -> Cycle:
    return services.create_cycle(
        actor=world.admin,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )


@pytest.fixture
def scored(world: World, admin_api: Api) -> dict[str, int]:
    """Two objectives of the world's cycle: Grow at 0.5 (one check-in), Hire at 0.0."""
    grow = objective(admin_api, world)
    leads = key_result(admin_api, grow["id"])
    admin_api.post(f"/key-results/{leads['id']}/check-ins", {"value": 100})
    hire = objective(admin_api, world, title="Hire")
    key_result(admin_api, hire["id"], title="Hires", start=0, target=4)
    return {"grow": grow["id"], "hire": hire["id"]}


# --- PATCH state ---------------------------------------------------------------------------


def test_patching_a_cycle_closed_sends_objective_closed_for_each_objective(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    with recorded() as seen:
        response = admin_api.patch(f"/cycles/{world.cycle.pk}", {"state": "closed"})

    assert response.status_code == 200
    assert names(seen) == ["objective.closed", "objective.closed"]
    assert closed_scores(seen) == {scored["grow"]: 0.5, scored["hire"]: 0.0}


def test_patching_a_cycle_active_activates_it_as_the_page_does(
    world: World, admin_api: Api
) -> None:
    cycle = planning(world)

    response = admin_api.patch(f"/cycles/{cycle.pk}", {"name": "Q1", "state": "active"})

    assert response.json["state"] == "active"
    actions = AuditEntry.objects.filter(object_type="cycle", object_id=cycle.pk)
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "cycle.created",
        "cycle.updated",
        "cycle.activated",
    ]


def test_a_refused_close_leaves_the_rename_of_the_same_patch_undone(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    empty = objective(admin_api, world, title="Empty")

    response = admin_api.patch(f"/cycles/{world.cycle.pk}", {"name": "Q4", "state": "closed"})

    assert response.status_code == 422
    assert fields_of(response) == {
        f"{empty['id']}.final_score": "give a final score from 0.0 to 1.0"
    }
    world.cycle.refresh_from_db()
    assert (world.cycle.name, world.cycle.state) == ("2026-Q4", "active")


# --- POST /cycles/{id}/activate --------------------------------------------------------------


def test_activating_a_cycle_in_planning(world: World, admin_api: Api) -> None:
    cycle = planning(world)

    response = admin_api.post(f"/cycles/{cycle.pk}/activate")

    assert response.status_code == 200
    assert response.json["state"] == "active"
    assert AuditEntry.objects.filter(action="cycle.activated", object_id=cycle.pk).exists()


def test_only_a_cycle_in_planning_is_activated(world: World, admin_api: Api) -> None:
    response = admin_api.post(f"/cycles/{world.cycle.pk}/activate")

    assert response.status_code == 422
    assert fields_of(response) == {"state": "only a cycle in planning can be activated"}


def test_editors_do_not_activate_cycles(world: World, editor_api: Api) -> None:
    cycle = planning(world)

    assert editor_api.post(f"/cycles/{cycle.pk}/activate").status_code == 403
    cycle.refresh_from_db()
    assert cycle.state == "planning"


# --- POST /cycles/{id}/close -----------------------------------------------------------------


def test_closing_a_cycle_with_scores_and_notes(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    body = {"objectives": [{"id": scored["hire"], "final_score": 0.2, "retrospective": "Late"}]}

    with recorded() as seen:
        response = admin_api.post(f"/cycles/{world.cycle.pk}/close", body)

    assert response.status_code == 200
    assert response.json["state"] == "closed"
    assert response.json["closed_at"] is not None
    # Grow was left out: its current score, as the close page prefills it.
    assert closed_scores(seen) == {scored["grow"]: 0.5, scored["hire"]: 0.2}
    assert names(seen) == ["objective.closed", "objective.closed"]
    hire = Objective.objects.get(pk=scored["hire"])
    assert (hire.state, hire.final_score, hire.retrospective) == ("closed", 0.2, "Late")
    assert AuditEntry.objects.filter(action="cycle.closed", object_id=world.cycle.pk).exists()


def test_a_note_left_out_is_kept(world: World, admin_api: Api, scored: dict[str, int]) -> None:
    Objective.objects.filter(pk=scored["grow"]).update(retrospective="Kept from the cycle")

    admin_api.post(f"/cycles/{world.cycle.pk}/close", {"objectives": [{"id": scored["grow"]}]})

    grow = Objective.objects.get(pk=scored["grow"])
    assert (grow.final_score, grow.retrospective) == (0.5, "Kept from the cycle")


def test_close_refusals_name_each_objective_field_and_close_nothing(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    empty = objective(admin_api, world, title="Empty")
    body = {"objectives": [{"id": scored["grow"], "final_score": 0.75}]}

    response = admin_api.post(f"/cycles/{world.cycle.pk}/close", body)

    assert response.status_code == 422
    assert fields_of(response) == {
        f"{scored['grow']}.final_score": "has one decimal at most: 0.0, 0.1 … 1.0",
        f"{empty['id']}.final_score": "give a final score from 0.0 to 1.0",
    }
    assert not Objective.objects.filter(state="closed").exists()
    world.cycle.refresh_from_db()
    assert world.cycle.state == "active"


def test_closing_refuses_an_objective_of_another_cycle(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    elsewhere = services.create_objective(
        actor=world.admin, cycle=planning(world), team=world.sales, title="Elsewhere"
    )

    response = admin_api.post(
        f"/cycles/{world.cycle.pk}/close",
        {"objectives": [{"id": elsewhere.pk, "final_score": 0.5}]},
    )

    assert response.status_code == 422
    assert fields_of(response) == {"objectives": f"not objectives of 2026-Q4: [{elsewhere.pk}]"}


def test_a_cycle_in_planning_is_not_closed(world: World, admin_api: Api) -> None:
    cycle = planning(world)

    response = admin_api.post(f"/cycles/{cycle.pk}/close", {})

    assert response.status_code == 422
    assert fields_of(response) == {"state": "only an active cycle can be closed: activate it first"}


def test_the_api_and_the_page_close_alike(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    """The page sends every objective; so may the API: the same call, the same rows."""
    body = {
        "objectives": [
            {"id": scored["grow"], "final_score": 0.5, "retrospective": "A"},
            {"id": scored["hire"], "final_score": 0.1, "retrospective": "B"},
        ]
    }
    admin_api.post(f"/cycles/{world.cycle.pk}/close", body)

    rows = Objective.objects.order_by("id").values_list("state", "final_score", "retrospective")
    assert list(rows) == [("closed", 0.5, "A"), ("closed", 0.1, "B")]


# --- POST /cycles/{id}/carry-over ------------------------------------------------------------


@pytest.fixture
def closed(world: World, scored: dict[str, int]) -> Cycle:
    services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(scored["grow"], 0.5), Closing(scored["hire"], 0.0)],
    )
    return world.cycle


def test_carrying_over_answers_the_copies(
    world: World, admin_api: Api, scored: dict[str, int], closed: Cycle
) -> None:
    target = planning(world)

    with recorded() as seen:
        response = admin_api.post(f"/cycles/{closed.pk}/carry-over", {"target": target.pk})

    assert response.status_code == 201
    copies = response.json["items"]
    assert response.json["count"] == 2
    assert [(c["title"], c["cycle"]) for c in copies] == [
        ("Grow the pipeline", target.pk),
        ("Hire", target.pk),
    ]
    assert names(seen) == [
        "objective.created",
        "key_result.created",
        "objective.created",
        "key_result.created",
    ]
    leads = Objective.objects.get(pk=copies[0]["id"]).key_results.get()
    assert leads.start == 100


def test_carrying_over_some_objectives(
    world: World, admin_api: Api, scored: dict[str, int], closed: Cycle
) -> None:
    target = planning(world)

    response = admin_api.post(
        f"/cycles/{closed.pk}/carry-over", {"target": target.pk, "objectives": [scored["hire"]]}
    )

    assert [c["title"] for c in response.json["items"]] == ["Hire"]
    again = admin_api.post(f"/cycles/{closed.pk}/carry-over", {"target": target.pk})
    assert [c["title"] for c in again.json["items"]] == ["Grow the pipeline"]


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("open source", "cycle", "close the cycle before carrying its objectives over"),
        ("same cycle", "target", "choose another cycle than the one carried from"),
        ("closed target", "target", "the cycle is closed: choose a cycle in planning or active"),
        ("unknown target", "target", None),
    ],
)
def test_carry_over_refusals_name_the_field(
    world: World,
    admin_api: Api,
    scored: dict[str, int],
    case: str,
    field: str,
    message: str | None,
) -> None:
    source = world.cycle
    target_id = planning(world).pk
    if case != "open source":
        services.close_cycle(actor=world.admin, cycle=source, closings=[], fill_in=True)
    if case == "same cycle":
        target_id = source.pk
    elif case == "closed target":
        other = Cycle.objects.get(pk=target_id)
        services.activate_cycle(actor=world.admin, cycle=other)
        services.close_cycle(actor=world.admin, cycle=other, closings=[])
    elif case == "unknown target":
        target_id = world.globex.pk + 10_000

    response = admin_api.post(f"/cycles/{source.pk}/carry-over", {"target": target_id})

    assert response.status_code == 422
    errors = fields_of(response)
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == message
    assert Objective.objects.exclude(cycle=source).count() == 0


def test_carry_over_refuses_objectives_that_are_not_unfinished(
    world: World, admin_api: Api, scored: dict[str, int]
) -> None:
    services.close_cycle(
        actor=world.admin,
        cycle=world.cycle,
        closings=[Closing(scored["grow"], 1.0), Closing(scored["hire"], 0.0)],
    )
    target = planning(world)

    response = admin_api.post(
        f"/cycles/{world.cycle.pk}/carry-over",
        {"target": target.pk, "objectives": [scored["grow"]]},
    )

    assert response.status_code == 422
    assert fields_of(response) == {
        "objectives": f"not unfinished objectives of 2026-Q4: [{scored['grow']}]"
    }


# --- A key result linked to a KPI reads it at once, on every path --------------------------


@pytest.fixture
def kpi_id(world: World) -> int:
    kpi = create_kpi(actor=world.editor, team=world.sales, name="Leads", target=200.0)
    record_measurements(
        actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 11, 10, tzinfo=dt.UTC), 80.0)]
    )
    return kpi.pk


def test_a_key_result_created_with_a_kpi_reads_its_value_at_once(
    world: World, editor_api: Api, kpi_id: int
) -> None:
    grow = objective(editor_api, world)

    with recorded() as seen:
        created = key_result(editor_api, grow["id"], kpi=kpi_id)

    assert (created["kpi"], created["current"]) == (kpi_id, 80.0)
    assert editor_api.get(f"/key-results/{created['id']}").json["current"] == 80.0
    assert CheckIn.objects.get(key_result_id=created["id"]).automatic
    assert names(seen) == ["key_result.created", "check_in.created", "key_result.status_changed"]


def test_a_key_result_patched_with_a_kpi_reads_its_value_at_once(
    world: World, editor_api: Api, kpi_id: int
) -> None:
    grow = objective(editor_api, world)
    created = key_result(editor_api, grow["id"])

    patched = editor_api.patch(f"/key-results/{created['id']}", {"kpi": kpi_id}).json

    assert (patched["kpi"], patched["current"]) == (kpi_id, 80.0)
    unlinked = editor_api.patch(f"/key-results/{created['id']}", {"kpi": None}).json
    assert (unlinked["kpi"], unlinked["current"]) == (None, 80.0)
    assert CheckIn.objects.filter(key_result_id=created["id"]).count() == 1
