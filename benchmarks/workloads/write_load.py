"""SQLite under write load: clients posting 10,000-value batches and clients checking in,
all at once through the API, for a fixed time: errors ("database is locked", any 5xx) and
the check-in p95."""

from __future__ import annotations

import datetime as dt
from typing import Any

from benchmarks.load import Call, closed_loop
from benchmarks.workloads import Bench

BATCH = 10_000
# Far before the demo's history, a different stretch for every batch: each one is new.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _batch(client: int, iteration: int) -> list[dict[str, Any]]:
    start = EPOCH + dt.timedelta(seconds=(client * 1000 + iteration) * BATCH)
    return [
        {"timestamp": (start + dt.timedelta(seconds=i)).isoformat(), "value": float(i % 113)}
        for i in range(BATCH)
    ]


def run(bench: Bench) -> dict[str, Any]:
    kpis: list[int] = bench.ids["load_kpis"]
    key_results: list[dict[str, Any]] = bench.ids["key_results"]
    half = len(bench.tokens) // 2

    def plan(client: int, iteration: int) -> Call:
        if client < half:
            kpi = kpis[client % len(kpis)]
            body = _batch(client, iteration)
            return Call("batch", f"/api/v1/kpis/{kpi}/measurements", "POST", body)
        key_result = key_results[(client - half) % len(key_results)]
        start, target = float(key_result["start"]), float(key_result["target"])
        value = start + (target - start) * ((iteration % 10) / 10)
        return Call(
            "check-in",
            f"/api/v1/key-results/{key_result['id']}/check-ins",
            "POST",
            {"value": value, "confidence": 6},
        )

    result = closed_loop([bench.base_url], bench.tokens, plan, bench.seconds, timeout=300)
    result["batch_clients"] = half
    result["check_in_clients"] = len(bench.tokens) - half
    return result
