"""The results as tables: plain text for the console, Markdown for docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.load import CLIENT_NOTE

FULL_SCALE = 10_000


@dataclass(frozen=True)
class Table:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    note: str = ""


def _kb(size: int | None) -> str:
    if size is None:
        return "-"
    return f"{size / 1024:,.1f} KB" if size < 10 * 1024 else f"{size / 1024:,.0f} KB"


def _n(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _failed(section: object) -> str | None:
    if isinstance(section, dict) and "error" in section:
        return str(section["error"])
    return None


def machine(results: dict[str, Any]) -> Table:
    m = results["machine"]
    rows = [
        ["CPU", f"{m['cpu']}, {m['cores']} cores"],
        ["memory", f"{m['memory_gb']} GB"],
        ["system", m["system"]],
        ["Python / SQLite / PostgreSQL", f"{m['python']} / {m['sqlite']} / {m['postgresql']}"],
        ["commit", m.get("commit") or "-"],
        ["load average at start", _n(m.get("load_average"))],
        ["server", results.get("server", "-")],
        ["company", _company(results)],
    ]
    return Table("Machine and run", ["", ""], rows, CLIENT_NOTE)


def _company(results: dict[str, Any]) -> str:
    company = results["company"]
    counts = company.get("counts") or {}
    parts = [f"{results['people']:,} people"]
    names = {"kpis": "KPIs", "key_results": "key results"}
    parts += [f"{v:,} {names.get(k, k)}" for k, v in counts.items() if k != "people"]
    built = company.get("build_s")
    parts.append(f"built in {built:.1f} s" if built is not None else "copied, not built")
    return ", ".join(parts)


def w1(section: dict[str, Any]) -> Table:
    rows = [
        [
            p["phase"],
            _n(p["values"]),
            _n(p["api_rows_per_s"]),
            _n(p["raw_rows_per_s"]),
            f"{p['ratio']:.3f}x",
        ]
        for p in section["phases"]
    ]
    rows.append(["both", "", "", "", f"{section['ratio']:.3f}x"])
    return Table(
        "W1 batch ingest: API against raw SQLite executemany",
        ["phase", "values", "API rows/s", "raw rows/s", "ratio"],
        rows,
    )


def w2_alone(section: dict[str, Any]) -> Table:
    rows = [
        [e["name"], e["path"], e["error"], "", "", ""]
        if "error" in e
        else [
            e["name"],
            e["path"],
            e["status"],
            _n(e["ms"]),
            _kb(e["html_bytes"]),
            _kb(e["wire_bytes"]),
        ]
        for e in section["endpoints"]
    ]
    return Table(
        "W2 pages and API lists, one request (median of 3)",
        ["page", "path", "status", "ms", "size", "sent"],
        rows,
    )


def w2_load(section: dict[str, Any]) -> Table:
    rows = [
        [
            e["name"],
            _n(e["load"]["rps"]),
            _n(e["load"]["p50_ms"]),
            _n(e["load"]["p95_ms"]),
            _n(e["load"]["errors"]),
            f"{e['load']['client_cpu_share']:.0%}",
        ]
        for e in section["endpoints"]
        if "load" in e
    ]
    return Table(
        f"W2 under load: {section['clients']} clients, own sessions, "
        f"{section['seconds']:.0f} s closed loop each",
        ["page", "req/s", "p50 ms", "p95 ms", "errors", "client CPU"],
        rows,
    )


def w3(section: dict[str, Any]) -> Table:
    rows = [
        [
            _n(section["objectives"]),
            _n(section["key_results"]),
            _n(section["read_ms"]),
            _n(section["compute_ms"]),
            _n(section["total_ms"]),
        ]
    ]
    return Table(
        "W3 figures of every objective through the read model (median of 3)",
        ["objectives", "key results", "read ms", "compute ms", "total ms"],
        rows,
    )


def w6(section: dict[str, Any]) -> Table:
    rows = [
        [label, _n(section[key]["ms"]), _n(section[key]["queries"])]
        for label, key in (
            (f"check-in at the bottom of a {section['levels']}-level chain", "chain_check_in"),
            (f"check-in of one of {section['fan']:,} contributors", "fan_check_in"),
            (f"{section['fan']:,} contributors with their shares", "contributors_read"),
        )
    ]
    return Table(
        f"W6 cascade roll-ups (median of {section['repeat']})", ["action", "ms", "queries"], rows
    )


def w7(section: dict[str, Any]) -> Table:
    upsert = section["upsert"]
    rows: list[list[object]] = [
        [
            "the count alone (one upsert, its own transaction)",
            _n(upsert["per_second"]),
            "",
            f"{upsert['us'] / 1000:.2f}",
            "",
        ]
    ]
    rows += [
        [
            f"GET {r['path']}",
            _n(r["with_per_second"]),
            _n(r["without_per_second"]),
            f"{r['added_ms']:.2f}",
            f"{r['share']:.0%}",
        ]
        for r in section["requests"]
    ]
    return Table(
        f"W7 rate limiter, {section['engine']}, one client in-process "
        f"(median of {section['rounds']} rounds of {section['count']})",
        ["request", "req/s with limit", "req/s without", "ms added", "share"],
        rows,
    )


def w8(section: dict[str, Any]) -> Table:
    created = section["created"]
    steps = section["steps_ms"]
    rows: list[list[object]] = [
        [
            "import into an empty workspace",
            _n(created["objectives"]),
            _n(created["key_results"]),
            _n(created["people"]),
            _n(created["teams"]),
            _n(created["kpis"]),
            _n(created["check_ins"]),
            _n(section["import_ms"]),
            _n(section["rows_per_s"]),
        ],
        [
            "import again (nothing to change)",
            "",
            "",
            "",
            "",
            "",
            "",
            _n(section["reimport_ms"]),
            "",
        ],
    ]
    return Table(
        f"W8 the company through the open format ({_kb(section['document_bytes'])} of YAML; "
        f"peak memory {_n(section['peak_mb'])} MB)",
        [
            "import",
            "objectives",
            "key results",
            "people",
            "teams",
            "KPIs",
            "check-ins",
            "ms",
            "rows/s",
        ],
        rows,
        f"export {_n(steps['export_ms'])} ms, YAML {_n(steps['dump_ms'])} ms; import: "
        f"parse {_n(steps['parse_ms'])} ms, plan {_n(steps['plan_ms'])} ms, apply "
        f"{_n(steps['apply_ms'])} ms; rows/s counts objectives, key results, people, teams "
        "and KPIs created (their check-ins are written too)",
    )


def w4(section: dict[str, Any]) -> Table:
    page = section["page"]
    rows: list[list[object]] = [["KPI page", _n(page["ms"]), "", _kb(page["html_bytes"]), ""]]
    rows += [
        [
            f"{a['period']} aggregate",
            _n(a["api_ms"]),
            _n(a.get("sql_ms")),
            _n(a.get("groups")),
            f"{a['ratio']:.3f}x" if "ratio" in a else "-",
        ]
        for a in section["aggregates"]
    ]
    return Table(
        f"W4 a KPI holding {section['values']:,} values: API against direct SQL",
        ["request", "API ms", "SQL ms", "periods / size", "ratio"],
        rows,
    )


def w5(section: dict[str, Any]) -> Table:
    rows = [
        [
            f"{r['processes']} web + {r['workers']} worker",
            _n(r["rps"]),
            _n(r["p50_ms"]),
            _n(r["p95_ms"]),
            _n(r["errors"]),
        ]
        for r in section["runs"]
    ]
    rows.append(["ratio", f"{section['ratio']}x", "", "", ""])
    return Table(
        f"W5 PostgreSQL, {section['people']:,}-person company, {section['clients']} clients, "
        f"{section['seconds']:.0f} s each (pages, API, check-ins)",
        ["configuration", "req/s", "p50 ms", "p95 ms", "errors"],
        rows,
        ""
        if section.get("serve_workers_flag")
        else "`serve` has no --workers here: two servers on two ports, clients alternating",
    )


def writes(section: dict[str, Any]) -> Table:
    rows = [
        [label, _n(f["requests"]), _n(f["p50_ms"]), _n(f["p95_ms"])]
        for label, f in section["by_label"].items()
    ]
    rows.append(
        [
            f"errors: {section['errors']} (database is locked: {section['locked']}, "
            f"5xx: {section['server_errors']})",
            "",
            "",
            "",
        ]
    )
    return Table(
        f"SQLite write load: {section['batch_clients']} clients posting 10,000-value batches, "
        f"{section['check_in_clients']} checking in, {section['seconds']:.0f} s",
        ["request", "answered", "p50 ms", "p95 ms"],
        rows,
    )


def targets(results: dict[str, Any]) -> Table:
    """Each target of docs/benchmarks.md beside what this run measured."""
    rows: list[list[object]] = []
    full = results["people"] >= FULL_SCALE
    scale = "" if full else f" (measured at {results['people']:,} people)"

    def add(target: str, measured: str, met: bool | None) -> None:
        rows.append([target, measured, "-" if met is None else ("yes" if met else "NO")])

    pages = results.get("w2")
    if pages and not _failed(pages):
        html = [
            e for e in pages["endpoints"] if not e["path"].startswith("/api/") and "error" not in e
        ]
        slow = [e["name"] for e in html if e["ms"] > 150]
        big = [e["name"] for e in html if e["html_bytes"] > 300 * 1024]
        add("every page <= 150 ms" + scale, ", ".join(slow) or "all", not slow if full else None)
        add("every page <= 300 KB" + scale, ", ".join(big) or "all", not big if full else None)
        by_name = {e["name"]: e.get("load") for e in pages["endpoints"]}
        demo = bool(results.get("demo"))
        for name, goal in (("home", 120), ("objective page", 110), ("objective list", 25)):
            load = by_name.get(name)
            if load:
                where = "" if demo else f" (measured at {results['people']:,} people)"
                add(
                    f"demo company: {name} >= {goal} req/s{where}",
                    f"{load['rps']:.1f} req/s",
                    load["rps"] >= goal if demo else None,
                )
        for name in ("home", "objective page", "KPI page"):
            load = by_name.get(name)
            if load:
                ok = load["rps"] >= 80 and load["p95_ms"] <= 300
                add(
                    f"{name} >= 80 req/s, p95 <= 300 ms{scale}",
                    f"{load['rps']:.1f} req/s, p95 {load['p95_ms']:.0f} ms",
                    ok if full else None,
                )
    for key, name, least in (("w1", "W1", 0.25), ("w4", "W4", 0.3), ("w5", "W5", 1.7)):
        section = results.get(key)
        if section and not _failed(section) and section.get("ratio") is not None:
            add(f"{name} >= {least}x", f"{section['ratio']}x", section["ratio"] >= least)
    built = results["company"].get("build_s")
    if built is not None:
        add("demo --people 10000 <= 60 s" + scale, f"{built:.1f} s", built <= 60 if full else None)
    load = results.get("writes")
    if load and not _failed(load):
        add("0 errors in the write-load run", str(load["errors"]), load["errors"] == 0)
    return Table("Targets", ["target", "measured", "met"], rows)


def tables(results: dict[str, Any]) -> list[Table]:
    made = [machine(results)]
    for key, builders in (
        ("w1", [w1]),
        ("w2", [w2_alone, w2_load]),
        ("w3", [w3]),
        ("w4", [w4]),
        ("writes", [writes]),
        ("w5", [w5]),
        ("w6", [w6]),
        ("w7", [w7]),
        ("w8", [w8]),
    ):
        section = results.get(key)
        if section is None:
            continue
        error = _failed(section)
        if error:
            made.append(Table(f"{key}: failed", ["error"], [[error]]))
            continue
        made += [build(section) for build in builders]
    made.append(targets(results))
    return made


def text(made: Sequence[Table]) -> str:
    out: list[str] = []
    for table in made:
        cells = [[str(h) for h in table.headers]] + [[str(c) for c in r] for r in table.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(table.headers))]
        out += ["", table.title, "-" * len(table.title)]
        for number, row in enumerate(cells):
            if number == 0 and not any(row):
                continue
            out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if table.note:
            out.append(f"({table.note})")
    return "\n".join(out)


def markdown(made: Sequence[Table]) -> str:
    out: list[str] = []
    for table in made:
        out += ["", f"**{table.title}**", ""]
        headers = [str(h) or " " for h in table.headers]
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "---|" * len(headers))
        out += ["| " + " | ".join(str(c) for c in row) + " |" for row in table.rows]
        if table.note:
            out += ["", f"_{table.note}_"]
    return "\n".join(out).strip() + "\n"
