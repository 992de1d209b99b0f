"""Page tests of data sources: a CSV file the sources may read, and form helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.models import DataSource
from tests.sources.conftest import write_csv

HTMX = {"HTTP_HX_REQUEST": "true"}
# A token long enough to be shown by its last four characters, and never more.
TOKEN = "Authorization: Bearer s3cr3t-t0ken-abcdefgh-9876"
TOKEN_PARTS = ("s3cr3t-t0ken", "abcdefgh-9876", "Bearer s3cr3t")


@pytest.fixture
def deals_csv(files: Path) -> Path:
    """Three days of signed deals, in a folder sources may read."""
    return write_csv(
        files / "deals.csv",
        [("2026-11-01", "10"), ("2026-11-02", "12.5"), ("2026-11-03", "9")],
    )


def form_data(path: Path | str, **extra: Any) -> dict[str, Any]:
    """What the form posts for a CSV source at `path`, every 15 minutes."""
    data: dict[str, Any] = {
        "kind": "csv",
        "p_location": str(path),
        "p_timestamp_column": "date",
        "p_value_column": "value",
        "p_date_format": "iso",
        "p_headers": "",
        "interval_minutes": "15",
        "is_active": "on",
    }
    data.update(extra)
    return data


def save(client: Client, kpi: Kpi, data: dict[str, Any]) -> Any:
    return client.post(reverse("source_edit", args=[kpi.pk]), data)


def source_of(kpi: Kpi) -> DataSource | None:
    return DataSource.objects.filter(kpi=kpi).first()


def assert_no_secret(html: str) -> None:
    for part in TOKEN_PARTS:
        assert part not in html, part
