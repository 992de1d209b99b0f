"""The objective page: its row with forecasts, alignment path, children, check-in history,
progress chart and the coach's remarks.

A closed objective is shown by its final score, band and retrospective: no forecasts, no
expected pace and no coaching (docs/scoring.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from django.db.models import Q
from django.utils.translation import gettext as _

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.refs import PersonRef
from goalkeeper.domain.coach import ObjectiveDraft as CoachDraft
from goalkeeper.domain.coach import Remark, coach_objective, coach_sandbagging, coach_team
from goalkeeper.domain.forecast import forecast
from goalkeeper.domain.key_results import KeyResultKind, progress
from goalkeeper.okrs.charts import progress_chart
from goalkeeper.okrs.coaching import (
    MAX_TEAM_OBJECTIVES,
    SANDBAGGING_THRESHOLD,
    draft_of,
    in_words,
)
from goalkeeper.okrs.cycles import cycle_header
from goalkeeper.okrs.facts import key_result_spec
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    Objective,
    ObjectiveKind,
    ObjectiveState,
    Rollup,
)
from goalkeeper.okrs.pages.cascade import objective_parents, with_contributors
from goalkeeper.okrs.rows import IN_LIST_MAX, CycleIndex, check_workspace, load_rows, person_ref
from goalkeeper.okrs.view_models import (
    CheckInEntry,
    CoachRemark,
    Forecast,
    KeyResultRow,
    ObjectiveDetail,
    ObjectiveRow,
    PendingReview,
)

# A projected value reaching this share of the way to the target is "close" (yellow).
FORECAST_CLOSE = 0.7
# A forecast needs check-ins on this many different days.
FORECAST_MIN_DAYS = 2
# Supporting objectives listed on the page: a company objective can have hundreds at
# company scale, and the alignment tree shows them all.
CHILDREN_SHOWN = 20


def objective_detail(
    workspace: Workspace, objective: Objective, now: dt.datetime
) -> ObjectiveDetail:
    """The objective page: its row with forecasts, path, children, history and coaching.

    `objective` comes from `access_objective_by_id` (with its cycle and team). Six queries:
    the objective's neighbourhood in the cycle's index (its path, children and what
    roll-ups count: never the whole cycle), the rows shown (two: the path, the first
    `CHILDREN_SHOWN` children and what roll-ups count), the check-ins, then the
    team's objective count and past aspirational scores for the coach (none once closed:
    no coaching then); one more for a parent in another cycle; two for the cascade (the
    key results' contributors, the objective's parents).
    """
    cycle = objective.cycle
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    index = CycleIndex.around(
        workspace,
        cycle,
        [objective.pk],
        paths=True,
        path_rollups=True,
        children_of=[objective.pk],
        include=[objective.pk],
    )
    path_ids = index.path(objective.pk)
    all_child_ids = sorted(index.children.get(objective.pk, []))
    child_ids = all_child_ids[:CHILDREN_SHOWN]
    needed = index.with_rollups([objective.pk, *path_ids, *child_ids])
    rows = {row.id: row for row in load_rows(workspace, cycle, clock, needed)}
    row = rows[objective.pk]
    # Every check-in behind the objective's progress: its own key results and, for a
    # roll-up, its descendants'.
    counted = index.with_rollups([objective.pk])
    history = _check_ins(workspace, cycle, counted)
    if row.live:
        row = replace(
            row,
            key_results=tuple(
                replace(kr, forecast=_forecast(kr, history.get(kr.id, []), cycle, clock))
                for kr in row.key_results
            ),
        )
    row = replace(row, key_results=with_contributors(workspace, row.key_results))
    own_krs = {kr.id for kr in row.key_results}
    entries = sorted(
        (entry for kr_id in own_krs for entry in history.get(kr_id, [])),
        key=lambda e: (e.at, e.id),
        reverse=True,
    )
    outside_parent = None
    if objective.parent_id is not None and objective.parent_id not in index.nodes:
        outside_parent = (
            Objective.objects.filter(workspace=workspace, pk=objective.parent_id)
            .values_list("id", "title")
            .first()
        )
    return ObjectiveDetail(
        cycle=cycle_header(cycle, clock),
        row=row,
        description=objective.description,
        retrospective=objective.retrospective,
        path=tuple(rows[pk] for pk in path_ids),
        outside_parent=outside_parent,
        children=tuple(rows[pk] for pk in child_ids if pk in rows),
        children_total=len(all_child_ids),
        check_ins=tuple(entries),
        chart=progress_chart(cycle, clock, objective.pk, rows, counted, history, pace=row.live),
        remarks=_remarks(workspace, objective, row) if row.live else (),
        review=_pending_review(objective),
        parents=objective_parents(workspace, objective),
    )


def _pending_review(objective: Objective) -> PendingReview | None:
    """Whom a draft waits for, if it was submitted for review (read with the objective)."""
    reviewer = objective.reviewer if objective.reviewer_id is not None else None
    if reviewer is None or objective.state != ObjectiveState.DRAFT:
        return None
    return PendingReview(
        reviewer=PersonRef(id=reviewer.pk, name=reviewer.name, initials=reviewer.initials),
        requested_at=objective.review_requested_at,
    )


def _check_ins(
    workspace: Workspace, cycle: Cycle, objective_ids: Collection[int]
) -> dict[int, list[CheckInEntry]]:
    """Check-ins of the objectives' key results, oldest first, by key result (one query)."""
    fields = (
        "id",
        "created_at",
        "key_result_id",
        "key_result__title",
        "key_result__kind",
        "key_result__unit",
        "value",
        "done",
        "confidence",
        "note",
        "author_id",
        "author__name",
        "automatic",
        "key_result__rollup",
    )
    query = CheckIn.objects.filter(key_result__workspace=workspace)
    if len(objective_ids) <= IN_LIST_MAX:
        query = query.filter(key_result__objective_id__in=list(objective_ids))
    else:
        query = query.filter(key_result__objective__cycle=cycle)
    result: dict[int, list[CheckInEntry]] = {}
    wanted = set(objective_ids)
    for c in query.order_by("created_at", "id").values(*fields, "key_result__objective_id"):
        if c["key_result__objective_id"] not in wanted:
            continue
        result.setdefault(c["key_result_id"], []).append(
            CheckInEntry(
                id=c["id"],
                at=c["created_at"],
                key_result_id=c["key_result_id"],
                key_result_title=c["key_result__title"],
                kind=KeyResultKind(c["key_result__kind"]),
                unit=c["key_result__unit"],
                value=c["value"],
                done=c["done"],
                confidence=c["confidence"],
                note=c["note"],
                author=person_ref(c["author_id"], c["author__name"]),
                automatic=c["automatic"],
                rolled_up=c["automatic"] and c["key_result__rollup"] != Rollup.NONE,
            )
        )
    return result


def _cycle_end(cycle: Cycle, clock: Clock) -> dt.datetime:
    """The last moment of the cycle's last day, in the workspace's zone."""
    return dt.datetime.combine(cycle.end_date, dt.time(23, 59, 59), tzinfo=clock.zone)


def _forecast(
    kr: KeyResultRow, check_ins: Sequence[CheckInEntry], cycle: Cycle, clock: Clock
) -> Forecast | None:
    """The key result's value projected at the cycle's end from its check-ins."""
    if not kr.is_metric:
        return None
    # One point a day, the day's last value: two check-ins minutes apart would otherwise
    # give a line as steep as a typo and a forecast in the millions.
    by_day: dict[dt.date, tuple[dt.datetime, float]] = {}
    for check_in in check_ins:
        if check_in.value is not None:
            by_day[check_in.at.astimezone(clock.zone).date()] = (check_in.at, check_in.value)
    if len(by_day) < FORECAST_MIN_DAYS:
        return None
    value = forecast(list(by_day.values()), _cycle_end(cycle, clock))
    if value is None or not math.isfinite(value):
        return None
    reached = progress(key_result_spec(kr), value)
    if reached is None:
        tone = "neutral"
    elif reached >= 1.0:
        tone = "green"
    elif reached >= FORECAST_CLOSE:
        tone = "yellow"
    else:
        tone = "red"
    return Forecast(value=value, on=cycle.end_date, progress=reached, tone=tone)


def _remarks(
    workspace: Workspace, objective: Objective, row: ObjectiveRow
) -> tuple[CoachRemark, ...]:
    """The coach's remarks on the objective, its key results and its team's load."""
    drafts = [
        draft_of(kr.title, key_result_spec(kr), kr.owner is not None) for kr in row.key_results
    ]
    remarks: list[Remark] = coach_objective(
        CoachDraft(title=row.title, has_owner=row.owner is not None, key_results=drafts)
    )
    # Only the objective-count rule of the team: KPI counts belong on the KPI board, and
    # with min_kpis=0 and no KPIs counted coach_team reports nothing about them.
    # The team's objectives in the cycle as its board counts them (drafts left out), plus
    # this one when it is a draft being viewed.
    team_objectives = (
        Objective.objects.filter(
            workspace=workspace, cycle_id=objective.cycle_id, team_id=objective.team_id
        )
        .filter(~Q(state=ObjectiveState.DRAFT) | Q(pk=objective.pk))
        .count()
    )
    remarks += coach_team(0, team_objectives, min_kpis=0, max_objectives=MAX_TEAM_OBJECTIVES)
    past = (
        Objective.objects.filter(
            workspace=workspace,
            team_id=objective.team_id,
            kind=ObjectiveKind.ASPIRATIONAL,
            cycle__state=CycleState.CLOSED,
            final_score__isnull=False,
        )
        .exclude(cycle_id=objective.cycle_id)
        .order_by("-cycle__start_date", "cycle_id")
        .values_list("cycle_id", "final_score")
    )
    by_cycle: dict[int, list[float]] = {}
    for cycle_id, value in past:
        if value is not None:
            by_cycle.setdefault(cycle_id, []).append(value)
    remarks += coach_sandbagging(list(by_cycle.values()), threshold=SANDBAGGING_THRESHOLD)
    remarks = [in_words(remark, drafts, team_objectives) for remark in remarks]
    titles = {f"key_result:{n}": kr.title for n, kr in enumerate(row.key_results, start=1)}
    return tuple(
        CoachRemark(
            code=remark.code,
            severity=str(remark.severity),
            message=remark.message,
            why=remark.why,
            subject=_subject_label(remark.subject, titles),
        )
        for remark in remarks
    )


def _subject_label(subject: str, titles: Mapping[str, str]) -> str:
    if subject == "objective":
        return _("Objective")
    if subject == "team":
        return _("Team")
    if subject in titles:
        return _("Key result %(number)s: %(title)s") % {
            "number": subject.split(":")[1],
            "title": titles[subject],
        }
    return subject.replace("_", " ").capitalize()
