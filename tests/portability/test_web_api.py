"""The open format on the admin page and through the API: admins only, one workspace."""

from __future__ import annotations

import json

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from goalkeeper.accounts.models import Person
from goalkeeper.api.services import create_token
from goalkeeper.okrs.models import Cycle, Objective
from goalkeeper.portability.document import SCHEMA_PATH
from tests.conftest import World
from tests.portability.test_import import DOCUMENT


def _api(person: Person) -> Client:
    token = create_token(actor=person, person=person, name="tests")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_an_admin_sees_the_plan_of_an_upload_then_applies_it(world: World) -> None:
    client = world.client_for(world.admin)
    upload = SimpleUploadedFile("okrs.yaml", DOCUMENT.encode(), content_type="application/yaml")

    shown = client.post(reverse("portability_import"), {"file": upload})

    assert shown.status_code == 200
    assert "create 1 cycle, 1 KPI, 1 objective" in shown.content.decode()
    assert not Cycle.objects.filter(workspace=world.acme, name="2027-Q1").exists()
    applied = client.post(
        reverse("portability_apply"), {"document": DOCUMENT, "filename": "okrs.yaml"}
    )
    assert applied.status_code == 200
    assert Objective.objects.filter(workspace=world.acme, title="Grow revenue").exists()
    again = client.post(
        reverse("portability_import"),
        {"file": SimpleUploadedFile("okrs.yaml", DOCUMENT.encode())},
    )
    assert "nothing to change" in again.content.decode()


def test_the_page_names_the_line_of_a_wrong_field_and_writes_nothing(world: World) -> None:
    client = world.client_for(world.admin)
    wrong = DOCUMENT.replace("state: active", "state: paused")

    shown = client.post(reverse("portability_apply"), {"document": wrong, "filename": "okrs.yaml"})

    assert shown.status_code == 422
    assert "okrs.yaml:6" in shown.content.decode()
    assert "cycles[0].state" in shown.content.decode()
    assert not Cycle.objects.filter(workspace=world.acme, name="2027-Q1").exists()


def test_an_admin_downloads_the_workspace_and_an_editor_may_not(world: World) -> None:
    response = world.client_for(world.admin).get(reverse("portability_export"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = yaml.safe_load(response.content)
    assert document["version"] == 1
    assert {team["key"] for team in document["teams"]} >= {"acme", "sales"}
    assert world.client_for(world.editor).get(reverse("portability_export")).status_code == 403


def test_the_schema_is_served(world: World) -> None:
    response = world.client_for(world.viewer).get(reverse("portability_schema"))

    assert json.loads(response.content) == json.loads(SCHEMA_PATH.read_text())


def test_the_api_exports_and_imports_with_a_dry_run(world: World) -> None:
    api = _api(world.admin)

    planned = api.post(
        "/api/v1/import",
        {"document": DOCUMENT, "filename": "okrs.yaml", "dry_run": True},
        content_type="application/json",
    )

    assert planned.status_code == 200
    assert planned.json()["applied"] is False
    assert planned.json()["summary"].startswith("create 1 cycle, 1 KPI, 1 objective")
    assert not Cycle.objects.filter(workspace=world.acme, name="2027-Q1").exists()
    done = api.post("/api/v1/import", {"document": DOCUMENT}, content_type="application/json")
    assert done.json()["applied"] is True
    exported = api.get("/api/v1/export", {"cycle": "2027-Q1"})
    assert exported.status_code == 200
    assert exported.json()["scope"] == {"cycle": "2027-Q1"}
    again = api.post(
        "/api/v1/import",
        {"document": exported.content.decode()},
        content_type="application/json",
    )
    assert again.json() == {
        "summary": "nothing to change",
        "changes": [],
        "applied": False,
        "warnings": [],
    }


def test_the_api_refuses_a_wrong_field_naming_its_line(world: World) -> None:
    wrong = DOCUMENT.replace("state: active", "state: paused")

    refused = _api(world.admin).post(
        "/api/v1/import",
        {"document": wrong, "filename": "okrs.yaml"},
        content_type="application/json",
    )

    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert errors[0]["field"] == "cycles[0].state"
    assert errors[0]["message"].startswith("okrs.yaml:6: ")


def test_only_admins_use_the_api(world: World) -> None:
    editor = _api(world.editor)

    assert editor.get("/api/v1/export").status_code == 403
    refused = editor.post("/api/v1/import", {"document": DOCUMENT}, content_type="application/json")
    assert refused.status_code == 403
