"""W2: every page and the main API lists, alone (time and size), then under load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from benchmarks.load import Call, Identity, Plan, closed_loop, single
from benchmarks.workloads import Bench


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    who: str  # "people" (sessions of different people), "admin" or "token" (the API)


def endpoints(ids: dict[str, Any]) -> list[Endpoint]:
    """The pages of docs/benchmarks.md, on the objects `benchmarks.inside prepare` picked."""
    return [
        Endpoint("home", "/", "people"),
        Endpoint("objective list", "/objectives/", "people"),
        Endpoint("cycle board", f"/objectives/cycle/{ids['cycle']}/", "people"),
        Endpoint("objective page", f"/objectives/{ids['objective']}/", "people"),
        Endpoint("alignment", "/alignment/", "people"),
        Endpoint("strategy map", "/alignment/map/", "people"),
        Endpoint(
            "strategy map nodes",
            f"/alignment/map/nodes/?cycle={ids['cycle']}&parent={ids['objective']}",
            "people",
        ),
        Endpoint("insights", "/insights/", "people"),
        Endpoint("cycle review", f"/cycles/{ids['closed_cycle']}/review/", "people"),
        Endpoint("KPI board", "/kpis/", "people"),
        Endpoint("KPI page", f"/kpis/{ids['kpi']}/", "people"),
        Endpoint("sources", "/sources/", "people"),
        Endpoint("exports", "/exports/", "people"),
        Endpoint("dashboards", "/dashboards/", "people"),
        Endpoint("dashboard", f"/dashboards/{ids['dashboard']}/", "people"),
        Endpoint("people admin", "/admin/people/", "admin"),
        Endpoint("teams admin", "/admin/teams/", "admin"),
        # A common word, so that every kind of the search has hits to rank and bound.
        Endpoint("search", "/search/?q=re", "people"),
        Endpoint("search (palette)", "/search/?q=re&format=json", "people"),
        Endpoint("API objectives", "/api/v1/objectives", "token"),
        Endpoint("API key results", "/api/v1/key-results", "token"),
        Endpoint("API KPIs", "/api/v1/kpis", "token"),
        Endpoint("API people", "/api/v1/people", "token"),
        Endpoint("API teams", "/api/v1/teams", "token"),
        Endpoint("API cycles", "/api/v1/cycles", "token"),
    ]


def _who(bench: Bench, who: str) -> list[Identity]:
    return {"people": bench.people, "admin": bench.admins, "token": bench.tokens}[who]


def _always(call: Call) -> Plan:
    def plan(_client: int, _iteration: int) -> Call:
        return call

    return plan


def settle(base_url: str) -> None:
    """Wait until the server has answered what clients gave up on (it still works on them)."""
    httpx.get(f"{base_url}/healthz", timeout=900)


def run(bench: Bench, load: bool = True) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for endpoint in endpoints(bench.ids):
        try:
            rows.append(_endpoint(bench, endpoint, load))
        except httpx.HTTPError as error:
            # One page too slow to time must not lose the others' figures.
            rows.append({"name": endpoint.name, "path": endpoint.path, "error": repr(error)})
            settle(bench.base_url)
    return {"clients": len(bench.people), "seconds": bench.seconds, "endpoints": rows}


def _endpoint(bench: Bench, endpoint: Endpoint, load: bool) -> dict[str, Any]:
    clients = _who(bench, endpoint.who)
    alone = single(bench.base_url, clients[0], endpoint.path)
    row: dict[str, Any] = {
        "name": endpoint.name,
        "path": endpoint.path,
        "status": alone.status,
        "ms": alone.ms,
        "html_bytes": alone.html_bytes,
        "wire_bytes": alone.wire_bytes,
    }
    if load:
        row["load"] = closed_loop(
            [bench.base_url],
            clients,
            _always(Call(endpoint.name, endpoint.path)),
            bench.seconds,
        )
        settle(bench.base_url)
    return row
