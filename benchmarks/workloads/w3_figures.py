"""W3: the figures (progress, status) of every objective of the company, through the read
model (`goalkeeper/okrs/figures.py`), in a process of its own against the built database."""

from __future__ import annotations

from typing import Any

from benchmarks.company import Site, inside


def run(site: Site) -> dict[str, Any]:
    return inside(site, "figures", "--repeat", "3")
