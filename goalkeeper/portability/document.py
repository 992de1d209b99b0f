"""Reading a document: YAML or JSON, checked by the JSON Schema, with line numbers kept.

JSON is read by the same YAML loader (a JSON document is a YAML document), so an error in
either names the file, the line and the field (docs/format.md, "Errors").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).parent / "schema" / "goalkeeper.schema.json"
VERSION = 1

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One reason a document is refused: where (file, line, field) and why."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field or 'document'}: {self.message}"


class DocumentError(Exception):
    """A document that cannot be imported; `problems` says every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Document:
    """A parsed document: its data, and the line of each field (by path) in its file."""

    data: dict[str, Any]
    file: str
    lines: dict[Path_, int]

    def line_of(self, path: Path_) -> int | None:
        """The line of `path` in the file, or of the nearest enclosing item that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), field_name(path), message)


def field_name(path: Path_) -> str:
    """`objectives[3].key_results[0].target` for ("objectives", 3, "key_results", 0, "target")."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Loader(yaml.SafeLoader):
    """A safe loader that reads dates and times as the strings they are written as, and
    refuses aliases: a document never needs them, and a few nested ones would make every
    walk over the document take exponential time ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not part of the format", event.start_mark
            )
        node: yaml.Node | None = super().compose_node(parent, index)
        return node


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _lines(node: yaml.Node, path: Path_, found: dict[Path_, int]) -> None:
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            _lines(value_node, (*path, key), found)
            found[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), found)


def parse(text: str, file: str = "document") -> Document:
    """Read a YAML or JSON document and check it against the schema; refuse with every
    problem found, each naming the file, line and field."""
    loader: _Loader | None = None
    try:
        # The reader checks every character as it is built: a control character or a lone
        # surrogate is refused here, as a YAML error like any other.
        loader = _Loader(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise DocumentError([Problem(file, None, "", "nested too deeply")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark is not None else None
        raise DocumentError(
            [Problem(file, line, "", f"not valid YAML or JSON: {reason}")]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise DocumentError([Problem(file, 1, "", "a document is a mapping with a version")])
    lines: dict[Path_, int] = {}
    if node is not None:
        _lines(node, (), lines)
    document = Document(data=data, file=file, lines=lines)
    problems = list(schema_problems(document))
    if problems:
        raise DocumentError(problems)
    return document


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the format (goalkeeper/portability/schema/goalkeeper.schema.json)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def schema_problems(document: Document) -> Iterator[Problem]:
    """Every place the document breaks the schema, in the order of the file."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(
        validator.iter_errors(document.data),
        key=lambda error: (document.line_of(tuple(error.absolute_path)) or 0, error.message),
    )
    for error in errors:
        path: Path_ = tuple(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties":
            # Name the unknown field itself, not the item that holds it.
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            if extra:
                path = (*path, extra[0])
                message = "is not a field of the format"
        elif error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            path = (*path, missing[0]) if missing else path
            message = "is required"
        yield document.problem(path, message)


def read_measurements(
    directory: Path, kpi_keys: Sequence[str]
) -> dict[str, list[tuple[dt.datetime, float]]]:
    """The values export wrote for each KPI (`DIR/<kpi key>.csv`, `timestamp,value`); a KPI
    without a file has none. Refuses with every bad row's file, line and column."""
    found: dict[str, list[tuple[dt.datetime, float]]] = {}
    problems: list[Problem] = []
    for key in kpi_keys:
        path = directory / f"{key}.csv"
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(path), None, "", f"cannot be read ({error})"))
            continue
        rows = csv.reader(io.StringIO(text))
        header = next(rows, None)
        if header != ["timestamp", "value"]:
            problems.append(Problem(str(path), 1, "", "the first line is timestamp,value"))
            continue
        points: list[tuple[dt.datetime, float]] = []
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != 2:
                problems.append(Problem(str(path), line, "", "a row is timestamp,value"))
                continue
            try:
                at = dt.datetime.fromisoformat(row[0].strip().replace("Z", "+00:00"))
            except ValueError:
                problems.append(
                    Problem(str(path), line, "timestamp", f"{row[0]!r} is not ISO 8601")
                )
                continue
            try:
                value = float(row[1])
            except ValueError:
                problems.append(Problem(str(path), line, "value", f"{row[1]!r} is not a number"))
                continue
            if not math.isfinite(value):
                problems.append(Problem(str(path), line, "value", "must be a finite number"))
                continue
            points.append((at if at.tzinfo else at.replace(tzinfo=dt.UTC), value))
        found[key] = points
    if problems:
        raise DocumentError(problems)
    return found
