"""The data model refuses impossible data with a message that names the field."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from goalkeeper.okrs.services import (
    create_cycle,
    create_key_result,
    create_objective,
    record_check_in,
    update_objective,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def refused(fn, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    return info.value.message_dict


@pytest.fixture
def objective(world: World) -> Objective:
    return create_objective(
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Win the mid-market",
        owner=world.editor,
    )


def test_key_result_with_target_equal_to_start_is_refused(
    world: World, objective: Objective
) -> None:
    errors = refused(
        create_key_result,
        actor=world.editor,
        objective=objective,
        title="ARR",
        kind="increase",
        start=10,
        target=10,
    )
    assert errors == {"target": ["target must differ from start"]}


def test_maintain_band_with_low_above_high_is_refused(world: World, objective: Objective) -> None:
    errors = refused(
        create_key_result,
        actor=world.editor,
        objective=objective,
        title="Churn",
        kind="maintain",
        low=5,
        high=2,
    )
    assert "low" in errors


@pytest.mark.parametrize("weight", [0, -1.5])
def test_key_result_weight_must_be_positive(
    world: World, objective: Objective, weight: float
) -> None:
    errors = refused(
        create_key_result,
        actor=world.editor,
        objective=objective,
        title="ARR",
        kind="increase",
        start=0,
        target=10,
        weight=weight,
    )
    assert errors == {"weight": ["must be more than 0 and at most 1000"]}


@pytest.mark.parametrize("field", ["start", "target", "weight"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_key_result_numbers_must_be_finite(
    world: World, objective: Objective, field: str, bad: float
) -> None:
    values = {"start": 0.0, "target": 10.0, "weight": 1.0, field: bad}
    errors = refused(
        create_key_result,
        actor=world.editor,
        objective=objective,
        title="ARR",
        kind="increase",
        **values,
    )
    assert "must be a finite number" in errors[field]


def test_cycle_that_ends_before_it_starts_is_refused(world: World) -> None:
    errors = refused(
        create_cycle,
        actor=world.admin,
        workspace=world.acme,
        name="Backwards",
        start_date=dt.date(2027, 3, 31),
        end_date=dt.date(2027, 1, 1),
    )
    assert errors == {"end_date": ["the cycle must end after it starts"]}


def test_database_also_refuses_a_backwards_cycle(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(
            workspace=world.acme,
            name="Raw",
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 1, 1),
        )


def test_check_in_value_must_be_finite(world: World, objective: Objective) -> None:
    kr = create_key_result(
        actor=world.editor, objective=objective, title="ARR", kind="increase", start=0, target=10
    )
    errors = refused(record_check_in, actor=world.editor, key_result=kr, value=math.nan)
    assert "value" in errors
    assert CheckIn.objects.count() == 0


def test_check_in_confidence_is_between_0_and_10(world: World, objective: Objective) -> None:
    kr = create_key_result(
        actor=world.editor, objective=objective, title="ARR", kind="increase", start=0, target=10
    )
    errors = refused(record_check_in, actor=world.editor, key_result=kr, value=3, confidence=11)
    assert "confidence" in errors


def test_kpi_warning_on_the_wrong_side_of_the_target_is_refused(world: World) -> None:
    errors = refused(
        create_kpi,
        actor=world.editor,
        team=world.sales,
        name="Win rate",
        direction="higher_is_better",
        target=30,
        warning=40,
    )
    assert "warning" in errors


def test_kpi_with_an_empty_range_is_refused(world: World) -> None:
    errors = refused(
        create_kpi,
        actor=world.editor,
        team=world.sales,
        name="Latency",
        direction="in_range",
        low=300,
        high=100,
    )
    assert "low" in errors


def test_kpi_with_unknown_frequency_names_the_field(world: World) -> None:
    errors = refused(
        create_kpi,
        actor=world.editor,
        team=world.sales,
        name="Win rate",
        direction="higher_is_better",
        target=30,
        frequency="fortnightly",
    )
    assert "frequency" in errors


def test_objective_parent_in_another_workspace_is_refused(
    world: World, objective: Objective
) -> None:
    other_cycle = create_cycle(
        actor=world.outsider,
        workspace=world.globex,
        name="Q",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
    )
    from goalkeeper.accounts.services import company_team

    foreign = create_objective(
        actor=world.outsider,
        cycle=other_cycle,
        team=company_team(world.globex),
        title="Globex plan",
    )
    errors = refused(update_objective, actor=world.editor, objective=objective, parent=foreign)
    assert errors == {"parent": ["must belong to the same workspace"]}


def test_objective_owner_from_another_workspace_is_refused(world: World) -> None:
    errors = refused(
        create_objective,
        actor=world.editor,
        cycle=world.cycle,
        team=world.sales,
        title="Sneaky",
        owner=world.outsider,
    )
    assert "owner" in errors


def test_alignment_loop_is_refused(world: World, objective: Objective) -> None:
    child = create_objective(
        actor=world.editor, cycle=world.cycle, team=world.sales, title="Child", parent=objective
    )
    errors = refused(update_objective, actor=world.editor, objective=objective, parent=child)
    assert errors == {
        "parent": [
            f"this alignment would make a loop: “{objective.title}” supports “Child” "
            f"which supports “{objective.title}”"
        ]
    }


def test_refused_write_leaves_nothing_half_written(world: World, objective: Objective) -> None:
    before_audit = AuditEntry.objects.count()
    refused(
        create_key_result,
        actor=world.editor,
        objective=objective,
        title="ARR",
        kind="increase",
        start=1,
        target=1,
    )
    assert KeyResult.objects.count() == 0
    assert AuditEntry.objects.count() == before_audit


def test_measurement_batch_with_one_bad_value_writes_nothing(world: World) -> None:
    kpi = create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Leads",
        direction="higher_is_better",
        target=100,
        frequency="daily",
        aggregation="sum",
    )
    t0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    record_measurements(actor=world.editor, kpi=kpi, points=[(t0, 5.0)])
    errors = refused(
        record_measurements,
        actor=world.editor,
        kpi=kpi,
        points=[(t0, 7.0), (t0 + dt.timedelta(days=1), math.inf)],
    )
    assert errors == {"value": ["item 2: must be a finite number"]}
    assert list(Measurement.objects.values_list("value", flat=True)) == [5.0]


def test_measurement_without_time_zone_is_refused(world: World) -> None:
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Leads", direction="higher_is_better", target=100
    )
    errors = refused(
        record_measurements, actor=world.editor, kpi=kpi, points=[(dt.datetime(2026, 11, 1), 1.0)]
    )
    assert errors == {"timestamp": ["item 1: needs a time zone"]}


def test_kpi_name_is_required(world: World) -> None:
    errors = refused(
        create_kpi,
        actor=world.editor,
        team=world.sales,
        name="  ",
        direction="higher_is_better",
        target=1,
    )
    assert "name" in errors
    assert not Kpi.objects.exists()
