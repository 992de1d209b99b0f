"""Plan the demo's objectives, key results and check-ins as unsaved model instances.

Every objective gets a goal before any value is written: its final score in the closed
cycle, a score giving the planned pace (on track, at risk, off track) in the active one.
Its key results scatter around that goal, a few go stale or never start, and their
check-ins walk from the start value to the value that tells the story. The denormalised
fields (current, done, confidence, last check-in) are then simply the last step.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from goalkeeper.accounts.models import Person, Team
from goalkeeper.demo import catalog
from goalkeeper.demo.catalog import KpiTemplate, KrTemplate, ObjectiveTemplate
from goalkeeper.demo.org import TeamPlan
from goalkeeper.demo.series import nice
from goalkeeper.domain.errors import DomainValidationError
from goalkeeper.domain.key_results import (
    COMMIT_SCORE,
    TARGET_SCORE,
    KeyResultKind,
    clamp,
    score,
    validate_key_result,
)
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import elapsed_share
from goalkeeper.domain.periods import Aggregation, aggregate
from goalkeeper.domain.scoring import final_score, score_band
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, KpiLinkMode, Objective

ON, RISK, OFF = "on_track", "at_risk", "off_track"
STALE, NOT_STARTED = "stale", "not_started"
PACES = (ON, RISK, OFF)
# How often an active objective is planned on track, at risk and off track.
PACE_WEIGHTS = (0.6, 0.27, 0.13)
WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.5, 1.5, 3.0)
UTC = dt.UTC


@dataclass
class TeamContext:
    """A saved team, its saved people (lead first) and the KPIs that may drive key results."""

    plan: TeamPlan
    team: Team
    people: list[Person]
    linked: list[LinkedKpi] = field(default_factory=list)
    # Who owns the company's key results: the department heads.
    owners: list[Person] = field(default_factory=list)

    @property
    def editors(self) -> list[Person]:
        """The people who may own objectives and key results (viewers cannot edit)."""
        return [p for p in self.people if p.role != "viewer"] or self.people

    @property
    def templates(self) -> tuple[ObjectiveTemplate, ...]:
        department = self.plan.department
        return catalog.COMPANY_OBJECTIVES if department is None else department.objectives


@dataclass(frozen=True)
class LinkedKpi:
    """A saved KPI with its generated series, for key results that read from it."""

    kpi: Kpi
    template: KpiTemplate
    # In time order.
    points: Sequence[tuple[dt.datetime, float]]

    @cached_property
    def times(self) -> list[dt.datetime]:
        """The points' timestamps, for bisection."""
        return [at for at, _ in self.points]


@dataclass(frozen=True)
class Cycles:
    """The three demo cycles."""

    closed: Cycle
    active: Cycle
    planning: Cycle


@dataclass(slots=True)
class PlannedCheckIn:
    """A check-in to write. A plain record rather than a model instance: a large demo plans
    hundreds of thousands, and building a model instance costs several times more."""

    key_result: KeyResult
    value: float | None
    created_at: dt.datetime
    done: bool = False
    confidence: int | None = None
    note: str = ""
    author: Person | None = None
    automatic: bool = False

    def model(self) -> CheckIn:
        """The same check-in as an (unsaved) model instance, to validate it."""
        return CheckIn(
            key_result=self.key_result,
            value=self.value,
            done=self.done,
            confidence=self.confidence,
            note=self.note,
            author=self.author,
            automatic=self.automatic,
            created_at=self.created_at,
        )


@dataclass
class OkrPlan:
    """Unsaved rows, in insertion order: objectives by level (parents first), then the rest."""

    objectives: list[list[Objective]] = field(default_factory=lambda: [[], [], []])
    key_results: list[KeyResult] = field(default_factory=list)
    check_ins: list[PlannedCheckIn] = field(default_factory=list)


def decimals_for(template: KrTemplate) -> int:
    """Places to show: whole numbers for counts, one or two for small spans and ratios."""
    if template.kind == catalog.MAINTAIN:
        width = _band_width(template)
        return 2 if width < 1 else 1 if width < 20 else 0
    start, target = template.start or 0.0, template.target or 0.0
    span = abs(target - start)
    if float(start).is_integer() and float(target).is_integer():
        return 1 if template.unit == "%" and span < 20 else 0
    return 1 if span >= 1 else 2


def _band_width(template: KrTemplate) -> float:
    low, high = template.low, template.high
    if low is not None and high is not None:
        return high - low
    bound = low if low is not None else high or 0.0
    width = max(abs(bound) * 0.1, 1.0)
    if template.unit == "%" and low is not None and low < 100:
        width = min(width, 100 - low)
    return width


def value_for_score(kr: KeyResult, wanted: float) -> float:
    """The value of a metric key result that scores `wanted`; zones follow their curve.

    Below 0 the value moves away from the target (a key result that went backwards).
    """
    start, target = kr.start or 0.0, kr.target or 0.0
    if kr.commit is None or kr.stretch is None:
        return start + wanted * (target - start)
    if wanted <= 0:
        return start + wanted / COMMIT_SCORE * (kr.commit - start)
    curve = [(0.0, start), (COMMIT_SCORE, kr.commit), (TARGET_SCORE, target), (1.0, kr.stretch)]
    # Score to value, not value to score: domain.interpolate assumes rising values, which
    # a decrease key result's breakpoints are not.
    wanted = min(wanted, 1.0)
    for (x0, y0), (x1, y1) in pairwise(curve):
        if wanted <= x1:
            return y0 + (y1 - y0) * (wanted - x0) / (x1 - x0)
    return kr.stretch


def datetime_at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """`day` at hour:minute UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UTC)


class OkrPlanner:
    """Builds the objectives, key results and check-ins of the three cycles."""

    def __init__(self, *, seed: int, today: dt.date, now: dt.datetime) -> None:
        self.seed = seed
        self.today = today
        self.now = now
        self.plan = OkrPlan()
        self._objectives: dict[tuple[str, int], list[tuple[ObjectiveTemplate, Objective]]] = {}
        self._team_counter = 0

    # --- Objectives ---------------------------------------------------------------------------

    def add_team(self, context: TeamContext, cycles: Cycles) -> None:
        """Plan the team's objectives in the closed and active cycles (parents first)."""
        index = self._team_counter
        self._team_counter += 1
        for role, cycle in (("closed", cycles.closed), ("active", cycles.active)):
            rng = random.Random(f"{self.seed}/okrs/{role}/{context.plan.key}")
            low, high = (3, 4) if context.plan.level == 0 else (3, 5)
            count = min(rng.randint(low, high), len(context.templates))
            chosen = rng.sample(context.templates, count)
            linked = list(context.linked)
            for position, template in enumerate(chosen):
                link = linked.pop() if linked and position >= count - len(context.linked) else None
                self._objective(context, cycle, role, template, rng, (index, position), link)

    def add_drafts(self, contexts: Sequence[TeamContext], cycle: Cycle) -> None:
        """A couple of draft objectives in the planning cycle, without check-ins."""
        rng = random.Random(f"{self.seed}/okrs/planning")
        company, departments = contexts[0], list(contexts[1:])
        picks = [(company, t) for t in rng.sample(company.templates, 2)]
        for context in rng.sample(departments, min(2, len(departments))):
            picks.append((context, rng.choice(context.templates)))
        for context, template in picks:
            objective = self._new_objective(context, cycle, template, rng, state="draft")
            objective.updated_at = objective.created_at
            self.plan.objectives[context.plan.level].append(objective)
            for position, kr_template in enumerate(self._pick_krs(template, rng, 3)):
                kr = self._new_key_result(context, objective, kr_template, rng, position)
                kr.current = kr.start
                self.plan.key_results.append(kr)

    def _new_objective(
        self,
        context: TeamContext,
        cycle: Cycle,
        template: ObjectiveTemplate,
        rng: random.Random,
        state: str,
    ) -> Objective:
        people = context.editors
        owner = people[0] if rng.random() < 0.7 or len(people) == 1 else rng.choice(people[1:])
        created = datetime_at(cycle.start_date - dt.timedelta(days=rng.randint(2, 12)), 10)
        return Objective(
            workspace_id=context.team.workspace_id,
            cycle=cycle,
            team=context.team,
            owner=owner,
            title=template.title,
            description=template.description,
            kind="aspirational" if template.aspirational else "committed",
            state=state,
            created_at=min(created, self.now),
            updated_at=min(created, self.now),
        )

    def _parent(
        self, context: TeamContext, role: str, template: ObjectiveTemplate, rng: random.Random
    ) -> Objective | None:
        parent_team = context.plan.parent
        if parent_team is None:
            return None
        candidates = self._objectives.get((role, id(parent_team)), [])
        same_theme = [obj for tpl, obj in candidates if tpl.theme == template.theme]
        if same_theme and rng.random() < 0.8:
            return rng.choice(same_theme)
        if candidates and context.plan.level == 2 and rng.random() < 0.3:
            return rng.choice(candidates)[1]
        return None

    def _pick_krs(
        self, template: ObjectiveTemplate, rng: random.Random, most: int
    ) -> list[KrTemplate]:
        available = template.key_results
        count = rng.randint(2, min(most, len(available)))
        keep = sorted(rng.sample(range(len(available)), count))
        return [available[i] for i in keep]

    def _objective(
        self,
        context: TeamContext,
        cycle: Cycle,
        role: str,
        template: ObjectiveTemplate,
        rng: random.Random,
        place: tuple[int, int],
        link: LinkedKpi | None,
    ) -> None:
        """Plan one objective with its key results' history; `place` is (team, position)."""
        team_index, position = place
        state = "closed" if role == "closed" else "active"
        objective = self._new_objective(context, cycle, template, rng, state)
        objective.parent = self._parent(context, role, template, rng)
        self._objectives.setdefault((role, id(context.plan)), []).append((template, objective))
        self.plan.objectives[context.plan.level].append(objective)
        kr_templates = self._pick_krs(template, rng, 4 if link else 5)
        key_results: list[KeyResult] = []
        # The objective's score decides its pace. Milestones and maintain key results score
        # 0 or 1, so they are drawn first with that chance; the metric key results then
        # scatter around whatever keeps the weighted mean (what pages show) near the plan.
        if role == "closed":
            goal = self._closed_goal(rng)
        else:
            # Each team's first objective cycles through the paces, so all of them show.
            pace = PACES[team_index % 3] if position == 0 else None
            goal = self._pace_score(pace or rng.choices(PACES, PACE_WEIGHTS)[0], cycle, rng)
        krs = [
            self._new_key_result(context, objective, kr_template, rng, index)
            for index, kr_template in enumerate(kr_templates)
        ]
        stories = [self._story(role, rng) for _ in krs]
        if role == "active" and position == 0 and team_index % 4 >= 2:
            # Make sure the home page shows silence too, whatever the seed.
            stories[-1] = STALE if team_index % 4 == 2 else NOT_STARTED
        outcomes, metric_goal = self._outcomes(krs, stories, goal, 1.0 if link else 0.0, rng)
        for kr, story, outcome in zip(krs, stories, outcomes, strict=True):
            wanted = clamp(metric_goal + rng.gauss(0, 0.1), -0.05, 1.1)
            self._history(cycle, kr, story, wanted, outcome, rng)
            key_results.append(kr)
        if link is not None:
            wanted = clamp(metric_goal + rng.gauss(0, 0.1), 0.0, 1.1)
            key_results.append(
                self._linked_key_result(objective, cycle, link, wanted, len(key_results))
            )
        self.plan.key_results += key_results
        last = max((kr.last_check_in_at for kr in key_results if kr.last_check_in_at), default=None)
        objective.updated_at = max(objective.created_at, last) if last else objective.created_at
        if role == "closed":
            self._close(objective, key_results, cycle, rng)

    @staticmethod
    def _closed_goal(rng: random.Random) -> float:
        low, high = rng.choices(
            ((0.85, 1.0), (0.65, 0.85), (0.4, 0.62), (0.1, 0.35)), (0.25, 0.35, 0.25, 0.15)
        )[0]
        return rng.uniform(low, high)

    def _elapsed(self, cycle: Cycle) -> float:
        return elapsed_share(cycle.start_date, cycle.end_date, self.today)

    def _pace_score(self, pace: str, cycle: Cycle, rng: random.Random) -> float:
        """The score at today that gives `pace` (docs/scoring.md: the gap s - e)."""
        elapsed = self._elapsed(cycle)
        if pace == ON:
            return clamp(elapsed + rng.uniform(-0.04, 0.25), 0.05, 1.1)
        if pace == RISK:
            return max(elapsed - rng.uniform(0.13, 0.22), 0.0)
        return max(elapsed - rng.uniform(0.32, 0.55), -0.05)  # off track

    def _close(
        self,
        objective: Objective,
        key_results: Sequence[KeyResult],
        cycle: Cycle,
        rng: random.Random,
    ) -> None:
        scores = [
            WeightedScore(kr.weight, score(kr.spec, kr.current, kr.done)) for kr in key_results
        ]
        result = final_score(objective_progress(scores)) or 0.0
        if rng.random() < 0.2:
            # The owner's judgement call: the numbers rarely tell the whole story.
            result = round(clamp(result + rng.choice((-0.1, 0.1)), 0.0, 1.0), 1)
        band = score_band(result).value
        texts = {
            "green": catalog.RETROSPECTIVES_GREEN,
            "yellow": catalog.RETROSPECTIVES_YELLOW,
            "red": catalog.RETROSPECTIVES_RED,
        }[band]
        objective.final_score = result
        objective.retrospective = rng.choice(texts)
        closed = datetime_at(cycle.end_date + dt.timedelta(days=rng.randint(1, 6)), 16)
        objective.closed_at = min(closed, self.now - dt.timedelta(hours=1))
        objective.updated_at = max(objective.updated_at, objective.closed_at)

    # --- Key results --------------------------------------------------------------------------

    def _new_key_result(
        self,
        context: TeamContext,
        objective: Objective,
        template: KrTemplate,
        rng: random.Random,
        position: int,
    ) -> KeyResult:
        decimals = decimals_for(template)
        kr = KeyResult(
            workspace_id=objective.workspace_id,
            objective=objective,
            owner=rng.choice(context.owners or context.editors),
            title=template.title,
            kind=template.kind,
            unit=template.unit,
            weight=rng.choice(WEIGHTS),
            start=template.start,
            target=template.target,
            low=template.low,
            high=template.high,
            position=position,
            created_at=objective.created_at,
        )
        metric = template.kind in (catalog.INCREASE, catalog.DECREASE)
        if metric and (template.zones or rng.random() < 0.1):
            start, target = template.start or 0.0, template.target or 0.0
            kr.commit = round(start + 0.5 * (target - start), decimals)
            kr.stretch = round(target + 0.3 * (target - start), decimals)
            if validate_key_result(kr.spec):
                kr.commit = kr.stretch = None
        if template.kind in (catalog.MILESTONE, catalog.MAINTAIN):
            kr.start = kr.target = None
        errors = validate_key_result(kr.spec)
        if errors:
            raise DomainValidationError(errors)
        return kr

    @staticmethod
    def _outcomes(
        krs: Sequence[KeyResult],
        stories: Sequence[str],
        goal: float,
        extra_weight: float,
        rng: random.Random,
    ) -> tuple[list[bool], float]:
        """Draw the 0-or-1 key results, then the score the metric ones should average.

        A milestone is done, a maintain key result inside its band, with a chance near the
        objective's goal; whatever they leave is made up by the metric key results (and the
        KPI-driven one, `extra_weight`), so the weighted mean stays near the goal.
        """
        binary = (KeyResultKind.MILESTONE, KeyResultKind.MAINTAIN)
        outcomes: list[bool] = []
        fixed = free = 0.0
        for kr, story in zip(krs, stories, strict=True):
            lift = 0.15 if kr.kind == KeyResultKind.MAINTAIN else 0.0
            outcome = story != NOT_STARTED and rng.random() < clamp(goal + lift, 0.05, 0.95)
            outcomes.append(outcome)
            if kr.kind in binary or story == NOT_STARTED:
                fixed += kr.weight * float(outcome)
            else:
                free += kr.weight
        free += extra_weight
        total = math.fsum(kr.weight for kr in krs) + extra_weight
        return outcomes, (goal * total - fixed) / free if free else goal

    @staticmethod
    def _story(role: str, rng: random.Random) -> str:
        """ "final" in the closed cycle; in the active one mostly "active", a few go silent."""
        if role == "closed":
            return "final"
        roll = rng.random()
        return STALE if roll < 0.05 else NOT_STARTED if roll < 0.08 else "active"

    def _history(
        self,
        cycle: Cycle,
        kr: KeyResult,
        story: str,
        wanted: float,
        outcome: bool,
        rng: random.Random,
    ) -> None:
        """Write the check-ins that tell `story` and copy the last one onto the key result.

        A metric key result ends at the value scoring `wanted`; a milestone ends done and a
        maintain key result inside its band when `outcome`. `story` is "final" (closed
        cycle), "active", STALE (check-ins stop weeks ago) or NOT_STARTED (none at all).
        """
        closed = story == "final"
        last_day = cycle.end_date if closed else self.today - dt.timedelta(days=1)
        if story == STALE:
            last_day = self.today - dt.timedelta(days=rng.randint(17, 30))
        days = [] if story == NOT_STARTED else self._weekly_days(cycle, last_day, rng)
        if kr.kind in (KeyResultKind.MILESTONE, KeyResultKind.MAINTAIN):
            wanted = 1.0 if outcome else 0.0
        gap = wanted - (1.0 if closed else self._elapsed(cycle))
        mood = 6 if story == STALE else 8 if gap >= -0.1 else 5 if gap >= -0.3 else 3
        finished = inside = outcome
        kind = KeyResultKind(kr.kind)
        if kind is KeyResultKind.MILESTONE:
            done_at = len(days) - 1 - (rng.randint(0, 3) if finished else 0)
            values: list[float | None] = [None] * len(days)
            flags = [finished and i >= max(done_at, 0) for i in range(len(days))]
        elif kind is KeyResultKind.MAINTAIN:
            values = [
                self._band_value(kr, inside if i == len(days) - 1 else rng.random() < 0.8, rng)
                for i in range(len(days))
            ]
            flags = [False] * len(days)
        else:
            values = self._metric_path(kr, cycle, days, wanted, rng)
            flags = [False] * len(days)
        author = kr.owner
        previous_done = False
        for i, day in enumerate(days):
            at = datetime_at(day, rng.randint(8, 17), rng.randint(0, 59))
            share = (i + 1) / len(days)
            confidence = round(clamp(7 + (mood - 7) * share + rng.gauss(0, 0.8), 0, 10))
            note = ""
            if flags[i] and not previous_done:
                note = rng.choice(catalog.NOTES_MILESTONE_DONE)
            elif rng.random() < 0.6:
                pool = {8: catalog.NOTES_GOOD, 3: catalog.NOTES_BAD}.get(mood, catalog.NOTES_MIXED)
                note = rng.choice(pool if rng.random() < 0.8 else catalog.NOTES_MIXED)
            previous_done = flags[i]
            self.plan.check_ins.append(
                PlannedCheckIn(
                    key_result=kr,
                    value=values[i],
                    done=flags[i],
                    confidence=confidence,
                    note=note,
                    author=author,
                    created_at=at,
                )
            )
        self._denormalise(kr, self.plan.check_ins[-1] if days else None)

    def _denormalise(self, kr: KeyResult, last: PlannedCheckIn | None) -> None:
        """Mirror the latest check-in, as services.record_check_in does."""
        if last is None:
            kr.current = kr.start
            return
        kr.current = last.value if last.value is not None else kr.start
        kr.done = last.done
        kr.confidence = last.confidence
        kr.last_check_in_at = last.created_at

    def _weekly_days(self, cycle: Cycle, last_day: dt.date, rng: random.Random) -> list[dt.date]:
        weekday = rng.randint(0, 4)
        first = cycle.start_date + dt.timedelta(days=(weekday - cycle.start_date.weekday()) % 7)
        if (first - cycle.start_date).days < 2:
            first += dt.timedelta(days=7)
        days: list[dt.date] = []
        day = first
        while day <= last_day:
            days.append(day)
            day += dt.timedelta(days=7)
        # Some weeks are missed, but never the latest: it decides whether the KR is fresh.
        return [d for i, d in enumerate(days) if i == len(days) - 1 or rng.random() > 0.1]

    def _metric_path(
        self,
        kr: KeyResult,
        cycle: Cycle,
        days: Sequence[dt.date],
        wanted: float,
        rng: random.Random,
    ) -> list[float | None]:
        if not days:
            return []
        decimals = decimals_for(
            KrTemplate(kr.title, kr.kind, kr.unit, kr.start, kr.target, kr.low, kr.high)
        )
        shares = [elapsed_share(cycle.start_date, cycle.end_date, day) for day in days]
        last_share = max(shares[-1], 1e-9)
        curve = rng.uniform(0.8, 1.4)
        path: list[float | None] = []
        for i, share in enumerate(shares):
            if i == len(shares) - 1:
                planned = wanted
            else:
                planned = wanted * (share / last_share) ** curve + rng.gauss(0, 0.04)
            value = value_for_score(kr, clamp(planned, -0.1, 1.15))
            path.append(round(self._plausible(kr, value), decimals))
        return path

    @staticmethod
    def _plausible(kr: KeyResult, value: float) -> float:
        """Overshooting never makes a count negative or a share exceed 100%."""
        start, target = kr.start or 0.0, kr.target or 0.0
        if min(start, target) >= 0:
            value = max(value, 0.0)
        if kr.unit == "%" and max(start, target) <= 100:
            value = min(value, 100.0)
        return value

    @staticmethod
    def _band_value(kr: KeyResult, inside: bool, rng: random.Random) -> float:
        template = KrTemplate(kr.title, kr.kind, kr.unit, low=kr.low, high=kr.high)
        width, decimals = _band_width(template), decimals_for(template)
        low, high = kr.low, kr.high
        if inside:
            if low is not None:
                value = low + rng.uniform(0.1, 0.9) * width
            else:
                value = (high or 0.0) - rng.uniform(0.1, 0.9) * width
        elif low is not None:
            value = low - rng.uniform(0.1, 0.5) * width
        else:
            value = (high or 0.0) + rng.uniform(0.1, 0.5) * width
        if kr.unit == "%":
            value = min(value, 100.0)
        return round(value, decimals)

    # --- Key results read from a KPI ------------------------------------------------------------

    def _linked_key_result(
        self,
        objective: Objective,
        cycle: Cycle,
        link: LinkedKpi,
        wanted: float,
        position: int,
    ) -> KeyResult:
        """A key result whose check-ins are the KPI's values at weekly instants."""
        kpi, template = link.kpi, link.template
        window_start = datetime_at(cycle.start_date, 0)
        window_end = datetime_at(cycle.end_date + dt.timedelta(days=1), 0)
        cumulative = template.kr_mode == KpiLinkMode.CYCLE_AGGREGATE
        before = [value for at, value in link.points if at < window_start]
        start = 0.0 if cumulative else (before[-1] if before else link.points[0][1])
        moments: list[dt.datetime] = []
        moment = datetime_at(
            cycle.start_date + dt.timedelta(days=(7 - cycle.start_date.weekday()) % 7), 6
        )
        while moment < min(window_end, self.now):
            moments.append(moment)
            moment += dt.timedelta(days=7)
        values = [self._kpi_value(link, window_start, at, cumulative, start) for at in moments]
        current = values[-1] if values else start
        kr = KeyResult(
            workspace_id=objective.workspace_id,
            objective=objective,
            owner=kpi.owner,
            title=template.kr_title,
            unit=kpi.unit,
            weight=1.0,
            kpi=kpi,
            kpi_mode=template.kr_mode,
            position=position,
            created_at=objective.created_at,
        )
        if template.direction == catalog.IN_RANGE:
            kr.kind, kr.low, kr.high = catalog.MAINTAIN, template.low, template.high
        else:
            higher = template.direction == catalog.HIGHER
            kr.kind = catalog.INCREASE if higher else catalog.DECREASE
            kr.start = start
            kr.target = self._linked_target(template, start, current, wanted, higher)
        errors = validate_key_result(kr.spec)
        if errors:
            raise DomainValidationError(errors)
        for at, value in zip(moments, values, strict=True):
            self.plan.check_ins.append(
                PlannedCheckIn(key_result=kr, value=value, automatic=True, created_at=at)
            )
        self._denormalise(kr, self.plan.check_ins[-1] if moments else None)
        return kr

    @staticmethod
    def _kpi_value(
        link: LinkedKpi, since: dt.datetime, at: dt.datetime, cumulative: bool, start: float
    ) -> float:
        # The points are in time order: a weekly check-in reads its window by bisection,
        # not by scanning two years of daily values.
        times, end = link.times, bisect_right(link.times, at)
        if cumulative:
            window = link.points[bisect_left(times, since) : end]
            total = aggregate(window, Aggregation(link.template.aggregation))
            return round(total or 0.0, link.template.decimals)
        return link.points[end - 1][1] if end else start

    @staticmethod
    def _linked_target(
        template: KpiTemplate, start: float, current: float, wanted: float, higher: bool
    ) -> float:
        """A target that makes today's value score about `wanted`."""
        sign = 1.0 if higher else -1.0
        moved = sign * (current - start)
        step = 10.0**-template.decimals
        if moved > 0:
            distance = moved / max(wanted, 0.15)
        else:
            # The KPI went the wrong way: the target is still an improvement on the start.
            distance = max(abs(start) * 0.1, abs((template.target or 0) - start), step)
        target = nice(start + sign * distance, template.decimals, digits=2)
        if sign * (target - start) <= 0:
            target = round(start + sign * max(distance, step), template.decimals)
        if math.isclose(target, start):
            target = start + sign * step
        return target
