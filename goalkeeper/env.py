"""Tiny helpers that read settings from environment variables, and nothing else."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no variable; '1', 'true', 'yes' and 'on' mean yes."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    """Read an integer variable, failing loudly on garbage rather than guessing."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def envstr(name: str, default: str) -> str:
    """Read a text variable; an empty value counts as unset."""
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else raw.strip()


def envlist(name: str, default: list[str]) -> list[str]:
    """Read a comma separated list."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def persistent_secret_key(data_dir: Path) -> str:
    """Return SECRET_KEY, generating one into the data dir on first start.

    Sessions and password-reset links are signed with it, so it must survive restarts:
    a key regenerated on every start would log everybody out each time.
    """
    explicit = os.environ.get("SECRET_KEY", "").strip()
    if explicit:
        return explicit
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    # Written with owner-only permissions: anyone who reads it can forge sessions.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
