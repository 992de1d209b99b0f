"""KPI writes: measurements, deletion and uploads (what KPIs do to key results is tested
in tests/bridges)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Measurement, StagedUpload
from goalkeeper.kpis.services import (
    delete_kpi,
    purge_staged_uploads,
    record_measurements,
    stage_upload,
    write_staged_upload,
)
from tests.bridges.conftest import linked_key_result
from tests.conftest import World
from tests.kpis.conftest import NOW, MakeKpi

HOUR = dt.timedelta(hours=1)


# --- Measurements ---------------------------------------------------------------------------


def test_a_batch_remembers_where_it_came_from(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW, 1.0)], source="upload")

    kpi.refresh_from_db()
    assert (kpi.last_source, kpi.last_measurement_at) == ("upload", NOW)


def test_a_bad_point_writes_nothing(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    with pytest.raises(ValidationError):
        record_measurements(
            actor=world.editor, kpi=kpi, points=[(NOW, 1.0), (NOW + HOUR, float("nan"))]
        )

    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_deleting_a_kpi_is_audited_and_unlinks_its_key_results(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(values=[(NOW, 5.0)])
    key_result = linked_key_result(world, kpi)

    delete_kpi(actor=world.admin, kpi=kpi)

    key_result.refresh_from_db()
    assert key_result.kpi_id is None
    assert AuditEntry.objects.filter(action="kpi.deleted").count() == 1


# --- Uploads ----------------------------------------------------------------------------------


def test_a_staged_upload_is_written_once_then_forgotten(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    staged = stage_upload(
        actor=world.editor, kpi=kpi, points=[(NOW, 1.0), (NOW + HOUR, 2.0)], filename="a.csv"
    )

    assert not Measurement.objects.filter(kpi=kpi).exists()
    result = write_staged_upload(actor=world.editor, staged=staged)

    assert (result.created, result.updated) == (2, 0)
    assert not StagedUpload.objects.exists()
    kpi.refresh_from_db()
    assert kpi.last_source == "upload"


def test_previews_expire_after_an_hour(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    with time_machine.travel(NOW, tick=False):
        stage_upload(actor=world.editor, kpi=kpi, points=[(NOW, 1.0)])
    with time_machine.travel(NOW + 59 * dt.timedelta(minutes=1), tick=False):
        assert purge_staged_uploads() == 0
    with time_machine.travel(NOW + 61 * dt.timedelta(minutes=1), tick=False):
        assert purge_staged_uploads() == 1


def test_an_empty_upload_cannot_be_staged(world: World, make_kpi: MakeKpi) -> None:
    with pytest.raises(ValidationError, match="nothing to write"):
        stage_upload(actor=world.editor, kpi=make_kpi(), points=[])
