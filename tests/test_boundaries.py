"""Which of our packages each app imports (docs/architecture.md, "Package order").

A walk of the source, as import-linter would do it: every `import` and `from ... import`,
inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "goalkeeper"


def imports_of(package: str) -> dict[str, set[str]]:
    """{module path: our modules it imports} for every module of `package`."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = {n for n in names if n.startswith("goalkeeper.")}
    return found


def offenders(package: str, allowed: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        for name in names
        if not any(name == ok or name.startswith(ok + ".") for ok in allowed)
    )


@pytest.mark.parametrize(("package", "other"), [("okrs", "kpis"), ("kpis", "okrs")])
def test_okrs_and_kpis_do_not_import_each_other(package: str, other: str) -> None:
    bad = [
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        for name in names
        if name == f"goalkeeper.{other}" or name.startswith(f"goalkeeper.{other}.")
    ]
    assert not bad, bad


def test_kpis_does_not_import_the_bridges_above_it() -> None:
    bad = [
        f"{module} imports {name}"
        for module, names in imports_of("kpis").items()
        for name in names
        if name.startswith("goalkeeper.bridges")
    ]
    assert not bad, bad


def test_accounts_imports_no_app_above_it() -> None:
    # The audit trail's writer sits below accounts; the REST plumbing serves accounts/api.py.
    allowed = (
        "goalkeeper.accounts",
        "goalkeeper.audit.services",
        "goalkeeper.audit.models",
        "goalkeeper.domain",
        "goalkeeper.core",
        "goalkeeper.events",
    )
    plumbing = ("goalkeeper.api.auth", "goalkeeper.api.common", "goalkeeper.api.errors")
    problems = [
        line
        for line in offenders("accounts", allowed)
        if not (
            line.startswith("accounts/api.py")
            and any(f"imports {name}" in line for name in (*plumbing, "goalkeeper.api.schemas"))
        )
    ]
    assert not problems, problems


def test_the_audit_trail_writer_imports_nothing_of_ours_but_its_models() -> None:
    modules = imports_of("audit")
    assert modules["audit/services.py"] <= {"goalkeeper.audit.models"}
    assert modules["audit/models.py"] == set()
