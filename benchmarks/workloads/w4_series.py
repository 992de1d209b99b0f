"""W4: a KPI holding 100,000 values: its page, and its daily, weekly and monthly aggregates
through the API against the same grouping run directly in SQL."""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.load import single
from benchmarks.workloads import Bench

# The period of each frequency as SQLite groups it (the demo's zone is UTC; weeks start on
# Monday, as the product's periods do).
PERIODS = {
    "daily": "strftime('%Y-%m-%d', timestamp)",
    "weekly": "date(timestamp, '-6 days', 'weekday 1')",
    "monthly": "strftime('%Y-%m', timestamp)",
}


def _direct(database: Path, kpi: int, period: str, repeat: int = 3) -> tuple[float, int]:
    sql = (
        f"SELECT {PERIODS[period]} AS period, AVG(value), COUNT(*) FROM kpis_measurement "  # noqa: S608 - fixed expressions
        "WHERE kpi_id = ? GROUP BY period ORDER BY period"
    )
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        times, rows = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            rows = len(connection.execute(sql, (kpi,)).fetchall())
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return statistics.median(times) * 1000, rows


def run(bench: Bench) -> dict[str, Any]:
    kpi = int(bench.ids["series_kpi"])
    page = single(bench.base_url, bench.people[0], f"/kpis/{kpi}/")
    database = bench.site.sqlite_path
    rows = []
    for period in PERIODS:
        path = f"/api/v1/kpis/{kpi}/measurements?period={period}&limit=10000"
        api = single(bench.base_url, bench.tokens[0], path)
        row: dict[str, Any] = {"period": period, "api_ms": api.ms, "status": api.status}
        if database is not None:
            sql_ms, groups = _direct(database, kpi, period)
            row.update(sql_ms=round(sql_ms, 1), groups=groups, ratio=round(sql_ms / api.ms, 3))
        rows.append(row)
    ratios = [row["ratio"] for row in rows if "ratio" in row]
    return {
        "values": bench.ids["series_values"],
        "page": {"ms": page.ms, "html_bytes": page.html_bytes, "status": page.status},
        "aggregates": rows,
        "ratio": min(ratios) if ratios else None,
    }
