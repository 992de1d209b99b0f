"""What people and teams hold in the apps above accounts: objectives, key results, KPIs...

accounts imports no app above it (docs/architecture.md), so each app registers what its
people own, and how to count it, when Django starts (`register`, from its `AppConfig.ready`).
Pages then show the counts in the order the apps registered, without knowing the apps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person


@dataclass(frozen=True)
class Holding:
    """One kind of thing people own, as the app that owns it counts it."""

    key: str  # "objectives"
    title: str  # "Objectives", a heading
    singular: str  # "objective", in a sentence
    plural: str  # "objectives"
    icon: str  # an icon of goalkeeper_ui
    # How many `person` owns (one query).
    of_person: Callable[[Person], int]
    # How many each of these teams holds (one query), for kinds that belong to a team.
    of_teams: Callable[[Sequence[int]], Mapping[int, int]] | None = None


_registry: dict[str, Holding] = {}


def register(holding: Holding) -> None:
    """Count `holding` on people's and teams' pages (once, whatever the number of calls)."""
    _registry.setdefault(holding.key, holding)


def kinds() -> tuple[Holding, ...]:
    """The registered kinds, in registration order."""
    return tuple(_registry.values())


@dataclass(frozen=True)
class Count:
    """How many of one kind."""

    key: str
    title: str
    singular: str
    plural: str
    icon: str
    count: int

    @property
    def text(self) -> str:
        """ "2 objectives", "1 KPI"."""
        return f"{self.count} {self.singular if self.count == 1 else self.plural}"


def _count(holding: Holding, count: int) -> Count:
    return Count(holding.key, holding.title, holding.singular, holding.plural, holding.icon, count)


def _joined(parts: Sequence[str], last: str) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


@dataclass(frozen=True)
class Holdings:
    """What one person owns, kind by kind."""

    counts: tuple[Count, ...]

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)

    def of(self, key: str) -> int:
        """How many of the kind `key` ("kpis"); 0 for a kind nobody registered."""
        return next((count.count for count in self.counts if count.key == key), 0)

    @property
    def text(self) -> str:
        """ "2 objectives, 1 key result and 0 KPIs"."""
        return _joined([count.text for count in self.counts], _("and"))

    @property
    def none_text(self) -> str:
        """ "no objective, key result or KPI"."""
        return _("no %(things)s") % {
            "things": _joined([str(count.singular) for count in self.counts], _("or"))
        }


def holdings_of(person: Person) -> Holdings:
    """What `person` owns: one query per registered kind."""
    return Holdings(
        tuple(_count(holding, holding.of_person(person)) for holding in _registry.values())
    )


def team_holdings(team_ids: Sequence[int]) -> dict[int, tuple[Count, ...]]:
    """What each team holds, for the kinds that belong to teams: one query per kind."""
    per_kind = [
        (holding, holding.of_teams(team_ids))
        for holding in _registry.values()
        if holding.of_teams is not None
    ]
    return {
        team_id: tuple(_count(holding, counts.get(team_id, 0)) for holding, counts in per_kind)
        for team_id in team_ids
    }
