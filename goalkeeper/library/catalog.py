"""The templates: the built-in ones (one file per department, `templates/*.yaml` beside this
module) and the company's own, every *.yaml, *.yml or *.json file in TEMPLATE_LIBRARY_DIR.

A template is a document of the open format (docs/format.md) with a `template` header and
no cycle, team or owner: those are chosen when it is used. A company file that cannot be
used is set aside with its problems (file, line, field), never a server error. Files are
read again only when their modification time or size changed, and at most MAX_FILES files
of at most MAX_BYTES each are read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from goalkeeper.portability.document import Document, DocumentError, Path_, Problem, parse
from goalkeeper.portability.keys import slug_of

BUILTIN_DIR = Path(__file__).parent / "templates"
SUFFIXES = (".yaml", ".yml", ".json")
MAX_FILES = 200
MAX_BYTES = 1_000_000
BUILTIN = "builtin"
COMPANY = "company"

# Sections of a workspace document a template never has, and fields its items leave out.
_NOT_IN_TEMPLATES = ("scope", "workspace", "teams", "people", "cycles", "data_sources")
_OBJECTIVE_FIELDS_LEFT_OUT = (
    "cycle",
    "team",
    "owner",
    "supports",
    "final_score",
    "retrospective",
    "state",
    "guardrails",
    "comments",
)
_KEY_RESULT_FIELDS_LEFT_OUT = ("owner", "kpi", "contributes_to", "check_ins", "phases", "comments")
_KPI_FIELDS_LEFT_OUT = ("team", "owner", "archived", "drives", "comments")


@dataclass(frozen=True)
class Template:
    """One template: where it came from, its header, and its objectives and KPIs."""

    key: str
    source: str
    file: str
    name: str
    department: str
    description: str
    language: str
    objectives: tuple[dict[str, Any], ...]
    kpis: tuple[dict[str, Any], ...]
    data: dict[str, Any] = field(repr=False, compare=False)

    @property
    def key_result_count(self) -> int:
        return sum(len(objective.get("key_results", [])) for objective in self.objectives)

    @property
    def is_company(self) -> bool:
        return self.source == COMPANY

    def matches(self, query: str) -> bool:
        """Whether `query` (words, any case) is in its name, department, description or in
        the title of one of its objectives, key results or KPIs."""
        words = query.lower().split()
        if not words:
            return True
        text = " ".join(self._texts()).lower()
        return all(word in text for word in words)

    def _texts(self) -> Iterator[str]:
        yield from (self.name, self.department, self.description)
        for objective in self.objectives:
            yield objective["title"]
            yield from (kr["title"] for kr in objective.get("key_results", []))
        yield from (kpi["name"] for kpi in self.kpis)


@dataclass(frozen=True)
class Library:
    """Every usable template, built-in first, and the problems of the files set aside."""

    templates: tuple[Template, ...]
    problems: tuple[Problem, ...] = ()

    def get(self, key: str) -> Template | None:
        return next((template for template in self.templates if template.key == key), None)

    def departments(self) -> list[str]:
        """The departments, in the order their first template comes."""
        return list(dict.fromkeys(template.department for template in self.templates))

    def search(self, query: str = "", department: str = "", source: str = "") -> list[Template]:
        return [
            template
            for template in self.templates
            if (not department or template.department.lower() == department.lower())
            and (not source or template.source == source)
            and template.matches(query)
        ]


def template_problems(document: Document) -> Iterator[Problem]:
    """What makes a valid document no template: no header, or what is chosen when used."""
    data = document.data
    if "template" not in data:
        yield document.problem(
            ("template",), "is required: a template names itself and its department"
        )
    for section in _NOT_IN_TEMPLATES:
        if section in data:
            yield document.problem((section,), "is not part of a template: it is chosen when used")
    if not data.get("objectives") and not data.get("kpis"):
        yield document.problem(("objectives",), "a template has objectives, KPIs or both")
    for index, objective in enumerate(data.get("objectives", [])):
        yield from _left_out(document, ("objectives", index), objective, _OBJECTIVE_FIELDS_LEFT_OUT)
        for kr_index, key_result in enumerate(objective.get("key_results", [])):
            path: Path_ = ("objectives", index, "key_results", kr_index)
            yield from _left_out(document, path, key_result, _KEY_RESULT_FIELDS_LEFT_OUT)
    for index, kpi in enumerate(data.get("kpis", [])):
        yield from _left_out(document, ("kpis", index), kpi, _KPI_FIELDS_LEFT_OUT)


def _left_out(
    document: Document, path: Path_, item: dict[str, Any], names: Iterable[str]
) -> Iterator[Problem]:
    for name in names:
        if name in item:
            yield document.problem(
                (*path, name), "is not part of a template: it is chosen when used"
            )


def read_template(text: str, *, file: str, key: str, source: str) -> Template:
    """A template from a file's text; DocumentError names every problem with its line."""
    document = parse(text, file)
    problems = list(template_problems(document))
    if problems:
        raise DocumentError(problems)
    data = document.data
    header = data["template"]
    return Template(
        key=key,
        source=source,
        file=file,
        name=header["name"].strip(),
        department=header["department"].strip(),
        description=header.get("description", "").strip(),
        language=header.get("language", "en"),
        objectives=tuple(data.get("objectives", [])),
        kpis=tuple(data.get("kpis", [])),
        data=data,
    )


@cache
def builtin_templates() -> tuple[Template, ...]:
    """The templates shipped with Goalkeeper, by file name; one that is refused is a bug."""
    return tuple(
        read_template(
            path.read_text(encoding="utf-8"), file=path.name, key=path.stem, source=BUILTIN
        )
        for path in sorted(BUILTIN_DIR.glob("*.yaml"))
    )


# Company files as last read: path -> ((modification time, size), template or problems).
_Read = tuple[tuple[int, int], Template | tuple[Problem, ...]]
_cache: dict[Path, _Read] = {}
_lock = threading.Lock()


def company_folder() -> Path | None:
    folder = getattr(settings, "TEMPLATE_LIBRARY_DIR", None)
    return Path(folder) if folder else None


def _company_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    try:
        found = sorted(
            path for path in folder.iterdir() if path.suffix.lower() in SUFFIXES and path.is_file()
        )
    except OSError as error:
        reason = error.strerror or str(error)
        return [], [Problem(str(folder), None, "", f"the folder cannot be read: {reason}")]
    problems = []
    if len(found) > MAX_FILES:
        problems.append(
            Problem(
                str(folder),
                None,
                "",
                f"holds {len(found)} templates; only the first {MAX_FILES} (by name) are read",
            )
        )
    return found[:MAX_FILES], problems


def _read_company_file(path: Path, key: str) -> Template | tuple[Problem, ...]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        return (Problem(path.name, None, "", f"cannot be read: {error.strerror or error}"),)
    if len(raw) > MAX_BYTES:
        message = f"is {len(raw):,} bytes; a template may have at most {MAX_BYTES:,}"
        return (Problem(path.name, None, "", message),)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return (Problem(path.name, None, "", "is not UTF-8 text"),)
    try:
        return read_template(text, file=path.name, key=key, source=COMPANY)
    except DocumentError as error:
        return tuple(error.problems)


def company_templates() -> tuple[list[Template], list[Problem]]:
    """The company folder's templates, and the problems of the files that cannot be used."""
    folder = company_folder()
    if folder is None:
        return [], []
    paths, problems = _company_files(folder)
    templates: list[Template] = []
    taken = {template.key for template in builtin_templates()}
    with _lock:
        for stale in set(_cache) - set(paths):
            del _cache[stale]
        for path in paths:
            key = f"{COMPANY}-{slug_of(path.stem)}"
            if key in taken:
                message = f"has the same name as another template ({key}); rename the file"
                problems.append(Problem(path.name, None, "", message))
                continue
            taken.add(key)
            try:
                stat = path.stat()
            except OSError as error:
                problems.append(Problem(path.name, None, "", f"cannot be read: {error}"))
                continue
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = _cache.get(path)
            if cached is None or cached[0] != stamp:
                cached = (stamp, _read_company_file(path, key))
                _cache[path] = cached
            result = cached[1]
            if isinstance(result, Template):
                templates.append(result)
            else:
                problems.extend(result)
    return templates, problems


def library() -> Library:
    """The built-in templates and the company's, with the problems of its folder."""
    company, problems = company_templates()
    return Library(templates=(*builtin_templates(), *company), problems=tuple(problems))


def summaries(templates: Sequence[Template]) -> list[dict[str, Any]]:
    """The templates as lists show them (the API, the command)."""
    return [
        {
            "key": template.key,
            "name": template.name,
            "department": template.department,
            "description": template.description,
            "language": template.language,
            "source": template.source,
            "objectives": len(template.objectives),
            "key_results": template.key_result_count,
            "kpis": len(template.kpis),
        }
        for template in templates
    ]
