"""What a notification or a watch is about: titles, links and default watchers of subjects.

A subject is a pair `(subject_type, subject_id)`. This module reads the OKR, KPI and source
rows it names, one query per type, so that a receiver or a page handling many subjects stays
bounded in queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from goalkeeper.kpis.models import Kpi
from goalkeeper.links import url_maker
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.sources.models import DataSource

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Subject = tuple[str, int]


@dataclass(frozen=True)
class SubjectInfo:
    """A subject as a notification shows it, with the people who watch it by default."""

    subject: Subject
    workspace_id: int
    # Lazy when worded by Goalkeeper ("Data source of ..."): read in the reader's language.
    title: StrOrPromise
    url: str
    team_id: int | None
    # Owners watch by default (the key result's and its objective's owner, the KPI's...).
    owner_ids: frozenset[int]
    # The subject this one belongs to: a check-in's key result, a key result's objective.
    parent: Subject | None = None


def describe(subjects: Iterable[Subject]) -> dict[Subject, SubjectInfo]:
    """The subjects that exist, described; missing ones are left out."""
    wanted: dict[str, set[int]] = {}
    for kind, pk in subjects:
        wanted.setdefault(kind, set()).add(int(pk))
    found: dict[Subject, SubjectInfo] = {}
    if ids := wanted.get("objective"):
        objective_url = url_maker("objective_detail")
        for obj in Objective.objects.filter(pk__in=ids).only(
            "id", "workspace_id", "title", "team_id", "owner_id"
        ):
            found[("objective", obj.pk)] = SubjectInfo(
                ("objective", obj.pk),
                obj.workspace_id,
                obj.title,
                objective_url(obj.pk),
                obj.team_id,
                frozenset(p for p in [obj.owner_id] if p is not None),
            )
    key_result_ids = set(wanted.get("key_result", set()))
    check_ins: dict[int, CheckIn] = {}
    if ids := wanted.get("check_in"):
        check_ins = {
            c.pk: c
            for c in CheckIn.objects.filter(pk__in=ids).only("id", "key_result_id", "author_id")
        }
        key_result_ids |= {c.key_result_id for c in check_ins.values()}
    key_results: dict[int, SubjectInfo] = {}
    if key_result_ids:
        check_in_url = url_maker("key_result_check_in")
        kr_rows = KeyResult.objects.filter(pk__in=key_result_ids).values_list(
            "id", "workspace_id", "title", "owner_id", "objective_id",
            "objective__owner_id", "objective__team_id",
        )  # fmt: skip
        for pk, workspace_id, title, owner_id, objective_id, objective_owner, team_id in kr_rows:
            key_results[pk] = SubjectInfo(
                ("key_result", pk),
                workspace_id,
                title,
                check_in_url(pk),
                team_id,
                frozenset(p for p in (owner_id, objective_owner) if p is not None),
                parent=("objective", objective_id),
            )
        for pk in wanted.get("key_result", set()):
            if pk in key_results:
                found[("key_result", pk)] = key_results[pk]
    for pk, check_in in check_ins.items():
        if (kr := key_results.get(check_in.key_result_id)) is not None:
            owners = kr.owner_ids | {p for p in [check_in.author_id] if p is not None}
            found[("check_in", pk)] = SubjectInfo(
                ("check_in", pk),
                kr.workspace_id,
                kr.title,
                f"{kr.url}#check-in-{pk}",
                kr.team_id,
                frozenset(owners),
                parent=kr.subject,
            )
    if ids := wanted.get("kpi"):
        kpi_url = url_maker("kpi_detail")
        for kpi in Kpi.objects.filter(pk__in=ids).only(
            "id", "workspace_id", "name", "team_id", "owner_id"
        ):
            found[("kpi", kpi.pk)] = SubjectInfo(
                ("kpi", kpi.pk),
                kpi.workspace_id,
                kpi.name,
                kpi_url(kpi.pk),
                kpi.team_id,
                frozenset(p for p in [kpi.owner_id] if p is not None),
            )
    if ids := wanted.get("source"):
        source_url = url_maker("source_detail")
        source_rows = DataSource.objects.filter(pk__in=ids).values_list(
            "id", "workspace_id", "kpi_id", "kpi__name", "kpi__team_id", "kpi__owner_id",
            "created_by_id",
        )  # fmt: skip
        for pk, workspace_id, kpi_id, name, team_id, kpi_owner, creator in source_rows:
            found[("source", pk)] = SubjectInfo(
                ("source", pk),
                workspace_id,
                format_lazy(gettext_lazy("Data source of {name}"), name=name),
                source_url(kpi_id),
                team_id,
                frozenset(p for p in (kpi_owner, creator) if p is not None),
                parent=("kpi", kpi_id),
            )
    return found


def describe_one(subject: Subject) -> SubjectInfo | None:
    """One subject described, or None when its row is gone."""
    return describe([subject]).get(subject)
