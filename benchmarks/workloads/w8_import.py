"""W8: the company through the open format: exported, imported into an empty workspace by
`goalkeeper.portability.services.import_document` (as `goalkeeper import` does), then imported
again (nothing to change); in a process of its own against the built database (it adds the
new workspace to the copy it measures, so it runs last)."""

from __future__ import annotations

from typing import Any

from benchmarks.company import Site, inside


def run(site: Site) -> dict[str, Any]:
    return inside(site, "import")
