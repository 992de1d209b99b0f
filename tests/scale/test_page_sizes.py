"""Pages stay bounded in rows: from a 2,000-person company to a 10,000-person one, each page's
HTML grows by no more than a small margin, and no page passes 300 KB.

Real companies (`goalkeeper demo --people N`) served by `goalkeeper serve`, each in a data
directory of its own, by the benchmark's builder and server (docs/benchmarks.md). They are
built once for the whole run: the tests share one xdist group, and, since pytest 9.2 no
longer lets pytest-xdist's `loadgroup` keep a group on one worker (pytest-xdist issue
1386), the first worker to need the sizes measures them under a file lock and the others
read what it wrote.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import httpx
import pytest

from benchmarks.company import PASSWORD, Site, build, inside
from benchmarks.load import login
from benchmarks.server import Ports, Server, running

SMALL, LARGE = 2_000, 10_000
MAX_BYTES = 300 * 1024
# Growth allowed from SMALL to LARGE: a share of the small page plus a few names and numbers.
GROWTH_SHARE, GROWTH_BYTES = 0.10, 2 * 1024

PAGES = {
    "home": lambda ids: "/",
    "objective page": lambda ids: f"/objectives/{ids['objective']}/",
    "cycle board": lambda ids: f"/objectives/cycle/{ids['cycle']}/",
    "alignment": lambda ids: "/alignment/",
    "strategy map": lambda ids: "/alignment/map/",
    "insights": lambda ids: "/insights/",
    "cycle review": lambda ids: f"/cycles/{ids['closed_cycle']}/review/",
    "KPI board": lambda ids: "/kpis/",
    "KPI page": lambda ids: f"/kpis/{ids['kpi']}/",
    "dashboards": lambda ids: "/dashboards/",
    "dashboard": lambda ids: f"/dashboards/{ids['dashboard']}/",
    "people admin": lambda ids: "/admin/people/",
    "exports": lambda ids: "/exports/",
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("scale"),
    # The companies live in their own SQLite files; a PostgreSQL pass would prove nothing more.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs once, in the SQLite pass (it builds its own companies)",
    ),
]


def _sizes(root: Path, people: int) -> dict[str, int]:
    """The HTML size of every page, fetched by the admin of a company of `people` people."""
    site = Site(root / f"company-{people}")
    build(site, people)
    ids = inside(site, "prepare", "--people", "1", "--series", "0")
    server = Server(site, Ports(None).take(), None, root / f"serve-{people}.log")
    sizes: dict[str, int] = {}
    with running([server]):
        admin = login(server.base_url, ids["people"][0]["email"], PASSWORD)
        with httpx.Client(base_url=server.base_url, cookies=admin.cookies, timeout=600) as client:
            for name, path in PAGES.items():
                answer = client.get(path(ids))
                assert answer.status_code == 200, f"{name}: {answer.status_code}"
                sizes[name] = len(answer.content)
    return sizes


def _measure(root: Path) -> dict[int, dict[str, int]]:
    return {people: _sizes(root, people) for people in (SMALL, LARGE)}


@pytest.fixture(scope="module")
def sizes(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, int]]:
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return _measure(tmp_path_factory.mktemp("scale"))
    # Under xdist: one directory per run shared by the workers (each has its own below it).
    shared = tmp_path_factory.getbasetemp().parent / "scale"
    shared.mkdir(exist_ok=True)
    answer = shared / "sizes.json"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not answer.is_file():
            answer.write_text(json.dumps(_measure(shared)))
    return {int(people): pages for people, pages in json.loads(answer.read_text()).items()}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_does_not_grow_with_the_company(sizes: dict[int, dict[str, int]], page: str) -> None:
    small, large = sizes[SMALL][page], sizes[LARGE][page]
    allowed = small * (1 + GROWTH_SHARE) + GROWTH_BYTES
    assert large <= allowed, (
        f"{page}: {large:,} bytes at {LARGE:,} people, {small:,} at {SMALL:,} "
        f"(at most {allowed:,.0f})"
    )


@pytest.mark.parametrize("page", list(PAGES))
def test_page_is_at_most_300_kb(sizes: dict[int, dict[str, int]], page: str) -> None:
    for people in (SMALL, LARGE):
        assert sizes[people][page] <= MAX_BYTES, (
            f"{page}: {sizes[people][page]:,} bytes at {people:,} people (at most {MAX_BYTES:,})"
        )
