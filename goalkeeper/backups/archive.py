"""The backup file: a gzipped tar holding `manifest.json`, the database and the data files.

```
manifest.json          format, app version, database kind, time, migrations applied
database.sqlite3       SQLite's online backup (or database.pgdump: pg_dump's custom format)
data/...               the data directory's files: the secret key, source files, exports
```

The manifest comes first, so reading it costs a few bytes. Member names are checked before
anything is extracted: only regular files, only under `data/`, never `..` or an absolute path.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from goalkeeper.backups.databases import MEMBER, BackupError

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data"


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, written beside it and checked before a restore."""

    app_version: str
    database: str
    created_at: str
    migrations: dict[str, list[str]]
    files: int = 0
    secret_key_file: bool = False
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode() + b"\n"

    @property
    def migration_count(self) -> int:
        return sum(len(names) for names in self.migrations.values())

    @classmethod
    def from_json(cls, raw: bytes, source: str) -> Manifest:
        try:
            data = json.loads(raw)
            manifest = cls(
                app_version=str(data["app_version"]),
                database=str(data["database"]),
                created_at=str(data["created_at"]),
                migrations={
                    str(app): [str(name) for name in names]
                    for app, names in dict(data["migrations"]).items()
                },
                files=int(data.get("files", 0)),
                secret_key_file=bool(data.get("secret_key_file", False)),
                format=int(data["format"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{source}: its manifest.json is not readable ({exc})") from exc
        if manifest.format != FORMAT:
            raise BackupError(
                f"{source}: backup format {manifest.format} is not known to this version "
                f"(it reads format {FORMAT})"
            )
        if manifest.database not in MEMBER:
            raise BackupError(f"{source}: unknown database kind {manifest.database!r}")
        return manifest


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def write(
    handle: IO[bytes],
    manifest: Manifest,
    database: Path,
    files: list[tuple[Path, str]],
) -> None:
    """Write the backup to `handle`: the manifest, the database file, then each data file
    (`(path on disk, path under data/)`)."""
    with tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6) as tar:
        _add_bytes(tar, MANIFEST, manifest.to_json())
        tar.add(database, arcname=MEMBER[manifest.database], recursive=False)
        for path, relative in files:
            tar.add(path, arcname=f"{DATA}/{relative}", recursive=False)


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(content))


class Reader:
    """An open backup file: its manifest, its database member and its data files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = str(path)
        if not path.is_file():
            raise BackupError(f"{path}: no such file")
        try:
            self._tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 - closed by close()
            self._members = self._tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{path}: not a Goalkeeper backup ({exc})") from exc
        names = {member.name: member for member in self._members}
        if MANIFEST not in names:
            self.close()
            raise BackupError(f"{path}: not a Goalkeeper backup (it holds no manifest.json)")
        self.manifest = Manifest.from_json(self._read(names[MANIFEST]), self.source)
        self._database = names.get(MEMBER[self.manifest.database])
        if self._database is None or not self._database.isfile():
            self.close()
            raise BackupError(f"{path}: the backup holds no {MEMBER[self.manifest.database]}")
        self._files = [self._checked(member) for member in self._members if _is_data(member)]

    def _checked(self, member: tarfile.TarInfo) -> tarfile.TarInfo:
        relative = PurePosixPath(member.name).relative_to(DATA)
        if not member.isfile() or member.name.startswith("/") or ".." in relative.parts:
            self.close()
            raise BackupError(f"{self.path}: refusing the unsafe member {member.name!r}")
        return member

    def _read(self, member: tarfile.TarInfo) -> bytes:
        extracted = self._tar.extractfile(member)
        if extracted is None:
            raise BackupError(f"{self.path}: {member.name} is not a file")
        with extracted:
            return extracted.read()

    def extract_database(self, dest: Path) -> None:
        """Write the database member to `dest`."""
        assert self._database is not None
        self._copy(self._database, dest)

    def data_files(self) -> Iterator[tuple[str, tarfile.TarInfo]]:
        """Each data file as (path relative to the data directory, member)."""
        for member in self._files:
            yield str(PurePosixPath(member.name).relative_to(DATA)), member

    def extract(self, member: tarfile.TarInfo, dest: Path) -> None:
        self._copy(member, dest)

    def _copy(self, member: tarfile.TarInfo, dest: Path) -> None:
        extracted = self._tar.extractfile(member)
        if extracted is None:
            raise BackupError(f"{self.path}: {member.name} is not a file")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with extracted, dest.open("wb") as out:
            while chunk := extracted.read(1024 * 1024):
                out.write(chunk)

    def close(self) -> None:
        self._tar.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_data(member: tarfile.TarInfo) -> bool:
    return member.name.startswith(f"{DATA}/")
