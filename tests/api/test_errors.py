"""Every refusal is JSON with the right 4xx status, and bad input never makes a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from goalkeeper.okrs.models import Objective
from goalkeeper.okrs.services import create_cycle
from tests.api.conftest import Api, fields_of
from tests.conftest import World


def new_objective(world: World, **fields) -> dict:
    return {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow", **fields}


def test_a_body_that_is_not_json_is_a_400(world: World, editor_api: Api) -> None:
    response = editor_api.post("/objectives", raw="{not json")

    assert response.status_code == 400
    assert response.json == {"detail": "Cannot parse request body", "errors": []}


def test_a_missing_body_is_a_422(world: World, editor_api: Api) -> None:
    response = editor_api.post("/objectives", raw="")

    assert response.status_code == 422
    assert fields_of(response) == {None: "a JSON body is required"}


def test_each_refused_field_is_named(world: World, editor_api: Api) -> None:
    response = editor_api.post("/objectives", {"cycle": "x", "title": ""})

    assert response.status_code == 422
    assert response.json["detail"] == "The input is not valid."
    assert set(fields_of(response)) == {"cycle", "team", "title"}


def test_unknown_body_fields_are_refused(world: World, editor_api: Api) -> None:
    response = editor_api.post("/objectives", new_objective(world, titel="typo"))

    assert response.status_code == 422
    assert fields_of(response) == {"titel": "Extra inputs are not permitted"}


def test_unknown_query_parameters_are_refused(world: World, editor_api: Api) -> None:
    response = editor_api.get("/key-results", objetive=1)

    assert response.status_code == 422
    assert fields_of(response) == {"objetive": "unknown query parameter"}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_a_field_error(world: World, editor_api: Api, number: str) -> None:
    objective = editor_api.post("/objectives", new_objective(world)).json
    raw = f'{{"objective": {objective["id"]}, "title": "Leads", "start": 0, "target": {number}}}'

    response = editor_api.post("/key-results", raw=raw)

    assert response.status_code == 422
    assert set(fields_of(response)) == {"target"}


def test_json_types_are_taken_as_they_are(world: World, editor_api: Api) -> None:
    response = editor_api.post(
        "/objectives", new_objective(world, cycle=str(world.cycle.pk), roll_up_children=1)
    )

    assert response.status_code == 422
    assert set(fields_of(response)) == {"cycle", "roll_up_children"}


def test_an_unknown_id_in_a_body_is_a_field_error(world: World, editor_api: Api) -> None:
    response = editor_api.post("/objectives", new_objective(world, cycle=987654))

    assert response.status_code == 422
    assert fields_of(response) == {"cycle": "no such cycle"}


def test_another_workspaces_id_in_a_body_is_unknown(world: World, editor_api: Api) -> None:
    globex_cycle = create_cycle(
        actor=None,
        workspace=world.globex,
        name="G1",
        start_date=world.cycle.start_date,
        end_date=world.cycle.end_date,
    )

    response = editor_api.post(
        "/objectives", new_objective(world, cycle=globex_cycle.pk, owner=world.outsider.pk)
    )

    assert response.status_code == 422
    assert fields_of(response) == {"cycle": "no such cycle"}
    assert not Objective.objects.exists()


def test_a_model_rule_becomes_a_field_error(world: World, editor_api: Api) -> None:
    objective = editor_api.post("/objectives", new_objective(world)).json

    response = editor_api.post(
        "/key-results", {"objective": objective["id"], "title": "Leads", "start": 5, "target": 5}
    )

    assert response.status_code == 422
    assert fields_of(response) == {"target": "target must differ from start"}


@pytest.mark.parametrize("text", ["nul\x00byte", "x" * 201], ids=["nul character", "too long"])
def test_text_a_database_cannot_store_is_refused(world: World, editor_api: Api, text) -> None:
    response = editor_api.post("/objectives", new_objective(world, title=text))

    assert response.status_code == 422
    assert set(fields_of(response)) == {"title"}


def test_a_lone_surrogate_is_refused(world: World, editor_api: Api) -> None:
    body = json.dumps(new_objective(world)).replace('"Grow"', '"a\\ud800b"')

    response = editor_api.post("/objectives", raw=body)

    assert response.status_code == 422
    assert set(fields_of(response)) == {"title"}


@pytest.mark.parametrize(
    "path", ["/objectives/0", "/objectives/-3", "/objectives/99999999999999999999"]
)
def test_an_id_no_row_can_have_is_a_404_not_a_crash(world: World, editor_api: Api, path) -> None:
    response = editor_api.get(path)

    assert response.status_code == 404
    assert response.json == {"detail": "Not found.", "errors": []}


def test_an_offset_out_of_range_is_a_422(world: World, editor_api: Api) -> None:
    response = editor_api.get("/objectives", offset=10**20)

    assert response.status_code == 422
    assert set(fields_of(response)) == {"offset"}


def test_a_limit_above_500_is_refused(world: World, editor_api: Api) -> None:
    assert editor_api.get("/objectives", limit=501).status_code == 422
    assert editor_api.get("/objectives", limit=500).status_code == 200


def test_an_unknown_path_answers_json(world: World, editor_api: Api) -> None:
    response = editor_api.get("/nothing/here")

    assert response.status_code == 404
    assert response.json["detail"].startswith("No such endpoint")


def test_a_missing_object_is_a_json_404(world: World, editor_api: Api) -> None:
    response = editor_api.get("/objectives/424242")

    assert response.status_code == 404
    assert response.json == {"detail": "no such objective", "errors": []}


def test_a_protected_delete_is_a_409(world: World, admin_api: Api) -> None:
    admin_api.post("/objectives", new_objective(world))

    response = admin_api.delete(f"/cycles/{world.cycle.pk}")

    assert response.status_code == 409
    assert response.json["detail"] == "Still in use by objectives."


def test_the_openapi_document_and_the_docs_are_public(world: World) -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Goalkeeper API"
    assert "/api/v1/kpis/{id}/measurements" in document["paths"]

    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert asset["Content-Type"] == "text/javascript"
    assert client.get("/api/v1/docs/assets/settings.py").status_code == 404


def test_every_operation_documents_its_errors(world: World) -> None:
    document = Client().get("/api/v1/openapi.json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "422"} <= codes, f"{method} {path}"
            if method in {"post", "patch", "delete"}:
                assert "403" in codes, f"{method} {path}"
            if "{id}" in path:
                assert "404" in codes, f"{method} {path}"
            if "requestBody" in operation:
                assert "400" in codes, f"{method} {path}"
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_a_body_too_large_is_a_json_413(world: World, editor_api: Api) -> None:
    body = json.dumps({"cycle": world.cycle.pk, "team": world.sales.pk, "title": "x" * 3_000_000})

    response = editor_api.post("/objectives", raw=body)

    assert response.status_code == 413
    assert response.json == {"detail": "The body is too large.", "errors": []}
