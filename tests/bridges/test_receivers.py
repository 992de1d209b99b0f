"""The bridges hear the apps below them: a key result linked to a KPI reads it at once; a
KPI's new values move the key results it drives. Both inside the write's transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import UpsertResult, record_measurements
from goalkeeper.kpis.signals import measurements_recorded
from goalkeeper.okrs.models import CheckIn, KeyResult
from goalkeeper.okrs.signals import key_result_kpi_changed
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi


def test_a_key_result_newly_linked_to_a_kpi_reads_it_at_once(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW - DAY, 250.0)], frequency="daily")
    key_result = linked_key_result(world, kpi)  # stored as the okrs services would

    key_result_kpi_changed.send(sender=KeyResult, key_result=key_result)

    key_result.refresh_from_db()
    assert key_result.current == 250.0
    check_in = CheckIn.objects.get(key_result=key_result)
    assert (check_in.automatic, check_in.author) == (True, None)


def test_a_key_result_without_a_kpi_is_left_alone(world: World, make_kpi: MakeKpi) -> None:
    key_result = linked_key_result(world, make_kpi(values=[(NOW, 5.0)]))
    KeyResult.objects.filter(pk=key_result.pk).update(kpi=None)
    key_result.refresh_from_db()

    key_result_kpi_changed.send(sender=KeyResult, key_result=key_result)

    assert not CheckIn.objects.filter(key_result=key_result).exists()


def test_new_values_move_the_driven_key_results(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(values=[(NOW - DAY, 10.0)], frequency="daily")
    key_result = linked_key_result(world, kpi)

    measurements_recorded.send(
        sender=Kpi,
        kpi=kpi,
        actor=None,
        source="manual",
        result=UpsertResult(created=0, updated=0),
        received=0,
    )

    key_result.refresh_from_db()
    assert key_result.current == 10.0


def test_a_refused_check_in_rolls_the_values_back(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(frequency="daily")
    key_result = linked_key_result(world, kpi)
    # A stored confidence the check-in refuses makes the automatic check-in fail: the batch
    # goes with it, since the check-in runs inside the batch's transaction.
    KeyResult.objects.filter(pk=key_result.pk).update(confidence=99)

    with pytest.raises(ValidationError), transaction.atomic():
        record_measurements(actor=world.editor, kpi=kpi, points=[(NOW, 5.0)])

    assert not kpi.measurements.exists()
