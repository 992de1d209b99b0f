"""What an importer is and what it gives back (`Importer`, `Converted`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from goalkeeper.portability.document import Path_


@dataclass(frozen=True)
class Converted:
    """A document in the open format (version 1), what did not map one to one, and the
    line of the file each item came from (by its path in the document), so a problem
    found later names it."""

    document: dict[str, Any]
    warnings: list[str]
    lines: dict[Path_, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Importer:
    """A tool whose export can be read: its name, its label and its converter
    (`convert(data, filename, column_mapping)`)."""

    name: str
    label: str
    convert: Callable[[bytes, str, Mapping[str, str] | None], Converted]
