"""Strict, uniform edges: every refusal in the error shape, bodies JSON only, one value per
query parameter, ids no row can have are 404, fields named as sent, instants to the
microsecond, DELETE meaning gone, batches naming an instant once, Location on 201."""

from __future__ import annotations

import datetime as dt

from goalkeeper.accounts.models import Team
from goalkeeper.accounts.services import create_team
from goalkeeper.kpis.models import Measurement
from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs.services import create_key_result, create_objective
from tests.api.conftest import Api, fields_of
from tests.api.edges import send
from tests.conftest import World


def test_a_method_a_path_does_not_take_is_a_json_405(world: World, editor_api: Api) -> None:
    response = send(editor_api, "PUT", "/objectives", {})

    assert response.status_code == 405
    assert response.json["errors"] == []
    assert response.json["detail"] == "Method not allowed here; this path takes GET, POST."
    assert response.headers["Allow"] == "GET, POST"


def test_a_body_that_is_not_json_by_type_is_a_415(world: World, editor_api: Api) -> None:
    body = {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}

    response = send(editor_api, "POST", "/objectives", body, content_type="text/plain")

    assert response.status_code == 415
    assert response.json == {
        "detail": "Unsupported Content-Type: send the body as application/json.",
        "errors": [],
    }


def test_json_with_a_charset_is_json(world: World, editor_api: Api) -> None:
    body = {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}

    response = send(
        editor_api, "POST", "/objectives", body, content_type="application/json; charset=utf-8"
    )

    assert response.status_code == 201


def test_an_upload_endpoint_keeps_taking_multipart(world: World, editor_api: Api) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Revenue", target=10)
    csv = b"date,value\n2026-11-01,5\n"

    with_file = send(
        editor_api,
        "POST",
        f"/kpis/{kpi.pk}/uploads",
        raw=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + csv + b"\r\n--x--\r\n",
        content_type="multipart/form-data; boundary=x",
    )

    assert with_file.status_code == 200
    assert with_file.json == {"created": 1, "updated": 0}


def test_an_action_reading_no_body_ignores_its_type(world: World, admin_api: Api) -> None:
    team = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)

    response = send(
        admin_api, "POST", f"/teams/{team.pk}/archive", raw="--x--\r\n", content_type="text/plain"
    )

    assert response.status_code == 200


def test_a_write_without_a_body_needs_no_content_type(world: World, admin_api: Api) -> None:
    team = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)

    response = send(admin_api, "POST", f"/teams/{team.pk}/archive", content_type="")

    assert response.status_code == 200


def test_a_query_parameter_given_twice_is_refused(world: World, editor_api: Api) -> None:
    response = send(editor_api, "GET", "/objectives?team=1&team=2")

    assert response.status_code == 422
    assert fields_of(response) == {"team": "given more than once: send it once"}


def test_ids_no_row_can_have_are_404_on_writes_too(world: World, admin_api: Api) -> None:
    for path in ("/teams/0", "/teams/-1"):
        assert admin_api.patch(path, {"name": "x"}).status_code == 404
        assert admin_api.delete(path).status_code == 404


def test_a_date_out_of_range_names_the_field_and_the_bound(world: World, admin_api: Api) -> None:
    response = admin_api.patch(f"/cycles/{world.cycle.pk}", {"start_date": "1800-01-01"})

    assert response.status_code == 422
    assert fields_of(response) == {"start_date": "must be between the years 1900 and 2999"}


def test_a_patch_field_is_named_without_validator_tags(world: World, admin_api: Api) -> None:
    response = admin_api.patch(f"/cycles/{world.cycle.pk}", {"start_date": 5, "end_date": None})

    assert set(fields_of(response)) == {"start_date", "end_date"}


def test_a_patch_is_refused_on_the_field_it_sent(world: World, editor_api: Api) -> None:
    objective = create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")
    key_result = create_key_result(
        actor=None, objective=objective, title="Leads", kind="increase", start=0, target=200
    )

    response = editor_api.patch(f"/key-results/{key_result.pk}", {"start": 200})

    assert response.status_code == 422
    assert fields_of(response) == {"start": "must differ from the target (200)"}


def test_a_patch_sending_the_clashing_field_keeps_its_name(world: World, editor_api: Api) -> None:
    objective = create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")
    key_result = create_key_result(
        actor=None, objective=objective, title="Leads", kind="increase", start=0, target=200
    )

    response = editor_api.patch(f"/key-results/{key_result.pk}", {"target": 0})

    assert fields_of(response) == {"target": "target must differ from start"}


def test_instants_read_back_to_the_microsecond(world: World, editor_api: Api) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Revenue", target=10)
    sent = ["2026-11-01T10:00:00.123456Z", "2026-11-01T10:00:00.123457Z"]

    editor_api.post(f"/kpis/{kpi.pk}/measurements", [{"timestamp": at, "value": 1} for at in sent])
    read = editor_api.get(f"/kpis/{kpi.pk}/measurements").json["items"]

    assert [item["timestamp"] for item in read] == sent


def test_a_batch_naming_an_instant_twice_is_refused_naming_both(
    world: World, editor_api: Api
) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Revenue", target=10)
    items = [
        {"timestamp": "2026-11-01T00:00:00Z", "value": 1},
        {"timestamp": "2026-11-02T00:00:00Z", "value": 2},
        {"timestamp": "2026-11-03T00:00:00Z", "value": 3},
        {"timestamp": "2026-11-01T01:00:00+01:00", "value": 4},
    ]

    response = editor_api.post(f"/kpis/{kpi.pk}/measurements", items)

    assert response.status_code == 422
    assert set(fields_of(response)) == {"items.0.timestamp", "items.3.timestamp"}
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_delete_means_the_team_is_gone(world: World, admin_api: Api) -> None:
    team = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)

    assert admin_api.delete(f"/teams/{team.pk}").status_code == 204

    assert admin_api.get(f"/teams/{team.pk}").status_code == 404
    assert not Team.objects.filter(pk=team.pk).exists()


def test_a_team_with_objectives_cannot_be_deleted_only_archived(
    world: World, admin_api: Api
) -> None:
    team = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)
    create_objective(actor=None, cycle=world.cycle, team=team, title="Grow")

    refused = admin_api.delete(f"/teams/{team.pk}")
    archived = admin_api.post(f"/teams/{team.pk}/archive")

    assert refused.status_code == 409
    assert archived.status_code == 200
    assert archived.json["archived"] is True
    assert admin_api.get("/teams", archived="true").json["items"] == [archived.json]


def test_an_archived_team_is_restored(world: World, admin_api: Api) -> None:
    team = create_team(actor=None, workspace=world.acme, name="Ops", parent=world.company)
    admin_api.post(f"/teams/{team.pk}/archive")

    restored = admin_api.post(f"/teams/{team.pk}/restore")

    assert restored.status_code == 200
    assert restored.json["archived"] is False
    assert restored.json["archived_at"] is None


def test_an_archived_kpi_says_when_and_the_archived_filter_finds_it(
    world: World, editor_api: Api
) -> None:
    kept = create_kpi(actor=None, team=world.sales, name="Revenue", target=10)
    gone = create_kpi(actor=None, team=world.sales, name="Churn", target=1)

    archived = editor_api.post(f"/kpis/{gone.pk}/archive").json

    assert archived["archived_at"] is not None
    assert [k["id"] for k in editor_api.get("/kpis", archived="true").json["items"]] == [gone.pk]
    assert [k["id"] for k in editor_api.get("/kpis", archived="false").json["items"]] == [kept.pk]


def test_every_created_object_says_where_it_is(world: World, admin_api: Api) -> None:
    team = admin_api.post("/teams", {"name": "Ops", "parent": world.sales.pk})
    objective = admin_api.post(
        "/objectives", {"cycle": world.cycle.pk, "team": world.sales.pk, "title": "Grow"}
    )

    assert team.status_code == objective.status_code == 201
    assert team.headers["Location"] == f"/api/v1/teams/{team.json['id']}"
    assert objective.headers["Location"] == f"/api/v1/objectives/{objective.json['id']}"
    assert admin_api.get(f"/teams/{team.json['id']}").status_code == 200


def test_a_created_comment_is_located_at_its_own_url(world: World, editor_api: Api) -> None:
    objective = create_objective(actor=None, cycle=world.cycle, team=world.sales, title="Grow")

    comment = editor_api.post(
        "/comments", {"subject_type": "objective", "subject_id": objective.pk, "body": "Why?"}
    )

    assert comment.status_code == 201
    assert comment.headers["Location"] == f"/api/v1/comments/{comment.json['id']}"
    assert editor_api.get(f"/comments/{comment.json['id']}").json == comment.json


def test_measurement_lists_page_by_500_at_most_10000(world: World, editor_api: Api) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Revenue", target=10)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    editor_api.post(
        f"/kpis/{kpi.pk}/measurements",
        [
            {"timestamp": (start + dt.timedelta(hours=h)).isoformat(), "value": h}
            for h in range(501)
        ],
    )

    assert len(editor_api.get(f"/kpis/{kpi.pk}/measurements").json["items"]) == 500
    assert editor_api.get(f"/kpis/{kpi.pk}/measurements", limit=10_001).status_code == 422
