"""What links to a KPI, for the page that archives or deletes it (docs/kpis.md, "Upkeep").

The kpis app does not import the apps above it (docs/architecture.md): each app that points
at KPIs (the bridges' key results and recoveries, dashboards' tiles, sources) registers a
reader when Django starts. A reader answers in a bounded number of queries and names at
most `MAX_NAMED` of its objects; the page shows the groups with what archiving and
deleting do to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from goalkeeper.kpis.models import Kpi

# How many objects of one kind the page names; the others are counted.
MAX_NAMED = 10


@dataclass(frozen=True)
class Linked:
    """One object that points at the KPI: its name and, if it has a page, where."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class LinkGroup:
    """The objects of one kind that point at a KPI, and what happens to them."""

    kind: str
    label: str
    count: int
    items: tuple[Linked, ...]
    # What archiving the KPI does to them, and what deleting it does.
    on_archive: str
    on_delete: str

    @property
    def more(self) -> int:
        """How many are counted but not named."""
        return max(self.count - len(self.items), 0)


Reader = Callable[[Kpi], LinkGroup | None]
_readers: dict[str, Reader] = {}


def register(kind: str, reader: Reader) -> None:
    """Add (or replace) the reader of one kind of link; called in `AppConfig.ready`."""
    _readers[kind] = reader


def kpi_links(kpi: Kpi) -> list[LinkGroup]:
    """Every kind of link to `kpi` that has at least one object, in registration order."""
    groups = (reader(kpi) for reader in _readers.values())
    return [group for group in groups if group is not None and group.count]
