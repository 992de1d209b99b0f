"""An export file speaks the language of the request that asked for it: a page's the
person's, the API's English (docs/exports.md)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from goalkeeper.exports.models import Export
from goalkeeper.exports.services.running import file_of, run_export
from goalkeeper.notifications.models import Notification
from tests.api.conftest import Api, connection_kept, token_for
from tests.exports.conftest import Company


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A German request leaves German active in the test's thread: English for the next."""
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def exports_dir(settings: Any, tmp_path: Path) -> None:
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.EXPORT_INLINE_MAX_ROWS = 3


def _header(export: Export) -> list[str]:
    path = file_of(export)
    assert path is not None
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active
    assert sheet is not None
    return [str(cell) for cell in next(sheet.iter_rows(values_only=True))]


def test_a_large_export_asked_for_on_a_german_page_is_written_in_german(
    company: Company,
) -> None:
    world = company.world
    world.editor.user.language = "de"
    world.editor.user.save(update_fields=["language"])
    client = world.client_for(world.editor)
    client.post(
        reverse("export_start"),
        {"list": "measurements", "format": "xlsx", "kpi": str(company.latency.pk)},
    )
    export = Export.objects.get()
    assert export.language == "de"
    done = run_export(export.pk)
    assert done is not None
    assert _header(done) == ["KPI", "Einheit", "Zeitpunkt", "Messwert"]
    ready = Notification.objects.get(person=world.editor, kind="export_ready")
    assert ready.title == "Dein Export ist fertig (38 Zeilen)"


def test_an_export_asked_for_through_the_api_stays_english(company: Company) -> None:
    world = company.world
    world.editor.user.language = "de"
    world.editor.user.save(update_fields=["language"])
    with connection_kept():
        asked = Api(token_for(world.editor)).post(
            "/exports",
            {"kind": "measurements", "format": "xlsx", "filters": {"kpi": company.latency.pk}},
        )
        assert asked.status_code == 202
        done = run_export(asked.json["id"])
    assert done is not None
    assert _header(done) == ["KPI", "Unit", "Timestamp", "Value"]
