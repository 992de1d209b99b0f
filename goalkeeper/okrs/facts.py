"""Light rows of the OKR read model: what every figure of a cycle, objective or key result
depends on, and nothing else.

One converter per row type builds it from a `values()` dict or from anything with the same
attributes (a model instance), so a page that reads dicts and an endpoint that reads
instances feed the same figures (`goalkeeper.okrs.figures`). `key_result_spec` is the one
place a stored key result becomes a domain `KeyResultSpec` (the model's `spec` uses it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec, progress, score
from goalkeeper.domain.phasing import Phase
from goalkeeper.okrs.phases import phases_of

# The fields each light row reads, for the `values()` calls that feed the converters.
CYCLE_FACT_FIELDS = ("id", "start_date", "end_date", "state")
KEY_RESULT_FACT_FIELDS = (
    "id",
    "objective_id",
    "kind",
    "weight",
    "start",
    "target",
    "low",
    "high",
    "commit",
    "stretch",
    "current",
    "done",
    "last_check_in_at",
    "phases",
)
OBJECTIVE_FACT_FIELDS = ("id", "cycle_id", "parent_id", "state", "roll_up_children", "final_score")
# Stored states, as `okrs.models` names them (this module sits below the models).
CLOSED = "closed"
DRAFT = "draft"


def _reader(source: object) -> Callable[[str], Any]:
    """Read a field by name from a `values()` dict or a model instance alike."""
    if isinstance(source, Mapping):
        return source.__getitem__
    return lambda name: getattr(source, name)


@dataclass(frozen=True)
class CycleFacts:
    """A cycle's dates and state: what pace is measured against."""

    id: int
    start_date: dt.date
    end_date: dt.date
    state: str

    @property
    def closed(self) -> bool:
        """A closed cycle is judged by final scores, never by pace."""
        return self.state == CLOSED


def cycle_facts(source: object) -> CycleFacts:
    """The light row of a cycle, from a `values()` dict or a `Cycle`."""
    read = _reader(source)
    return CycleFacts(
        id=read("id"), start_date=read("start_date"), end_date=read("end_date"), state=read("state")
    )


@dataclass(frozen=True)
class KeyResultFacts:
    """A key result's definition and current value."""

    id: int
    objective_id: int
    kind: KeyResultKind
    weight: float
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    commit: float | None
    stretch: float | None
    current: float | None
    done: bool
    last_check_in_at: dt.datetime | None
    phases: tuple[Phase, ...] = ()

    @property
    def spec(self) -> KeyResultSpec:
        """The definition the domain scores."""
        return key_result_spec(self)

    @property
    def score(self) -> float:
        """Score in 0..1 of the current value (docs/scoring.md)."""
        return score(self.spec, self.current, self.done)

    @property
    def progress(self) -> float | None:
        """Raw progress of the current value: may leave 0..1 (1.3 is 130%)."""
        return progress(self.spec, self.current, self.done)


def key_result_spec(source: object) -> KeyResultSpec:
    """The domain's definition of a key result, from a `values()` dict, a `KeyResult` (even
    unsaved: the model validates with it) or `KeyResultFacts`: the one conversion."""
    read = _reader(source)
    return KeyResultSpec(
        kind=KeyResultKind(read("kind")),
        start=read("start"),
        target=read("target"),
        low=read("low"),
        high=read("high"),
        commit=read("commit"),
        stretch=read("stretch"),
        weight=read("weight"),
    )


def key_result_facts(source: object) -> KeyResultFacts:
    """The light row of a key result, from a `values()` dict or a `KeyResult`.

    A `kind` the domain does not know raises ValueError (the model's `clean` refuses it
    before it is stored).
    """
    read = _reader(source)
    return KeyResultFacts(
        id=read("id"),
        objective_id=read("objective_id"),
        kind=KeyResultKind(read("kind")),
        weight=read("weight"),
        start=read("start"),
        target=read("target"),
        low=read("low"),
        high=read("high"),
        commit=read("commit"),
        stretch=read("stretch"),
        current=read("current"),
        done=bool(read("done")),
        last_check_in_at=read("last_check_in_at"),
        phases=phases_of(read("phases")),
    )


@dataclass(frozen=True)
class ObjectiveFacts:
    """An objective's place (cycle, parent), state and key results."""

    id: int
    cycle: CycleFacts
    parent_id: int | None
    state: str
    roll_up_children: bool
    final_score: float | None
    key_results: tuple[KeyResultFacts, ...]

    @property
    def closed(self) -> bool:
        """Closed with a final score: judged by it, no longer by pace."""
        return self.state == CLOSED

    @property
    def draft(self) -> bool:
        """A proposal, never adopted: roll-ups do not count it."""
        return self.state == DRAFT


def objective_facts(
    source: object, cycle: CycleFacts, key_results: Iterable[KeyResultFacts]
) -> ObjectiveFacts:
    """The light row of an objective of `cycle`, from a `values()` dict or an `Objective`."""
    read = _reader(source)
    if read("cycle_id") != cycle.id:
        raise ValueError("the objective belongs to another cycle")
    return ObjectiveFacts(
        id=read("id"),
        cycle=cycle,
        parent_id=read("parent_id"),
        state=read("state"),
        roll_up_children=bool(read("roll_up_children")),
        final_score=read("final_score"),
        key_results=tuple(key_results),
    )
