"""Matching a converted document to the workspace it is imported into.

A converted file names teams, cycles and people as the file does, and gives its objectives
keys from their titles. Before it is planned, each is matched to what the workspace holds:
a team by its key or name, a cycle by its name or dates, a person by email or name, an
objective by its title, team and cycle. What matches is referred to, not listed again, so
importing a file changes only what the file says (docs/importers.md, "What maps").
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from goalkeeper.accounts.models import Workspace
from goalkeeper.importers.registry import Converted
from goalkeeper.portability.document import Document, DocumentError, Problem, schema_problems
from goalkeeper.portability.export import export_document
from goalkeeper.portability.fields import parse_instant
from goalkeeper.portability.keys import unique_key


def _active_cycle(cycles: list[dict[str, Any]], today: str) -> str | None:
    active = [cycle for cycle in cycles if cycle.get("state") == "active"]
    running = [cycle for cycle in active if cycle["start"] <= today <= cycle["end"]]
    chosen = running or active
    return chosen[-1]["name"] if chosen else None


def _renamed(value: str | None, names: dict[str, str]) -> str | None:
    return names.get(value, value) if value is not None else None


class _Fitter:
    def __init__(self, converted: Converted, workspace: Workspace, file: str) -> None:
        self.data: dict[str, Any] = copy.deepcopy(converted.document)
        self.lines = dict(converted.lines)
        self.file = file
        self.workspace = workspace
        self.current = export_document(workspace)
        self.problems: list[Problem] = []
        self.document = Document(data=self.data, file=file, lines=self.lines)

    def teams(self) -> None:
        current = self.current["teams"]
        keys = {team["key"] for team in current}
        by_name = {team["name"].casefold(): team["key"] for team in current}
        root = next((team["key"] for team in current if team.get("parent") is None), None)
        names: dict[str, str] = {}
        kept = []
        parents = {team.get("parent") for team in self.data.get("teams", [])}
        for team in self.data.get("teams", []):
            if team["key"] in keys:
                continue
            if team["key"] in parents and team.get("parent") is None and root is not None:
                # The top of the file's tree (a tool's company level) is this workspace's
                # own root; a team on its own is a new team under the root.
                names[team["key"]] = root
                continue
            if team["name"].casefold() in by_name:
                names[team["key"]] = by_name[team["name"].casefold()]
                continue
            kept.append(team)
        for team in kept:
            team["parent"] = _renamed(team.get("parent"), names) or root
        self._set("teams", kept)
        for item in self.data.get("objectives", []):
            item["team"] = _renamed(item.get("team"), names) or root
        for item in self.data.get("kpis", []):
            item["team"] = _renamed(item.get("team"), names) or root
        for person in self.data.get("people", []):
            for membership in person.get("teams", []):
                membership["team"] = _renamed(membership["team"], names)

    def cycles(self) -> None:
        current = self.current["cycles"]
        by_name = {cycle["name"].casefold(): cycle for cycle in current}
        by_dates = {(cycle["start"], cycle["end"]): cycle["name"] for cycle in current}
        names: dict[str, str] = {}
        kept = []
        for cycle in self.data.get("cycles", []):
            have = by_name.get(cycle["name"].casefold())
            if have is not None:
                # The workspace's cycle keeps its dates: a quarter's name in a spreadsheet
                # suggests calendar dates that a fiscal quarter need not have.
                names[cycle["name"]] = have["name"]
            elif (cycle["start"], cycle["end"]) in by_dates:
                names[cycle["name"]] = by_dates[(cycle["start"], cycle["end"])]
            else:
                kept.append(cycle)
        self._set("cycles", kept)
        today = timezone.localdate(timezone.now(), self.workspace.zone).isoformat()
        active = _active_cycle(current, today)
        for index, item in enumerate(self.data.get("objectives", [])):
            if item.get("cycle") is None:
                if active is None:
                    self.problems.append(
                        self.document.problem(
                            ("objectives", index, "cycle"),
                            "the file names no cycle and no cycle is active: map a cycle column",
                        )
                    )
                    continue
                item["cycle"] = active
            else:
                item["cycle"] = names.get(item["cycle"], item["cycle"])
                if item["cycle"].casefold() in by_name:
                    item["cycle"] = by_name[item["cycle"].casefold()]["name"]

    def people(self) -> None:
        current = self.current["people"]
        emails = {person["email"].lower() for person in current}
        by_name: dict[str, list[str]] = {}
        for person in current:
            by_name.setdefault(person["name"].casefold(), []).append(person["email"])
        self._set(
            "people",
            [person for person in self.data.get("people", []) if person["email"] not in emails],
        )
        for path, item, name in self._people_named():
            owner = item.get(name)
            if owner is None or "@" in owner:
                continue
            found = by_name.get(owner.casefold(), [])
            if len(found) == 1:
                item[name] = found[0]
            else:
                reason = "two people are" if found else "no one in the workspace is"
                self.problems.append(
                    self.document.problem(
                        (*path, name), f"{reason} named {owner!r}: give their email instead"
                    )
                )

    def _people_named(self) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any], str]]:
        for index, item in enumerate(self.data.get("objectives", [])):
            yield ("objectives", index), item, "owner"
            for kr_index, kr in enumerate(item.get("key_results", [])):
                yield ("objectives", index, "key_results", kr_index), kr, "owner"
                for ci_index, check_in in enumerate(kr.get("check_ins", [])):
                    path = ("objectives", index, "key_results", kr_index, "check_ins", ci_index)
                    yield path, check_in, "author"
        for index, item in enumerate(self.data.get("kpis", [])):
            yield ("kpis", index), item, "owner"

    def objectives(self) -> None:
        current = self.current["objectives"]
        by_group = {
            (item["title"].casefold(), item["team"], item["cycle"]): item for item in current
        }
        by_key = {item["key"]: item for item in current}
        taken = set(by_key)
        names: dict[str, str] = {}
        for item in self.data.get("objectives", []):
            have = by_group.get((item["title"].casefold(), item.get("team"), item.get("cycle")))
            if have is None and item["key"] in by_key:
                same_place = by_key[item["key"]]
                if (same_place["team"], same_place["cycle"]) == (item["team"], item["cycle"]):
                    have = same_place
            if have is None:
                key = item["key"] if item["key"] not in taken else unique_key(item["title"], taken)
                names[item["key"]] = key
                item["key"] = key
                taken.add(key)
                continue
            names[item["key"]] = have["key"]
            self._overlay(item, have)
        for item in self.data.get("objectives", []):
            item["supports"] = [self._target(name, names) for name in item.get("supports", [])]
            if not item["supports"]:
                del item["supports"]
            for kr in item.get("key_results", []):
                if kr.get("contributes_to"):
                    kr["contributes_to"] = self._target(kr["contributes_to"], names)

    @staticmethod
    def _target(name: str, names: dict[str, str]) -> str:
        objective, slash, kr = name.partition("/")
        return f"{names.get(objective, objective)}{slash}{kr}"

    @staticmethod
    def _overlay(item: dict[str, Any], have: dict[str, Any]) -> None:
        """`item` as the existing objective `have` changed by what the file says: the file
        leaves the other fields, and the key results it does not name, as they are."""
        given = {name: value for name, value in item.items() if name != "key_results"}
        krs = item.get("key_results", [])
        item.clear()
        item.update({name: value for name, value in have.items() if name != "key_results"})
        item.update(given)
        item["key"] = have["key"]
        existing = have.get("key_results", [])
        by_key = {kr["key"]: kr for kr in existing}
        by_title = {kr["title"].casefold(): kr for kr in existing}
        taken = set(by_key)
        fitted = []
        for kr in krs:
            old = by_title.get(kr["title"].casefold()) or by_key.get(kr["key"])
            if old is None:
                kr["key"] = kr["key"] if kr["key"] not in taken else unique_key(kr["title"], taken)
                taken.add(kr["key"])
                fitted.append(kr)
                continue
            merged = {name: value for name, value in old.items() if name != "check_ins"}
            merged.update(kr)
            merged["key"] = old["key"]
            merged["check_ins"] = _new_check_ins(kr.get("check_ins", []), old.get("check_ins", []))
            if not merged["check_ins"]:
                del merged["check_ins"]
            fitted.append(merged)
        if fitted:
            item["key_results"] = fitted

    def prune_scope(self) -> None:
        """Keep what lies outside the file's cycles, and every KPI: pruning after a spreadsheet
        deletes only the objectives and key results of its cycles that it no longer has."""
        cycles = {item["cycle"] for item in self.data.get("objectives", [])}
        kpis = {item["key"] for item in self.data.get("kpis", [])}
        self.data.setdefault("kpis", []).extend(
            item for item in self.current["kpis"] if item["key"] not in kpis
        )
        self.data.setdefault("objectives", []).extend(
            item for item in self.current["objectives"] if item["cycle"] not in cycles
        )

    def _set(self, section: str, items: list[dict[str, Any]]) -> None:
        if items:
            self.data[section] = items
        else:
            self.data.pop(section, None)


def _new_check_ins(
    wanted: list[dict[str, Any]], have: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The check-ins of the file, less one that only repeats the latest value the key result
    has (a file read twice reports the same current value: nothing new happened)."""
    if not wanted or not have:
        return wanted
    latest = max(have, key=lambda check_in: parse_instant(check_in["at"]))
    last = wanted[-1]
    same = all(
        last.get(name, default) == latest.get(name, default)
        for name, default in (("value", None), ("done", False))
    )
    newer = parse_instant(last["at"]) > parse_instant(latest["at"])
    if same and not last.get("note") and newer:
        return wanted[:-1]
    return wanted


def fit(converted: Converted, workspace: Workspace, file: str, *, prune: bool = False) -> Document:
    """The document of `converted` matched to `workspace`, checked against the schema;
    refuses with every problem, each naming the file, the row and the field."""
    fitter = _Fitter(converted, workspace, file)
    fitter.teams()
    fitter.cycles()
    fitter.people()
    fitter.objectives()
    if prune:
        fitter.prune_scope()
    problems = fitter.problems or list(schema_problems(fitter.document))
    if problems:
        raise DocumentError(problems)
    return fitter.document
