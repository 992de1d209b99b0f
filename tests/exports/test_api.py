"""The exports API: ask (202), follow, download; the maker's only; filters named when bad."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goalkeeper.exports.models import Export
from goalkeeper.exports.services.running import run_export
from tests.api.conftest import Api, connection_kept, token_for
from tests.exports.conftest import Company, read_csv, read_xlsx


@pytest.fixture(autouse=True)
def exports_dir(settings: Any, tmp_path: Path) -> None:
    settings.EXPORTS_DIR = tmp_path / "exports"


@pytest.fixture(autouse=True)
def _kept_connection() -> Iterator[None]:
    with connection_kept():
        yield


def api(person: Any) -> Api:
    return Api(token_for(person))


def test_an_export_is_asked_for_followed_and_downloaded(company: Company) -> None:
    world = company.world
    editor = api(world.editor)
    asked = editor.post(
        "/exports",
        {
            "kind": "check_ins",
            "format": "csv",
            "filters": {"cycle": world.cycle.pk, "team": company.world.sales.pk},
        },
    )
    assert asked.status_code == 202
    body = asked.json
    assert body["state"] == "queued"
    assert body["filters"] == {"cycle": str(world.cycle.pk), "team": str(world.sales.pk)}
    assert body["rows_total"] == 3
    assert body["download_url"] is None
    assert editor.get(f"/exports/{body['id']}/download").status_code == 404

    run_export(body["id"])
    done = editor.get(f"/exports/{body['id']}")
    assert done.status_code == 200
    assert done.json["state"] == "done"
    assert done.json["rows_done"] == 3
    url = done.json["download_url"]
    assert url == f"/api/v1/exports/{body['id']}/download"
    download = editor.get(f"/exports/{body['id']}/download")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    rows = read_csv(download.data)
    assert [r["Key result"] for r in rows] == ["Revenue to 2M", "Churn down to 2%", "Revenue to 2M"]


def test_an_xlsx_export_of_the_kpis(company: Company) -> None:
    world = company.world
    viewer = api(world.viewer)
    asked = viewer.post("/exports", {"kind": "kpis", "format": "xlsx", "filters": {"sort": "name"}})
    assert asked.status_code == 202
    run_export(asked.json["id"])
    rows = read_xlsx(viewer.get(f"/exports/{asked.json['id']}/download").data)
    assert [r["KPI"] for r in rows] == ["Latency", "Signups"]


def test_a_bad_filter_is_named(company: Company) -> None:
    world = company.world
    refused = api(world.viewer).post(
        "/exports",
        {
            "kind": "objectives",
            "format": "csv",
            "filters": {"cycle": world.cycle.pk, "status": "purple"},
        },
    )
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "filters.status"
    unknown = api(world.viewer).post(
        "/exports", {"kind": "kpis", "format": "csv", "filters": {"cycle": world.cycle.pk}}
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"][0]["field"] == "filters.cycle"
    missing = api(world.viewer).post("/exports", {"kind": "objectives", "format": "csv"})
    assert missing.status_code == 422
    assert missing.json["errors"][0]["field"] == "filters.cycle"
    assert not Export.objects.exists()


def test_another_workspaces_cycle_is_missing(company: Company) -> None:
    world = company.world
    outsider = api(world.outsider)
    asked = outsider.post(
        "/exports", {"kind": "objectives", "format": "csv", "filters": {"cycle": world.cycle.pk}}
    )
    assert asked.status_code == 404


def test_only_the_maker_reaches_an_export(company: Company) -> None:
    world = company.world
    asked = api(world.editor).post("/exports", {"kind": "kpis", "format": "csv"})
    run_export(asked.json["id"])
    for person in (world.admin, world.viewer, world.outsider):
        other = api(person)
        assert other.get(f"/exports/{asked.json['id']}").status_code == 404
        assert other.get(f"/exports/{asked.json['id']}/download").status_code == 404


def test_a_read_only_token_cannot_ask_for_an_export(company: Company) -> None:
    """Asking for an export writes a row, so a read-only token is refused as for any POST."""
    world = company.world
    read_only = Api(token_for(world.viewer, read_only=True))
    assert read_only.post("/exports", {"kind": "kpis", "format": "csv"}).status_code == 403
