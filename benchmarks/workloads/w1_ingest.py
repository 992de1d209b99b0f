"""W1: 10,000 values through `POST /api/v1/kpis/{id}/measurements` (new, then sent again)
against raw `sqlite3` `executemany` of the same rows into the same table and indexes, on a
copy of the database file."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.workloads import Bench

VALUES = 10_000
START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _points(shift: float) -> list[tuple[dt.datetime, float]]:
    return [(START + dt.timedelta(minutes=i), 100.0 + (i % 97) + shift) for i in range(VALUES)]


def _api(bench: Bench, kpi: int, points: list[tuple[dt.datetime, float]]) -> float:
    body = [{"timestamp": ts.isoformat(), "value": value} for ts, value in points]
    with httpx.Client(base_url=bench.base_url, headers=bench.tokens[0].headers, timeout=300) as c:
        started = time.perf_counter()
        answer = c.post(f"/api/v1/kpis/{kpi}/measurements", json=body)
        seconds = time.perf_counter() - started
    answer.raise_for_status()
    return seconds


def _raw(copy: Path, kpi: int, points: list[tuple[dt.datetime, float]], upsert: bool) -> float:
    # Django stores an instant in SQLite as UTC text without a zone.
    rows = [(kpi, ts.strftime("%Y-%m-%d %H:%M:%S"), value) for ts, value in points]
    sql = "INSERT INTO kpis_measurement (kpi_id, timestamp, value) VALUES (?, ?, ?)"
    if upsert:
        sql += " ON CONFLICT (kpi_id, timestamp) DO UPDATE SET value = excluded.value"
    connection = sqlite3.connect(copy, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(sql, rows)
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def run(bench: Bench, copy: Path) -> dict[str, Any]:
    """`copy`: a snapshot of the database taken before the API wrote anything."""
    kpi = int(bench.ids["ingest_kpi"])
    phases: list[dict[str, Any]] = []
    api_total = raw_total = 0.0
    for name, shift, upsert in (("new", 0.0, False), ("re-sent", 0.5, True)):
        points = _points(shift)
        api_s = _api(bench, kpi, points)
        raw_s = _raw(copy, kpi, points, upsert)
        api_total += api_s
        raw_total += raw_s
        phases.append(
            {
                "phase": name,
                "values": VALUES,
                "api_rows_per_s": round(VALUES / api_s),
                "raw_rows_per_s": round(VALUES / raw_s),
                "ratio": round(raw_s / api_s, 3),
            }
        )
    return {"phases": phases, "ratio": round(raw_total / api_total, 3)}
