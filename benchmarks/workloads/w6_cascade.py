"""W6: a cascade at company scale: a check-in at the bottom of a 5-level chain of key results
that add their contributors up, one of 200 contributors of a wide key result, and the read of
those 200 contributors with their shares; timed and with queries counted, in a process of its
own against the built database (it adds its objectives to the copy it measures)."""

from __future__ import annotations

from typing import Any

from benchmarks.company import Site, inside


def run(site: Site) -> dict[str, Any]:
    return inside(site, "cascade", "--levels", "5", "--fan", "200", "--repeat", "5")
