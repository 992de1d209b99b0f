"""The import page: upload, preview with the columns' fields, change one, apply
(docs/importers.md, "Web")."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goalkeeper.okrs.models import KeyResult, Objective
from tests.conftest import World
from tests.importers.conftest import HEADERS, ROWS, csv_bytes, xlsx_bytes

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def test_only_admins_see_the_page_and_it_links_from_import_and_export(world: World) -> None:
    assert world.client_for(world.editor).get(reverse("import_page")).status_code == 403
    admin = world.client_for(world.admin)
    page = admin.get(reverse("import_page"))
    assert page.status_code == 200
    assert b'data-testid="upload-form"' in page.content
    assert reverse("import_page").encode() in admin.get(reverse("portability")).content


@time_machine.travel(NOW, tick=False)
def test_an_upload_shows_its_rows_the_guessed_fields_and_the_plan_then_applies(
    world: World,
) -> None:
    admin = world.client_for(world.admin)
    upload = SimpleUploadedFile("okrs.xlsx", xlsx_bytes())
    preview = admin.post(reverse("import_preview"), {"file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-testid="preview-rows"' in html
    assert '<option value="target" selected>' in html
    assert "create 1 team, 1 person, 1 cycle, 2 objectives" in html.lower()
    assert not Objective.objects.filter(workspace=world.acme).exists()

    payload = preview.context["payload"]
    form = {"payload": payload, "filename": "okrs.xlsx", "source": "xlsx"}
    form |= {f"map-{i}": field for i, field in enumerate(
        ("objective", "team", "cycle", "objective_owner", "key_result", "owner", "unit",
         "start", "target", ""),
    )}  # fmt: skip
    # The current value left out: no check-ins.
    changed = admin.post(reverse("import_preview"), form, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200
    assert "import-preview" in changed.content.decode()
    assert "check-in" not in changed.context["plan"].summary()

    applied = admin.post(reverse("import_apply"), form)
    assert applied.status_code == 200
    assert "Imported okrs.xlsx" in applied.content.decode()
    assert KeyResult.objects.filter(objective__workspace=world.acme).count() == 3
    again = admin.post(reverse("import_preview"), form)
    assert again.context["plan"].empty


def test_a_wrong_value_is_shown_at_its_row_and_column_and_nothing_is_written(
    world: World,
) -> None:
    rows = [list(row) for row in ROWS]
    rows[1][8] = "abc"
    admin = world.client_for(world.admin)
    upload = SimpleUploadedFile("okrs.csv", csv_bytes(rows))
    refused = admin.post(reverse("import_preview"), {"file": upload})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert (
        "<code>okrs.csv:3</code> <strong>Target</strong>: &#x27;abc&#x27; is not a number" in html
    )
    assert 'aria-invalid="true" aria-describedby="map-8-problem"' in html
    assert "import-table__row--problem" in html
    form = {"payload": refused.context["payload"], "filename": "okrs.csv", "source": "csv"}
    form |= {f"map-{i}": "" for i in range(len(HEADERS))}
    form |= {"map-0": "objective", "map-4": "key_result"}
    assert admin.post(reverse("import_apply"), form | {"map-8": "target"}).status_code == 422
    assert not Objective.objects.filter(workspace=world.acme).exists()


def test_a_lost_or_missing_file_is_named(world: World) -> None:
    admin = world.client_for(world.admin)
    missing = admin.post(reverse("import_preview"), {})
    assert missing.status_code == 422
    assert "choose a file to import" in missing.content.decode()
    lost = admin.post(reverse("import_apply"), {"payload": "not base64!"})
    assert "upload it again" in lost.content.decode()


def test_a_yaml_document_is_read_as_the_open_format(world: World) -> None:
    admin = world.client_for(world.admin)
    upload = SimpleUploadedFile(
        "okrs.yaml", b"version: 1\nteams:\n- key: ops\n  name: Ops\n  parent: acme\n"
    )
    preview = admin.post(reverse("import_preview"), {"file": upload})
    assert preview.context["source"] == "goalkeeper"
    assert "columns" not in preview.context
