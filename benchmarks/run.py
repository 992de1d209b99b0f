"""`python -m benchmarks.run` (`make benchmark`): build a company, serve it, measure it.

    python -m benchmarks.run                  # 10,000 people, 30 s per load phase
    python -m benchmarks.run --quick          # 2,000 people, short phases
    python -m benchmarks.run --markdown       # also print the tables for docs/benchmarks.md
    python -m benchmarks.run --from-json F    # print the tables of an earlier run

docs/benchmarks.md says what each workload measures and lists the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import machine, report
from benchmarks.company import PASSWORD, Site, build, copy, inside, snapshot
from benchmarks.load import login, token
from benchmarks.server import Ports, Server, running, serve_has_workers
from benchmarks.workloads import (
    Bench,
    w1_ingest,
    w2_pages,
    w3_figures,
    w4_series,
    w5_scaleout,
    w6_cascade,
    w7_ratelimit,
    w8_import,
    write_load,
)

RESULTS = Path(__file__).resolve().parent / "results"
WORKLOADS = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "writes")
SERIES = 100_000


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0] if __doc__ else ""
    )
    parser.add_argument("--people", type=int, default=None, help="company size (10,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 people and short load phases")
    parser.add_argument(
        "--demo", action="store_true", help="the demo company as shipped (32 people)"
    )
    parser.add_argument("--seconds", type=float, default=None, help="each load phase (30; 5)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (the server's default)"
    )
    parser.add_argument("--port", type=int, default=None, help="first port to use (any free)")
    parser.add_argument(
        "--only", default=",".join(WORKLOADS), help=f"workloads to run ({','.join(WORKLOADS)})"
    )
    parser.add_argument(
        "--company", type=Path, default=None, help="copy this built SQLite data dir instead"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCHMARK_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server for W5 (a database is created and dropped); '' skips W5",
    )
    parser.add_argument(
        "--w5-people", type=int, default=None, help="company size for W5 (1,000; 300)"
    )
    parser.add_argument("--work-dir", type=Path, default=None, help="where companies are built")
    parser.add_argument("--json", type=Path, default=None, help="where to write the results")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--from-json", type=Path, default=None, help="print an earlier run")
    args = parser.parse_args(argv)
    if args.people is not None and args.people < 1:
        parser.error("--people: must be at least 1")
    if args.clients < 2:
        parser.error("--clients: must be at least 2 (the write load splits them in two)")
    args.people = args.people or (2_000 if args.quick else 10_000)
    args.seconds = args.seconds or (5.0 if args.quick else 30.0)
    args.w5_people = args.w5_people or (300 if args.quick else 1_000)
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = args.only - set(WORKLOADS)
    if unknown:
        parser.error(f"--only: unknown workloads {', '.join(sorted(unknown))}")
    return args


def _work_dir(args: argparse.Namespace) -> Path:
    if args.work_dir is not None:
        return Path(args.work_dir)
    root = os.environ.get("GOALKEEPER_DATA_DIR")
    return Path(root) if root else Path(tempfile.mkdtemp(prefix="goalkeeper-benchmark-"))


def _step(results: dict[str, Any], key: str, work: Callable[[], dict[str, Any]]) -> None:
    """Run one workload; a failure is recorded and the others still run."""
    print(f"... {key}", flush=True)
    started = time.perf_counter()
    try:
        results[key] = work()
    except Exception as error:
        traceback.print_exc()
        results[key] = {"error": f"{type(error).__name__}: {error}"}
    print(f"    {key} done in {time.perf_counter() - started:.0f} s", flush=True)


def _served(
    args: argparse.Namespace,
    results: dict[str, Any],
    site: Site,
    ids: dict[str, Any],
    raw: Path,
    ports: Ports,
) -> None:
    """The workloads that talk to the server: W2, W4, W1, then the write load."""
    has_workers = serve_has_workers(site)
    server = Server(
        site, ports.take(), args.workers if has_workers else None, raw.parent / "serve.log"
    )
    results["server"] = (
        f"goalkeeper serve --workers {args.workers or 'default'}"
        if has_workers
        else "goalkeeper serve (one process: this version has no --workers)"
    )
    with running([server]):
        people = ids["people"]
        admin = people[0]["email"]
        bench = Bench(
            site=site,
            base_url=server.base_url,
            ids=ids,
            people=[login(server.base_url, p["email"], PASSWORD) for p in people],
            admins=[login(server.base_url, admin, PASSWORD) for _ in people],
            tokens=[token(p["token"]) for p in people],
            seconds=args.seconds,
        )
        if "w2" in args.only:
            _step(results, "w2", lambda: w2_pages.run(bench))
        if "w4" in args.only:
            _step(results, "w4", lambda: w4_series.run(bench))
        if "w1" in args.only:
            _step(results, "w1", lambda: w1_ingest.run(bench, raw))
        if "writes" in args.only:
            # Batches take seconds each: a longer phase gives the p95 enough of them.
            bench.seconds = max(args.seconds * 2, 10.0)
            _step(results, "writes", lambda: write_load.run(bench))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    work = _work_dir(args)
    site = Site(work / "company")
    ports = Ports(args.port)
    pg = args.pg_url or None
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "people": args.people,
        "quick": args.quick,
        "machine": machine.describe(pg),
    }
    results["demo"] = args.demo and not args.company
    if args.company:
        print(f"Copying the company of {args.company} to {site.data_dir} ...", flush=True)
        built = copy(args.company, site)
    else:
        size = "the demo company" if args.demo else f"a company of {args.people:,} people"
        print(f"Building {size} in {site.data_dir} ...", flush=True)
        built = build(site, None if args.demo else args.people)
    series = SERIES if "w4" in args.only else 0
    ids = inside(site, "prepare", "--people", str(args.clients), "--series", str(series))
    # Counted before the benchmark's own KPIs and values were added.
    results["company"] = {"build_s": built.seconds, "counts": ids["counts"]}
    results["people"] = ids["counts"]["people"]
    results["picked"] = {
        k: v for k, v in ids.items() if k not in ("people", "key_results", "counts")
    }
    raw = work / "raw-copy.sqlite3"
    if "w1" in args.only:
        snapshot(site, raw)  # before the server writes anything
    if args.only & {"w1", "w2", "w4", "writes"}:
        _served(args, results, site, ids, raw, ports)
    if "w3" in args.only:
        _step(results, "w3", lambda: w3_figures.run(site))
    if "w6" in args.only:
        _step(results, "w6", lambda: w6_cascade.run(site))
    if "w7" in args.only:
        count = 100 if args.quick else 300
        _step(results, "w7", lambda: w7_ratelimit.run(site, ids, count))
    if "w5" in args.only:
        if pg and machine.postgresql_version(pg):
            _step(
                results,
                "w5",
                lambda: w5_scaleout.run(pg, work, args.w5_people, args.seconds, ports),
            )
        else:
            results["w5"] = {"error": f"PostgreSQL does not answer at {pg!r}: W5 skipped"}
    if "w8" in args.only:
        # Last: it adds a workspace (the imported company) to the copy it measures.
        _step(results, "w8", lambda: w8_import.run(site))
    raw.unlink(missing_ok=True)
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
    else:
        results = measure(args)
        target = args.json or RESULTS / f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(results, indent=2))
    made = report.tables(results)
    print(report.text(made))
    if args.markdown:
        print("\n" + report.markdown(made))
    if not args.from_json:
        print(f"\nResults: {target}")


if __name__ == "__main__":
    main()
