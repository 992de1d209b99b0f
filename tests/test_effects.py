"""Services own every effect: a source walk finds no write outside them.

Every module under goalkeeper/ is parsed with `ast`. A transaction (`transaction.atomic`), a
model write (`.save()`, `.delete()`, `bulk_create`/`bulk_update`, `.update()` or `.create()`
on a queryset or manager) or an event (`events.emit`, the OKR and KPI event helpers) may
only appear where effects live (docs/architecture.md, "Writes"):

- services: `*/services.py` and `*/services/` packages; jobs: `*/tasks.py`;
- `goalkeeper/events.py` and each app's `events.py` (the payload and emit helpers);
- migrations; a model's own `save()` / `delete()` override in `models.py`;
- the few files of ALLOWED below, each with the kinds it may use and why.

Views, API endpoints and commands parse, check access, call one service and render.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

import goalkeeper

ROOT = Path(goalkeeper.__file__).parent
PROJECT = ROOT.parent

TRANSACTION = "transaction.atomic"
SAVE = "save"
DELETE = "delete"
BULK = "bulk write"
UPDATE = "queryset update"
CREATE = "manager create"
EMIT = "event emit"
HELPERS = "event helpers"
EVERY_KIND = frozenset({TRANSACTION, SAVE, DELETE, BULK, UPDATE, CREATE, EMIT, HELPERS})

# Files outside services that may still write, and only in these ways. Keep this short: a
# new entry needs a reason a reviewer agrees with; a test below says when one is no longer
# needed.
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    "goalkeeper/outbox.py": (
        frozenset({UPDATE}),
        "claiming a webhook or chat delivery and recording its attempt are conditional "
        "UPDATEs on the row, so that two workers never send one twice "
        "(docs/adr/0003-claims-not-queues.md)",
    ),
    "goalkeeper/notifications/delivery.py": (
        frozenset({UPDATE}),
        "claiming notification emails and recording their outcome are conditional UPDATEs "
        "on the rows, so that two workers never email one item twice (docs/notifications.md)",
    ),
    "goalkeeper/accounts/models.py": (
        frozenset({SAVE}),
        "the user manager's `create_user`, Django's protocol (createsuperuser calls it)",
    ),
    # Documents write files (a workbook, a deck) to a stream, never a row (docs/reports.md).
    "goalkeeper/documents/sheets.py": (
        frozenset({SAVE}),
        "openpyxl's `Workbook.save` writes an XLSX file to a stream, not a model",
    ),
    "goalkeeper/documents/slides.py": (
        frozenset({SAVE}),
        "python-pptx's `Presentation.save` writes a PPTX file to a stream, not a model",
    ),
    # The API's edge keeps its own bookkeeping rows, never a product object (docs/api.md).
    "goalkeeper/api/edges.py": (
        frozenset({TRANSACTION}),
        "a write under `If-Match` compares the stored ETag and writes in one transaction, so "
        "two clients holding the same tag cannot both win; the service inside writes",
    ),
    "goalkeeper/api/idempotency.py": (
        frozenset({TRANSACTION, CREATE, SAVE, DELETE}),
        "an `Idempotency-Key` row is claimed before the POST runs and keeps its answer for "
        "24 hours: a record of the request, not of the product",
    ),
    "goalkeeper/api/ratelimit.py": (
        frozenset({DELETE}),
        "ended rate-limit windows are dropped; counts are request bookkeeping",
    ),
    # Incremental sync: every tracked model's `updated_at` and deletion (docs/api.md).
    "goalkeeper/changes/stamps.py": (
        frozenset({SAVE}),
        "the `Stamped` base's `save` moves `updated_at` only when a stored value changed, "
        "whichever service saves",
    ),
    "goalkeeper/changes/tracking.py": (
        frozenset({BULK}),
        "tombstones are written on `post_delete`, so cascades leave one per deleted row",
    ),
    "goalkeeper/sources/connection_tests.py": (
        frozenset({TRANSACTION, CREATE, DELETE, UPDATE}),
        "the connection tests' own service: queueing a test under the workspace's bound, "
        "the worker's claim and its outcome are conditional writes on the test's row",
    ),
    "goalkeeper/twofactor/middleware.py": (
        frozenset({DELETE}),
        "`cache.delete` forgets a cached hint that a login is clear, not a row",
    ),
}

# Queryset methods: a chain through one of them (or a manager) ends on a queryset.
QUERYSET_METHODS = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "select_for_update",
        "select_related",
        "prefetch_related",
        "order_by",
        "distinct",
        "none",
        "using",
        "annotate",
    }
)
EVENT_HELPER_MODULES = (
    "goalkeeper.okrs.events",
    "goalkeeper.kpis.events",
    "goalkeeper.sources.events",
)


@dataclass(frozen=True)
class Effect:
    """One write found in the source."""

    path: str
    line: int
    kind: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.code}"


def manager_names() -> frozenset[str]:
    """Attribute names that hold a manager: `objects`, and every reverse or many-to-many
    accessor of our models (`objective.key_results`, `person.memberships`...)."""
    names = {"objects", "_default_manager"}
    for model in apps.get_models():
        for relation in model._meta.related_objects:
            names.add(relation.get_accessor_name() or "")
        for field in model._meta.many_to_many:
            names.add(field.name)
    return frozenset(names - {""})


class _Finder(ast.NodeVisitor):
    """Finds the effects of one module; `queryset_names` tracks `qs = X.objects.filter(...)`."""

    def __init__(self, path: str, source: str, managers: frozenset[str]) -> None:
        self.path = path
        self.source = source
        self.managers = managers
        self.found: list[Effect] = []
        self.decorators: set[int] = set()
        self.functions: list[str] = []
        self.queryset_names: list[set[str]] = [set()]

    def _add(self, node: ast.AST, kind: str) -> None:
        code = ast.get_source_segment(self.source, node) or ""
        self.found.append(Effect(self.path, getattr(node, "lineno", 0), kind, code[:80]))

    def _is_queryset(self, node: ast.AST) -> bool:
        while True:
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in QUERYSET_METHODS:
                    return True
                node = func
            elif isinstance(node, ast.Attribute):
                if node.attr in self.managers:
                    return True
                node = node.value
            elif isinstance(node, ast.Name):
                return node.id in self.queryset_names[-1]
            else:
                return False

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.decorators.add(id(decorator))
        self.functions.append(node.name)
        self.queryset_names.append(set())
        self.generic_visit(node)
        self.queryset_names.pop()
        self.functions.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.visit_FunctionDef(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.decorators.add(id(decorator))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if self._is_queryset(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.queryset_names[-1].add(target.id)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "atomic":
            self._add(node, TRANSACTION)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if module == "django.db.transaction" and alias.name == "atomic":
                self._add(node, TRANSACTION)
            if module == "goalkeeper.events" and alias.name == "emit":
                self._add(node, EMIT)
            if f"{module}.{alias.name}" in EVENT_HELPER_MODULES or module in EVENT_HELPER_MODULES:
                self._add(node, HELPERS)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name in EVENT_HELPER_MODULES:
                self._add(node, HELPERS)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if id(node) not in self.decorators and isinstance(func, ast.Attribute):
            kind = self._call_kind(func)
            if kind is not None and not self._in_own_override(func.attr):
                self._add(node, kind)
        self.generic_visit(node)

    def _call_kind(self, func: ast.Attribute) -> str | None:
        name = func.attr
        if name == "save":
            return SAVE
        if name == "delete":
            return DELETE
        if name in ("bulk_create", "bulk_update"):
            return BULK
        if name == "emit" and isinstance(func.value, ast.Name) and func.value.id == "events":
            return EMIT
        writes = ("update", "create", "get_or_create", "update_or_create")
        if name in writes and self._is_queryset(func.value):
            return UPDATE if name == "update" else CREATE
        return None

    def _in_own_override(self, method: str) -> bool:
        """`super().save()` inside a model's `save()` (or delete) in models.py."""
        return (
            self.path.endswith("/models.py")
            and method in ("save", "delete")
            and bool(self.functions)
            and self.functions[-1] == method
        )


def effects_in(path: str, source: str, managers: frozenset[str]) -> list[Effect]:
    """The effects one module's source contains."""
    finder = _Finder(path, source, managers)
    finder.visit(ast.parse(source))
    return finder.found


def owns_effects(path: str) -> bool:
    """Whether `path` (relative to the project) is a place where effects belong."""
    parts = path.split("/")
    name = parts[-1]
    return (
        name in ("services.py", "tasks.py", "events.py")
        or "services" in parts[:-1]
        or "migrations" in parts[:-1]
    )


def modules() -> Iterator[tuple[str, str]]:
    for file in sorted(ROOT.rglob("*.py")):
        yield file.relative_to(PROJECT).as_posix(), file.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def found() -> list[Effect]:
    managers = manager_names()
    return [
        effect
        for path, source in modules()
        if not owns_effects(path)
        for effect in effects_in(path, source, managers)
    ]


def test_no_effect_outside_services_tasks_and_the_allowed_files(found: list[Effect]) -> None:
    stray = [
        str(effect)
        for effect in found
        if effect.kind not in ALLOWED.get(effect.path, (frozenset(), ""))[0]
    ]

    assert stray == [], "write through a service instead:\n" + "\n".join(stray)


def test_every_allowed_file_still_needs_its_entry(found: list[Effect]) -> None:
    used = {(effect.path, effect.kind) for effect in found}
    stale = [
        f"{path}: {kind}"
        for path, (kinds, _reason) in ALLOWED.items()
        for kind in sorted(kinds)
        if (path, kind) not in used
    ]

    assert stale == [], "tighten ALLOWED, these no longer write:\n" + "\n".join(stale)


def test_every_allowed_entry_names_a_file_and_a_reason() -> None:
    for path, (kinds, reason) in ALLOWED.items():
        assert (PROJECT / path).is_file(), path
        assert kinds, path
        assert kinds <= EVERY_KIND, path
        assert reason.strip(), path


@pytest.mark.parametrize(
    "path",
    [
        "goalkeeper/okrs/services.py",
        "goalkeeper/okrs/services/cycles.py",
        "goalkeeper/webhooks/tasks.py",
        "goalkeeper/okrs/events.py",
        "goalkeeper/events.py",
        "goalkeeper/kpis/migrations/0001_initial.py",
    ],
)
def test_services_tasks_events_and_migrations_own_effects(path: str) -> None:
    assert owns_effects(path)


@pytest.mark.parametrize(
    "path",
    [
        "goalkeeper/okrs/views/objectives.py",
        "goalkeeper/okrs/api/cycles.py",
        "goalkeeper/web/views.py",
    ],
)
def test_views_and_endpoints_own_none(path: str) -> None:
    assert not owns_effects(path)


# The walk must see each kind of write, or it proves nothing.
SAMPLE = """
from django.db import transaction
from django.db.transaction import atomic
from goalkeeper import events
from goalkeeper.events import emit
from goalkeeper.okrs import events as okr_events
import goalkeeper.kpis.events


@router.delete("/things/{id}")
def view(request, objective, rows):
    with transaction.atomic():
        objective.save()
        objective.delete()
        Objective.objects.bulk_create(rows)
        Objective.objects.filter(pk=1).update(title="x")
        objective.key_results.update(weight=2)
        chosen = Objective.objects.exclude(state="draft")
        chosen.update(state="closed")
        Objective.objects.create(title="y")
        events.emit(1, "objective.created", {})
    fields = {}
    fields.update(title="a dict, not a queryset")


class Thing(models.Model):
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
"""


def test_the_walk_finds_every_kind_of_write() -> None:
    found = effects_in("goalkeeper/sample/models.py", SAMPLE, manager_names())

    kinds = sorted((effect.line, effect.kind) for effect in found)
    assert kinds == [
        (3, TRANSACTION),
        (5, EMIT),
        (6, HELPERS),
        (7, HELPERS),
        (12, TRANSACTION),
        (13, SAVE),
        (14, DELETE),
        (15, BULK),
        (16, UPDATE),
        (17, UPDATE),
        (19, UPDATE),
        (20, CREATE),
        (21, EMIT),
    ]
