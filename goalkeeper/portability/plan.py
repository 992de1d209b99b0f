"""What importing a document would change in a workspace, item by item (docs/format.md).

The plan compares the document with the workspace's own export, both with their defaults
filled in: a document that is the workspace's export plans nothing to change.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from goalkeeper.accounts.models import Workspace
from goalkeeper.kpis.models import Measurement
from goalkeeper.portability import fields as f
from goalkeeper.portability.document import Document, DocumentError, Path_, Problem
from goalkeeper.portability.export import Scope, export_document, workspace_keys
from goalkeeper.sources.connectors import connector_class

Points = Sequence[tuple[dt.datetime, float]]

# The kinds in the order a plan lists and applies them, with their words.
KINDS = {
    "workspace": ("workspace", "workspace"),
    "team": ("team", "teams"),
    "person": ("person", "people"),
    "cycle": ("cycle", "cycles"),
    "kpi": ("KPI", "KPIs"),
    "data_source": ("data source", "data sources"),
    "objective": ("objective", "objectives"),
    "key_result": ("key result", "key results"),
    "check_in": ("check-in", "check-ins"),
    "comment": ("comment", "comments"),
    "guardrail": ("guardrail", "guardrails"),
    "driver": ("driver link", "driver links"),
}
ACTIONS = ("create", "update", "delete")


@dataclass(frozen=True)
class Step:
    """One change: create, update or delete one item (`changes`: field -> new value)."""

    action: str
    kind: str
    key: str
    path: Path_
    changes: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        word = KINDS[self.kind][0]
        if self.action == "update":
            return f"update {word} {self.key}: {', '.join(sorted(self.changes))}"
        return f"{self.action} {word} {self.key}"


@dataclass(frozen=True)
class Plan:
    """Every change importing `document` makes, in the order they are applied."""

    document: Document
    steps: list[Step]
    prune: bool
    # New measurements by KPI key (`--with-measurements`): timestamps not stored yet.
    measurements: dict[str, list[tuple[dt.datetime, float]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.steps and not self.measurement_count

    @property
    def measurement_count(self) -> int:
        return sum(len(points) for points in self.measurements.values())

    @property
    def sources_needing_secrets(self) -> int:
        """New data sources whose kind has secrets: they wait for an admin to enter them."""
        return sum(
            1
            for step in self.steps
            if step.kind == "data_source" and step.action == "create" and step.changes["secrets"]
        )

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((step.action, step.kind) for step in self.steps)

    def summary(self) -> str:
        """`create 12 objectives, update 3 key results, delete nothing`, or `nothing to change`."""
        if self.empty:
            return "nothing to change"
        counts = self.counts()
        parts = []
        for action in ACTIONS:
            listed = [
                f"{counts[(action, kind)]} {words[0] if counts[(action, kind)] == 1 else words[1]}"
                for kind, words in KINDS.items()
                if counts[(action, kind)]
            ]
            if action == "delete" and self.measurement_count:
                count = self.measurement_count
                parts.append(f"add {count} measurement{'' if count == 1 else 's'}")
            if listed:
                parts.append(f"{action} {', '.join(listed)}")
            elif action == "delete":
                parts.append("delete nothing")
        waiting = self.sources_needing_secrets
        if waiting:
            parts.append(
                f"{waiting} data source{' needs its' if waiting == 1 else 's need their'} secrets"
            )
        return ", ".join(parts)


def _by(items: list[dict[str, Any]], name: str) -> dict[str, dict[str, Any]]:
    return {str(item[name]).lower() if name == "email" else item[name]: item for item in items}


def _diff(
    wanted: dict[str, Any], current: dict[str, Any], skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        name: value
        for name, value in wanted.items()
        if name not in skip and current.get(name) != value
    }


TEMPLATE_NOT_IMPORTED = (
    "is a template: start objectives and KPIs from it on the Templates page, not by importing it"
)


def make_plan(
    workspace: Workspace,
    document: Document,
    *,
    prune: bool = False,
    measurements: Mapping[str, Points] | None = None,
) -> Plan:
    """The plan of importing `document` into `workspace`; refuses a document whose
    references (teams, people, cycles, KPIs, parents, data sources) lead nowhere, naming
    each. `measurements` (by KPI key) are planned as the values not stored yet."""
    data = document.data
    if "template" in data:
        # A template leaves out cycles, teams and owners: it is filled in where it is used.
        raise DocumentError([document.problem(("template",), TEMPLATE_NOT_IMPORTED)])
    current = export_document(workspace)
    problems = list(_reference_problems(document, current))
    problems += _source_problems(document)
    if problems:
        raise DocumentError(problems)
    steps: list[Step] = []
    if "workspace" in data:
        wanted = f.normalized(data["workspace"], f.WORKSPACE)
        changes = _diff(wanted, f.normalized(current["workspace"], f.WORKSPACE))
        if changes:
            steps.append(Step("update", "workspace", wanted["name"], ("workspace",), changes))
    steps += _simple(data, current, "teams", "team", "key", f.TEAM)
    steps += _simple(data, current, "people", "person", "email", f.PERSON)
    steps += _simple(data, current, "cycles", "cycle", "name", f.CYCLE)
    steps += _simple(
        _labelled(data),
        _labelled(current),
        "kpis",
        "kpi",
        "key",
        f.KPI,
        skip=("drives", "comments"),
    )
    steps += _source_steps(data, current)
    late: list[Problem] = []
    steps += _objective_steps(document, current, late)
    steps += _comment_steps(document, current, late)
    if late:
        raise DocumentError(late)
    steps += _guardrail_steps(data, current)
    steps += _driver_steps(data, current)
    if prune:
        steps += _prune_steps(workspace, data)
    new_points = _new_measurements(workspace, measurements or {})
    return Plan(document=document, steps=steps, prune=prune, measurements=new_points)


def _labelled(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with each KPI's `data_source` as the label it stores: the name of the source
    it names by key, else the text itself. Sources are matched by the KPI they feed, so
    their keys never make a difference."""
    names = {item["key"]: item.get("name", "") for item in data.get("data_sources", [])}
    kpis = [
        {**item, "data_source": names.get(item.get("data_source", ""), item.get("data_source", ""))}
        for item in data.get("kpis", [])
    ]
    return {**data, "kpis": kpis}


def _sources_by_kpi(data: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Each KPI key with the (index, item) of the data source it names."""
    by_key = {item["key"]: (index, item) for index, item in enumerate(data.get("data_sources", []))}
    return {
        kpi["key"]: by_key[kpi["data_source"]]
        for kpi in data.get("kpis", [])
        if kpi.get("data_source") in by_key
    }


def _secret_names(kind: str) -> list[str]:
    try:
        return sorted(connector_class(kind).secret_names())
    except KeyError:
        return []


def _source_steps(data: dict[str, Any], current: dict[str, Any]) -> Iterator[Step]:
    have = _sources_by_kpi(current)
    for kpi_key, (index, item) in _sources_by_kpi(data).items():
        wanted = f.normalized(item, f.DATA_SOURCE)
        definition = {name: wanted[name] for name in ("kind", "settings", "interval_minutes")}
        definition["active"] = wanted["active"]
        path: Path_ = ("data_sources", index)
        if kpi_key not in have:
            yield Step(
                "create",
                "data_source",
                wanted["key"],
                path,
                {**definition, "kpi": kpi_key, "secrets": _secret_names(wanted["kind"])},
            )
            continue
        before = f.normalized(have[kpi_key][1], f.DATA_SOURCE)
        changes = _diff(definition, before)
        if changes:
            yield Step("update", "data_source", wanted["key"], path, {**changes, "kpi": kpi_key})


SUBJECT_WORDS = {
    "kpi": "KPI",
    "objective": "objective",
    "key_result": "key result",
    "check_in": "check-in",
}


def _commented(data: dict[str, Any]) -> Iterator[tuple[str, str, Path_, list[dict[str, Any]]]]:
    """Every item of `data` that comments hang on: (subject type, its key, path, comments)."""
    for index, kpi in enumerate(data.get("kpis", [])):
        yield "kpi", kpi["key"], ("kpis", index), kpi.get("comments", [])
    for index, item in enumerate(data.get("objectives", [])):
        path: Path_ = ("objectives", index)
        yield "objective", item["key"], path, item.get("comments", [])
        for kr_index, kr in enumerate(item.get("key_results", [])):
            kr_path: Path_ = (*path, "key_results", kr_index)
            kr_key = f"{item['key']}/{kr['key']}"
            yield "key_result", kr_key, kr_path, kr.get("comments", [])
            for ci_index, check_in in enumerate(kr.get("check_ins", [])):
                at = f.instant(f.parse_instant(check_in["at"]))
                ci_path: Path_ = (*kr_path, "check_ins", ci_index)
                yield "check_in", f"{kr_key}@{at}", ci_path, check_in.get("comments", [])


def _comment_steps(
    document: Document, current: dict[str, Any], problems: list[Problem]
) -> Iterator[Step]:
    """The document's comments the workspace lacks, each known by its subject, time and
    author. A comment is history: one whose text differs from the stored one is refused
    into `problems` (its author changes it on its page)."""

    def identity(comment: dict[str, Any]) -> tuple[dt.datetime, str | None]:
        author = comment.get("author")
        return f.parse_instant(comment["at"]), author.lower() if author else None

    have = {
        (subject_type, key): {identity(c): f.normalized(c, f.COMMENT) for c in comments}
        for subject_type, key, _, comments in _commented(current)
        if comments
    }
    for subject_type, key, path, comments in _commented(document.data):
        stored = have.get((subject_type, key), {})
        for index, comment in enumerate(comments):
            at: Path_ = (*path, "comments", index)
            wanted = f.normalized(comment, f.COMMENT)
            before = stored.get(identity(comment))
            if before is None:
                moment = f.instant(f.parse_instant(wanted["at"]))
                name = f"on {SUBJECT_WORDS[subject_type]} {key} at {moment}"
                yield Step(
                    "create",
                    "comment",
                    name,
                    at,
                    {**wanted, "subject_type": subject_type, "subject": key},
                )
            elif before["body"] != wanted["body"]:
                problems.append(
                    document.problem(
                        (*at, "body"),
                        "differs from the comment stored at this time by this author: "
                        "a comment is history, its author changes it on its page",
                    )
                )


def _guardrail_steps(data: dict[str, Any], current: dict[str, Any]) -> Iterator[Step]:
    """The guardrails each objective of the document gains or loses (a changed note is
    one removed and one added)."""
    existing = _by(current["objectives"], "key")
    for index, item in enumerate(data.get("objectives", [])):
        wanted = {g["kpi"]: g for g in f.normalized(item, f.OBJECTIVE)["guardrails"]}
        have_item = existing.get(item["key"])
        have = (
            {g["kpi"]: g for g in f.normalized(have_item, f.OBJECTIVE)["guardrails"]}
            if have_item
            else {}
        )
        for kpi_key, guardrail in have.items():
            if wanted.get(kpi_key) != guardrail:
                key = f"{item['key']} guarded by {kpi_key}"
                yield Step("delete", "guardrail", key, ("objectives", index, "guardrails"))
        for g_index, guardrail in enumerate(item.get("guardrails", [])):
            normal = f.normalized(guardrail, f.GUARDRAIL)
            if have.get(normal["kpi"]) != normal:
                key = f"{item['key']} guarded by {normal['kpi']}"
                path: Path_ = ("objectives", index, "guardrails", g_index)
                yield Step("create", "guardrail", key, path, normal)


def _driver_name(kpi_key: str, link: dict[str, Any]) -> str:
    return f"{kpi_key} drives {link['kpi'] or link['key_result']}"


def _driver_steps(data: dict[str, Any], current: dict[str, Any]) -> Iterator[Step]:
    """The driver links each KPI of the document gains or loses."""
    existing = _by(current["kpis"], "key")

    def target(link: dict[str, Any]) -> tuple[str, str]:
        return (str(link["kpi"] or ""), str(link["key_result"] or ""))

    for index, item in enumerate(data.get("kpis", [])):
        wanted = {target(link): link for link in f.normalized(item, f.KPI)["drives"]}
        have_item = existing.get(item["key"])
        have = (
            {target(link): link for link in f.normalized(have_item, f.KPI)["drives"]}
            if have_item
            else {}
        )
        for name, link in have.items():
            if wanted.get(name) != link:
                path: Path_ = ("kpis", index, "drives")
                yield Step("delete", "driver", _driver_name(item["key"], link), path, link)
        for d_index, raw in enumerate(item.get("drives", [])):
            link = f.normalized(raw, f.DRIVER)
            if have.get(target(link)) != link:
                path = ("kpis", index, "drives", d_index)
                yield Step(
                    "create",
                    "driver",
                    _driver_name(item["key"], link),
                    path,
                    {**link, "leading": item["key"]},
                )


def _new_measurements(
    workspace: Workspace, measurements: Mapping[str, Points]
) -> dict[str, list[tuple[dt.datetime, float]]]:
    """The values of `measurements` at timestamps their KPI has no value for yet."""
    ids = {key: pk for pk, key in workspace_keys(workspace).kpis.items()}
    new: dict[str, list[tuple[dt.datetime, float]]] = {}
    for key, points in sorted(measurements.items()):
        stored: set[dt.datetime] = set()
        if key in ids and points:
            first = min(at for at, _ in points)
            stored = set(
                Measurement.objects.filter(kpi_id=ids[key], timestamp__gte=first)
                .values_list("timestamp", flat=True)
                .iterator(chunk_size=5000)
            )
        fresh = [(at, value) for at, value in points if at not in stored]
        if fresh:
            new[key] = fresh
    return new


def _source_problems(document: Document) -> Iterator[Problem]:
    """Data sources: a kind Goalkeeper knows, settings it has, no secret, one KPI each."""
    data = document.data
    named: dict[str, int] = Counter(
        kpi["data_source"] for kpi in data.get("kpis", []) if kpi.get("data_source")
    )
    for index, item in enumerate(data.get("data_sources", [])):
        path: Path_ = ("data_sources", index)
        try:
            cls = connector_class(item["kind"])
        except KeyError:
            yield document.problem((*path, "kind"), f"unknown kind of source {item['kind']!r}")
            continue
        secret = cls.secret_names()
        known = {spec.name for spec in cls.parameters}
        for name in item.get("settings", {}):
            if name in secret:
                yield document.problem(
                    (*path, "settings", name),
                    "is secret: secrets are never part of a document, "
                    "an admin enters them on the source's page",
                )
            elif name not in known:
                yield document.problem(
                    (*path, "settings", name), f"is not a setting of a {item['kind']} source"
                )
        if named[item["key"]] == 0:
            yield document.problem((*path, "key"), "no KPI of the file names this data source")
        elif named[item["key"]] > 1:
            yield document.problem(
                (*path, "key"), "feeds one KPI: several KPIs of the file name it"
            )


def _simple(
    data: dict[str, Any],
    current: dict[str, Any],
    section: str,
    kind: str,
    name: str,
    spec: dict[str, Any],
    skip: tuple[str, ...] = (),
) -> Iterator[Step]:
    existing = _by(current[section], name)
    for index, item in enumerate(data.get(section, [])):
        wanted = f.normalized(item, spec)
        key = str(wanted[name]).lower() if name == "email" else wanted[name]
        wanted[name] = key
        have = existing.get(key)
        if have is None:
            yield Step("create", kind, key, (section, index), wanted)
        else:
            changes = _diff(wanted, f.normalized(have, spec), skip)
            if changes:
                yield Step("update", kind, key, (section, index), changes)


def _objective_steps(
    document: Document, current: dict[str, Any], late: list[Problem]
) -> Iterator[Step]:
    """Objectives, their key results and new check-ins; a new check-in older than the key
    result's latest is refused into `late` (check-ins are appended, never inserted)."""
    data = document.data
    existing = _by(current["objectives"], "key")
    for index, item in enumerate(data.get("objectives", [])):
        path: Path_ = ("objectives", index)
        wanted = f.normalized(item, f.OBJECTIVE)
        have = existing.get(wanted["key"])
        have_n = f.normalized(have, f.OBJECTIVE) if have else None
        if have_n is None:
            yield Step("create", "objective", wanted["key"], path, wanted)
        else:
            changes = _diff(wanted, have_n, skip=("key_results", "guardrails", "comments"))
            if changes:
                yield Step("update", "objective", wanted["key"], path, changes)
        have_krs = _by(have_n["key_results"], "key") if have_n else {}
        for kr_index, kr_item in enumerate(wanted["key_results"]):
            kr_path: Path_ = (*path, "key_results", kr_index)
            kr = f.normalized(kr_item, f.KEY_RESULT)
            kr_key = f"{wanted['key']}/{kr['key']}"
            have_kr = have_krs.get(kr["key"])
            have_kr_n = f.normalized(have_kr, f.KEY_RESULT) if have_kr else None
            if have_kr_n is None:
                yield Step("create", "key_result", kr_key, kr_path, {**kr, "position": kr_index})
            else:
                changes = _diff(kr, have_kr_n, skip=("check_ins", "comments"))
                if changes:
                    yield Step("update", "key_result", kr_key, kr_path, changes)
            seen = {f.parse_instant(c["at"]) for c in (have_kr_n["check_ins"] if have_kr_n else [])}
            latest = max(seen, default=None)
            for ci_index, check_in in enumerate(kr["check_ins"]):
                at = f.parse_instant(check_in["at"])
                if at not in seen and latest is not None and at < latest:
                    late.append(
                        document.problem(
                            (*kr_path, "check_ins", ci_index, "at"),
                            f"is older than the key result's latest check-in "
                            f"({f.instant(latest)}): check-ins are history, a new one comes last",
                        )
                    )
                elif at not in seen:
                    yield Step(
                        "create",
                        "check_in",
                        f"{kr_key}@{f.instant(at)}",
                        (*kr_path, "check_ins", ci_index),
                        f.normalized(check_in, f.CHECK_IN),
                    )


def _prune_steps(workspace: Workspace, data: dict[str, Any]) -> Iterator[Step]:
    """Deletions of what the document's scope holds in the workspace but the file does not.

    Teams, people, cycles and check-ins are never pruned: teams are archived and people
    deactivated from their pages, and check-ins are history.
    """
    scope = Scope(**data.get("scope", {}))
    inside = export_document(workspace, scope)
    kept = {item["key"]: item for item in data.get("objectives", [])}
    for item in inside["objectives"]:
        wanted = kept.get(item["key"])
        if wanted is None:
            yield Step("delete", "objective", item["key"], ("objectives",))
            continue
        kept_krs = {kr["key"] for kr in wanted.get("key_results", [])}
        for kr in item.get("key_results", []):
            if kr["key"] not in kept_krs:
                yield Step("delete", "key_result", f"{item['key']}/{kr['key']}", ("objectives",))
    kept_kpis = {item["key"] for item in data.get("kpis", [])}
    for item in inside["kpis"]:
        if item["key"] not in kept_kpis:
            yield Step("delete", "kpi", item["key"], ("kpis",))


def _reference_problems(document: Document, current: dict[str, Any]) -> Iterator[Problem]:
    """Every reference of the document that names nothing in the file or the workspace."""
    data = document.data
    teams = {t["key"] for t in current["teams"]} | {t["key"] for t in data.get("teams", [])}
    people = {p["email"].lower() for p in current["people"]} | {
        p["email"].lower() for p in data.get("people", [])
    }
    cycles = {c["name"] for c in current["cycles"]} | {c["name"] for c in data.get("cycles", [])}
    kpis = {k["key"] for k in current["kpis"]} | {k["key"] for k in data.get("kpis", [])}
    objectives: dict[str, set[str]] = {
        o["key"]: {kr["key"] for kr in o.get("key_results", [])} for o in current["objectives"]
    }
    for item in data.get("objectives", []):
        objectives[item["key"]] = {kr["key"] for kr in item.get("key_results", [])}

    def person(path: Path_, email: str | None) -> Iterator[Problem]:
        if email is not None and email.lower() not in people:
            yield document.problem(path, f"no person {email!r} in the file or the workspace")

    def key_result(path: Path_, name: str | None, label: str) -> Iterator[Problem]:
        if name is None:
            return
        objective, _, kr = name.partition("/")
        if objective not in objectives or (kr and kr not in objectives[objective]):
            yield document.problem(path, f"no {label} {name!r} in the file or the workspace")

    yield from _duplicates(document)
    for _type, _key, subject, comments in _commented(data):
        for index, comment in enumerate(comments):
            place: Path_ = (*subject, "comments", index)
            yield from person((*place, "author"), comment.get("author"))
            for email in f.mentioned_emails(comment.get("body", "")):
                if email not in people:
                    yield document.problem(
                        (*place, "body"),
                        f"mentions {email!r}, no person in the file or the workspace",
                    )
    for index, team in enumerate(data.get("teams", [])):
        if team.get("parent") is not None and team["parent"] not in teams:
            yield document.problem(("teams", index, "parent"), f"no team {team['parent']!r}")
    for index, item in enumerate(data.get("people", [])):
        for m_index, membership in enumerate(item.get("teams", [])):
            if membership["team"] not in teams:
                at: Path_ = ("people", index, "teams", m_index, "team")
                yield document.problem(at, f"no team {membership['team']!r}")
    for index, item in enumerate(data.get("kpis", [])):
        if item["team"] not in teams:
            yield document.problem(("kpis", index, "team"), f"no team {item['team']!r}")
        yield from person(("kpis", index, "owner"), item.get("owner"))
        for d_index, link in enumerate(item.get("drives", [])):
            d_path: Path_ = ("kpis", index, "drives", d_index)
            if link.get("kpi") is not None and link["kpi"] not in kpis:
                yield document.problem((*d_path, "kpi"), f"no KPI {link['kpi']!r}")
            yield from key_result((*d_path, "key_result"), link.get("key_result"), "key result")
    for index, item in enumerate(data.get("objectives", [])):
        path: Path_ = ("objectives", index)
        if item["cycle"] not in cycles:
            yield document.problem((*path, "cycle"), f"no cycle {item['cycle']!r}")
        if item["team"] not in teams:
            yield document.problem((*path, "team"), f"no team {item['team']!r}")
        yield from person((*path, "owner"), item.get("owner"))
        for g_index, guardrail in enumerate(item.get("guardrails", [])):
            if guardrail["kpi"] not in kpis:
                g_path: Path_ = (*path, "guardrails", g_index, "kpi")
                yield document.problem(g_path, f"no KPI {guardrail['kpi']!r}")
        for s_index, name in enumerate(item.get("supports", [])):
            yield from key_result((*path, "supports", s_index), name, "objective or key result")
        for kr_index, kr in enumerate(item.get("key_results", [])):
            kr_path: Path_ = (*path, "key_results", kr_index)
            yield from person((*kr_path, "owner"), kr.get("owner"))
            if kr.get("kpi") is not None and kr["kpi"] not in kpis:
                yield document.problem((*kr_path, "kpi"), f"no KPI {kr['kpi']!r}")
            yield from key_result(
                (*kr_path, "contributes_to"), kr.get("contributes_to"), "key result"
            )
            for ci_index, check_in in enumerate(kr.get("check_ins", [])):
                yield from person(
                    (*kr_path, "check_ins", ci_index, "author"), check_in.get("author")
                )


def _duplicates(document: Document) -> Iterator[Problem]:
    data = document.data
    sections = (("teams", "key"), ("people", "email"), ("cycles", "name"), ("kpis", "key"))
    for section, name in (*sections, ("data_sources", "key"), ("objectives", "key")):
        seen: set[str] = set()
        for index, item in enumerate(data.get(section, [])):
            value = str(item[name]).lower()
            if value in seen:
                yield document.problem((section, index, name), f"{value!r} appears twice")
            seen.add(value)
    for index, item in enumerate(data.get("objectives", [])):
        krs: set[str] = set()
        for kr_index, kr in enumerate(item.get("key_results", [])):
            if kr["key"] in krs:
                path = ("objectives", index, "key_results", kr_index, "key")
                yield document.problem(path, f"{kr['key']!r} appears twice in this objective")
            krs.add(kr["key"])
