"""Source passwords and tokens are sealed in the database and never come back in full."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError

from goalkeeper.audit.models import AuditEntry
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import services
from goalkeeper.sources.connectors import SourceError
from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger
from goalkeeper.sources.secrets import (
    MASK,
    UnreadableSecretsError,
    mask,
    reseal,
    seal,
    unseal,
)
from tests.conftest import World

TOKEN = "tok_live_4f9a8b7c6d5e4f3a2b1c"


def http_values(url: str = "https://example.com/metrics") -> dict[str, str]:
    return {"url": url, "value_path": "$.mrr", "headers": f"Authorization: Bearer {TOKEN}"}


def test_sealed_secrets_hold_no_plain_text_and_open_again() -> None:
    token = seal({"password": "hunter2-correct-horse"})
    assert "hunter2" not in token
    assert unseal(token) == {"password": "hunter2-correct-horse"}
    assert seal({"password": ""}) == ""
    assert unseal("") == {}


def test_a_key_can_be_rotated(settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SOURCE_ENCRYPTION_KEYS = [old]
    sealed = seal({"password": "s3cret"})
    settings.SOURCE_ENCRYPTION_KEYS = [new, old]
    assert unseal(sealed) == {"password": "s3cret"}
    rotated = reseal(sealed)
    settings.SOURCE_ENCRYPTION_KEYS = [new]
    assert unseal(rotated) == {"password": "s3cret"}
    with pytest.raises(UnreadableSecretsError, match="enter them again"):
        unseal(sealed)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("", ""), ("short", MASK), (TOKEN, MASK + TOKEN[-4:])],
)
def test_a_secret_is_shown_masked(value: str, shown: str) -> None:
    assert mask(value) == shown


def test_a_saved_source_keeps_its_token_sealed_and_out_of_the_audit_trail(
    kpi: Kpi, world: World
) -> None:
    configuration = services.configure(kpi=kpi, kind="http_json", values=http_values())
    source = services.create_source(actor=world.admin, kpi=kpi, configuration=configuration)
    row = DataSource.objects.get(pk=source.pk)
    assert TOKEN not in str(row.settings)
    assert TOKEN not in row.sealed_secrets
    assert unseal(row.sealed_secrets)["headers"].endswith(TOKEN)
    entry = AuditEntry.objects.get(action="source.created")
    assert TOKEN not in str(entry.changes)
    assert entry.changes["secret.headers"] == [None, "set"]


def test_a_blank_secret_keeps_the_saved_one_and_clear_removes_it(kpi: Kpi) -> None:
    source = services.create_source(
        actor=None,
        kpi=kpi,
        configuration=services.configure(kpi=kpi, kind="http_json", values=http_values()),
    )
    saved = unseal(source.sealed_secrets)
    kept = services.configure(
        kpi=kpi, kind="http_json", values={**http_values(), "headers": ""}, saved_secrets=saved
    )
    assert kept.secrets == saved
    cleared = services.configure(
        kpi=kpi,
        kind="http_json",
        values={**http_values(), "headers": ""},
        saved_secrets=saved,
        clear=["headers"],
    )
    assert cleared.secrets == {}


def test_a_changed_secret_is_audited_as_changed_never_by_value(kpi: Kpi, world: World) -> None:
    source = services.create_source(
        actor=None,
        kpi=kpi,
        configuration=services.configure(kpi=kpi, kind="http_json", values=http_values()),
    )
    services.update_source(
        actor=world.admin,
        source=source,
        configuration=services.configure(
            kpi=kpi, kind="http_json", values={**http_values(), "headers": "X-Key: other-key-123"}
        ),
        interval_minutes=15,
        is_active=True,
    )
    entry = AuditEntry.objects.get(action="source.updated")
    assert entry.changes["secret.headers"] == ["set", "changed"]
    assert entry.changes["interval_minutes"] == [60, 15]
    assert "other-key" not in str(entry.changes)


def test_a_run_whose_secrets_cannot_be_opened_fails_and_says_what_to_do(
    kpi: Kpi, settings: Any
) -> None:
    source = services.create_source(
        actor=None,
        kpi=kpi,
        configuration=services.configure(kpi=kpi, kind="http_json", values=http_values()),
    )
    settings.SOURCE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    run = services.execute(
        services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI).pk
    )
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert "enter them again" in run.error


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        ("ftp", {}, "kind"),
        ("csv", {"location": "x.csv", "colour": "red"}, "colour"),
        ("csv", {"timestamp_column": "date", "value_column": "value"}, "location"),
        ("http_json", {"url": "https://example.com", "value_path": "$[["}, "value_path"),
    ],
)
def test_configuration_errors_name_the_field(
    kpi: Kpi, files: Path, kind: str, values: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.configure(kpi=kpi, kind=kind, values=values)
    assert field in raised.value.message_dict


def test_an_interval_outside_the_range_is_refused_naming_the_field(kpi: Kpi) -> None:
    configuration = services.configure(kpi=kpi, kind="push", values={})
    with pytest.raises(ValidationError) as raised:
        services.create_source(actor=None, kpi=kpi, configuration=configuration, interval_minutes=0)
    assert "interval_minutes" in raised.value.message_dict
    assert not DataSource.objects.exists()


def test_a_password_pasted_in_a_sql_url_is_moved_into_the_sealed_secrets(
    kpi: Kpi, files: Path
) -> None:
    configuration = services.configure(
        kpi=kpi,
        kind="sql",
        values={
            "url": "postgresql://reader:pa55-w0rd@db.internal:5432/sales",
            "query": "SELECT day, total FROM revenue",
        },
    )
    assert configuration.settings["url"] == "postgresql://reader@db.internal:5432/sales"
    assert configuration.secrets == {"password": "pa55-w0rd"}
    source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
    assert "pa55" not in str(DataSource.objects.get(pk=source.pk).settings)


@pytest.mark.usefixtures("allow_local_outbound")
def test_a_secret_quoted_back_by_a_failing_server_is_masked_in_the_stored_error(
    kpi: Kpi, httpserver: Any
) -> None:
    httpserver.expect_request("/metrics").respond_with_data(f"invalid token {TOKEN}", status=401)
    configuration = services.configure(
        kpi=kpi, kind="http_json", values=http_values(httpserver.url_for("/metrics"))
    )
    with pytest.raises(SourceError) as raised:
        services.preview(kpi, configuration)
    assert TOKEN not in str(raised.value)
    source = services.create_source(actor=None, kpi=kpi, configuration=configuration)
    run = services.execute(
        services.request_sync(actor=None, source=source, trigger=RunTrigger.CLI).pk
    )
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert TOKEN not in run.error
    source.refresh_from_db()
    assert TOKEN not in source.last_error
