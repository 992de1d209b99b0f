"""The library's templates: the built-in ones are complete and valid documents of the
format; the company's folder is read as it changes, and a broken file is named, never
fatal."""

from __future__ import annotations

import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from goalkeeper.library import catalog
from goalkeeper.library.catalog import BUILTIN_DIR, builtin_templates, library
from goalkeeper.portability.document import schema

DEPARTMENTS = {
    "sales",
    "marketing",
    "customer-success",
    "customer-support",
    "product",
    "engineering",
    "hr",
    "finance",
    "operations",
    "it",
}
LEGAL = """\
version: 1
template:
  name: Legal
  department: Legal
  description: Contracts and compliance.
kpis:
- key: contracts-reviewed
  name: Contracts reviewed
  unit: contracts
  target: 40
"""


def test_there_is_one_built_in_template_per_department() -> None:
    assert {path.stem for path in BUILTIN_DIR.glob("*.yaml")} == DEPARTMENTS
    assert {template.key for template in builtin_templates()} == DEPARTMENTS


@pytest.mark.parametrize("name", sorted(DEPARTMENTS))
def test_a_built_in_template_is_a_valid_document_of_the_format(name: str) -> None:
    data = yaml.safe_load((BUILTIN_DIR / f"{name}.yaml").read_text(encoding="utf-8"))

    jsonschema.Draft202012Validator(schema()).validate(data)
    assert data["template"]["language"] == "en"
    assert data["template"]["name"]
    assert data["template"]["description"]


@pytest.mark.parametrize("name", sorted(DEPARTMENTS))
def test_a_built_in_template_has_what_a_department_needs(name: str) -> None:
    template = next(t for t in builtin_templates() if t.key == name)

    assert 3 <= len(template.objectives) <= 5
    for objective in template.objectives:
        assert 2 <= len(objective["key_results"]) <= 5, objective["title"]
        assert not {"cycle", "team", "owner"} & set(objective)
        for kr in objective["key_results"]:
            kind = kr.get("kind", "increase")
            if kind == "milestone":
                continue
            assert kr["unit"], kr["title"]
            if kind == "maintain":
                assert kr.get("low") is not None or kr.get("high") is not None
            else:
                assert kr["start"] != kr["target"], kr["title"]
                assert (kr["target"] > kr["start"]) == (kind == "increase"), kr["title"]
    assert 5 <= len(template.kpis) <= 8
    for kpi in template.kpis:
        assert kpi["unit"], kpi["name"]
        assert kpi["direction"], kpi["name"]
        assert not {"team", "owner"} & set(kpi)
        if kpi["direction"] == "in_range":
            assert kpi["low"] < kpi["high"]
        else:
            assert kpi["target"] is not None, kpi["name"]
            assert kpi["warning"] is not None, kpi["name"]


def test_the_library_carries_the_measures_of_common_practice() -> None:
    names = {kpi["name"] for template in builtin_templates() for kpi in template.kpis}

    for expected in (
        "Net revenue retention",
        "Customer satisfaction (CSAT)",
        "First response time",
        "Mean time to restore (MTTR)",
        "Deployment frequency",
        "Change failure rate",
        "Gross margin",
        "Days sales outstanding (DSO)",
        "Employee NPS (eNPS)",
        "Time to hire",
        "Uptime of core systems",
    ):
        assert expected in names


def test_without_a_company_folder_only_the_built_in_templates_are_listed(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TEMPLATE_LIBRARY_DIR = None

    found = library()

    assert [t.source for t in found.templates] == ["builtin"] * len(DEPARTMENTS)
    assert found.problems == ()


def test_a_file_dropped_in_the_company_folder_is_listed_as_the_companys(
    company_dir: Path,
) -> None:
    (company_dir / "legal.yaml").write_text(LEGAL, encoding="utf-8")
    (company_dir / "notes.txt").write_text("not a template", encoding="utf-8")

    found = library()

    template = found.get("company-legal")
    assert template is not None
    assert (template.source, template.department, template.file) == (
        "company",
        "Legal",
        "legal.yaml",
    )
    assert [t.kpis[0]["name"] for t in found.templates if t.is_company] == ["Contracts reviewed"]
    assert found.search(department="legal") == [template]
    assert found.search(source="company") == [template]


def test_a_broken_company_file_is_reported_with_its_file_line_and_field(
    company_dir: Path,
) -> None:
    (company_dir / "legal.yaml").write_text(LEGAL, encoding="utf-8")
    (company_dir / "broken.yml").write_text(
        "version: 1\ntemplate: {name: Ops, department: Ops}\nobjectives:\n- key: faster\n"
        "  title: Faster\n  key_results:\n  - key: cycle\n    title: Cycle time\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    (company_dir / "teamed.json").write_text(
        '{"version": 1, "template": {"name": "T", "department": "T"},\n'
        ' "kpis": [{"key": "k", "name": "K", "team": "sales", "target": 1}]}',
        encoding="utf-8",
    )
    (company_dir / "bad-yaml.yaml").write_text("version: 1\ntemplate: [\n", encoding="utf-8")

    found = library()

    assert [t.key for t in found.templates if t.is_company] == ["company-legal"]
    problems = sorted(str(problem) for problem in found.problems)
    assert problems[1] == (
        "broken.yml:9: objectives[0].key_results[0].colour: is not a field of the format"
    )
    assert problems[0].startswith("bad-yaml.yaml:3: document: not valid YAML or JSON")
    assert (
        problems[2]
        == "teamed.json:2: kpis[0].team: is not part of a template: it is chosen when used"
    )


def test_a_document_without_the_template_header_is_no_template(company_dir: Path) -> None:
    (company_dir / "export.yaml").write_text(
        "version: 1\nkpis:\n- {key: k, name: K, team: sales, target: 1}\n", encoding="utf-8"
    )

    problems = [str(problem) for problem in library().problems]

    assert problems[0].startswith("export.yaml:1: template: is required")
    assert problems[1:] == [
        "export.yaml:3: kpis[0].team: is not part of a template: it is chosen when used"
    ]


def test_a_file_is_read_again_only_when_it_changed(
    company_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = company_dir / "legal.yaml"
    path.write_text(LEGAL, encoding="utf-8")
    reads: list[Path] = []
    real = catalog._read_company_file
    monkeypatch.setattr(
        catalog, "_read_company_file", lambda p, key: reads.append(p) or real(p, key)
    )

    library()
    library()
    assert reads == [path]

    path.write_text(LEGAL.replace("Legal", "Legal and compliance"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    found = library()

    assert reads == [path, path]
    template = found.get("company-legal")
    assert template is not None
    assert template.name == "Legal and compliance"


def test_the_folder_is_read_within_its_bounds(
    company_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "MAX_FILES", 2)
    monkeypatch.setattr(catalog, "MAX_BYTES", 400)
    (company_dir / "a.yaml").write_text(LEGAL, encoding="utf-8")
    (company_dir / "b.yaml").write_text(LEGAL + "#" * 400, encoding="utf-8")
    (company_dir / "c.yaml").write_text(LEGAL, encoding="utf-8")

    found = library()

    assert [t.key for t in found.templates if t.is_company] == ["company-a"]
    messages = sorted(str(problem) for problem in found.problems)
    assert "b.yaml: document: is 586 bytes; a template may have at most 400" in messages
    assert any("only the first 2 (by name) are read" in m for m in messages)


def test_a_missing_folder_is_a_problem_not_an_error(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TEMPLATE_LIBRARY_DIR = tmp_path / "nowhere"

    found = library()

    assert len(found.templates) == len(DEPARTMENTS)
    (problem,) = found.problems
    assert "the folder cannot be read" in problem.message


def test_search_finds_a_template_by_department_name_or_title() -> None:
    found = library()

    assert [t.key for t in found.search("dora")] == ["engineering"]
    assert [t.key for t in found.search("first response")] == ["customer-support"]
    assert [t.key for t in found.search(department="finance")] == ["finance"]
    assert found.search("no such words anywhere") == []
