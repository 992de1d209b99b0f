"""Goalkeeper's benchmark: `make benchmark` (or `python -m benchmarks.run`).

It builds a demo company, starts the production server and measures ingest, pages, the read
model, long series, scale-out on PostgreSQL and SQLite under write load. docs/benchmarks.md
says what each workload measures and lists the targets.
"""
