"""axe-core in the browser tests: run it on the page as it stands, fail on what hurts people.

axe-core comes from the npm registry (package.json's devDependencies) into node_modules; it is
evaluated in the page through the DevTools protocol, which the Content Security Policy does not
govern, so the pages are checked with the policy they are served with (docs/accessibility.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What fails a test: axe's two highest impacts ("minor" and "moderate" are reported by axe
# but left to review).
FAILING_IMPACTS = frozenset({"serious", "critical"})
# WCAG 2.2 level A and AA, and axe's best practices (landmarks, headings, regions...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make npm` (npm ci) to install axe-core")
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, impacts: frozenset[str] = FAILING_IMPACTS) -> list[dict[str, Any]]:
    """axe's violations on the page now, of the given impacts."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.map(String).join(" "),
                    summary: n.failureSummary || "",
                })),
            }));
        }""",
        TAGS,
    )
    return [violation for violation in result if violation["impact"] in impacts]


def describe(found: list[dict[str, Any]], nodes_each: int = 8) -> str:
    """A readable list: rule, impact, help and its URL, then the elements (selectors)."""
    lines = []
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:nodes_each]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}  [{summary[:200]}]")
        if len(violation["nodes"]) > nodes_each:
            lines.append(f"    ... and {len(violation['nodes']) - nodes_each} more")
    return "\n".join(lines)


def assert_accessible(page: Page, impacts: frozenset[str] = FAILING_IMPACTS) -> None:
    """Fail with axe's list when the page has a violation of the given impacts."""
    found = violations(page, impacts)
    assert not found, f"axe-core on {page.url}:\n{describe(found)}"
