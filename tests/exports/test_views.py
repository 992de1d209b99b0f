"""Export pages: a small list downloads at once, a large one is prepared by the worker and
downloaded by its maker only; bad filters are refused by name; old files expire."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.exports import lists, tasks
from goalkeeper.exports.models import Export, ExportState
from goalkeeper.exports.services.running import expire_exports, file_of, run_export
from goalkeeper.notifications.models import Notification
from tests.exports.conftest import FORMULA_TITLE, NOW, Company, read_csv, read_xlsx


@pytest.fixture(autouse=True)
def exports_dir(settings: Any, tmp_path: Path) -> Path:
    settings.EXPORTS_DIR = tmp_path / "exports"
    return tmp_path / "exports"


def start(client: Client, **data: Any) -> Any:
    return client.post(reverse("export_start"), {k: str(v) for k, v in data.items()})


def body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(
            part if isinstance(part, bytes) else part.encode()
            for part in response.streaming_content
        )
    return bytes(response.content)


def test_a_small_list_downloads_at_once_as_csv(company: Company) -> None:
    world = company.world
    response = start(
        world.client_for(world.viewer), list="objectives", format="csv", cycle=world.cycle.pk
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="2026-q4-objectives-')
    rows = read_csv(body(response))
    assert len(rows) == 5
    assert not Export.objects.exists()


def test_a_small_list_downloads_at_once_as_xlsx_with_the_boards_filters(company: Company) -> None:
    world = company.world
    response = start(
        world.client_for(world.viewer),
        list="objectives",
        format="xlsx",
        cycle=world.cycle.pk,
        team=company.support.pk,
    )
    assert response.status_code == 200
    rows = read_xlsx(body(response))
    assert {r["Objective"] for r in rows} == {"Delight customers", "'" + FORMULA_TITLE}


def test_formulas_are_written_as_text_in_csv_and_xlsx(company: Company) -> None:
    world = company.world
    client = world.client_for(world.viewer)
    for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        response = start(client, list="objectives", format=fmt, cycle=world.cycle.pk)
        rows = read(body(response))
        titles = {r["Objective"] for r in rows}
        assert FORMULA_TITLE not in titles
        assert "'" + FORMULA_TITLE in titles
        assert "'+cmd|' /C calc'!A0" in {r["Key result"] for r in rows}
        notes = start(client, list="check_ins", format=fmt, cycle=world.cycle.pk)
        assert "'=1+1 big deal" in {r["Note"] for r in read(body(notes))}


def test_a_bad_filter_is_refused_with_its_name(company: Company) -> None:
    world = company.world
    response = start(
        world.client_for(world.viewer),
        list="objectives",
        format="csv",
        cycle=world.cycle.pk,
        status="purple",
    )
    assert response.status_code == 400
    assert b"status" in response.content
    assert b"must be one of" in response.content
    assert start(world.client_for(world.viewer), list="teams", format="csv").status_code == 400
    assert start(world.client_for(world.viewer), list="kpis", format="pdf").status_code == 400


def test_nobody_exports_another_workspaces_lists(company: Company) -> None:
    world = company.world
    outsider = world.client_for(world.outsider)
    assert start(outsider, list="objectives", format="csv", cycle=world.cycle.pk).status_code == 404
    assert (
        start(outsider, list="check_ins", format="csv", objective=company.growth.pk).status_code
        == 404
    )
    assert (
        start(outsider, list="measurements", format="csv", kpi=company.signups.pk).status_code
        == 404
    )
    # Their own KPI board is empty of Acme's.
    mine = read_csv(body(start(outsider, list="kpis", format="csv")))
    assert "Signups" not in {r["KPI"] for r in mine}


def test_a_viewer_exports_what_they_can_read(company: Company) -> None:
    world = company.world
    response = start(world.client_for(world.viewer), list="kpis", format="csv")
    assert {r["KPI"] for r in read_csv(body(response))} == {"Signups", "Latency"}


def test_an_anonymous_visitor_is_sent_to_log_in(company: Company) -> None:
    assert start(Client(), list="kpis", format="csv").status_code == 302


@pytest.fixture
def low_threshold(settings: Any) -> None:
    settings.EXPORT_INLINE_MAX_ROWS = 3


def test_a_large_list_is_prepared_by_the_worker_and_downloaded_by_its_maker(
    company: Company, low_threshold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = company.world
    client = world.client_for(world.editor)
    monkeypatch.setattr("goalkeeper.exports.services.running.PROGRESS_EVERY", 5)
    monkeypatch.setattr(lists, "PAGE_ROWS", 7)
    response = start(client, list="measurements", format="xlsx", kpi=company.latency.pk)
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('export_list')}?started={export.pk}"
    assert export.state == ExportState.QUEUED
    assert export.rows_total == 38
    page = client.get(reverse("export_list"))
    assert b"Queued" in page.content
    assert b'hx-trigger="every 2s"' in page.content

    finished = run_export(export.pk)
    assert finished is not None
    assert finished.state == ExportState.DONE
    assert finished.rows_done == finished.rows_total == 38
    assert finished.expires_at == finished.finished_at + dt.timedelta(days=7)
    path = file_of(finished)
    assert path is not None
    assert finished.size == path.stat().st_size
    # Carried out once: a second worker handed it finds nothing to do.
    assert run_export(export.pk) is None

    row = client.get(reverse("export_row", args=[export.pk]))
    assert b"every 2s" not in row.content
    assert b"Done" in row.content
    inbox = Notification.objects.get(person=world.editor, kind="export_ready")
    assert inbox.done_at is None

    download = client.get(reverse("export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="measurements-')
    rows = read_xlsx(body(download))
    assert len(rows) == 38
    assert rows[0]["KPI"] == "Latency"
    inbox.refresh_from_db()
    assert inbox.done_at is not None


def test_another_person_cannot_see_or_download_my_export(
    company: Company, low_threshold: None
) -> None:
    world = company.world
    start(world.client_for(world.editor), list="kpis", format="csv", sort="name")
    start(world.client_for(world.editor), list="measurements", format="csv")
    export = Export.objects.filter(kind="measurements").get()
    run_export(export.pk)
    for person in (world.viewer, world.admin, world.outsider):
        client = world.client_for(person)
        assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
        assert client.get(reverse("export_row", args=[export.pk])).status_code == 404
        assert client.post(reverse("export_delete", args=[export.pk])).status_code == 404
        assert b"Measurements" not in client.get(reverse("export_list")).content


def test_a_deactivated_maker_gets_no_file(company: Company, low_threshold: None) -> None:
    world = company.world
    start(world.client_for(world.editor), list="measurements", format="csv")
    export = Export.objects.get()
    world.editor.is_active = False
    world.editor.save()
    failed = run_export(export.pk)
    assert failed is not None
    assert failed.state == ExportState.FAILED
    assert "no longer active" in failed.error
    assert file_of(failed) is None


def test_deleting_an_export_removes_its_file(company: Company, low_threshold: None) -> None:
    world = company.world
    client = world.client_for(world.editor)
    start(client, list="measurements", format="csv")
    export = run_export(Export.objects.get().pk)
    assert export is not None
    path = file_of(export)
    assert path is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, **_: callback())
        assert client.post(reverse("export_delete", args=[export.pk])).status_code == 302
    assert not Export.objects.exists()
    assert not path.exists()


def test_old_exports_expire_after_seven_days(company: Company, low_threshold: None) -> None:
    world = company.world
    client = world.client_for(world.editor)
    start(client, list="measurements", format="csv")
    export = run_export(Export.objects.get().pk)
    assert export is not None
    path = file_of(export)
    assert path is not None
    with time_machine.travel(NOW + dt.timedelta(days=6, hours=23), tick=False):
        assert expire_exports() == 0
    assert path.exists()
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False):
        client = world.client_for(world.editor)
        assert expire_exports() == 1
        export.refresh_from_db()
        assert export.state == ExportState.EXPIRED
        assert not path.exists()
        assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
        assert b"Expired" in client.get(reverse("export_list")).content


def test_the_exports_page_says_what_to_do_when_empty(world: Any) -> None:
    page = world.client_for(world.viewer).get(reverse("export_list"))
    assert page.status_code == 200
    assert b"No exports yet" in page.content


def test_list_pages_offer_the_export_menu_with_their_filters(company: Company) -> None:
    world = company.world
    client = world.client_for(world.viewer)
    board = client.get(reverse("cycle_board", args=[world.cycle.pk]), {"kind": "committed"})
    html = board.content.decode()
    assert 'data-testid="export-objectives-xlsx"' in html
    assert 'data-testid="export-check_ins-csv"' in html
    assert '<input type="hidden" name="kind" value="committed">' in html
    assert f'<input type="hidden" name="cycle" value="{world.cycle.pk}">' in html
    kpis = client.get(reverse("kpis"), {"frequency": "weekly"}).content.decode()
    assert 'data-testid="export-kpis-csv"' in kpis
    assert '<input type="hidden" name="frequency" value="weekly">' in kpis
    kpi = client.get(reverse("kpi_detail", args=[company.signups.pk])).content.decode()
    assert f'<input type="hidden" name="kpi" value="{company.signups.pk}">' in kpi
    objective = client.get(reverse("objective_detail", args=[company.growth.pk])).content.decode()
    assert f'<input type="hidden" name="objective" value="{company.growth.pk}">' in objective


def test_the_exports_page_runs_the_same_queries_however_many_exports(world: Any) -> None:
    client = world.client_for(world.editor)

    def make(count: int) -> None:
        Export.objects.bulk_create(
            Export(workspace=world.acme, person=world.editor, kind="kpis", format="csv")
            for _ in range(count)
        )

    make(2)
    client.get(reverse("export_list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("export_list")).status_code == 200
    make(80)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("export_list"))
    assert len(many) == len(few)
    assert page.content.count(b'data-testid="export-row"') == 50


def test_the_worker_task_carries_out_a_queued_export_and_the_hourly_job_expires_it(
    company: Company, low_threshold: None
) -> None:
    world = company.world
    start(world.client_for(world.editor), list="check_ins", format="xlsx", cycle=world.cycle.pk)
    export = Export.objects.get()
    tasks.run_export.call_local(export.pk)
    export.refresh_from_db()
    assert export.state == ExportState.DONE
    assert export.rows_done == export.rows_total == 4
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        tasks.expire_old_exports.call_local()
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED
