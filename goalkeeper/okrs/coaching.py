"""The quality coach for objectives and key results being written.

The remarks come from `goalkeeper.domain.coach`; this module only turns rows and form
drafts into the coach's inputs, and adds one hint of its own: a key result whose title
opens with a task verb ("Launch the beta"), whatever its kind. The domain flags that only
for milestones (a task with no metric); while a person is still writing, the hint helps for
every kind, and it is advice (`info`), never a refusal.

The coach speaks only about what was typed: a key result row without a title is not a key
result yet, so it gets no remark and does not count; and the number of key results is
judged only once one has a title (docs/okrs.md, "The coach").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from goalkeeper.domain.coach import (
    KeyResultDraft,
    ObjectiveDraft,
    Remark,
    Severity,
    coach_objective,
    looks_like_task,
)
from goalkeeper.domain.key_results import (
    METRIC_KINDS,
    KeyResultKind,
    KeyResultSpec,
    validate_key_result,
)
from goalkeeper.okrs.models import KeyResult

TASK_TITLE = "task_title"
# The domain's defaults, as its remarks quote them (`coach_team`, `coach_sandbagging`).
MAX_TEAM_OBJECTIVES = 5
SANDBAGGING_THRESHOLD = 0.95
# The remarks on the number of key results: said once a key result has a title.
COUNT_CODES = frozenset({"too_few_key_results", "too_many_key_results"})


@dataclass(frozen=True)
class Coaching:
    """The remarks on one draft, objective first, then by key result."""

    remarks: tuple[Remark, ...]
    # Nothing typed yet: no title and no key result with one. The coach then says nothing
    # about the draft, not even that it reads well.
    blank: bool = False

    @property
    def warnings(self) -> int:
        """How many remarks say the method is broken (the others are advice)."""
        return sum(1 for remark in self.remarks if remark.severity is Severity.WARNING)


def measurable(spec: KeyResultSpec) -> bool:
    """Whether a key result's definition can tell if it was met.

    A metric needs a start and a target, a band one bound at least, all valid; a milestone
    is done or not, which is measurable (the coach judges its title separately).
    """
    if spec.kind is KeyResultKind.MILESTONE:
        return True
    if validate_key_result(spec):
        return False
    if spec.kind in METRIC_KINDS:
        return spec.start is not None and spec.target is not None
    return spec.low is not None or spec.high is not None


def draft_of(title: str, spec: KeyResultSpec, has_owner: bool) -> KeyResultDraft:
    """What the coach needs to know about one key result."""
    return KeyResultDraft(
        title=title, kind=spec.kind, has_owner=has_owner, measurable=measurable(spec)
    )


def draft_of_values(
    title: str, kind: str, has_owner: bool, values: Mapping[str, Any]
) -> KeyResultDraft:
    """The coach's view of a key result being typed: `values` are its form's numbers (those
    it could read; the others count as not given)."""

    def number(name: str) -> float | None:
        value = values.get(name)
        return value if isinstance(value, float) else None

    known = kind if kind in KeyResultKind._value2member_map_ else KeyResultKind.INCREASE
    spec = KeyResultSpec(
        kind=KeyResultKind(known),
        start=number("start"),
        target=number("target"),
        low=number("low"),
        high=number("high"),
        commit=number("commit"),
        stretch=number("stretch"),
    )
    return draft_of(title, spec, has_owner)


def draft_of_row(key_result: KeyResult) -> KeyResultDraft:
    """The coach's view of a saved key result."""
    return draft_of(key_result.title, key_result.spec, key_result.owner_id is not None)


def coach(title: str, has_owner: bool, key_results: Sequence[KeyResultDraft]) -> Coaching:
    """The domain coach's remarks on an objective and its key results, plus title hints.

    `key_results` are the rows as numbered on screen, from 1; the rows without a title are
    left out (nothing typed is nothing to remark on), the others keep their number.
    """
    written = [(n, draft) for n, draft in enumerate(key_results, start=1) if draft.title.strip()]
    drafts = [draft for _number, draft in written]
    remarks = []
    for remark in coach_objective(ObjectiveDraft(title, has_owner, drafts)):
        if remark.code in COUNT_CODES and not drafts:
            continue
        remarks.append(_renumbered(remark, [n for n, _draft in written]))
    for position, draft in written:
        if draft.kind is not KeyResultKind.MILESTONE and looks_like_task(draft.title):
            remarks.append(task_title_hint(draft.title, position))
    shown = [in_words(remark, key_results, count=len(drafts)) for remark in remarks]
    return Coaching(tuple(_objective_first(shown)), blank=not title.strip() and not drafts)


def _renumbered(remark: Remark, positions: Sequence[int]) -> Remark:
    """A key result's remark under its number on screen (the domain counts titled rows)."""
    kind, _colon, number = remark.subject.partition(":")
    if kind != "key_result" or not number.isdigit():
        return remark
    counted = int(number)
    shown = positions[counted - 1]
    if shown == counted:
        return remark
    message = remark.message
    prefix = f"Key result {counted} "
    if message.startswith(prefix):
        message = f"Key result {shown} " + message[len(prefix) :]
    return replace(remark, message=message, subject=f"key_result:{shown}")


def task_title_hint(title: str, position: int) -> Remark:
    """Advice for a key result titled like a to-do ("Launch the beta") that has a metric."""
    return Remark(
        TASK_TITLE,
        Severity.INFO,
        _('Key result %(position)s opens with a task verb: "%(title)s".')
        % {"position": position, "title": title},
        _(
            "Name the outcome the work should bring (e.g. 500 weekly users of the beta), not "
            "the work itself: the work is how, the key result is what changes."
        ),
        f"key_result:{position}",
    )


def in_words(
    remark: Remark,
    key_results: Sequence[KeyResultDraft] = (),
    team_objectives: int = 0,
    count: int | None = None,
) -> Remark:
    """The domain's remark in the reader's language (the domain writes English).

    Each known code is written again from what the remark is about (the key results of
    the objective, the team's objectives in the cycle); an unknown code keeps the domain's
    words.
    """
    _subject, _colon, number = remark.subject.partition(":")
    position = int(number) if number.isdigit() else 0
    title = key_results[position - 1].title if 0 < position <= len(key_results) else ""
    if count is None:
        count = len(key_results)
    words: dict[str, tuple[str, str]] = {
        "too_few_key_results": (
            _("This objective has no key results yet; aim for 2 to 5.")
            if count == 0
            else _("This objective has only one key result; aim for 2 to 5."),
            _("One key result rarely captures an objective, and none cannot measure it."),
        ),
        "too_many_key_results": (
            _("This objective has %(count)s key results; aim for 2 to 5.") % {"count": count},
            _("More than five key results spread attention and hide what matters most."),
        ),
        "missing_owner": (
            _("Key result %(position)s has no owner.") % {"position": position}
            if position
            else _("This objective has no owner."),
            _("Without one named owner, nobody is accountable for updating and delivering it."),
        ),
        "not_measurable": (
            _("Key result %(position)s has nothing measurable.") % {"position": position},
            _("A key result that cannot be measured cannot tell anyone whether it was met."),
        ),
        "task_not_result": (
            _('Key result %(position)s reads like a task with no metric: "%(title)s".')
            % {"position": position, "title": title},
            _("A key result states the outcome a task should bring, not the task itself."),
        ),
        "too_many_objectives": (
            _(
                "This team has %(count)s objectives in this cycle; %(most)s or fewer keep it "
                "focused."
            )
            % {"count": team_objectives, "most": MAX_TEAM_OBJECTIVES},
            _("A team that pursues many objectives at once makes slow progress on each."),
        ),
        "sandbagging": (
            _(
                "Every aspirational objective of this team scored %(threshold)s or more in each "
                "of the last two closed cycles."
            )
            % {"threshold": formats.number_format(SANDBAGGING_THRESHOLD, 2)},
            _("Aspirational objectives that always score 1.0 were not ambitious: 0.7 is success."),
        ),
    }
    if remark.code not in words:
        return remark
    message, why = words[remark.code]
    return dataclasses.replace(remark, message=message, why=why)


def _objective_first(remarks: list[Remark]) -> list[Remark]:
    def order(remark: Remark) -> tuple[int, int]:
        if remark.subject == "objective":
            return (0, 0)
        _subject, _colon, number = remark.subject.partition(":")
        return (1, int(number) if number.isdigit() else 0)

    return sorted(remarks, key=order)
