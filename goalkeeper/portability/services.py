"""Carrying out a plan: every change through the owning app's services, in one transaction.

Each service validates, audits and emits its events on commit; a refusal anywhere rolls
everything back and is reported with the file, line and field of the item that caused it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.accounts import services as accounts
from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.bridges.models import DriverLink, Guardrail
from goalkeeper.bridges.services import drivers as bridge_drivers
from goalkeeper.bridges.services import guardrails as bridge_guardrails
from goalkeeper.comments import services as comments
from goalkeeper.kpis import services as kpis
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveState,
)
from goalkeeper.okrs.services import cycles as okr_cycles
from goalkeeper.okrs.services import key_results as okr_key_results
from goalkeeper.okrs.services import objectives as okr_objectives
from goalkeeper.portability import fields as f
from goalkeeper.portability.document import DocumentError, Path_
from goalkeeper.portability.export import workspace_keys
from goalkeeper.portability.models import KeyKind, PortableKey
from goalkeeper.portability.plan import Plan, Step
from goalkeeper.sources import services as sources
from goalkeeper.sources.connectors import connector_class
from goalkeeper.sources.models import DataSource
from goalkeeper.sources.secrets import open_secrets

# Model field names as the format names them, for errors.
FORMAT_NAMES = {"start_date": "start", "end_date": "end", "parents": "supports"}
KPI_DEFINITION = (
    "name",
    "team",
    "owner",
    "description",
    "unit",
    "direction",
    "target",
    "warning",
    "low",
    "high",
    "frequency",
    "aggregation",
    "data_source",
)
KR_FIELDS = (
    "phases",
    "title",
    "owner",
    "kind",
    "unit",
    "weight",
    "start",
    "target",
    "low",
    "high",
    "commit",
    "stretch",
    "kpi",
    "kpi_mode",
    "rollup",
)


class _Rows:
    """The rows a document's keys name: the workspace's, and those the import creates."""

    def __init__(self, workspace: Workspace) -> None:
        keys = workspace_keys(workspace)
        self.workspace = workspace
        self.teams = {keys.teams[t.pk]: t for t in Team.objects.filter(workspace=workspace)}
        self.people = {
            p.user.email.lower(): p
            for p in Person.objects.filter(workspace=workspace).select_related("user")
        }
        self.cycles = {c.name: c for c in Cycle.objects.filter(workspace=workspace)}
        self.kpis = {keys.kpis[k.pk]: k for k in Kpi.objects.filter(workspace=workspace)}
        self.objectives = {
            keys.objectives[o.pk]: o
            for o in Objective.objects.filter(workspace=workspace).select_related("cycle")
        }
        self.key_results = {
            f"{keys.objectives[kr.objective_id]}/{keys.key_results[kr.pk]}": kr
            for kr in KeyResult.objects.filter(workspace=workspace).select_related(
                "objective__cycle", "objective__workspace", "workspace"
            )
        }

    def person(self, email: str | None) -> Person | None:
        return self.people[email.lower()] if email else None

    def parent(self, name: str) -> Objective | KeyResult:
        return self.key_results[name] if "/" in name else self.objectives[name]


def _refused(plan: Plan, path: Path_, error: ValidationError) -> DocumentError:
    """A service's refusal as a problem at the item's line, naming the format's field."""
    problems = []
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = FORMAT_NAMES.get(name, name)
            for message in messages:
                problems.append(plan.document.problem((*path, field), message))
    else:
        problems = [plan.document.problem(path, message) for message in error.messages]
    return DocumentError(problems)


def _run(plan: Plan, step: Step, write: Callable[[], Any]) -> Any:
    try:
        return write()
    except ValidationError as error:
        raise _refused(plan, step.path, error) from None


@transaction.atomic
def apply_plan(plan: Plan, *, workspace: Workspace, actor: Person) -> None:
    """Make `workspace` what the plan says, all or nothing (docs/format.md, "Import")."""
    rows = _Rows(workspace)
    steps = {kind: [s for s in plan.steps if s.kind == kind] for kind in _KINDS}
    for step in steps["workspace"]:
        _run(plan, step, partial(_workspace, rows, actor, step))
    for step in _parents_first(steps["team"]):
        _run(plan, step, partial(_team, rows, actor, step))
    for step in steps["person"]:
        _run(plan, step, partial(_person, rows, actor, step))
    for step in steps["person"]:
        if "teams" in step.changes:
            _run(plan, step, partial(_memberships, rows, actor, step))
    closing: list[Step] = []
    for step in steps["cycle"]:
        _run(plan, step, partial(_cycle, rows, actor, step, closing))
    for step in steps["kpi"]:
        if step.action == "delete":
            _run(plan, step, partial(kpis.delete_kpi, actor=actor, kpi=rows.kpis[step.key]))
        else:
            _run(plan, step, partial(_kpi, rows, actor, step))
    for step in steps["data_source"]:
        _run(plan, step, partial(_data_source, rows, actor, step))
    places = {item["key"]: index for index, item in enumerate(plan.document.data.get("kpis", []))}
    for key, points in plan.measurements.items():
        step = Step("add", "kpi", key, ("kpis", places.get(key, 0), "measurements"))
        record = partial(
            kpis.record_measurements,
            actor=actor,
            kpi=rows.kpis[key],
            points=points,
            source="import",
        )
        _run(plan, step, record)
    objective_closings: list[Step] = []
    objective_steps = {s.key: s for s in steps["objective"] if s.action != "delete"}
    kr_steps: dict[str, list[Step]] = {}
    for step in steps["key_result"]:
        if step.action != "delete":
            kr_steps.setdefault(step.key.partition("/")[0], []).append(step)
    # Each objective with its key results, after what it supports (a parent key result).
    for key in _supported_first(plan.document.data.get("objectives", [])):
        if key in objective_steps:
            step = objective_steps[key]
            _run(plan, step, partial(_objective, rows, actor, step, objective_closings))
        for step in kr_steps.get(key, []):
            _run(plan, step, partial(_key_result, rows, actor, step))
    for step in steps["key_result"]:
        if step.action != "delete" and "contributes_to" in step.changes:
            _run(plan, step, partial(_contribution, rows, actor, step))
    check_ins = sorted(steps["check_in"], key=lambda s: f.parse_instant(s.changes["at"]))
    # A key result's latest imported check-in is announced (events, notifications); the
    # older ones are its history.
    latest = {_key_result_key(step): step for step in check_ins}
    for step in check_ins:
        announce = latest[_key_result_key(step)] is step
        _run(plan, step, partial(_check_in, rows, step, announce))
    for step in steps["comment"]:
        _run(plan, step, partial(_comment, rows, actor, step))
    # Links before closings: a closed objective's guardrails are history.
    for kind, write in (("guardrail", _guardrail), ("driver", _driver)):
        for step in sorted(steps[kind], key=lambda s: s.action != "delete"):
            _run(plan, step, partial(write, rows, actor, step))
    for step in objective_closings:
        _run(plan, step, partial(_close_objective, rows, actor, step))
    for step in closing:
        _run(plan, step, partial(_close_cycle, rows, actor, step))
    for step in steps["key_result"]:
        if step.action == "delete":
            _run(
                plan,
                step,
                partial(
                    okr_key_results.delete_key_result,
                    actor=actor,
                    key_result=rows.key_results[step.key],
                ),
            )
    for step in steps["objective"]:
        if step.action == "delete":
            _run(
                plan,
                step,
                partial(
                    okr_objectives.delete_objective,
                    actor=actor,
                    objective=rows.objectives[step.key],
                ),
            )
    _remember_keys(rows, plan)


_KINDS = (
    "workspace",
    "team",
    "person",
    "cycle",
    "kpi",
    "data_source",
    "objective",
    "key_result",
    "check_in",
    "comment",
    "guardrail",
    "driver",
)


def _parents_first(steps: list[Step]) -> Iterator[Step]:
    by_key = {step.key: step for step in steps}
    done: set[str] = set()

    def visit(step: Step) -> Iterator[Step]:
        if step.key in done:
            return
        done.add(step.key)
        parent = by_key.get(step.changes.get("parent") or "")
        if parent is not None:
            yield from visit(parent)
        yield step

    for step in steps:
        yield from visit(step)


def _supported_first(objectives: list[dict[str, Any]]) -> Iterator[str]:
    """The document's objective keys, each after those it supports."""
    by_key = {item["key"]: item for item in objectives}
    done: set[str] = set()

    def visit(key: str) -> Iterator[str]:
        if key in done or key not in by_key:
            return
        done.add(key)
        for name in by_key[key].get("supports", []):
            yield from visit(name.partition("/")[0])
        yield key

    for item in objectives:
        yield from visit(item["key"])


def _workspace(rows: _Rows, actor: Person, step: Step) -> None:
    rows.workspace = accounts.update_workspace(
        actor=actor, workspace=rows.workspace, **step.changes
    )


def _team(rows: _Rows, actor: Person, step: Step) -> None:
    data = step.changes
    parent = rows.teams[data["parent"]] if data.get("parent") else None
    if step.action == "create":
        if parent is None:
            # A document's company root is the workspace's own root (docs/format.md).
            team = accounts.company_team(rows.workspace)
            team = accounts.update_team(actor=actor, team=team, name=data["name"])
        else:
            team = accounts.create_team(
                actor=actor, workspace=rows.workspace, name=data["name"], parent=parent
            )
        if data.get("archived"):
            team = accounts.archive_team(actor=actor, team=team)
        rows.teams[step.key] = team
        return
    team = rows.teams[step.key]
    if "name" in data or "parent" in data:
        team = accounts.update_team(actor=actor, team=team, name=data.get("name"), parent=parent)
    if "archived" in data:
        archive = accounts.archive_team if data["archived"] else accounts.restore_team
        team = archive(actor=actor, team=team)
    rows.teams[step.key] = team


def _person(rows: _Rows, actor: Person, step: Step) -> None:
    data = step.changes
    if step.action == "create":
        # Someone the workspace does not know yet arrives invited: they own what the file
        # gives them, and join when they accept (docs/format.md, "People").
        rows.people[step.key] = accounts.add_invited_person(
            actor=actor,
            workspace=rows.workspace,
            email=step.key,
            name=data["name"],
            role=data["role"],
            title=data["title"],
        )
        return
    person = rows.people[step.key]
    changes = {name: data[name] for name in ("name", "title", "role") if name in data}
    if changes:
        rows.people[step.key] = accounts.update_person(actor=actor, person=person, **changes)


def _memberships(rows: _Rows, actor: Person, step: Step) -> None:
    teams = {
        rows.teams[item["team"]].pk: bool(item.get("lead", False)) for item in step.changes["teams"]
    }
    accounts.set_memberships(actor=actor, person=rows.people[step.key], teams=teams)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _cycle(rows: _Rows, actor: Person, step: Step, closing: list[Step]) -> None:
    data = step.changes
    state = data.get("state")
    if step.action == "create":
        # A closed cycle is written open, then closed once its objectives are in.
        rows.cycles[step.key] = okr_cycles.create_cycle(
            actor=actor,
            workspace=rows.workspace,
            name=data["name"],
            start_date=_day(data["start"]),
            end_date=_day(data["end"]),
            state=CycleState.ACTIVE if state == CycleState.CLOSED else str(state),
        )
    else:
        cycle = rows.cycles[step.key]
        dates: dict[str, Any] = {
            model: _day(data[name])
            for name, model in (("start", "start_date"), ("end", "end_date"))
            if name in data
        }
        if dates:
            cycle = okr_cycles.update_cycle(actor=actor, cycle=cycle, **dates)
        if state == CycleState.ACTIVE or (
            state == CycleState.CLOSED and cycle.state == CycleState.PLANNING
        ):
            cycle = okr_cycles.update_cycle(
                actor=actor, cycle=cycle, state=CycleState.ACTIVE, confirm_overlap=True
            )
        rows.cycles[step.key] = cycle
    if state == CycleState.CLOSED:
        closing.append(step)


def _close_cycle(rows: _Rows, actor: Person, step: Step) -> None:
    cycle = rows.cycles[step.key]
    cycle.refresh_from_db()
    if cycle.state != CycleState.CLOSED:
        okr_cycles.update_cycle(actor=actor, cycle=cycle, state=CycleState.CLOSED, closings=[])


def _kpi_fields(rows: _Rows, data: dict[str, Any]) -> dict[str, Any]:
    fields = {name: data[name] for name in KPI_DEFINITION if name in data}
    if "team" in fields:
        fields["team"] = rows.teams[fields["team"]]
    if "owner" in fields:
        fields["owner"] = rows.person(fields["owner"])
    return fields


def _kpi(rows: _Rows, actor: Person, step: Step) -> None:
    fields = _kpi_fields(rows, step.changes)
    if step.action == "create":
        team = fields.pop("team")
        kpi = kpis.create_kpi(actor=actor, team=team, **fields)
    else:
        kpi = rows.kpis[step.key]
        if fields:
            kpi = kpis.update_kpi(actor=actor, kpi=kpi, **fields)
    if "archived" in step.changes and step.changes["archived"] != (kpi.archived_at is not None):
        toggle = kpis.archive_kpi if step.changes["archived"] else kpis.restore_kpi
        kpi = toggle(actor=actor, kpi=kpi)
    rows.kpis[step.key] = kpi


def _source_configuration(
    kpi: Kpi, data: dict[str, Any], saved: dict[str, str]
) -> sources.Configuration:
    """The source's kind and settings, with the secrets it holds already (none for a new
    one): checked as a page checks them, but a missing secret is no refusal; the source
    waits for an admin to enter it (docs/format.md, "Data sources")."""
    kind = data["kind"]
    cls = connector_class(kind)
    secret = cls.secret_names()
    settings = {
        spec.name: str(data["settings"].get(spec.name, "")).strip()
        for spec in cls.parameters
        if not spec.secret
    }
    secrets = {name: value for name, value in saved.items() if name in secret}
    settings, secrets = cls.prepare(settings, secrets)
    errors = {
        f"settings.{name}": message
        for name, message in cls(settings, secrets, sources.context_for(kpi)).check().items()
        if name not in secret
    }
    if errors:
        raise ValidationError(errors)
    return sources.Configuration(kind=kind, settings=settings, secrets=secrets)


def _data_source(rows: _Rows, actor: Person, step: Step) -> None:
    data = step.changes
    kpi = rows.kpis[data["kpi"]]
    source = DataSource.objects.filter(kpi=kpi).first()
    if source is None:
        sources.create_source(
            actor=actor,
            kpi=kpi,
            configuration=_source_configuration(kpi, data, {}),
            interval_minutes=data["interval_minutes"],
            is_active=data["active"],
        )
        return
    saved, _ = open_secrets(source.sealed_secrets)
    given = {
        "kind": data.get("kind", source.kind),
        "settings": data.get("settings", source.settings),
    }
    sources.update_source(
        actor=actor,
        source=source,
        configuration=_source_configuration(kpi, given, saved),
        interval_minutes=data.get("interval_minutes", source.interval_minutes),
        is_active=data.get("active", source.is_active),
    )


def _guardrail(rows: _Rows, actor: Person, step: Step) -> None:
    objective_key, _, kpi_key = step.key.partition(" guarded by ")
    objective, kpi = rows.objectives[objective_key], rows.kpis[kpi_key]
    if step.action == "delete":
        guardrail = Guardrail.objects.select_related("objective__workspace").get(
            objective=objective, kpi=kpi
        )
        bridge_guardrails.remove_guardrail(actor=actor, guardrail=guardrail)
        return
    bridge_guardrails.add_guardrail(
        actor=actor, objective=objective, kpi=kpi, note=step.changes["note"]
    )


def _driver(rows: _Rows, actor: Person, step: Step) -> None:
    data = step.changes
    leading = rows.kpis[step.key.partition(" drives ")[0]]
    lagging_kpi = rows.kpis[data["kpi"]] if data["kpi"] else None
    key_result = rows.key_results[data["key_result"]] if data["key_result"] else None
    if step.action == "delete":
        link = DriverLink.objects.select_related("leading__workspace").get(
            leading=leading, lagging_kpi=lagging_kpi, lagging_key_result=key_result
        )
        bridge_drivers.remove_driver_link(actor=actor, link=link)
        return
    bridge_drivers.add_driver_link(
        actor=actor, leading=leading, kpi=lagging_kpi, key_result=key_result, note=data["note"]
    )


def _objective(rows: _Rows, actor: Person, step: Step, closings: list[Step]) -> None:
    data = step.changes
    fields: dict[str, Any] = {
        name: data[name]
        for name in ("description", "kind", "roll_up_children", "title")
        if name in data
    }
    if "team" in data:
        fields["team"] = rows.teams[data["team"]]
    if "owner" in data:
        fields["owner"] = rows.person(data["owner"])
    state = data.get("state")
    if state is not None and state != ObjectiveState.CLOSED:
        fields["state"] = state
    parents = [rows.parent(name) for name in data["supports"]] if "supports" in data else None
    if step.action == "create":
        objective = okr_objectives.create_objective(
            actor=actor,
            cycle=rows.cycles[data["cycle"]],
            parents=parents or None,
            **fields,
        )
    else:
        objective = rows.objectives[step.key]
        if "cycle" in data:
            raise ValidationError({"cycle": "an objective stays in its cycle: create a new one"})
        objective = okr_objectives.update_objective(
            actor=actor, objective=objective, parents=parents, **fields
        )
    rows.objectives[step.key] = objective
    if state == ObjectiveState.CLOSED or (
        objective.state == ObjectiveState.CLOSED and {"final_score", "retrospective"} & set(data)
    ):
        closings.append(step)


def _close_objective(rows: _Rows, actor: Person, step: Step) -> None:
    objective = rows.objectives[step.key]
    objective.refresh_from_db()
    data = step.changes
    score = data.get("final_score", objective.final_score)
    if score is None:
        score = okr_objectives.current_score(objective) or 0.0
        score = round(score, 1)
    okr_objectives.close_objective(
        actor=actor,
        objective=objective,
        final_score=score,
        retrospective=data.get("retrospective", objective.retrospective),
    )


def _kr_fields(rows: _Rows, data: dict[str, Any]) -> dict[str, Any]:
    fields = {name: data[name] for name in KR_FIELDS if name in data}
    if "owner" in fields:
        fields["owner"] = rows.person(fields["owner"])
    if "kpi" in fields:
        fields["kpi"] = rows.kpis[fields["kpi"]] if fields["kpi"] else None
    return fields


def _key_result(rows: _Rows, actor: Person, step: Step) -> None:
    fields = _kr_fields(rows, step.changes)
    if step.action == "create":
        objective = rows.objectives[step.key.partition("/")[0]]
        title = fields.pop("title")
        kind = fields.pop("kind")
        key_result = okr_key_results.create_key_result(
            actor=actor,
            objective=objective,
            title=title,
            kind=kind,
            position=step.changes["position"],
            **fields,
        )
    else:
        key_result = rows.key_results[step.key]
        if fields:
            key_result = okr_key_results.update_key_result(
                actor=actor, key_result=key_result, **fields
            )
    rows.key_results[step.key] = key_result


def _contribution(rows: _Rows, actor: Person, step: Step) -> None:
    name = step.changes["contributes_to"]
    rows.key_results[step.key] = okr_key_results.update_key_result(
        actor=actor,
        key_result=rows.key_results[step.key],
        contributes_to=rows.key_results[name] if name else None,
    )


def _key_result_key(step: Step) -> str:
    return step.key.partition("@")[0]


def _check_in(rows: _Rows, step: Step, announce: bool) -> None:
    data = step.changes
    key_result = rows.key_results[_key_result_key(step)]
    okr_key_results.record_check_in(
        # A check-in's author is who reported it; the service records them as its author.
        actor=rows.person(data["author"]),
        key_result=key_result,
        value=data["value"],
        done=data["done"],
        confidence=data["confidence"],
        note=data["note"],
        automatic=data["automatic"],
        at=f.parse_instant(data["at"]),
        announce=announce,
    )


def _comment(rows: _Rows, actor: Person, step: Step) -> None:
    data = step.changes
    subject_type, key = data["subject_type"], data["subject"]
    subject_id: int
    if subject_type == "kpi":
        subject_id = rows.kpis[key].pk
    elif subject_type == "objective":
        subject_id = rows.objectives[key].pk
    elif subject_type == "key_result":
        subject_id = rows.key_results[key].pk
    else:
        kr_key, _, at = key.partition("@")
        subject_id = CheckIn.objects.values_list("pk", flat=True).get(
            key_result=rows.key_results[kr_key], created_at=f.parse_instant(at)
        )
    ids = {email: person.pk for email, person in rows.people.items()}
    comments.import_comment(
        actor=actor,
        author=rows.person(data["author"]),
        subject_type=subject_type,
        subject_id=subject_id,
        body=f.stored_body(data["body"], ids),
        at=f.parse_instant(data["at"]),
    )


def _remember_keys(rows: _Rows, plan: Plan) -> None:
    """Store the document's keys, so the next import finds the same rows by them."""
    wanted: dict[tuple[str, int], str] = {}
    data = plan.document.data
    for item in data.get("teams", []):
        wanted[(KeyKind.TEAM, rows.teams[item["key"]].pk)] = item["key"]
    for item in data.get("kpis", []):
        wanted[(KeyKind.KPI, rows.kpis[item["key"]].pk)] = item["key"]
    for item in data.get("objectives", []):
        wanted[(KeyKind.OBJECTIVE, rows.objectives[item["key"]].pk)] = item["key"]
        for kr in item.get("key_results", []):
            key_result = rows.key_results[f"{item['key']}/{kr['key']}"]
            wanted[(KeyKind.KEY_RESULT, key_result.pk)] = kr["key"]
    stored = {
        (row.kind, row.object_id): row
        for row in PortableKey.objects.filter(workspace=rows.workspace)
    }
    for (kind, object_id), key in wanted.items():
        row = stored.get((kind, object_id))
        if row is None:
            PortableKey.objects.create(
                workspace=rows.workspace, kind=kind, object_id=object_id, key=key
            )
        elif row.key != key:
            row.key = key
            row.save(update_fields=["key"])


def import_document(
    plan: Plan, *, workspace: Workspace, actor: Person, dry_run: bool = False
) -> Plan:
    """Apply `plan` unless `dry_run`; returns it (its summary says what changed)."""
    if not dry_run and not plan.empty:
        apply_plan(plan, workspace=workspace, actor=actor)
    return plan


@transaction.atomic
def import_and_invite(plan: Plan, *, workspace: Workspace, actor: Person) -> int:
    """Apply `plan`, then email the people it added their invitation once the whole import
    has committed (`import --invite`: a refused import emails nobody); how many."""
    import_document(plan, workspace=workspace, actor=actor)
    added = [step.key for step in plan.steps if step.kind == "person" and step.action == "create"]
    people = list(
        Person.objects.filter(
            workspace=workspace, user__email__in=added, is_active=False, invited_at__isnull=False
        ).order_by("name", "id")
    )
    return accounts.send_invitations(actor=actor, people=people)
