"""Who watches what: explicit watches, plus owners and team leads by default.

A key result's watchers include its objective's: following an objective follows its key
results, unless the person unwatched that key result itself (docs/notifications.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from goalkeeper.accounts.models import Membership
from goalkeeper.notifications.models import Watch
from goalkeeper.notifications.subjects import Subject, SubjectInfo, describe, describe_one


def _chain(info: SubjectInfo, infos: dict[Subject, SubjectInfo]) -> list[Subject]:
    """The subject, then what it belongs to (a check-in, its key result, its objective)."""
    chain = [info.subject]
    parent = info.parent
    while parent is not None and parent not in chain:
        chain.append(parent)
        above = infos.get(parent)
        parent = above.parent if above is not None else None
    return chain


def watchers_of(infos: Iterable[SubjectInfo]) -> dict[Subject, set[int]]:
    """The people (ids) watching each subject; three queries whatever the number."""
    infos = list(infos)
    known: dict[Subject, SubjectInfo] = {i.subject: i for i in infos}
    # A check-in's key result is read for its owners and its objective. A key result's
    # objective needs no read: its owner and team came with the key result's row.
    parents = {
        i.parent for i in infos if i.parent is not None and i.parent[0] != "objective"
    } - set(known)
    known |= describe(parents)
    chains = {i.subject: _chain(i, known) for i in infos}
    every = {s for chain in chains.values() for s in chain}
    explicit: dict[Subject, dict[int, bool]] = {}
    if every:
        types = {t for t, _ in every}
        ids = {pk for _, pk in every}
        for row in Watch.objects.filter(subject_type__in=types, subject_id__in=ids).values_list(
            "subject_type", "subject_id", "person_id", "watching"
        ):
            subject = (row[0], int(row[1]))
            if subject in every:
                explicit.setdefault(subject, {})[row[2]] = row[3]
    teams = {i.team_id for i in known.values() if i.team_id is not None}
    leads: dict[int, set[int]] = {}
    for team_id, person_id in Membership.objects.filter(
        team_id__in=teams, is_lead=True
    ).values_list("team_id", "person_id"):
        leads.setdefault(team_id, set()).add(person_id)
    result: dict[Subject, set[int]] = {}
    for info in infos:
        # The nearest explicit choice wins: unwatching a key result beats watching its
        # objective; a default (owner, lead) anywhere up the chain counts as watching.
        decided: dict[int, bool] = {}
        for subject in chains[info.subject]:
            for person_id, watching in explicit.get(subject, {}).items():
                decided.setdefault(person_id, watching)
        defaults: set[int] = set()
        for subject in chains[info.subject]:
            if (above := known.get(subject)) is not None:
                defaults |= above.owner_ids
                defaults |= leads.get(above.team_id or 0, set())
        chosen = {p for p, watching in decided.items() if watching}
        result[info.subject] = chosen | {p for p in defaults if p not in decided}
    return result


def watchers(workspace_id: int, subject: Subject) -> set[int]:
    """The people watching a subject of the workspace (empty when it is gone)."""
    info = describe_one(subject)
    if info is None or info.workspace_id != workspace_id:
        return set()
    return watchers_of([info])[info.subject]


def is_watching(person_id: int, info: SubjectInfo) -> bool:
    """Whether the person watches the subject (explicitly or by default)."""
    return person_id in watchers_of([info])[info.subject]
