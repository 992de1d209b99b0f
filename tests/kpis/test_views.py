"""The KPI pages: who may see and do what, forms, values by hand and by file, the bridges."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook  # type: ignore[import-untyped]

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis import imports
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink, StagedUpload
from goalkeeper.okrs.models import Objective
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly
from tests.web import factories


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def text(response: Any) -> str:
    return str(response.content.decode())


def csv_file(content: str, name: str = "values.csv") -> io.BytesIO:
    stream = io.BytesIO(content.encode())
    stream.name = name
    return stream


def upload(client: Client, kpi: Kpi, stream: io.BytesIO, **fields: str):
    return client.post(url("kpi_upload", kpi.pk), {"file": stream, "date_format": "iso", **fields})


# --- Access ---------------------------------------------------------------------------------


def test_pages_need_a_login(world: World, make_kpi: MakeKpi, client: Client) -> None:
    kpi = make_kpi()

    for address in (url("kpis"), url("kpi_detail", kpi.pk)):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_another_workspaces_kpi_is_not_found(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    outsider = world.client_for(world.outsider)

    for name in ("kpi_detail", "kpi_edit", "kpi_values", "kpi_upload"):
        assert outsider.get(url(name, kpi.pk)).status_code == 404, name
    for name in ("kpi_flag", "kpi_link", "kpi_values"):
        assert outsider.post(url(name, kpi.pk)).status_code == 404, name
    assert "Revenue" not in text(outsider.get(url("kpis")))


def test_another_workspaces_key_result_cannot_be_promoted_or_linked(
    world: World, make_kpi: MakeKpi
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Demos")
    outsider = world.client_for(world.outsider)

    assert outsider.get(url("key_result_promote", key_result.pk)).status_code == 404
    assert outsider.post(url("key_result_promote", key_result.pk)).status_code == 404

    globex_team = world.globex.teams.get(parent__isnull=True)
    from goalkeeper.kpis.services import create_kpi

    globex_kpi = create_kpi(actor=None, team=globex_team, name="Theirs", target=1)
    response = outsider.post(
        url("kpi_link", globex_kpi.pk), {"key_result": key_result.pk, "mode": "latest"}, follow=True
    )
    # The key result is looked up in the outsider's workspace only: it does not exist there.
    assert "Key result: no such key result in this workspace" in text(response)
    key_result.refresh_from_db()
    assert key_result.kpi_id is None


def test_a_viewer_reads_but_never_writes(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Revenue", monthly([1]))
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    key_result = factories.key_result(objective, "Demos")
    viewer = world.client_for(world.viewer)

    assert viewer.get(url("kpis")).status_code == 200
    page = viewer.get(url("kpi_detail", kpi.pk))
    assert page.status_code == 200
    assert url("kpi_edit", kpi.pk) not in text(page)
    assert 'data-testid="create-recovery"' not in text(page)
    for name in ("kpi_edit", "kpi_values", "kpi_upload"):
        assert viewer.get(url(name, kpi.pk)).status_code == 403, name
        assert viewer.post(url(name, kpi.pk)).status_code == 403, name
    assert viewer.get(url("kpi_create")).status_code == 403
    assert viewer.post(url("kpi_create"), {"name": "x"}).status_code == 403
    assert viewer.post(url("kpi_flag", kpi.pk)).status_code == 403
    assert viewer.post(url("kpi_link", kpi.pk)).status_code == 403
    assert viewer.post(url("kpi_unlink", kpi.pk, key_result.pk)).status_code == 403
    assert viewer.get(url("key_result_promote", key_result.pk)).status_code == 403
    assert viewer.post(url("key_result_promote", key_result.pk)).status_code == 403
    assert not Objective.objects.filter(title__startswith="Bring").exists()
    assert Kpi.objects.count() == 1


def test_writes_need_the_csrf_token(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Revenue", monthly([1]))
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor.user)

    assert client.post(url("kpi_flag", kpi.pk)).status_code == 403
    assert client.post(url("kpi_values", kpi.pk), {"action": "one"}).status_code == 403
    page = text(client.get(url("kpi_detail", kpi.pk)))
    assert page.count("csrfmiddlewaretoken") >= 1
    assert not RecoveryLink.objects.exists()


def test_names_are_escaped_everywhere(world: World, now: dt.datetime, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("<script>alert(1)</script>", monthly([1]), unit="<b>")
    editor = world.client_for(world.editor)

    for address in (url("kpis"), url("kpi_detail", kpi.pk), url("kpi_values", kpi.pk)):
        body = text(editor.get(address))
        assert "<script>alert(1)</script>" not in body, address
        assert "&lt;script&gt;" in body or "\\u003Cscript" in body, address
        assert "<b>" not in body.replace("<body", "")


def test_the_navigation_links_to_the_kpi_board(world: World) -> None:
    body = text(world.client_for(world.viewer).get(url("kpis")))

    assert 'href="/kpis/" aria-current="page"' in body


# --- Board and page ---------------------------------------------------------------------------


def test_the_board_shows_tiles_worst_first_and_filters(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("Healthy one", monthly([150]))
    make_kpi("Broken one", monthly([10]))
    editor = world.client_for(world.editor)

    body = text(editor.get(url("kpis")))
    only_green = text(editor.get(url("kpis") + "?health=green"))

    assert body.index("Broken one") < body.index("Healthy one")
    assert 'data-testid="count-red"' in body
    assert "Broken one" not in only_green
    assert "Healthy one" in only_green


def test_the_kpi_page_shows_chart_data_and_definition(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi(
        "Revenue",
        monthly([80, 120]),
        description="Invoiced revenue, net of refunds.",
        data_source="Finance close",
    )

    response = world.client_for(world.viewer).get(url("kpi_detail", kpi.pk) + "?period=yearly")

    body = text(response)
    assert 'id="chart-data"' in body
    assert "vendor/echarts/echarts.min.js" in body
    assert "Invoiced revenue, net of refunds." in body
    assert "Finance close" in body
    assert response.context["page"].chart_frequency == "yearly"


def test_bad_page_and_period_parameters_fall_back(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([80]))

    response = world.client_for(world.viewer).get(
        url("kpi_detail", kpi.pk) + "?period=fortnightly&page=-3"
    )

    assert response.status_code == 200
    assert response.context["page"].chart_frequency == "monthly"
    assert response.context["page"].page == 1


def test_a_new_kpi_shows_not_enough_data_for_its_trend(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Revenue")

    page = text(world.client_for(world.viewer).get(url("kpi_detail", kpi.pk)))

    assert 'data-trend="not_enough_data"' in page
    assert "Not enough data" in page
    assert 'data-trend="flat"' not in page


def test_an_empty_last_period_shows_a_provisional_health(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    # Monthly: nothing in October, the latest complete month; 40 so far in November.
    kpi = make_kpi("Revenue", [(dt.datetime(2026, 11, 3, tzinfo=dt.UTC), 40.0)])

    page = text(world.client_for(world.viewer).get(url("kpi_detail", kpi.pk)))
    board = text(world.client_for(world.viewer).get(url("kpis")))

    assert 'data-health="red" data-provisional="true"' in page
    assert "Nov 2026 so far" in page
    assert 'data-testid="provisional"' in board


# --- Create and edit --------------------------------------------------------------------------


def kpi_form(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Net revenue retention",
        "description": "",
        "team": world.sales.pk,
        "owner": world.editor.pk,
        "unit": "%",
        "direction": "higher_is_better",
        "target": "110",
        "warning": "100",
        "low": "",
        "high": "",
        "frequency": "monthly",
        "aggregation": "last",
        "data_source": "Billing",
    }
    data.update(changes)
    return data


def test_an_editor_creates_a_kpi(world: World) -> None:
    response = world.client_for(world.editor).post(url("kpi_create"), kpi_form(world))

    kpi = Kpi.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("kpi_detail", kpi.pk)
    assert (kpi.name, kpi.target, kpi.warning, kpi.unit, kpi.data_source) == (
        "Net revenue retention",
        110.0,
        100.0,
        "%",
        "Billing",
    )
    assert AuditEntry.objects.filter(action="kpi.created", object_id=kpi.pk).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"warning": "120"}, "the warning threshold must be below the target (110)"),
        (
            {"direction": "lower_is_better", "target": "2", "warning": "1"},
            "the warning threshold must be above the target (2)",
        ),
        ({"target": ""}, "Set the target"),
        (
            {"direction": "in_range", "low": "60", "high": "40", "warning": ""},
            "The range is empty: the high bound (40) is below the low bound (60).",
        ),
        ({"direction": "in_range", "low": "", "high": "40"}, "Set both bounds of the range."),
        ({"direction": "in_range", "low": "1", "high": "2", "warning": "-1"}, "zero or more"),
        ({"target": "abc"}, "Enter a number."),
        ({"name": ""}, "This field is required."),
        ({"frequency": "fortnightly"}, "Select a valid choice."),
    ],
)
def test_wrong_goals_are_refused_with_a_clear_message(
    world: World, changes: dict[str, str], message: str
) -> None:
    response = world.client_for(world.editor).post(url("kpi_create"), kpi_form(world, **changes))

    assert response.status_code == 200
    assert message in text(response)
    assert not Kpi.objects.exists()


def test_fields_of_another_direction_are_dropped_not_refused(world: World) -> None:
    world.client_for(world.editor).post(
        url("kpi_create"),
        kpi_form(world, direction="in_range", low="40", high="60", warning="5", target="110"),
    )

    kpi = Kpi.objects.get()
    assert (kpi.direction, kpi.target, kpi.low, kpi.high, kpi.warning) == (
        "in_range",
        None,
        40.0,
        60.0,
        5.0,
    )


def test_a_team_of_another_workspace_cannot_be_chosen(world: World) -> None:
    globex_team = world.globex.teams.get(parent__isnull=True)

    response = world.client_for(world.editor).post(
        url("kpi_create"), kpi_form(world, team=globex_team.pk)
    )

    assert "no such team in this workspace" in text(response)
    assert not Kpi.objects.exists()


def test_an_editor_changes_a_kpi(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Revenue", target=100, warning=None)
    editor = world.client_for(world.editor)

    form = editor.get(url("kpi_edit", kpi.pk))
    response = editor.post(
        url("kpi_edit", kpi.pk), kpi_form(world, name="Revenue", target="150", warning="")
    )

    assert 'value="Revenue"' in text(form)
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.target == 150.0
    assert AuditEntry.objects.filter(action="kpi.updated", object_id=kpi.pk).exists()


# --- Values by hand ----------------------------------------------------------------------------


def test_one_value_is_stored_at_midnight_in_the_workspace_zone(
    world: World, make_kpi: MakeKpi
) -> None:
    world.acme.timezone = "Europe/Paris"
    world.acme.save()
    kpi = make_kpi(frequency="daily")
    editor = world.client_for(world.editor)

    first = editor.post(
        url("kpi_values", kpi.pk), {"action": "one", "date": "2026-07-01", "value": "12.5"}
    )
    again = editor.post(
        url("kpi_values", kpi.pk), {"action": "one", "date": "2026-07-01", "value": "13"}
    )

    assert first.status_code == again.status_code == 302
    measurement = Measurement.objects.get(kpi=kpi)
    assert measurement.timestamp == dt.datetime(2026, 7, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert measurement.value == 13.0


def test_a_value_with_a_time_of_day(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi(frequency="hourly")

    world.client_for(world.editor).post(
        url("kpi_values", kpi.pk),
        {"action": "one", "date": "2026-07-01", "time": "14:30", "value": "1"},
    )

    assert Measurement.objects.get().timestamp == dt.datetime(2026, 7, 1, 14, 30, tzinfo=dt.UTC)


def test_a_missing_value_is_explained(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    response = world.client_for(world.editor).post(
        url("kpi_values", kpi.pk), {"action": "one", "date": "2026-07-01", "value": ""}
    )

    assert "This field is required." in text(response)
    assert not Measurement.objects.exists()


def test_pasted_lines_are_written_together(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()

    response = world.client_for(world.editor).post(
        url("kpi_values", kpi.pk),
        {"action": "paste", "date_format": "dmy", "lines": "01/10/2026\t5\n01/11/2026\t6\n"},
    )

    assert response.status_code == 302
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [5.0, 6.0]


def test_pasted_lines_with_errors_write_nothing_and_name_each_line(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()

    response = world.client_for(world.editor).post(
        url("kpi_values", kpi.pk),
        {"action": "paste", "date_format": "iso", "lines": "2026-10-01,5\n2026-10-02,x\nbad,1\n"},
    )

    body = text(response)
    assert response.status_code == 200
    assert "Nothing was written." in body
    assert "<strong>Line 2:</strong> “x” is not a number" in body
    assert "<strong>Line 3:</strong> “bad” is not a date" in body
    assert not Measurement.objects.exists()


# --- Files ---------------------------------------------------------------------------------------

GOOD_CSV = "date,value\n2026-09-01,10\n2026-10-01,20\n2026-11-01,30\n"
BAD_CSV = (
    "date,value\n"
    "2026-09-01,10\n"
    "2026-09-31,20\n"  # line 3: no 31 September
    "2026-10-01,abc\n"  # line 4
    "2026-11-01,30\n"
    "2026-12-01\n"  # line 6
    "2026-09-01,11\n"  # line 7: repeats line 2
)


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_bad_line_in_its_preview(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()
    editor = world.client_for(world.editor)

    response = upload(editor, kpi, csv_file(BAD_CSV))
    preview = editor.get(response["Location"])

    body = text(preview)
    assert re.findall(r'<tr data-line="(\d+)"', body) == ["3", "4", "6", "7"]
    assert "2026-09-01 already appears on line 2" in body
    assert "Import the 2 good rows, skip the 4 bad ones" in body
    assert 'data-testid="write-values"' not in body
    assert not Measurement.objects.exists()


def test_a_file_with_bad_rows_is_written_only_when_the_bad_ones_are_skipped(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()
    editor = world.client_for(world.editor)
    preview_url = upload(editor, kpi, csv_file(BAD_CSV))["Location"]

    refused = editor.post(preview_url)

    assert refused.status_code == 200
    assert "choose to skip them, or fix the file" in text(refused)
    assert not Measurement.objects.exists()

    written = editor.post(preview_url, {"skip_bad": "yes"})

    assert written["Location"] == url("kpi_detail", kpi.pk)
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [10.0, 30.0]
    shown = text(editor.get(written["Location"]))
    assert "2 values written (2 new). 4 bad lines skipped." in shown
    skipped = AuditEntry.objects.get(action="kpi.upload_rows_skipped")
    assert skipped.changes["skipped"] == [None, 4]
    assert skipped.changes["lines"] == [None, [3, 4, 6, 7]]


def test_a_file_that_cannot_be_read_at_all_stays_on_the_upload_page(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()

    response = upload(world.client_for(world.editor), kpi, csv_file("date,value\n2026-10-01,x\n"))

    assert response.status_code == 200
    assert 'data-testid="row-errors"' in text(response)
    assert not StagedUpload.objects.exists()


def test_a_good_file_is_previewed_then_written(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    editor = world.client_for(world.editor)

    response = upload(editor, kpi, csv_file(GOOD_CSV))
    preview_url = response["Location"]
    preview = editor.get(preview_url)

    assert not Measurement.objects.exists()
    assert 'data-testid="preview-count">3<' in text(preview)
    assert 'data-testid="preview-new">3<' in text(preview)
    assert "Write 3 values" in text(preview)

    written = editor.post(preview_url)

    assert written["Location"] == url("kpi_detail", kpi.pk)
    assert Measurement.objects.filter(kpi=kpi).count() == 3
    assert editor.get(preview_url).status_code == 404


def test_sending_the_same_file_again_updates_and_never_duplicates(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi()
    editor = world.client_for(world.editor)
    editor.post(upload(editor, kpi, csv_file(GOOD_CSV))["Location"])

    preview_url = upload(editor, kpi, csv_file(GOOD_CSV.replace(",30", ",35")))["Location"]
    preview = text(editor.get(preview_url))
    editor.post(preview_url)

    assert 'data-testid="preview-new">0<' in preview
    assert 'data-testid="preview-updates">3<' in preview
    assert Measurement.objects.filter(kpi=kpi).count() == 3
    assert Measurement.objects.get(kpi=kpi, value=35.0)


def test_an_xlsx_file_is_read(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Timestamp", "Value"])
    sheet.append([dt.datetime(2026, 10, 1), 4.5])
    sheet.append([dt.datetime(2026, 10, 2), 5.5])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "values.xlsx"
    editor = world.client_for(world.editor)

    editor.post(upload(editor, kpi, stream)["Location"])

    assert sorted(Measurement.objects.values_list("value", flat=True)) == [4.5, 5.5]


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    world: World, make_kpi: MakeKpi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 1024 * 1024)
    kpi = make_kpi()
    big = GOOD_CSV + "2026-11-02,1\n" * 100_000  # 1.2 MiB

    body = text(upload(world.client_for(world.editor), kpi, csv_file(big)))

    assert "The file is 1.2 MB; the limit is 1 MB. Split it into smaller files." in body
    assert not Measurement.objects.exists()


def test_columns_named_by_the_user(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    content = "when;site;visits\n2026-10-01;a;5\n"
    editor = world.client_for(world.editor)

    response = upload(editor, kpi, csv_file(content), date_column="when", value_column="3")
    editor.post(response["Location"])

    assert list(Measurement.objects.values_list("value", flat=True)) == [5.0]


def test_a_preview_belongs_to_the_person_who_uploaded(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi()
    preview_url = upload(world.client_for(world.editor), kpi, csv_file(GOOD_CSV))["Location"]

    admin = world.client_for(world.admin)

    assert admin.get(preview_url).status_code == 404
    assert admin.post(preview_url).status_code == 404
    assert not Measurement.objects.exists()


def test_the_purge_task_forgets_old_previews(world: World, make_kpi: MakeKpi) -> None:
    from goalkeeper.kpis.services import STAGED_UPLOAD_TTL, stage_upload
    from goalkeeper.kpis.tasks import purge_expired_uploads

    long_ago = dt.datetime.now(dt.UTC) - STAGED_UPLOAD_TTL - dt.timedelta(minutes=1)
    stage_upload(actor=world.editor, kpi=make_kpi(), points=[(long_ago, 1.0)], now=long_ago)

    purge_expired_uploads.call_local()

    assert not StagedUpload.objects.exists()
