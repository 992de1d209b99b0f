"""Comments and docs point to pages that exist in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A reference to a Markdown page: `docs/scoring.md`, `scoring.md`, `adr/0003-....md`.
MD_REFERENCE = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
SOURCES = ("*.py", "*.html", "*.js", "*.css")


def _resolves(reference: str, near: Path) -> bool:
    candidates = (ROOT / reference, ROOT / "docs" / reference, near.parent / reference)
    return any(candidate.is_file() for candidate in candidates)


def test_every_markdown_page_named_in_the_code_exists() -> None:
    missing = []
    for pattern in SOURCES:
        for path in (ROOT / "goalkeeper").rglob(pattern):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for reference in MD_REFERENCE.findall(line):
                    if not _resolves(reference, path):
                        missing.append(f"{path.relative_to(ROOT)}:{number}: {reference}")
    assert missing == []


def test_every_link_between_docs_pages_resolves() -> None:
    missing = []
    for path in [ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").rglob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", path.read_text("utf-8")):
            if not (path.parent / target).is_file():
                missing.append(f"{path.relative_to(ROOT)}: {target}")
    assert missing == []
