"""The workloads: each takes a `Bench` and answers a JSON-ready dict of figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.company import Site
from benchmarks.load import Identity


@dataclass
class Bench:
    """A running site and who may talk to it."""

    site: Site
    base_url: str
    ids: dict[str, Any]  # what `benchmarks.inside prepare` picked and made
    people: list[Identity]  # sessions of different people (the admin first, then editors)
    admins: list[Identity]  # as many sessions of the admin, for the admin pages
    tokens: list[Identity]  # an API token of each person in `people`
    seconds: float  # length of each load phase
