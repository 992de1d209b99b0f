"""W7: the rate limiter's write per API request (docs/benchmarks.md), in a process of its own
against the built database: the upsert alone, and API requests with the limiter on and off."""

from __future__ import annotations

from typing import Any

from benchmarks.company import Site, inside


def run(site: Site, ids: dict[str, Any], count: int) -> dict[str, Any]:
    token = ids["people"][0]["token"]
    paths = ["/api/v1/me", f"/api/v1/objectives/{ids['objective']}", "/api/v1/objectives"]
    args = ["ratelimit", "--token", token, "--count", str(count), "--rounds", "5"]
    for path in paths:
        args += ["--path", path]
    return inside(site, *args)
