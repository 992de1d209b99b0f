"""Files on the server: only inside the folders the operator allowed, and never too large.

A data source is configured by a workspace admin, while the server's disk belongs to the
operator: without a fence, an admin could point a source at Goalkeeper's own database (or
any readable file) and read it back through error messages. `SOURCE_FILE_ROOTS` is that
fence, for CSV/XLSX files and for SQLite databases alike.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from goalkeeper.sources.connectors.base import SourceError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    """The most a source may read from one file or one HTTP answer (`SOURCE_MAX_BYTES`)."""
    return int(getattr(settings, "SOURCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def file_roots() -> list[Path]:
    """The folders files may be read from, resolved (`SOURCE_FILE_ROOTS`)."""
    roots = getattr(settings, "SOURCE_FILE_ROOTS", None)
    if roots is None:
        roots = [Path(settings.DATA_DIR) / "files"]
    return [Path(root).resolve() for root in roots]


def allowed_path(location: str) -> Path:
    """The resolved path of `location`; ValueError when it is outside every allowed folder.

    Symbolic links and `..` are resolved first, so neither can lead out of a folder.
    """
    path = Path(location)
    if not path.is_absolute():
        raise ValueError(gettext_noop("the path must be absolute (start with /)"))
    resolved = path.resolve()
    roots = file_roots()
    if not any(resolved.is_relative_to(root) for root in roots):
        shown = ", ".join(str(root) for root in roots) or "(no folder is allowed)"
        raise ValueError(f"the path must be inside one of: {shown}")
    return resolved


def read_local(location: str) -> bytes:
    """The bytes of an allowed file; SourceError when it is missing, unreadable or too large."""
    try:
        path = allowed_path(location)
    except ValueError as error:
        raise SourceError(str(error)) from None
    limit = max_bytes()
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise SourceError(f"there is no file at {path}") from None
    except IsADirectoryError:
        raise SourceError(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise SourceError(f"Goalkeeper is not allowed to read {path}") from None
    except OSError as error:
        raise SourceError(f"{path} could not be read: {error.strerror or error}") from None
    if len(data) > limit:
        raise SourceError(f"the file is larger than {_megabytes(limit)}, the limit")
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
