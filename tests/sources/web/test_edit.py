"""Adding and changing a source: fields built from the kind, errors by field, secrets kept
encrypted and never shown back, Test connection that writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.sources.models import DataSource, SyncRun
from goalkeeper.sources.secrets import MASK, unseal
from tests.conftest import World
from tests.sources.web.conftest import (
    HTMX,
    TOKEN,
    assert_no_secret,
    form_data,
    save,
    source_of,
)

# --- The form --------------------------------------------------------------------------------


def test_a_new_source_asks_for_a_kind_first(world: World, kpi: Kpi) -> None:
    html = world.client_for(world.admin).get(reverse("source_edit", args=[kpi.pk])).content
    text = html.decode()
    assert "Add a data source" in text
    for kind in ("csv", "xlsx", "sql", "http_json", "push"):
        assert f'value="{kind}"' in text
    assert 'data-testid="choose-kind"' in text
    assert 'name="p_location"' not in text


def test_the_fields_of_a_kind_come_from_its_parameters(world: World, kpi: Kpi) -> None:
    client = world.client_for(world.admin)
    response = client.get(reverse("source_fields", args=[kpi.pk]), {"kind": "csv"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, swapped into the form
    for name in ("location", "timestamp_column", "value_column", "date_format", "headers"):
        assert f'name="p_{name}"' in html
    assert "File path or URL" in html
    assert '<h2 id="settings-title">CSV file</h2>' in html
    assert 'data-testid="test-connection"' in html
    assert 'name="interval_minutes"' in html


def test_switching_kind_keeps_the_schedule_typed(world: World, kpi: Kpi) -> None:
    client = world.client_for(world.admin)
    html = client.get(
        reverse("source_fields", args=[kpi.pk]),
        {"kind": "http_json", "interval_minutes": "1440"},
        **HTMX,
    ).content.decode()
    assert 'name="p_url"' in html
    assert 'value="1440"' in html
    # The box was not sent: it was unticked.
    assert re.search(r'<input[^>]*name="is_active"[^>]*>', html)
    assert not re.search(r'<input[^>]*name="is_active"[^>]*checked', html)


def test_a_push_source_has_no_schedule_and_nothing_to_test(world: World, kpi: Kpi) -> None:
    client = world.client_for(world.admin)
    html = client.get(
        reverse("source_fields", args=[kpi.pk]), {"kind": "push"}, **HTMX
    ).content.decode()
    assert 'type="number" name="interval_minutes"' not in html
    assert 'id="schedule-title"' not in html
    assert "nothing is pulled and there is no schedule" in html
    assert 'data-testid="test-connection"' not in html
    assert f"/api/v1/kpis/{kpi.pk}/measurements" in html


def test_choosing_a_kind_works_without_javascript(world: World, kpi: Kpi, deals_csv: Path) -> None:
    client = world.client_for(world.admin)
    response = save(client, kpi, {"kind": "csv", "action": "choose", "interval_minutes": "30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="p_location"' in html
    assert 'value="30"' in html
    assert not DataSource.objects.exists()


# --- Create ---------------------------------------------------------------------------------


def test_an_admin_adds_a_csv_source(world: World, kpi: Kpi, deals_csv: Path) -> None:
    response = save(world.client_for(world.admin), kpi, form_data(deals_csv))

    assert response.status_code == 302
    assert response["Location"] == reverse("source_detail", args=[kpi.pk])
    source = source_of(kpi)
    assert source is not None
    assert source.kind == "csv"
    assert source.settings["location"] == str(deals_csv)
    assert source.interval_minutes == 15
    assert source.is_active
    assert source.created_by == world.admin
    assert source.next_run_at is not None  # due at once, so its history arrives


def test_a_missing_field_is_named_and_nothing_is_saved(world: World, kpi: Kpi) -> None:
    response = save(world.client_for(world.admin), kpi, form_data("", p_value_column="amount"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not DataSource.objects.exists()
    assert "The data source was not saved" in html
    assert "File path or URL: this field is required" in html
    # The error sits next to its field, and the other values are kept.
    location = html.split('data-parameter="location"')[1].split('data-parameter="')[0]
    assert "This field is required" in location
    assert 'value="amount"' in html


def test_a_path_outside_the_allowed_folders_is_refused(
    world: World, kpi: Kpi, files: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("date,value\n2026-11-01,1\n")
    html = save(world.client_for(world.admin), kpi, form_data(outside)).content.decode()
    assert "File path or URL: the path must be inside one of" in html
    assert not DataSource.objects.exists()


def test_a_bad_interval_is_named(world: World, kpi: Kpi, deals_csv: Path) -> None:
    html = save(
        world.client_for(world.admin), kpi, form_data(deals_csv, interval_minutes="0")
    ).content.decode()
    assert "Sync every (minutes): Ensure this value is greater than or equal to 1." in html
    assert not DataSource.objects.exists()


def test_an_unknown_kind_is_refused(world: World, kpi: Kpi) -> None:
    html = save(world.client_for(world.admin), kpi, {"kind": "ftp"}).content.decode()
    assert "Kind of source:" in html
    assert not DataSource.objects.exists()


def test_a_push_source_is_saved_without_a_schedule(world: World, kpi: Kpi) -> None:
    response = save(world.client_for(world.admin), kpi, {"kind": "push"})
    assert response.status_code == 302
    source = source_of(kpi)
    assert source is not None
    assert (source.kind, source.next_run_at) == ("push", None)


def test_markup_in_a_parameter_is_escaped(world: World, kpi: Kpi) -> None:
    html = save(
        world.client_for(world.admin), kpi, form_data("<script>alert(1)</script>")
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Secrets --------------------------------------------------------------------------------


def test_a_secret_is_stored_encrypted_and_shown_masked(
    world: World, kpi: Kpi, deals_csv: Path
) -> None:
    client = world.client_for(world.admin)
    save(client, kpi, form_data(deals_csv, p_headers=TOKEN))

    source = source_of(kpi)
    assert source is not None
    assert "headers" not in source.settings
    assert TOKEN not in source.sealed_secrets
    assert unseal(source.sealed_secrets) == {"headers": TOKEN}
    responses = [
        client.get(reverse("source_edit", args=[kpi.pk])),
        client.get(reverse("source_detail", args=[kpi.pk])),
        client.get(reverse("source_fields", args=[kpi.pk]), {"kind": "csv"}, **HTMX),
        client.get(reverse("sources")),
        client.get(reverse("kpi_detail", args=[kpi.pk])),
    ]
    for response in responses:
        assert response.status_code == 200
        assert_no_secret(response.content.decode())
    edit = responses[0].content.decode()
    assert f"{MASK}9876" in edit
    assert "Saved — leave blank to keep" in edit
    assert 'name="clear_headers"' in edit
    assert f"{MASK}9876" in responses[1].content.decode()


def test_a_secret_left_blank_keeps_the_saved_one(world: World, kpi: Kpi, deals_csv: Path) -> None:
    client = world.client_for(world.admin)
    save(client, kpi, form_data(deals_csv, p_headers=TOKEN))
    response = save(client, kpi, form_data(deals_csv, p_headers="", interval_minutes="60"))

    assert response.status_code == 302
    source = source_of(kpi)
    assert source is not None
    assert source.interval_minutes == 60
    assert unseal(source.sealed_secrets) == {"headers": TOKEN}


def test_the_clear_box_removes_a_saved_secret(world: World, kpi: Kpi, deals_csv: Path) -> None:
    client = world.client_for(world.admin)
    save(client, kpi, form_data(deals_csv, p_headers=TOKEN))
    save(client, kpi, form_data(deals_csv, clear_headers="on"))

    source = source_of(kpi)
    assert source is not None
    assert unseal(source.sealed_secrets) == {}
    html = client.get(reverse("source_edit", args=[kpi.pk])).content.decode()
    assert MASK not in html
    assert 'name="clear_headers"' not in html


def test_a_refused_form_never_sends_a_typed_secret_back(
    world: World, kpi: Kpi, deals_csv: Path
) -> None:
    html = save(world.client_for(world.admin), kpi, form_data("", p_headers=TOKEN)).content.decode()
    assert_no_secret(html)
    assert "Type HTTP headers again" in html


def test_a_secret_of_another_kind_is_not_kept(world: World, kpi: Kpi, deals_csv: Path) -> None:
    client = world.client_for(world.admin)
    save(client, kpi, form_data(deals_csv, p_headers=TOKEN))
    html = client.get(
        reverse("source_fields", args=[kpi.pk]), {"kind": "http_json"}, **HTMX
    ).content.decode()
    assert MASK not in html


# --- Test connection ----------------------------------------------------------------------------


@pytest.mark.usefixtures("huey_immediate")  # the worker runs the test at once
def test_test_connection_previews_the_first_rows_and_writes_nothing(
    world: World, kpi: Kpi, deals_csv: Path
) -> None:
    client = world.client_for(world.admin)
    response = client.post(reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="preview-rows"' in html
    assert "the first 3 rows" in html
    assert "1 Nov 2026" in html
    assert ">12.5<" in html
    assert "Nothing was saved." in html
    assert not DataSource.objects.exists()
    assert not Measurement.objects.filter(kpi=kpi).exists()
    assert not SyncRun.objects.exists()


@pytest.mark.usefixtures("huey_immediate")  # the worker runs the test at once
def test_test_connection_shows_times_in_the_workspace_zone(
    world: World, kpi: Kpi, files: Path
) -> None:
    world.acme.timezone = "America/New_York"
    world.acme.save()
    path = files / "hours.csv"
    path.write_text("date,value\n2026-11-01T15:00:00Z,1\n")
    html = (
        world.client_for(world.admin)
        .post(reverse("source_test", args=[kpi.pk]), form_data(path), **HTMX)
        .content.decode()
    )
    assert "1 Nov 2026, 10:00" in html
    assert "America/New_York" in html


@pytest.mark.usefixtures("huey_immediate")  # the worker runs the test at once
def test_test_connection_names_the_row_that_is_wrong(world: World, kpi: Kpi, files: Path) -> None:
    path = files / "bad.csv"
    path.write_text("date,value\n2026-11-01,10\n2026-11-02,lots\n")
    html = (
        world.client_for(world.admin)
        .post(reverse("source_test", args=[kpi.pk]), form_data(path), **HTMX)
        .content.decode()
    )
    assert 'data-testid="preview-error"' in html
    assert "Row 3: value:" in html
    assert "Nothing was saved." in html
    assert not Measurement.objects.exists()


def test_test_connection_names_the_field_that_is_wrong(world: World, kpi: Kpi) -> None:
    html = (
        world.client_for(world.admin)
        .post(reverse("source_test", args=[kpi.pk]), form_data(""), **HTMX)
        .content.decode()
    )
    assert "<strong>File path or URL</strong>: this field is required" in html


@pytest.mark.usefixtures("huey_immediate")  # the worker runs the test at once
def test_test_connection_uses_the_saved_secret_when_left_blank(
    world: World, kpi: Kpi, deals_csv: Path
) -> None:
    client = world.client_for(world.admin)
    save(client, kpi, form_data(deals_csv, p_headers=TOKEN))
    html = client.post(
        reverse("source_test", args=[kpi.pk]), form_data(deals_csv), **HTMX
    ).content.decode()
    assert 'data-testid="preview-rows"' in html
    assert_no_secret(html)


@pytest.mark.usefixtures("huey_immediate")  # the worker runs the test at once
def test_test_connection_without_javascript_shows_the_whole_page(
    world: World, kpi: Kpi, deals_csv: Path
) -> None:
    response = save(world.client_for(world.admin), kpi, form_data(deals_csv, action="test"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'data-testid="preview-rows"' in html
    assert f'value="{deals_csv}"' in html
    assert not DataSource.objects.exists()


def test_a_push_source_has_nothing_to_test(world: World, kpi: Kpi) -> None:
    html = (
        world.client_for(world.admin)
        .post(reverse("source_test", args=[kpi.pk]), {"kind": "push"}, **HTMX)
        .content.decode()
    )
    assert "nothing to test" in html
