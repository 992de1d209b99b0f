"""The data source endpoints: who reads and writes what, secrets kept, fields named."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from pytest_httpserver import HTTPServer
from werkzeug import Response

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.sources import connection_tests, services
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SourceStatus, SyncRun
from goalkeeper.sources.secrets import MASK, unseal
from tests.api.conftest import fields_of
from tests.conftest import World
from tests.sources.api.conftest import SourceApi
from tests.sources.conftest import csv_source, write_csv

PASSWORD = "pw-Correct-Horse-9f8e7d6c5b4a"
TOKEN = "tok_5f0c9a8b7e6d5c4b3a2910"
HEADERS = f"Authorization: Bearer {TOKEN}"
PG_URL = "postgresql://reader@db.example.com/sales"
QUERY = "SELECT day AS timestamp, amount AS value FROM daily WHERE day >= :since"


def day(number: int) -> dt.datetime:
    return dt.datetime(2026, 11, number, tzinfo=dt.UTC)


def stored(kpi: Kpi) -> dict[dt.datetime, float]:
    return dict(Measurement.objects.filter(kpi=kpi).values_list("timestamp", "value"))


def csv_body(path: Path, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "csv",
        "settings": {"location": str(path), "timestamp_column": "date", "value_column": "value"},
        **extra,
    }


def sql_body(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "sql",
        "settings": {"url": PG_URL, "query": QUERY},
        "secrets": {"password": PASSWORD},
        **extra,
    }


def sql_source(kpi: Kpi, world: World) -> DataSource:
    configuration = services.configure(
        kpi=kpi, kind="sql", values={"url": PG_URL, "query": QUERY, "password": PASSWORD}
    )
    return services.create_source(actor=world.admin, kpi=kpi, configuration=configuration)


def push_source(kpi: Kpi) -> DataSource:
    configuration = services.configure(kpi=kpi, kind="push", values={})
    return services.create_source(actor=None, kpi=kpi, configuration=configuration)


@pytest.fixture
def deals_csv(files: Path) -> Path:
    return write_csv(files / "deals.csv", [("2026-11-01", "10"), ("2026-11-02", "12.5")])


@pytest.fixture
def bad_csv(files: Path) -> Path:
    return write_csv(files / "bad.csv", [("2026-11-01", "10"), ("2026-11-02", "lots")])


# --- Reading -----------------------------------------------------------------------------------


def test_a_member_lists_the_workspace_sources_with_their_status(
    kpi: Kpi, world: World, deals_csv: Path, viewer_api: SourceApi, api_as: Callable[..., Any]
) -> None:
    csv_source(kpi, deals_csv)
    pushed = create_kpi(actor=world.admin, team=world.sales, name="Tickets", target=5)
    push_source(pushed)

    answer = viewer_api.get("/sources")

    assert answer.status_code == 200
    assert answer.json["count"] == 2
    first, second = answer.json["items"]
    assert first["kpi"] == {"id": kpi.pk, "name": "Signed deals"}
    assert first["kind"] == "csv"
    assert first["status"] == "new"
    assert first["interval_minutes"] == 60
    assert first["is_active"] is True
    assert first["next_run_at"] is not None
    assert first["last_error"] == ""
    assert "settings" not in first
    assert second["kind"] == "push"
    assert second["next_run_at"] is None
    # Another workspace's admin sees their own (none), never Acme's.
    assert api_as(world.outsider).get("/sources").json == {"count": 0, "next": None, "items": []}


def test_the_list_filters_by_kind_and_status_and_pages(
    kpi: Kpi, world: World, deals_csv: Path, viewer_api: SourceApi
) -> None:
    csv_source(kpi, deals_csv)
    push_source(create_kpi(actor=world.admin, team=world.sales, name="Tickets", target=5))

    assert viewer_api.get("/sources", kind="push").json["count"] == 1
    assert viewer_api.get("/sources", status="broken").json["count"] == 0
    one = viewer_api.get("/sources", limit=1, offset=1).json
    assert one["count"] == 2
    assert [item["kind"] for item in one["items"]] == ["push"]
    assert "kind" in fields_of(viewer_api.get("/sources", kind="ftp"))


def test_an_admin_reads_the_parameters_with_secrets_masked(
    kpi: Kpi, world: World, admin_api: SourceApi
) -> None:
    sql_source(kpi, world)

    answer = admin_api.get(f"/kpis/{kpi.pk}/source")

    assert answer.status_code == 200
    assert answer.json["kind"] == "sql"
    assert answer.json["settings"] == {"url": PG_URL, "query": QUERY}
    assert answer.json["secrets"] == {"password": MASK + PASSWORD[-4:]}
    assert PASSWORD not in answer.get_data(as_text=True)


@pytest.mark.parametrize("who", ["editor", "viewer", "owner"])
def test_a_member_reads_the_status_but_not_the_parameters(
    who: str, kpi: Kpi, world: World, api_as: Callable[..., SourceApi]
) -> None:
    sql_source(kpi, world)

    answer = api_as(getattr(world, who)).get(f"/kpis/{kpi.pk}/source")

    assert answer.status_code == 200
    assert answer.json["status"] == "new"
    assert answer.json["settings"] is None
    assert answer.json["secrets"] is None
    assert PG_URL not in answer.get_data(as_text=True)


def test_a_kpi_without_a_source_answers_404(kpi: Kpi, viewer_api: SourceApi) -> None:
    answer = viewer_api.get(f"/kpis/{kpi.pk}/source")
    assert answer.status_code == 404
    assert answer.json["detail"] == "this KPI has no data source"


def test_another_workspace_sees_no_source_and_no_run(
    kpi: Kpi, world: World, deals_csv: Path, api_as: Callable[..., SourceApi]
) -> None:
    source = csv_source(kpi, deals_csv)
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    outsider = api_as(world.outsider)

    assert outsider.get(f"/kpis/{kpi.pk}/source").status_code == 404
    assert outsider.get(f"/kpis/{kpi.pk}/source/runs").status_code == 404
    assert outsider.get(f"/sources/runs/{run.pk}").status_code == 404
    assert outsider.put(f"/kpis/{kpi.pk}/source", {"kind": "push"}).status_code == 404
    assert outsider.post(f"/kpis/{kpi.pk}/source/test", {}).status_code == 404
    assert outsider.post(f"/kpis/{kpi.pk}/source/sync").status_code == 404
    assert outsider.delete(f"/kpis/{kpi.pk}/source").status_code == 404
    assert DataSource.objects.filter(pk=source.pk).exists()


def test_anonymous_callers_are_refused_everywhere(
    kpi: Kpi, deals_csv: Path, api_as: Callable[..., SourceApi]
) -> None:
    source = csv_source(kpi, deals_csv)
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    nobody = api_as(None)
    answers = [
        nobody.get("/sources"),
        nobody.get(f"/kpis/{kpi.pk}/source"),
        nobody.get(f"/kpis/{kpi.pk}/source/runs"),
        nobody.get(f"/sources/runs/{run.pk}"),
        nobody.put(f"/kpis/{kpi.pk}/source", {"kind": "push"}),
        nobody.post(f"/kpis/{kpi.pk}/source/test", {}),
        nobody.post(f"/kpis/{kpi.pk}/source/sync"),
        nobody.delete(f"/kpis/{kpi.pk}/source"),
    ]
    assert [answer.status_code for answer in answers] == [401] * len(answers)


# --- Writes: who ---------------------------------------------------------------------------------


WRITES = [
    ("PUT", "/kpis/{kpi}/source", {"kind": "push"}),
    ("POST", "/kpis/{kpi}/source/test", {}),
    ("POST", "/kpis/{kpi}/source/sync", None),
    ("DELETE", "/kpis/{kpi}/source", None),
]


def _write(client: SourceApi, method: str, path: str, body: Any) -> Any:
    if method == "PUT":
        return client.put(path, body)
    if method == "POST":
        return client.post(path, body)
    return client.delete(path)


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("who", ["editor", "viewer", "owner", "read_only"])
def test_only_an_admin_configures_tests_or_syncs_a_source(
    who: str,
    method: str,
    path: str,
    body: Any,
    kpi: Kpi,
    world: World,
    deals_csv: Path,
    api_as: Callable[..., SourceApi],
) -> None:
    source = csv_source(kpi, deals_csv)
    client = (
        api_as(world.admin, read_only=True) if who == "read_only" else api_as(getattr(world, who))
    )

    answer = _write(client, method, path.format(kpi=kpi.pk), body)

    assert answer.status_code == 403
    source.refresh_from_db()
    assert source.kind == "csv"
    assert not SyncRun.objects.exists()


# --- PUT ---------------------------------------------------------------------------------------


def test_an_admin_attaches_a_csv_source_due_at_once(
    kpi: Kpi, world: World, deals_csv: Path, admin_api: SourceApi
) -> None:
    answer = admin_api.put(f"/kpis/{kpi.pk}/source", csv_body(deals_csv, interval_minutes=15))

    assert answer.status_code == 201
    assert answer.json["kind"] == "csv"
    assert answer.json["interval_minutes"] == 15
    assert answer.json["settings"]["location"] == str(deals_csv)
    assert answer.json["secrets"] == {}
    assert answer.json["next_run_at"] is not None
    source = DataSource.objects.get(kpi=kpi)
    assert source.created_by == world.admin
    assert AuditEntry.objects.filter(action="source.created", object_id=kpi.pk).exists()


def test_put_again_replaces_the_configuration_and_keeps_a_secret_left_out(
    kpi: Kpi, world: World, admin_api: SourceApi
) -> None:
    assert admin_api.put(f"/kpis/{kpi.pk}/source", sql_body()).status_code == 201

    other_query = "SELECT day, amount FROM daily"
    answer = admin_api.put(
        f"/kpis/{kpi.pk}/source",
        {
            "kind": "sql",
            "settings": {"url": PG_URL, "query": other_query},
            "secrets": {"password": ""},
            "is_active": False,
        },
    )

    assert answer.status_code == 200
    assert answer.json["settings"]["query"] == other_query
    assert answer.json["is_active"] is False
    assert answer.json["next_run_at"] is None
    assert answer.json["secrets"] == {"password": MASK + PASSWORD[-4:]}
    source = DataSource.objects.get(kpi=kpi)
    assert unseal(source.sealed_secrets) == {"password": PASSWORD}
    assert DataSource.objects.count() == 1


def test_a_new_secret_replaces_the_saved_one_and_clear_secrets_removes_it(
    kpi: Kpi, world: World, admin_api: SourceApi
) -> None:
    sql_source(kpi, world)

    admin_api.put(f"/kpis/{kpi.pk}/source", sql_body(secrets={"password": "another-one"}))
    assert unseal(DataSource.objects.get(kpi=kpi).sealed_secrets) == {"password": "another-one"}

    answer = admin_api.put(
        f"/kpis/{kpi.pk}/source", sql_body(secrets={}, clear_secrets=["password"])
    )
    assert answer.status_code == 200
    assert answer.json["secrets"] == {}
    assert unseal(DataSource.objects.get(kpi=kpi).sealed_secrets) == {}


def test_put_changes_the_kind(
    kpi: Kpi, world: World, deals_csv: Path, admin_api: SourceApi
) -> None:
    sql_source(kpi, world)

    answer = admin_api.put(f"/kpis/{kpi.pk}/source", csv_body(deals_csv))

    assert answer.status_code == 200
    assert answer.json["kind"] == "csv"
    assert answer.json["secrets"] == {}
    assert unseal(DataSource.objects.get(kpi=kpi).sealed_secrets) == {}


def test_secrets_sealed_with_a_lost_key_can_be_entered_again(
    kpi: Kpi, world: World, admin_api: SourceApi, settings: Any
) -> None:
    sql_source(kpi, world)
    settings.SOURCE_ENCRYPTION_KEYS = ["ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="]

    shown = admin_api.get(f"/kpis/{kpi.pk}/source")
    assert shown.status_code == 200
    assert shown.json["secrets"] == {}

    answer = admin_api.put(f"/kpis/{kpi.pk}/source", sql_body(secrets={"password": "new-one"}))
    assert answer.status_code == 200
    assert unseal(DataSource.objects.get(kpi=kpi).sealed_secrets) == {"password": "new-one"}


# --- PUT: refused input, each field named ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "ftp"}, "kind"),
        ({}, "kind"),
        ({"kind": "sql", "settings": {"query": QUERY}}, "settings.url"),
        ({"kind": "sql", "settings": {"url": "not a url", "query": QUERY}}, "settings.url"),
        ({"kind": "sql", "settings": {"url": PG_URL, "query": "DELETE FROM t"}}, "settings.query"),
        (
            {"kind": "sql", "settings": {"url": PG_URL, "query": QUERY, "nope": "1"}},
            "settings.nope",
        ),
        ({"kind": "sql", "settings": {"url": PG_URL, "query": 3}}, "settings.query"),
        (
            {"kind": "sql", "settings": {"url": PG_URL}, "secrets": {"query": QUERY}},
            "secrets.query",
        ),
        (
            {"kind": "sql", "settings": {"url": PG_URL, "query": QUERY}, "secrets": {"x": "y"}},
            "secrets.x",
        ),
        (
            {"kind": "sql", "settings": {"url": PG_URL, "query": QUERY}, "clear_secrets": ["url"]},
            "clear_secrets.0",
        ),
        ({"kind": "push", "interval_minutes": 0}, "interval_minutes"),
        ({"kind": "push", "interval_minutes": 10**9}, "interval_minutes"),
        ({"kind": "push", "interval_minutes": "60"}, "interval_minutes"),
        ({"kind": "push", "is_active": 1}, "is_active"),
        ({"kind": "push", "colour": "red"}, "colour"),
        ({"kind": "csv", "settings": {"location": "relative/file.csv"}}, "settings.location"),
        ({"kind": "csv", "settings": {"location": "/etc/passwd"}}, "settings.location"),
        (
            {"kind": "csv", "settings": {"location": "/x.csv", "date_format": "?"}},
            "settings.date_format",
        ),
    ],
)
def test_refused_input_names_the_field(
    body: dict[str, Any], field: str, kpi: Kpi, files: Path, admin_api: SourceApi
) -> None:
    answer = admin_api.put(f"/kpis/{kpi.pk}/source", body)

    assert answer.status_code == 422, answer.json
    assert field in fields_of(answer), fields_of(answer)
    assert not DataSource.objects.exists()


def test_a_password_sent_as_a_setting_is_refused_without_being_quoted(
    kpi: Kpi, admin_api: SourceApi
) -> None:
    answer = admin_api.put(
        f"/kpis/{kpi.pk}/source",
        {"kind": "sql", "settings": {"url": PG_URL, "query": QUERY, "password": PASSWORD}},
    )

    assert fields_of(answer) == {"settings.password": "a secret parameter: send it in secrets"}
    assert PASSWORD not in answer.get_data(as_text=True)
    assert not DataSource.objects.exists()


def test_a_password_inside_the_url_is_moved_to_the_secrets(kpi: Kpi, admin_api: SourceApi) -> None:
    answer = admin_api.put(
        f"/kpis/{kpi.pk}/source",
        {
            "kind": "sql",
            "settings": {
                "url": f"postgresql://reader:{PASSWORD}@db.example.com/sales",
                "query": QUERY,
            },
        },
    )

    assert answer.status_code == 201
    assert answer.json["settings"]["url"] == PG_URL
    assert answer.json["secrets"] == {"password": MASK + PASSWORD[-4:]}
    assert PASSWORD not in answer.get_data(as_text=True)
    source = DataSource.objects.get(kpi=kpi)
    assert PASSWORD not in str(source.settings)
    assert unseal(source.sealed_secrets) == {"password": PASSWORD}


def test_put_on_a_kpi_of_another_workspace_or_unknown_is_404(
    kpi: Kpi, admin_api: SourceApi
) -> None:
    assert admin_api.put("/kpis/999999/source", {"kind": "push"}).status_code == 404


# --- DELETE --------------------------------------------------------------------------------------


def test_deleting_a_source_keeps_its_values(
    kpi: Kpi, world: World, deals_csv: Path, admin_api: SourceApi
) -> None:
    source = csv_source(kpi, deals_csv)
    services.execute(services.request_sync(actor=None, source=source, trigger="cli").pk)
    values = stored(kpi)
    assert values

    answer = admin_api.delete(f"/kpis/{kpi.pk}/source")

    assert answer.status_code == 204
    assert not DataSource.objects.exists()
    assert not SyncRun.objects.exists()
    assert stored(kpi) == values
    assert AuditEntry.objects.filter(action="source.deleted", object_id=kpi.pk).exists()
    assert admin_api.delete(f"/kpis/{kpi.pk}/source").status_code == 404


# --- POST .../test -----------------------------------------------------------------------------


def tried(api: SourceApi, kpi: Kpi, body: dict[str, Any]) -> Any:
    """POST .../test (202, queued), let the worker carry it out, then read it back."""
    queued = api.post(f"/kpis/{kpi.pk}/source/test", body)
    if queued.status_code != 202:
        return queued
    assert queued.json["status"] == "queued"
    assert queued.json["rows"] == []
    connection_tests.execute(queued.json["id"])
    return api.get(f"/sources/tests/{queued.json['id']}")


def _footprint(kpi: Kpi) -> tuple[Any, ...]:
    return (
        stored(kpi),
        list(DataSource.objects.values()),
        SyncRun.objects.count(),
        AuditEntry.objects.count(),
    )


def test_trying_parameters_shows_the_first_rows_and_writes_nothing(
    kpi: Kpi, deals_csv: Path, admin_api: SourceApi
) -> None:
    before = _footprint(kpi)

    answer = tried(admin_api, kpi, csv_body(deals_csv))

    assert answer.status_code == 200
    assert answer.json["status"] == "succeeded"
    assert answer.json["rows"] == [
        {"line": 2, "timestamp": "2026-11-01T00:00:00Z", "value": 10.0},
        {"line": 3, "timestamp": "2026-11-02T00:00:00Z", "value": 12.5},
    ]
    assert answer.json["error"] == ""
    assert _footprint(kpi) == before


def test_an_empty_body_tries_the_saved_configuration(
    kpi: Kpi, deals_csv: Path, admin_api: SourceApi
) -> None:
    csv_source(kpi, deals_csv)
    before = _footprint(kpi)

    answer = tried(admin_api, kpi, {})

    assert answer.status_code == 200
    assert [row["value"] for row in answer.json["rows"]] == [10.0, 12.5]
    assert _footprint(kpi) == before


def test_a_failing_source_fails_the_test_naming_the_row_and_writes_nothing(
    kpi: Kpi, bad_csv: Path, admin_api: SourceApi
) -> None:
    before = _footprint(kpi)

    answer = tried(admin_api, kpi, csv_body(bad_csv))

    assert answer.json["status"] == "failed"
    assert answer.json["error"].startswith("row 3: value:")
    assert answer.json["rows"] == []
    assert _footprint(kpi) == before


def test_trying_a_push_source_or_nothing_saved_is_refused(kpi: Kpi, admin_api: SourceApi) -> None:
    assert admin_api.post(f"/kpis/{kpi.pk}/source/test", {}).status_code == 404
    push = admin_api.post(f"/kpis/{kpi.pk}/source/test", {"kind": "push"})
    assert push.status_code == 422
    assert "not pulled" in fields_of(push)["kind"]
    without_kind = admin_api.post(
        f"/kpis/{kpi.pk}/source/test", {"settings": {"location": "/x.csv"}}
    )
    assert fields_of(without_kind) == {"kind": "required when parameters are given"}


@pytest.mark.usefixtures("allow_local_outbound")
def test_trying_new_settings_uses_the_saved_secret(
    kpi: Kpi, world: World, httpserver: HTTPServer, admin_api: SourceApi
) -> None:
    httpserver.expect_request(
        "/metric", headers={"Authorization": f"Bearer {TOKEN}"}
    ).respond_with_json({"value": 42})
    configuration = services.configure(
        kpi=kpi,
        kind="http_json",
        values={"url": httpserver.url_for("/old"), "value_path": "$.value", "headers": HEADERS},
    )
    services.create_source(actor=world.admin, kpi=kpi, configuration=configuration)

    answer = tried(
        admin_api,
        kpi,
        {
            "kind": "http_json",
            "settings": {"url": httpserver.url_for("/metric"), "value_path": "$.value"},
        },
    )

    assert answer.status_code == 200, answer.json
    assert [row["value"] for row in answer.json["rows"]] == [42.0]


# --- Secrets never come back -------------------------------------------------------------------


@pytest.mark.usefixtures("allow_local_outbound")
def test_no_answer_error_or_audit_entry_holds_a_secret_in_full(
    kpi: Kpi, world: World, httpserver: HTTPServer, api_as: Callable[..., SourceApi], settings: Any
) -> None:
    # A server that quotes the token it received in its status line, as some do.
    httpserver.expect_request("/metric").respond_with_response(
        Response("no", status=f"401 Token {TOKEN} is not valid")
    )
    url = httpserver.url_for("/metric")
    body = {
        "kind": "http_json",
        "settings": {"url": url, "value_path": "$.value"},
        "secrets": {"headers": HEADERS},
    }
    admin = api_as(world.admin)
    answers = [
        admin.put(f"/kpis/{kpi.pk}/source", body),
        admin.put(f"/kpis/{kpi.pk}/source", {**body, "settings": {"url": url}}),
        tried(admin, kpi, body),
        tried(admin, kpi, {}),
        admin.put(f"/kpis/{kpi.pk}/source", {**body, "interval_minutes": 5}),
    ]
    assert answers[2].json["status"] == "failed"
    assert "HTTP 401" in answers[2].json["error"]
    source = DataSource.objects.get(kpi=kpi)
    run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
    services.execute(run.pk)
    # The server quoted the token; the run stores the status in our words, not its own.
    stored = SyncRun.objects.get(pk=run.pk).error
    assert stored.endswith("answered HTTP 401 Unauthorized")
    assert TOKEN not in stored
    for person in (world.admin, world.editor, world.viewer):
        client = api_as(person)
        answers += [
            client.get("/sources"),
            client.get(f"/kpis/{kpi.pk}/source"),
            client.get(f"/kpis/{kpi.pk}/source/runs"),
            client.get(f"/sources/runs/{run.pk}"),
        ]
    answers.append(admin.post(f"/kpis/{kpi.pk}/source/sync"))
    bodies = [answer.get_data(as_text=True) for answer in answers]
    assert any(MASK in json.dumps(answer.json, ensure_ascii=False) for answer in answers)
    for text in bodies:
        assert TOKEN not in text
        assert HEADERS not in text
    trail = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "secret.headers" in trail
    assert TOKEN not in trail
    page = world.client_for(world.admin).get(reverse("admin_audit"))
    assert page.status_code == 200
    assert TOKEN not in page.content.decode()


# --- POST .../sync and the runs ----------------------------------------------------------------


def test_sync_now_queues_a_run_that_the_worker_carries_out(
    kpi: Kpi,
    world: World,
    deals_csv: Path,
    admin_api: SourceApi,
    viewer_api: SourceApi,
    huey_immediate: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    csv_source(kpi, deals_csv)

    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_api.post(f"/kpis/{kpi.pk}/source/sync")

    assert answer.status_code == 202
    assert answer.json["status"] == "queued"
    assert answer.json["trigger"] == "manual"
    assert answer.json["requested_by"] == world.admin.pk
    assert answer.json["kpi"] == kpi.pk
    run = viewer_api.get(f"/sources/runs/{answer.json['id']}")
    assert run.status_code == 200
    assert run.json["status"] == "succeeded"
    assert (run.json["rows_fetched"], run.json["rows_created"], run.json["rows_updated"]) == (
        2,
        2,
        0,
    )
    assert stored(kpi) == {day(1): 10.0, day(2): 12.5}
    source = viewer_api.get(f"/kpis/{kpi.pk}/source").json
    assert source["status"] == "ok"
    assert source["last_success_at"] is not None


def test_sync_now_while_a_run_is_in_progress_answers_409_with_it(
    kpi: Kpi, deals_csv: Path, admin_api: SourceApi
) -> None:
    source = csv_source(kpi, deals_csv)
    running = services.request_sync(actor=None, source=source, trigger=RunTrigger.SCHEDULE)

    answer = admin_api.post(f"/kpis/{kpi.pk}/source/sync")

    assert answer.status_code == 409
    assert answer.json["detail"] == (
        f"A sync of this source is already queued: run {running.pk}, "
        f"at /api/v1/sources/runs/{running.pk}."
    )
    assert SyncRun.objects.count() == 1


def test_a_push_source_cannot_be_synced(kpi: Kpi, admin_api: SourceApi) -> None:
    push_source(kpi)

    answer = admin_api.post(f"/kpis/{kpi.pk}/source/sync")

    assert answer.status_code == 422
    assert "kind" in fields_of(answer)
    assert not SyncRun.objects.exists()


def test_a_failed_run_says_which_row_and_keeps_the_values(
    kpi: Kpi,
    world: World,
    bad_csv: Path,
    admin_api: SourceApi,
    huey_immediate: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    record_measurements(actor=world.admin, kpi=kpi, points=[(day(1), 5.0)])
    csv_source(kpi, bad_csv)

    with django_capture_on_commit_callbacks(execute=True):
        queued = admin_api.post(f"/kpis/{kpi.pk}/source/sync").json

    run = admin_api.get(f"/sources/runs/{queued['id']}").json
    assert run["status"] == "failed"
    assert run["error"].startswith("row 3: value:")
    assert stored(kpi) == {day(1): 5.0}
    listed = admin_api.get("/sources").json["items"][0]
    assert listed["status"] == "failing"
    assert listed["last_error"] == run["error"]


def test_the_run_history_is_newest_first_and_paged(
    kpi: Kpi, deals_csv: Path, viewer_api: SourceApi
) -> None:
    source = csv_source(kpi, deals_csv)
    ids = []
    for _ in range(3):
        run = services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI)
        services.execute(run.pk)
        ids.append(run.pk)

    answer = viewer_api.get(f"/kpis/{kpi.pk}/source/runs", limit=2)

    assert answer.status_code == 200
    assert answer.json["count"] == 3
    assert [item["id"] for item in answer.json["items"]] == ids[::-1][:2]
    assert all(item["trigger"] == "cli" for item in answer.json["items"])
    assert viewer_api.get("/sources/runs/999999").status_code == 404


# --- Push --------------------------------------------------------------------------------------


def test_each_pushed_batch_is_recorded_as_a_run_of_the_push_source(
    kpi: Kpi, world: World, admin_api: SourceApi, editor_api: SourceApi
) -> None:
    assert admin_api.put(f"/kpis/{kpi.pk}/source", {"kind": "push"}).status_code == 201
    batch = [
        {"timestamp": "2026-11-01T00:00:00Z", "value": 1},
        {"timestamp": "2026-11-02T00:00:00Z", "value": 2},
    ]

    assert editor_api.post(f"/kpis/{kpi.pk}/measurements", batch).json == {
        "created": 2,
        "updated": 0,
    }
    assert editor_api.post(f"/kpis/{kpi.pk}/measurements", batch[1:]).json == {
        "created": 0,
        "updated": 1,
    }

    runs = editor_api.get(f"/kpis/{kpi.pk}/source/runs").json
    assert runs["count"] == 2
    newest, oldest = runs["items"]
    assert newest["trigger"] == oldest["trigger"] == "push"
    assert newest["status"] == "succeeded"
    assert newest["requested_by"] == world.editor.pk
    assert (newest["rows_fetched"], newest["rows_created"], newest["rows_updated"]) == (1, 0, 1)
    assert (oldest["rows_fetched"], oldest["rows_created"], oldest["rows_updated"]) == (2, 2, 0)
    source = editor_api.get(f"/kpis/{kpi.pk}/source").json
    assert source["status"] == SourceStatus.OK
    assert source["next_run_at"] is None


def test_a_refused_batch_or_a_kpi_without_push_source_records_no_run(
    kpi: Kpi, world: World, deals_csv: Path, editor_api: SourceApi
) -> None:
    other = create_kpi(actor=world.admin, team=world.sales, name="Plain", target=1)
    push_source(kpi)
    csv_source(other, deals_csv)

    refused = editor_api.post(
        f"/kpis/{kpi.pk}/measurements", [{"timestamp": "2026-11-01T00:00:00Z", "value": "x"}]
    )
    pushed_elsewhere = editor_api.post(
        f"/kpis/{other.pk}/measurements", [{"timestamp": "2026-11-01T00:00:00Z", "value": 1}]
    )

    assert refused.status_code == 422
    assert pushed_elsewhere.status_code == 200
    assert not SyncRun.objects.exists()
    assert SyncRun.objects.filter(status=RunStatus.SUCCEEDED).count() == 0
