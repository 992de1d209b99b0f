"""The benchmark's arithmetic and report, on made-up figures (docs/benchmarks.md).

The benchmark itself measures times and is never run by the suite; these tests keep its
report from rotting: every section renders, and each target is judged only at its scale.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import report
from benchmarks.load import percentile
from benchmarks.run import parse


def _load(rps: float, p95: float) -> dict[str, Any]:
    return {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "errors": 0, "client_cpu_share": 0.2}


def _results(people: int) -> dict[str, Any]:
    page = {"status": 200, "wire_bytes": 1000}
    return {
        "people": people,
        "demo": False,
        "machine": {
            "cpu": "CPU",
            "cores": 2,
            "memory_gb": 8.0,
            "system": "Linux",
            "python": "3.11",
            "sqlite": "3.40",
            "postgresql": None,
            "commit": "abc",
            "load_average": 0.5,
        },
        "server": "goalkeeper serve",
        "company": {"build_s": 50.0, "counts": {"people": people, "kpis": 10}},
        "w1": {
            "phases": [
                {
                    "phase": "new",
                    "values": 10,
                    "api_rows_per_s": 1,
                    "raw_rows_per_s": 2,
                    "ratio": 0.5,
                }
            ],
            "ratio": 0.5,
        },
        "w2": {
            "clients": 16,
            "seconds": 30.0,
            "endpoints": [
                {
                    **page,
                    "name": "home",
                    "path": "/",
                    "ms": 40.0,
                    "html_bytes": 40_000,
                    "load": _load(100.0, 200.0),
                },
                {
                    **page,
                    "name": "KPI board",
                    "path": "/kpis/",
                    "ms": 400.0,
                    "html_bytes": 400_000,
                    "load": _load(5.0, 4000.0),
                },
                {
                    **page,
                    "name": "API KPIs",
                    "path": "/api/v1/kpis",
                    "ms": 900.0,
                    "html_bytes": 900_000,
                },
            ],
        },
        "w3": {
            "objectives": 1,
            "key_results": 2,
            "read_ms": 1.0,
            "compute_ms": 2.0,
            "total_ms": 3.0,
        },
        "w4": {
            "values": 100_000,
            "page": {"ms": 10.0, "html_bytes": 1000, "status": 200},
            "aggregates": [
                {"period": "daily", "api_ms": 10.0, "sql_ms": 5.0, "groups": 3, "ratio": 0.5}
            ],
            "ratio": 0.5,
        },
        "writes": {
            "batch_clients": 8,
            "check_in_clients": 8,
            "seconds": 10.0,
            "errors": 1,
            "locked": 1,
            "server_errors": 1,
            "by_label": {"batch": {"requests": 3, "p50_ms": 1.0, "p95_ms": 2.0}},
        },
        "w5": {"error": "PostgreSQL does not answer"},
        "w6": {
            "levels": 5,
            "fan": 200,
            "repeat": 5,
            "chain_check_in": {"ms": 12.0, "queries": 40},
            "fan_check_in": {"ms": 8.0, "queries": 20},
            "contributors_read": {"ms": 3.0, "queries": 2},
        },
        "w8": {
            "document_bytes": 345_831,
            "created": {
                "objectives": 73,
                "key_results": 207,
                "people": 31,
                "teams": 8,
                "kpis": 85,
                "check_ins": 1_894,
            },
            "rows": 404,
            "import_ms": 4_000.0,
            "rows_per_s": 101.0,
            "reimport_ms": 900.0,
            "steps_ms": {
                "export_ms": 90.0,
                "dump_ms": 400.0,
                "parse_ms": 600.0,
                "plan_ms": 400.0,
                "apply_ms": 3_000.0,
            },
            "peak_mb": 350.0,
        },
    }


def _targets(results: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {str(row[0]): (str(row[1]), str(row[2])) for row in report.targets(results).rows}


def test_every_section_renders_as_text_and_markdown() -> None:
    made = report.tables(_results(10_000))
    text, markdown = report.text(made), report.markdown(made)
    for title in ("W1", "W2", "W3", "W4", "W6", "W8", "SQLite write load", "w5: failed"):
        assert title in text
        assert title in markdown
    assert "Targets" in text
    assert (
        "| import into an empty workspace | 73 | 207 | 31 | 8 | 85 | 1,894 | 4,000.0 | 101.0 |"
        in (markdown)
    )


def test_targets_are_judged_at_full_scale() -> None:
    targets = _targets(_results(10_000))
    assert targets["every page <= 150 ms"] == ("KPI board", "NO")
    assert targets["every page <= 300 KB"] == ("KPI board", "NO")
    assert targets["home >= 80 req/s, p95 <= 300 ms"][1] == "yes"
    assert targets["W1 >= 0.25x"] == ("0.5x", "yes")
    assert targets["0 errors in the write-load run"] == ("1", "NO")


def test_targets_of_another_scale_are_shown_but_not_judged() -> None:
    targets = _targets(_results(2_000))
    assert targets["every page <= 150 ms (measured at 2,000 people)"] == ("KPI board", "-")
    assert targets["demo company: home >= 120 req/s (measured at 2,000 people)"][1] == "-"


@pytest.mark.parametrize(("share", "expected"), [(0.5, 5.0), (0.95, 10.0), (0.0, 1.0), (1.0, 10.0)])
def test_percentile_is_nearest_rank(share: float, expected: float) -> None:
    assert percentile([float(n) for n in range(10, 0, -1)], share) == expected


def test_quick_is_smaller_and_shorter() -> None:
    quick, full = parse(["--quick"]), parse([])
    assert (quick.people, quick.seconds, quick.w5_people) == (2_000, 5.0, 300)
    assert (full.people, full.seconds, full.w5_people) == (10_000, 30.0, 1_000)


def test_an_unknown_workload_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse(["--only", "w2,w9"])
    assert "--only: unknown workloads w9" in capsys.readouterr().err


def test_a_company_of_nobody_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse(["--people", "0"])
    assert "--people: must be at least 1" in capsys.readouterr().err
