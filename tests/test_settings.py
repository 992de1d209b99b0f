"""Settings come from environment variables only."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalkeeper.env import envbool, envint, envlist, envstr, persistent_secret_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("yes", True), ("On", True), ("0", False), ("no", False), ("", True)],
)
def test_envbool_reads_yes_and_no(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", True) is expected


def test_envint_refuses_garbage_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(RuntimeError, match="PORT must be an integer"):
        envint("PORT", 1)
    monkeypatch.setenv("PORT", "8080")
    assert envint("PORT", 1) == 8080
    monkeypatch.delenv("PORT")
    assert envint("PORT", 1) == 1


def test_envlist_and_envstr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", "a.example, b.example ,")
    assert envlist("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("NAME", "  ")
    assert envstr("NAME", "default") == "default"


def test_explicit_secret_key_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert persistent_secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_is_tuned_for_a_web_app() -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "goalkeeper.db.sqlite":
        pytest.skip("the PostgreSQL run")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    # The busy timeout is sqlite3's own `timeout`, then a locked BEGIN is tried again.
    assert database["OPTIONS"]["timeout"] >= 1
    assert database["OPTIONS"]["lock_retries"] >= 1
