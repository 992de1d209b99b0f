"""`POST /kpis/{id}/uploads`: a CSV or XLSX file's values in one request."""

from __future__ import annotations

import io

import pytest

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi
from tests.api.conftest import Api
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def retention(world: World) -> Kpi:
    return create_kpi(actor=None, team=world.sales, name="Retention", target=110, warning=100)


def upload(api: Api, kpi: Kpi, body: bytes, name: str = "values.csv", **fields: str):
    return api._send(
        "POST",
        f"/kpis/{kpi.pk}/uploads",
        data={"file": (io.BytesIO(body), name), "date_format": "iso", **fields},
    )


def test_a_file_writes_its_values(editor_api: Api, retention: Kpi) -> None:
    response = upload(editor_api, retention, b"date,value\n2026-10-01,101\n2026-11-01,104\n")

    assert response.status_code == 200
    assert response.json == {"created": 2, "updated": 0}
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [101.0, 104.0]


def test_a_bad_line_refuses_the_whole_file_naming_the_line(editor_api: Api, retention: Kpi) -> None:
    response = upload(editor_api, retention, b"date,value\n2026-10-01,101\n2026-11-01,lots\n")

    assert response.status_code == 422
    assert "Line 3" in str(response.json)
    assert not Measurement.objects.exists()


def test_a_value_beyond_the_limits_is_refused(editor_api: Api, retention: Kpi) -> None:
    response = upload(editor_api, retention, b"date,value\n2026-10-01,2e15\n")

    assert response.status_code == 422
    assert not Measurement.objects.exists()


def test_viewers_cannot_upload(api_for, world: World, retention: Kpi) -> None:
    response = upload(api_for(world.viewer), retention, b"date,value\n2026-10-01,101\n")

    assert response.status_code == 403
    assert not Measurement.objects.exists()
