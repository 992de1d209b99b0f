"""The domain package stays pure: standard library only, and no clock reads."""

import ast
import sys
from pathlib import Path

import goalkeeper.domain

DOMAIN_DIR = Path(goalkeeper.domain.__file__).parent
MODULES = sorted(DOMAIN_DIR.rglob("*.py"))
CLOCK_READS = {"now", "utcnow", "today"}


def imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_domain_package_has_modules_to_check():
    assert len(MODULES) >= 10


def test_domain_imports_only_the_standard_library_and_itself():
    offenders = []
    for path in MODULES:
        for name in imported_modules(ast.parse(path.read_text(), str(path))):
            top = name.split(".")[0]
            own = name == "goalkeeper.domain" or name.startswith("goalkeeper.domain.")
            if not own and (top not in sys.stdlib_module_names or top == "django"):
                offenders.append(f"{path.name}: {name}")

    assert offenders == []


def test_the_import_check_catches_django_and_third_party_packages():
    tree = ast.parse("import django.db\nfrom hypothesis import given\nfrom . import errors\n")

    assert imported_modules(tree) == ["django.db", "hypothesis"]


def test_domain_never_reads_the_clock():
    offenders = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr in CLOCK_READS:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
        if "time" in imported_modules(ast.parse(path.read_text())):
            offenders.append(f"{path.name}: import time")

    assert offenders == []


def test_every_public_name_is_exported_from_the_package():
    for name in goalkeeper.domain.__all__:
        assert hasattr(goalkeeper.domain, name), name
