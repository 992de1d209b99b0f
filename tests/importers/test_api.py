"""POST /import with a spreadsheet: source, mapping, base64, refusals (docs/importers.md)."""

from __future__ import annotations

import base64
import datetime as dt

import time_machine
from django.test import Client

from goalkeeper.accounts.models import Person
from goalkeeper.api.services import create_token
from goalkeeper.okrs.models import KeyResult, Objective
from tests.conftest import World
from tests.importers.conftest import HEADERS, ROWS, csv_bytes, xlsx_bytes

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _api(person: Person) -> Client:
    token = create_token(actor=person, person=person, name="tests")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@time_machine.travel(NOW, tick=False)
def test_a_csv_text_with_a_mapping_plans_then_imports(world: World) -> None:
    api = _api(world.admin)
    headers = ["Aim", *HEADERS[1:]]
    body = {
        "document": csv_bytes(ROWS, headers).decode(),
        "filename": "okrs.csv",
        "mapping": {"Aim": "objective", "Current value": ""},
        "dry_run": True,
    }
    planned = api.post("/api/v1/import", body, content_type="application/json")
    assert planned.status_code == 200, planned.content
    assert planned.json()["summary"] == (
        "create 1 team, 1 person, 1 cycle, 2 objectives, 3 key results, delete nothing"
    )
    assert planned.json()["applied"] is False
    assert not Objective.objects.filter(workspace=world.acme).exists()
    done = api.post("/api/v1/import", body | {"dry_run": False}, content_type="application/json")
    assert done.json()["applied"] is True
    assert KeyResult.objects.filter(objective__workspace=world.acme).count() == 3


@time_machine.travel(NOW, tick=False)
def test_an_xlsx_workbook_in_base64_and_its_second_import(world: World) -> None:
    api = _api(world.admin)
    body = {
        "document": base64.b64encode(xlsx_bytes()).decode(),
        "encoding": "base64",
        "filename": "export.bin",
        "source": "xlsx",
    }
    assert api.post("/api/v1/import", body, content_type="application/json").json()["applied"]
    again = api.post("/api/v1/import", body, content_type="application/json").json()
    assert again == {
        "summary": "nothing to change",
        "changes": [],
        "applied": False,
        "warnings": [],
    }


def test_a_wrong_value_an_unknown_source_and_bad_base64_answer_422(world: World) -> None:
    api = _api(world.admin)
    rows = [list(row) for row in ROWS]
    rows[0][8] = "abc"
    refused = api.post(
        "/api/v1/import",
        {"document": csv_bytes(rows).decode(), "filename": "okrs.csv"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert {"field": "Target", "message": "okrs.csv:2: 'abc' is not a number"} in refused.json()[
        "errors"
    ]
    unknown = api.post(
        "/api/v1/import",
        {"document": "x", "source": "asana"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "source"
    garbled = api.post(
        "/api/v1/import",
        {"document": "***", "encoding": "base64", "filename": "f.xlsx"},
        content_type="application/json",
    )
    assert garbled.status_code == 422
    assert not Objective.objects.filter(workspace=world.acme).exists()


def test_an_editor_cannot_import(world: World) -> None:
    api = _api(world.editor)
    body = {"document": csv_bytes().decode(), "filename": "okrs.csv"}
    assert api.post("/api/v1/import", body, content_type="application/json").status_code == 403
