"""Generate measurement series in a second process while the loader writes them.

Generating millions of values is pure Python and writing them is the database's work, so a
large demo does both at once: a worker process generates the next KPIs' values while the
loader inserts the previous ones. Each series depends only on its own seed, so the values
are the same as when generated in the loader's process.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from goalkeeper.demo.series import KpiPlan, generate_values

# Below this many KPIs, starting a process costs more than it saves.
PARALLEL_FROM = 1000
# KPIs per task, and tasks generated ahead of the writer: enough to keep the worker busy,
# few enough that the values waiting to be written stay a few megabytes.
TASK_SIZE = 100
AHEAD = 8


def series_values(plans: Sequence[KpiPlan], now: dt.datetime) -> Iterator[list[float]]:
    """`generate_values` of each plan, in order; in a worker process for a large demo."""
    # "fork" only: a spawned worker would import the caller's main module again, which
    # runs it anew when that is a script without a main guard. The forked worker never
    # touches the database connection it inherits, and leaves without closing it.
    forks = "fork" in multiprocessing.get_all_start_methods()
    if len(plans) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not forks:
        for plan in plans:
            yield generate_values(plan, now)
        return
    tasks = [plans[i : i + TASK_SIZE] for i in range(0, len(plans), TASK_SIZE)]
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    pending: deque[Future[list[list[float]]]] = deque()
    try:
        for task in tasks:
            # Keep AHEAD tasks submitted: the worker never waits, memory stays bounded.
            pending.append(pool.submit(generate_many, task, now))
            if len(pending) > AHEAD:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def generate_many(plans: Sequence[KpiPlan], now: dt.datetime) -> list[list[float]]:
    """One task of the worker: the values of several KPIs."""
    return [generate_values(plan, now) for plan in plans]
