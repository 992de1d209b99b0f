"""A workspace, or part of it, as a document of the open format (docs/format.md).

Reads a bounded number of queries whatever the size (one per kind of item), and writes
every item in a fixed order with its stable key, so two exports diff line by line.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q

from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.accounts.services import descendant_ids
from goalkeeper.bridges.models import DriverLink, Guardrail
from goalkeeper.comments.models import Comment, SubjectType
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.okrs.models import Alignment, CheckIn, Cycle, KeyResult, Objective, Rollup
from goalkeeper.portability import fields as f
from goalkeeper.portability.document import VERSION
from goalkeeper.portability.keys import assign_keys
from goalkeeper.portability.models import KeyKind, PortableKey
from goalkeeper.sources.connectors import connector_class
from goalkeeper.sources.models import DataSource

FORMATS = ("yaml", "json")


@dataclass(frozen=True)
class Scope:
    """The part of a workspace a document holds: one cycle, one team's subtree, or all."""

    cycle: str | None = None
    team: str | None = None

    def as_data(self) -> dict[str, str]:
        return {
            name: value
            for name, value in (("cycle", self.cycle), ("team", self.team))
            if value is not None
        }


@dataclass(frozen=True)
class Keys:
    """The stable keys of a workspace's teams, objectives, key results and KPIs, by row id."""

    teams: dict[int, str]
    objectives: dict[int, str]
    key_results: dict[int, str]
    kpis: dict[int, str]


def workspace_keys(workspace: Workspace) -> Keys:
    """Every key of the workspace: stored ones kept, the others derived (`keys`)."""
    stored: dict[str, dict[int, str]] = defaultdict(dict)
    for kind, object_id, key in PortableKey.objects.filter(workspace=workspace).values_list(
        "kind", "object_id", "key"
    ):
        stored[kind][object_id] = key
    teams = {
        pk: stored[KeyKind.TEAM].get(pk, slug)
        for pk, slug in Team.objects.filter(workspace=workspace).values_list("pk", "slug")
    }
    objectives = assign_keys(
        Objective.objects.filter(workspace=workspace).values_list("pk", "title"),
        stored[KeyKind.OBJECTIVE],
    )
    kpis = assign_keys(
        Kpi.objects.filter(workspace=workspace).values_list("pk", "name"), stored[KeyKind.KPI]
    )
    by_objective: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, objective_id, title in KeyResult.objects.filter(workspace=workspace).values_list(
        "pk", "objective_id", "title"
    ):
        by_objective[objective_id].append((pk, title))
    key_results: dict[int, str] = {}
    for rows in by_objective.values():
        key_results.update(assign_keys(rows, stored[KeyKind.KEY_RESULT]))
    return Keys(teams=teams, objectives=objectives, key_results=key_results, kpis=kpis)


def export_document(workspace: Workspace, scope: Scope | None = None) -> dict[str, Any]:
    """The document of `workspace` (or of `scope` within it), as plain data."""
    scope = scope or Scope()
    keys = workspace_keys(workspace)
    team_slugs = keys.teams
    teams = sorted(Team.objects.filter(workspace=workspace), key=lambda t: team_slugs[t.pk])
    team_ids = set(team_slugs)
    if scope.team is not None:
        root = next(team for team in teams if team_slugs[team.pk] == scope.team)
        team_ids = {root.pk, *descendant_ids(root)}
    cycles = Cycle.objects.filter(workspace=workspace).order_by("start_date", "name")
    if scope.cycle is not None:
        cycles = cycles.filter(name=scope.cycle)
    cycle_list = list(cycles)
    people = {
        person.pk: person
        for person in Person.objects.filter(workspace=workspace).select_related("user")
    }
    emails = {pk: person.user.email for pk, person in people.items()}
    objectives = list(
        Objective.objects.filter(
            workspace=workspace, cycle__in=[c.pk for c in cycle_list], team_id__in=team_ids
        )
    )
    key_results = list(
        KeyResult.objects.filter(objective_id__in=[o.pk for o in objectives]).order_by(
            "position", "id"
        )
    )
    kpis = list(Kpi.objects.filter(workspace=workspace, team_id__in=team_ids))
    kpi_ids = {kpi.pk for kpi in kpis}
    document: dict[str, Any] = {"version": VERSION}
    if scope.as_data():
        document["scope"] = scope.as_data()
    document["workspace"] = f.compact(
        {
            "name": workspace.name,
            "fiscal_year_start_month": workspace.fiscal_year_start_month,
            "timezone": workspace.timezone,
        },
        f.WORKSPACE,
    )
    document["teams"] = [
        f.compact(
            {
                "key": team_slugs[team.pk],
                "name": team.name,
                "parent": team_slugs.get(team.parent_id) if team.parent_id else None,
                "archived": team.archived_at is not None,
            },
            f.TEAM,
        )
        for team in teams
        if team.pk in team_ids
    ]
    document["people"] = _people(
        people, teams, team_ids, team_slugs, objectives, key_results, kpis, scope
    )
    document["cycles"] = [
        f.compact(
            {
                "name": cycle.name,
                "start": cycle.start_date.isoformat(),
                "end": cycle.end_date.isoformat(),
                "state": cycle.state,
            },
            f.CYCLE,
        )
        for cycle in cycle_list
    ]
    labels = {kpi.pk: kpi.data_source for kpi in kpis}
    sources = {source.kpi_id: source for source in DataSource.objects.filter(kpi_id__in=kpi_ids)}
    document["data_sources"] = sorted(
        (_data_source(source, labels[source.kpi_id], keys) for source in sources.values()),
        key=lambda item: item["key"],
    )
    drives = _drives(kpi_ids, keys)
    comments = _comments(workspace, objectives, key_results, kpi_ids, emails)
    document["kpis"] = sorted(
        (_kpi(kpi, keys, team_slugs, emails, sources, drives, comments) for kpi in kpis),
        key=lambda item: item["key"],
    )
    document["objectives"] = _objectives(
        objectives, key_results, cycle_list, keys, team_slugs, emails, kpi_ids, comments
    )
    if not document["data_sources"]:
        del document["data_sources"]
    return document


Comments = dict[tuple[str, int], list[dict[str, Any]]]


def _comments(
    workspace: Workspace,
    objectives: list[Objective],
    key_results: list[KeyResult],
    kpi_ids: set[int],
    emails: dict[int, str],
) -> Comments:
    """The comments on the document's objectives, key results, KPIs and check-ins, by
    subject, oldest first, their mentions by email."""
    kr_ids = [kr.pk for kr in key_results]
    subjects = (
        Q(subject_type=SubjectType.OBJECTIVE, subject_id__in=[o.pk for o in objectives])
        | Q(subject_type=SubjectType.KEY_RESULT, subject_id__in=kr_ids)
        | Q(subject_type=SubjectType.KPI, subject_id__in=kpi_ids)
        | Q(
            subject_type=SubjectType.CHECK_IN,
            subject_id__in=CheckIn.objects.filter(key_result_id__in=kr_ids).values("id"),
        )
    )
    comments: Comments = defaultdict(list)
    rows = (
        Comment.objects.filter(subjects, workspace=workspace)
        .order_by("created_at", "id")
        .values_list("subject_type", "subject_id", "created_at", "author_id", "body")
    )
    for subject_type, subject_id, created_at, author_id, body in rows:
        comments[(subject_type, subject_id)].append(
            f.compact(
                {
                    "at": f.instant(created_at),
                    "author": emails.get(author_id) if author_id else None,
                    "body": f.portable_body(body, emails),
                },
                f.COMMENT,
            )
        )
    return comments


def source_key(kpi_key: str) -> str:
    """A data source's key: the key of the KPI it feeds (a KPI has one source at most)."""
    return kpi_key


def _data_source(source: DataSource, label: str, keys: Keys) -> dict[str, Any]:
    """A source as the document holds it: its kind and the settings that are not secret;
    its secrets are never written (docs/format.md, "Data sources")."""
    try:
        secret = connector_class(source.kind).secret_names()
    except KeyError:
        secret = frozenset()
    return f.compact(
        {
            "key": source_key(keys.kpis[source.kpi_id]),
            "name": label,
            "kind": source.kind,
            "settings": {
                name: str(value)
                for name, value in sorted(source.settings.items())
                if name not in secret and str(value) != ""
            },
            "interval_minutes": source.interval_minutes,
            "active": source.is_active,
        },
        f.DATA_SOURCE,
    )


def _drives(kpi_ids: set[int], keys: Keys) -> dict[int, list[dict[str, Any]]]:
    """What each KPI drives: other KPIs, then key results, each by key."""
    drives: dict[int, list[dict[str, Any]]] = defaultdict(list)
    links = DriverLink.objects.filter(leading_id__in=kpi_ids).select_related("lagging_key_result")
    for link in links:
        if link.lagging_kpi_id is not None:
            target = {"kpi": keys.kpis[link.lagging_kpi_id]}
        else:
            kr = link.lagging_key_result
            assert kr is not None
            target = {"key_result": f"{keys.objectives[kr.objective_id]}/{keys.key_results[kr.pk]}"}
        drives[link.leading_id].append(f.compact({**target, "note": link.note}, f.DRIVER))
    for items in drives.values():
        items.sort(key=lambda item: (item.get("kpi", ""), item.get("key_result", "")))
    return drives


def _people(
    people: dict[int, Person],
    teams: list[Team],
    team_ids: set[int],
    team_slugs: dict[int, str],
    objectives: list[Objective],
    key_results: list[KeyResult],
    kpis: list[Kpi],
    scope: Scope,
) -> list[dict[str, Any]]:
    memberships: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for membership in sorted(
        Membership.objects.filter(team_id__in=team_ids), key=lambda m: team_slugs[m.team_id]
    ):
        memberships[membership.person_id].append(
            f.compact(
                {"team": team_slugs[membership.team_id], "lead": membership.is_lead},
                f.MEMBERSHIP,
            )
        )
    wanted = set(people)
    if scope.team is not None:
        # A team's document holds its members and whoever owns something in it.
        owners = [o.owner_id for o in objectives] + [k.owner_id for k in key_results]
        owners += [kpi.owner_id for kpi in kpis]
        wanted = set(memberships) | {pk for pk in owners if pk is not None}
    items = [
        f.compact(
            {
                "email": person.user.email,
                "name": person.name,
                "title": person.title,
                "role": person.role,
                "teams": memberships.get(pk, []),
            },
            f.PERSON,
        )
        for pk, person in people.items()
        if pk in wanted
    ]
    return sorted(items, key=lambda item: item["email"])


def _kpi(
    kpi: Kpi,
    keys: Keys,
    team_slugs: dict[int, str],
    emails: dict[int, str],
    sources: dict[int, DataSource],
    drives: dict[int, list[dict[str, Any]]],
    comments: Comments,
) -> dict[str, Any]:
    # A KPI with a source names it by key; the label is the source's name.
    label = source_key(keys.kpis[kpi.pk]) if kpi.pk in sources else kpi.data_source
    return f.compact(
        {
            "key": keys.kpis[kpi.pk],
            "name": kpi.name,
            "team": team_slugs[kpi.team_id],
            "owner": emails.get(kpi.owner_id) if kpi.owner_id else None,
            "description": kpi.description,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "target": f.number(kpi.target),
            "warning": f.number(kpi.warning),
            "low": f.number(kpi.low),
            "high": f.number(kpi.high),
            "frequency": kpi.frequency,
            "aggregation": kpi.aggregation,
            "data_source": label,
            "archived": kpi.archived_at is not None,
            "drives": drives.get(kpi.pk, []),
            "comments": comments.get((SubjectType.KPI, kpi.pk), []),
        },
        f.KPI,
    )


def _supports(
    objectives: list[Objective], keys: Keys, kr_objective: dict[int, int]
) -> dict[int, list[str]]:
    """What each objective contributes to: its primary parent first, then the others."""

    def name(parent_id: int, key_result_id: int | None) -> str:
        objective_key = keys.objectives[parent_id]
        if key_result_id is None:
            return objective_key
        return f"{objective_key}/{keys.key_results[key_result_id]}"

    supports: dict[int, list[str]] = defaultdict(list)
    for objective in objectives:
        if objective.parent_id is not None:
            supports[objective.pk].append(name(objective.parent_id, objective.parent_key_result_id))
    for objective_id, parent_id, key_result_id in (
        Alignment.objects.filter(objective_id__in=[o.pk for o in objectives])
        .order_by("id")
        .values_list("objective_id", "parent_id", "key_result_id")
    ):
        label = name(parent_id, key_result_id)
        if label not in supports[objective_id]:
            supports[objective_id].append(label)
    return supports


def _objectives(
    objectives: list[Objective],
    key_results: list[KeyResult],
    cycles: list[Cycle],
    keys: Keys,
    team_slugs: dict[int, str],
    emails: dict[int, str],
    kpi_ids: set[int],
    comments: Comments,
) -> list[dict[str, Any]]:
    cycle_order = {cycle.pk: (index, cycle.name) for index, cycle in enumerate(cycles)}
    kr_objective = {kr.pk: kr.objective_id for kr in key_results}
    check_ins: dict[int, list[CheckIn]] = defaultdict(list)
    rolled_up = {kr.pk for kr in key_results if kr.rollup != Rollup.NONE}
    for check_in in CheckIn.objects.filter(
        key_result_id__in=[kr.pk for kr in key_results if kr.pk not in rolled_up]
    ).order_by("created_at", "id"):
        check_ins[check_in.key_result_id].append(check_in)
    by_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in key_results:
        by_objective[kr.objective_id].append(kr)
    supports = _supports(objectives, keys, kr_objective)
    guardrails: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for objective_id, kpi_id, note in Guardrail.objects.filter(
        objective_id__in=[o.pk for o in objectives]
    ).values_list("objective_id", "kpi_id", "note"):
        guardrails[objective_id].append(
            f.compact({"kpi": keys.kpis[kpi_id], "note": note}, f.GUARDRAIL)
        )
    kr_names = {
        kr.pk: f"{keys.objectives[kr.objective_id]}/{keys.key_results[kr.pk]}"
        for kr in KeyResult.objects.filter(
            Q(pk__in=[kr.contributes_to_id for kr in key_results if kr.contributes_to_id])
        ).only("pk", "objective_id")
    }
    items = []
    for objective in sorted(
        objectives, key=lambda o: (cycle_order[o.cycle_id], team_slugs[o.team_id], o.pk)
    ):
        items.append(
            (
                cycle_order[objective.cycle_id],
                team_slugs[objective.team_id],
                keys.objectives[objective.pk],
                f.compact(
                    {
                        "key": keys.objectives[objective.pk],
                        "cycle": cycle_order[objective.cycle_id][1],
                        "team": team_slugs[objective.team_id],
                        "title": objective.title,
                        "description": objective.description,
                        "owner": emails.get(objective.owner_id) if objective.owner_id else None,
                        "kind": objective.kind,
                        "state": objective.state,
                        "supports": supports.get(objective.pk, []),
                        "roll_up_children": objective.roll_up_children,
                        "final_score": f.number(objective.final_score),
                        "retrospective": objective.retrospective,
                        "guardrails": sorted(
                            guardrails.get(objective.pk, []), key=lambda g: g["kpi"]
                        ),
                        "key_results": [
                            _key_result(kr, keys, emails, check_ins[kr.pk], kr_names, comments)
                            for kr in by_objective[objective.pk]
                        ],
                        "comments": comments.get((SubjectType.OBJECTIVE, objective.pk), []),
                    },
                    f.OBJECTIVE,
                ),
            )
        )
    return [item for *_, item in sorted(items, key=lambda row: row[:3])]


def _key_result(
    kr: KeyResult,
    keys: Keys,
    emails: dict[int, str],
    check_ins: list[CheckIn],
    kr_names: dict[int, str],
    comments: Comments,
) -> dict[str, Any]:
    return f.compact(
        {
            "key": keys.key_results[kr.pk],
            "title": kr.title,
            "owner": emails.get(kr.owner_id) if kr.owner_id else None,
            "kind": kr.kind,
            "unit": kr.unit,
            "weight": f.number(kr.weight),
            "start": f.number(kr.start),
            "target": f.number(kr.target),
            "low": f.number(kr.low),
            "high": f.number(kr.high),
            "commit": f.number(kr.commit),
            "stretch": f.number(kr.stretch),
            "phases": [
                {"until": phase["until"], "value": f.number(phase["value"])}
                for phase in kr.phases or []
            ],
            "kpi": keys.kpis.get(kr.kpi_id) if kr.kpi_id else None,
            "kpi_mode": kr.kpi_mode,
            "contributes_to": kr_names.get(kr.contributes_to_id) if kr.contributes_to_id else None,
            "rollup": kr.rollup,
            "check_ins": [
                f.compact(
                    {
                        "at": f.instant(check_in.created_at),
                        "value": f.number(check_in.value),
                        "done": check_in.done,
                        "confidence": check_in.confidence,
                        "note": check_in.note,
                        "author": emails.get(check_in.author_id) if check_in.author_id else None,
                        "automatic": check_in.automatic,
                        "comments": comments.get((SubjectType.CHECK_IN, check_in.pk), []),
                    },
                    f.CHECK_IN,
                )
                for check_in in check_ins
            ],
            "comments": comments.get((SubjectType.KEY_RESULT, kr.pk), []),
        },
        f.KEY_RESULT,
    )


class _Dumper(yaml.SafeDumper):
    """Block style throughout; long texts stay on one line so a diff shows whole fields."""


def dump(document: dict[str, Any], fmt: str = "yaml") -> str:
    """The document as text: YAML (default) or JSON with the same shape."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )
    return text


def write_measurements(document: dict[str, Any], workspace: Workspace, directory: Path) -> int:
    """Write one CSV file (`timestamp,value`) per KPI of the document into `directory`,
    named by the KPI's key; returns the number of files written."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = workspace_keys(workspace)
    ids = {key: pk for pk, key in keys.kpis.items()}
    written = 0
    for item in document["kpis"]:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(["timestamp", "value"])
        rows = (
            Measurement.objects.filter(kpi_id=ids[item["key"]])
            .order_by("timestamp")
            .values_list("timestamp", "value")
            .iterator(chunk_size=5000)
        )
        for timestamp, value in rows:
            out.writerow([f.instant(timestamp), repr(f.number(value))])
        (directory / f"{item['key']}.csv").write_text(buffer.getvalue(), encoding="utf-8")
        written += 1
    return written
