"""Quality coach: deterministic, explained remarks on OKRs and KPIs that never block a save.

Every remark carries a stable `code` (for translations and muting), a `message` saying what
was found and a `why` a manager would accept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from goalkeeper.domain.key_results import KeyResultKind

MIN_KEY_RESULTS = 2
MAX_KEY_RESULTS = 5


class Severity(StrEnum):
    """`warning` when the method is broken, `info` for advice or a heuristic guess."""

    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True)
class Remark:
    """One finding about one subject ("objective", "key_result:2", "team")."""

    code: str
    severity: Severity
    message: str
    why: str
    subject: str


@dataclass(frozen=True)
class KeyResultDraft:
    """What the coach needs to know about a key result being written."""

    title: str
    kind: KeyResultKind
    has_owner: bool
    measurable: bool


@dataclass(frozen=True)
class ObjectiveDraft:
    """What the coach needs to know about an objective being written."""

    title: str
    has_owner: bool
    key_results: Sequence[KeyResultDraft]


# Verbs that open a to-do rather than an outcome. Outcome verbs such as "increase" or
# "reduce" are absent on purpose: with a number they make good key results.
TASK_VERBS: frozenset[str] = frozenset(
    {
        "attend",
        "build",
        "complete",
        "conduct",
        "create",
        "deliver",
        "deploy",
        "design",
        "develop",
        "document",
        "draft",
        "finish",
        "hire",
        "hold",
        "host",
        "implement",
        "install",
        "introduce",
        "kick off",
        "launch",
        "meet",
        "migrate",
        "organise",
        "organize",
        "plan",
        "prepare",
        "publish",
        "release",
        "roll out",
        "run",
        "schedule",
        "send",
        "set up",
        "ship",
        "start",
        "write",
    }
)
_WORD = re.compile(r"[^\W\d_]+")


def looks_like_task(title: str) -> bool:
    """Whether `title` opens with a task verb ("Launch the beta", "- set up CI").

    Case and leading punctuation are ignored; two-word verbs ("set up", "set-up") count.
    """
    words = _WORD.findall(title.lower())
    return bool(words) and (words[0] in TASK_VERBS or " ".join(words[:2]) in TASK_VERBS)


def coach_objective(draft: ObjectiveDraft) -> list[Remark]:
    """Remarks on an objective and its key results, objective first, then by position.

    Key results are numbered from 1 in the subject, as people count them on screen.
    """
    remarks: list[Remark] = []
    count = len(draft.key_results)
    if count < MIN_KEY_RESULTS:
        remarks.append(
            Remark(
                "too_few_key_results",
                Severity.WARNING,
                _too_few_message(count),
                "One key result rarely captures an objective, and none cannot measure it.",
                "objective",
            )
        )
    if count > MAX_KEY_RESULTS:
        remarks.append(
            Remark(
                "too_many_key_results",
                Severity.INFO,
                f"This objective has {count} key results; aim for 2 to 5.",
                "More than five key results spread attention and hide what matters most.",
                "objective",
            )
        )
    if not draft.has_owner:
        remarks.append(_missing_owner("This objective has no owner.", "objective"))
    for position, key_result in enumerate(draft.key_results, start=1):
        remarks += _coach_key_result(key_result, f"key_result:{position}", position)
    return remarks


def _too_few_message(count: int) -> str:
    if count == 0:
        return "This objective has no key results yet; aim for 2 to 5."
    return "This objective has only one key result; aim for 2 to 5."


def _coach_key_result(key_result: KeyResultDraft, subject: str, position: int) -> list[Remark]:
    remarks: list[Remark] = []
    if not key_result.has_owner:
        remarks.append(_missing_owner(f"Key result {position} has no owner.", subject))
    if not key_result.measurable:
        remarks.append(
            Remark(
                "not_measurable",
                Severity.WARNING,
                f"Key result {position} has nothing measurable.",
                "A key result that cannot be measured cannot tell anyone whether it was met.",
                subject,
            )
        )
    if key_result.kind is KeyResultKind.MILESTONE and looks_like_task(key_result.title):
        quoted = f'"{key_result.title}"'
        remarks.append(
            Remark(
                "task_not_result",
                Severity.INFO,
                f"Key result {position} reads like a task with no metric: {quoted}.",
                "A key result states the outcome a task should bring, not the task itself.",
                subject,
            )
        )
    return remarks


def _missing_owner(message: str, subject: str) -> Remark:
    return Remark(
        "missing_owner",
        Severity.WARNING,
        message,
        "Without one named owner, nobody is accountable for updating and delivering it.",
        subject,
    )


# A healthy number of KPIs for one team (docs/scoring.md, "Quality coach").
MAX_TEAM_KPIS = 12
MIN_TEAM_KPIS = 3


def coach_team(
    kpi_count: int,
    objectives_in_cycle: int,
    max_kpis: int = MAX_TEAM_KPIS,
    min_kpis: int = MIN_TEAM_KPIS,
    max_objectives: int = 5,
) -> list[Remark]:
    """Remarks on a team's load: its number of KPIs and of objectives in one cycle.

    Too few KPIs is reported whenever the count is below `min_kpis`, zero included: a team
    that tracks nothing has no view of its own health.
    """
    remarks: list[Remark] = []
    if kpi_count > max_kpis:
        remarks.append(
            Remark(
                "too_many_kpis",
                Severity.INFO,
                f"This team tracks {kpi_count} KPIs; {max_kpis} or fewer keep them readable.",
                "When everything is a key indicator, nothing is watched closely.",
                "team",
            )
        )
    if kpi_count < min_kpis:
        remarks.append(
            Remark(
                "too_few_kpis",
                Severity.INFO,
                f"This team tracks {kpi_count} KPI(s); at least {min_kpis} give a view of its "
                "health.",
                "A team that measures too little notices problems only when they are large.",
                "team",
            )
        )
    if objectives_in_cycle > max_objectives:
        remarks.append(
            Remark(
                "too_many_objectives",
                Severity.INFO,
                f"This team has {objectives_in_cycle} objectives in this cycle; "
                f"{max_objectives} or fewer keep it focused.",
                "A team that pursues many objectives at once makes slow progress on each.",
                "team",
            )
        )
    return remarks


def coach_sandbagging(
    aspirational_scores_by_cycle: Sequence[Sequence[float]], threshold: float = 0.95
) -> list[Remark]:
    """Flag a team whose aspirational objectives all scored >= `threshold` twice running.

    Input: final scores of the team's aspirational objectives per closed cycle, newest
    first. Both of the last two closed cycles must hold at least one such objective.
    """
    recent = aspirational_scores_by_cycle[:2]
    if len(recent) < 2 or not all(recent):
        return []
    if not all(score >= threshold for cycle in recent for score in cycle):
        return []
    return [
        Remark(
            "sandbagging",
            Severity.WARNING,
            "Every aspirational objective of this team scored "
            f"{threshold:.2f} or more in each of the last two closed cycles.",
            "Aspirational objectives that always score 1.0 were not ambitious: 0.7 is success.",
            "team",
        )
    ]
