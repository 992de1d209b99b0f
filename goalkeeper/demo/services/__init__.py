"""Load the demo company: `goalkeeper demo` calls `load_demo`.

Everything is planned in memory from one seed, then written with bulk inserts inside one
transaction, so a failed load leaves nothing behind. The same seed and the same `today`
give the same data, row for row. Measurements and check-ins, the millions of rows, skip the
ORM (see `rows`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from goalkeeper.accounts.models import Membership, Person, Team, User, Workspace
from goalkeeper.accounts.services import company_team, create_workspace
from goalkeeper.audit.models import AuditEntry
from goalkeeper.audit.services import record
from goalkeeper.demo import catalog
from goalkeeper.demo.catalog import KpiTemplate
from goalkeeper.demo.okrs import (
    Cycles,
    LinkedKpi,
    OkrPlan,
    OkrPlanner,
    TeamContext,
    datetime_at,
)
from goalkeeper.demo.org import DEFAULT_PEOPLE, OrgPlan, TeamPlan, plan_org
from goalkeeper.demo.parallel import series_values
from goalkeeper.demo.series import (
    STALE,
    KpiPlan,
    calendar,
    check_definition,
    generate,
    plan_kpis,
    timestamps,
)
from goalkeeper.demo.services.cascade import write_cascade
from goalkeeper.demo.services.dashboards import write_dashboards
from goalkeeper.demo.services.guardrails import write_guardrails
from goalkeeper.demo.services.odds import ODDS_AT_LOAD_MAX_PEOPLE, write_odds
from goalkeeper.demo.services.phasing import write_phased_sales
from goalkeeper.demo.services.rhythm import write_rhythm
from goalkeeper.demo.services.rows import DbTimes, RowWriter, bulk, bulk_load_settings
from goalkeeper.demo.services.signals_limits import write_process_change
from goalkeeper.demo.services.sources import write_sources
from goalkeeper.demo.services.stamps import date_changes
from goalkeeper.domain.fiscal import fiscal_quarter_name
from goalkeeper.domain.periods import Frequency, next_period, period_of, previous_period
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import refresh_figures
from goalkeeper.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Objective

DEMO_WORKSPACE = catalog.COMPANY_NAME
DEMO_PASSWORD = "goalkeeper-demo"  # noqa: S105 - the published password of a demo login
ADMIN_EMAIL = f"{catalog.ADMIN_LOCAL_PART}@{catalog.EMAIL_DOMAIN}"
LOADED_ACTION = "demo.loaded"
KINDS = (catalog.INCREASE, catalog.DECREASE, catalog.MAINTAIN, catalog.MILESTONE)
MEASUREMENT_FIELDS = ("kpi", "timestamp", "value")
CHECK_IN_FIELDS = (
    "key_result",
    "value",
    "done",
    "confidence",
    "note",
    "author",
    "automatic",
    "created_at",
)


class DemoAlreadyLoadedError(RuntimeError):
    """The demo workspace exists and `reset` was not asked for."""


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` wrote, and how long it took."""

    admin_email: str
    teams: int
    people: int
    cycles: int
    objectives: int
    key_results: int
    check_ins: int
    kpis: int
    measurements: int
    sources: int = 0
    workspace: str = DEMO_WORKSPACE
    seconds: float = 0.0

    def describe(self) -> str:
        """A short human summary for the console."""
        return "\n".join(
            [
                f'Loaded the demo company "{self.workspace}" in {self.seconds:.1f} s:',
                f"  {self.teams:,} teams, {self.people:,} people",
                f"  {self.cycles:,} cycles, {self.objectives:,} objectives, "
                f"{self.key_results:,} key results, {self.check_ins:,} check-ins",
                f"  {self.kpis:,} KPIs, {self.measurements:,} measurements, "
                f"{self.sources:,} data sources",
            ]
        )


def demo_clock(today: dt.date | None = None) -> tuple[dt.date, dt.datetime]:
    """The demo's `today` and `now`.

    Given a date, the demo is built as if loaded at noon UTC that day, so the same date
    always gives the same rows. Without one it reads the clock once: hourly KPIs then reach
    the current hour.
    """
    if today is not None:
        return today, datetime_at(today, 12)
    now = timezone.now()
    # The demo workspace keeps the default zone, UTC: its day is the UTC day.
    return timezone.localdate(now, timezone=dt.UTC), now


def demo_workspace() -> Workspace | None:
    """The workspace the demo was loaded into, recognised by its audit entry."""
    return (
        Workspace.objects.filter(audit_entries__action=LOADED_ACTION)
        .distinct()
        .order_by("id")
        .first()
    )


def demo_exists() -> str | None:
    """The admin's email when the demo workspace exists, else None."""
    return ADMIN_EMAIL if demo_workspace() is not None else None


def load_demo(
    *,
    people: int | None = None,
    seed: int = 2026,
    reset: bool = False,
    progress: bool = True,
    today: dt.date | None = None,
) -> DemoSummary:
    """Load the demo company (about 30 people, or `people`) in one transaction.

    Refuses when the demo is already loaded unless `reset`, which deletes it first.
    """
    started = time.perf_counter()
    day, now = demo_clock(today)
    with bulk_load_settings(), transaction.atomic():
        existing = demo_workspace()
        if existing is not None:
            if not reset:
                raise DemoAlreadyLoadedError("the demo is already loaded; pass reset=True")
            delete_workspace(existing)
        summary = _Loader(
            people=people or DEFAULT_PEOPLE, seed=seed, today=day, now=now, progress=progress
        ).run()
    _analyze()
    return replace(summary, seconds=time.perf_counter() - started)


def _analyze() -> None:
    """Refresh the query planner's statistics after the bulk load.

    Without them SQLite picks the workspace index for a lookup by parent or key and walks a
    whole workspace; PostgreSQL's autovacuum would catch up only later. SQLite samples at
    most `analysis_limit` rows per index, so this stays well under a second at any size.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")


def delete_workspace(workspace: Workspace) -> None:
    """Delete a workspace with all its rows, and the logins no other workspace uses.

    Deletion goes child before parent because several foreign keys PROTECT (an objective's
    cycle and team, a KPI's team, a team's parent).
    """
    user_ids = list(Person.objects.filter(workspace=workspace).values_list("user_id", flat=True))
    Measurement.objects.filter(kpi__workspace=workspace).delete()
    CheckIn.objects.filter(key_result__workspace=workspace).delete()
    KeyResult.objects.filter(workspace=workspace).delete()
    objectives = Objective.objects.filter(workspace=workspace)
    objectives.update(parent=None)
    objectives.delete()
    Cycle.objects.filter(workspace=workspace).delete()
    Kpi.objects.filter(workspace=workspace).delete()
    # The audit trail is append-only, and AuditEntry.delete refuses. A queryset delete does
    # not call it: that is deliberate here and only here, because the whole workspace the
    # trail describes goes away with it (it would cascade from the workspace anyway).
    AuditEntry.objects.filter(workspace=workspace).delete()
    Membership.objects.filter(team__workspace=workspace).delete()
    teams = Team.objects.filter(workspace=workspace)
    teams.update(parent=None)
    teams.delete()
    Person.objects.filter(workspace=workspace).delete()
    User.objects.filter(pk__in=user_ids, people__isnull=True).delete()
    workspace.delete()


def quarter_cycles(workspace: Workspace, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(name, first day, last day) of the previous, current and next fiscal quarters."""
    first_month = workspace.fiscal_year_start_month
    current = period_of(datetime_at(today, 12), Frequency.QUARTERLY, first_month)
    quarters = [
        previous_period(current, Frequency.QUARTERLY, first_month),
        current,
        next_period(current, Frequency.QUARTERLY, first_month),
    ]
    cycles = []
    for quarter in quarters:
        start = quarter.start.date()
        end = quarter.end.date() - dt.timedelta(days=1)
        cycles.append((fiscal_quarter_name(start, first_month), start, end))
    return cycles


class _Loader:
    """One load: plans, writes in bulk, validates a sample of every shape, counts."""

    def __init__(
        self, *, people: int, seed: int, today: dt.date, now: dt.datetime, progress: bool
    ) -> None:
        self.seed = seed
        self.people = people
        self.today = today
        self.now = now
        self.org: OrgPlan = plan_org(people, seed, today)
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.person_of: dict[int, Person] = {}
        self.team_of: dict[int, Team] = {}
        self.bar: Any = None
        # One saved row of each shape, validated with full_clean at the end.
        self.samples: list[models.Model] = []

    def run(self) -> DemoSummary:
        kpi_plans = self._plan_kpis()
        total = len(self.org.teams) * 2 + sum(len(plans) for _, plans in kpi_plans)
        with tqdm(total=total, desc="Demo", unit="step", disable=not self.progress) as bar:
            self.bar = bar
            bar.set_description("People and teams")
            workspace = create_workspace(name=DEMO_WORKSPACE)
            self.workspace = workspace
            self._write_org()
            bar.set_description("Cycles")
            cycles = self._write_cycles()
            bar.set_description("KPIs and measurements")
            linked = self._write_kpis(kpi_plans)
            bar.set_description("Objectives and check-ins")
            plan = self._write_okrs(cycles, linked)
            self.counts["carried_over"] = link_carried_over(cycles.closed, cycles.active)
            bar.set_description("Cascade")
            key_results, check_ins = write_cascade(workspace, cycles.active, self.now)
            self.counts["key_results"] += key_results
            self.counts["check_ins"] += check_ins
            write_phased_sales(workspace, cycles.active, self.now, self.counts)
            # Simulating every key result and check-in of a large company would take the
            # load minutes: there the worker's nightly refresh stores the odds instead.
            if self.people <= ODDS_AT_LOAD_MAX_PEOPLE:
                write_odds(workspace, cycles, self.now)
            bar.set_description("Data sources")
            self.counts["sources"] = write_sources(workspace, self.now)
            written = write_guardrails(workspace, cycles.active, self.now)
            self.counts["kpis"] += written.kpis
            self.counts["measurements"] += written.measurements
            write_process_change(workspace, self.now, self.counts)
            # Every row is written here: figures stored from them for the whole workspace
            # belong at this point, one call each, inside the load's transaction.
            bar.set_description("KPI figures")
            refresh_figures(workspace=workspace, due_only=False, now=self.now)
            bar.set_description("This week's inbox")
            admin = Person.objects.get(workspace=workspace, user__email=ADMIN_EMAIL)
            self.counts["inbox"] = write_rhythm(workspace, admin, self.now)
            bar.set_description("Dashboards")
            write_dashboards(workspace, admin)
            date_changes(workspace, self.now)
            bar.set_description("Checking")
            self._validate_samples(plan)
            bar.set_description("Done")
        record(
            workspace=workspace,
            actor=None,
            action=LOADED_ACTION,
            obj=workspace,
            changes={
                "seed": [None, self.seed],
                "today": [None, self.today.isoformat()],
                "people": [None, self.counts["people"]],
            },
        )
        return DemoSummary(
            admin_email=ADMIN_EMAIL,
            teams=len(self.org.teams),
            people=self.counts["people"],
            cycles=self.counts["cycles"],
            objectives=self.counts["objectives"],
            key_results=self.counts["key_results"],
            check_ins=self.counts["check_ins"],
            kpis=self.counts["kpis"],
            measurements=self.counts["measurements"],
            sources=self.counts["sources"],
        )

    # --- People and teams ---------------------------------------------------------------------

    def _write_org(self) -> None:
        workspace, org = self.workspace, self.org
        existing = {
            user.email: user
            for user in User.objects.filter(email__endswith=f"@{catalog.EMAIL_DOMAIN}")
        }
        # Argon2 is slow on purpose: hash the shared demo password once for everybody.
        hashed = make_password(DEMO_PASSWORD)
        new_users = [
            User(
                email=plan.email,
                full_name=plan.name,
                password=hashed,
                date_joined=datetime_at(plan.joined, 9),
            )
            for plan in org.people
            if plan.email not in existing
        ]
        bulk(User, new_users)
        users = {**existing, **{user.email: user for user in new_users}}
        persons = [
            Person(
                workspace=workspace,
                user=users[plan.email],
                name=plan.name,
                title=plan.title,
                role=plan.role,
                created_at=datetime_at(plan.joined, 9),
            )
            for plan in org.people
        ]
        bulk(Person, persons)
        self.person_of = {
            id(plan): person for plan, person in zip(org.people, persons, strict=True)
        }
        self.counts["people"] = len(persons)
        # The company was founded before its first hire; every team dates from its lead's
        # arrival, so nothing depends on the wall clock.
        founded = datetime_at(min(p.joined for p in org.people) - dt.timedelta(days=30), 9)
        Workspace.objects.filter(pk=workspace.pk).update(created_at=founded)
        root = company_team(workspace)
        Team.objects.filter(pk=root.pk).update(created_at=founded)
        workspace.created_at = root.created_at = founded
        self.team_of[id(org.company)] = root
        taken = {root.slug}
        for level in (org.departments, org.sub_teams):
            teams = []
            for plan in level:
                parent = self.team_of[id(plan.parent)]
                team = Team(
                    workspace=workspace,
                    parent=parent,
                    name=plan.name,
                    slug=_unique_slug(plan.name, taken),
                    created_at=max(founded, datetime_at(plan.lead.joined, 9)),
                )
                self.team_of[id(plan)] = team
                teams.append(team)
            bulk(Team, teams)
        memberships = [
            Membership(team=self.team_of[id(team)], person=self.person_of[id(p)], is_lead=i == 0)
            for team in org.teams
            for i, p in enumerate(team.people)
        ]
        bulk(Membership, memberships)
        self.samples += [persons[0], memberships[-1], self.team_of[id(org.teams[-1])]]
        self.bar.update(len(org.teams))

    def _people(self, team: TeamPlan) -> list[Person]:
        return [self.person_of[id(p)] for p in team.people]

    # --- Cycles ---------------------------------------------------------------------------------

    def _write_cycles(self) -> Cycles:
        made = []
        states = (CycleState.CLOSED, CycleState.ACTIVE, CycleState.PLANNING)
        for (name, start, end), state in zip(
            quarter_cycles(self.workspace, self.today), states, strict=True
        ):
            cycle = Cycle(
                workspace=self.workspace, name=name, start_date=start, end_date=end, state=state
            )
            if state == CycleState.CLOSED:
                closed = datetime_at(end + dt.timedelta(days=3), 17)
                cycle.closed_at = min(closed, self.now - dt.timedelta(hours=1))
            cycle.full_clean()
            cycle.save()
            made.append(cycle)
        self.counts["cycles"] = len(made)
        return Cycles(*made)

    # --- KPIs -----------------------------------------------------------------------------------

    def _plan_kpis(self) -> list[tuple[TeamPlan, list[KpiPlan]]]:
        result = []
        for index, team in enumerate(self.org.teams):
            rng = random.Random(f"{self.seed}/kpis/{team.key}")
            if team.department is None:
                templates: Sequence[KpiTemplate] = catalog.COMPANY_KPIS
            else:
                available = team.department.kpis
                count = rng.randint(8, min(12, len(available)))
                keep = sorted(rng.sample(range(len(available)), count))
                templates = [available[i] for i in keep]
            plans = plan_kpis(
                templates,
                seed=f"{self.seed}/series/{team.key}",
                rng=rng,
                factor=1.0 if team.level < 2 else rng.uniform(0.2, 0.5),
                want_stale=index % 3 == 2,
            )
            result.append((team, plans))
        return result

    def _write_kpis(
        self, kpi_plans: Sequence[tuple[TeamPlan, list[KpiPlan]]]
    ) -> dict[int, list[LinkedKpi]]:
        kpis: list[tuple[Kpi, KpiPlan]] = []
        checked: set[str] = set()
        for team_plan, plans in kpi_plans:
            rng = random.Random(f"{self.seed}/kpi-owners/{team_plan.key}")
            people = [p for p in self._people(team_plan) if p.role != "viewer"]
            for plan in plans:
                t = plan.template
                check_definition(t)
                stamps = timestamps(t.frequency, self.now, plan.periods)
                kpi = Kpi(
                    workspace=self.workspace,
                    team=self.team_of[id(team_plan)],
                    owner=people[0] if rng.random() < 0.4 else rng.choice(people),
                    name=t.name,
                    description=t.description,
                    unit=t.unit,
                    direction=t.direction,
                    target=t.target,
                    warning=t.warning,
                    low=t.low,
                    high=t.high,
                    frequency=t.frequency,
                    aggregation=t.aggregation,
                    created_at=stamps[0] - dt.timedelta(days=1),
                    last_measurement_at=stamps[-1 - plan.silent],
                )
                if t.direction not in checked:
                    # One full model validation per shape; the domain checks every one.
                    kpi.full_clean()
                    checked.add(t.direction)
                kpis.append((kpi, plan))
        bulk(Kpi, [kpi for kpi, _ in kpis])
        self.counts["kpis"] = len(kpis)
        linked = self._pick_linked(kpis)
        series = {id(link.kpi): link for links in linked.values() for link in links}
        writer = RowWriter(Measurement, MEASUREMENT_FIELDS)
        db_times = DbTimes()
        generated = series_values([p for k, p in kpis if id(k) not in series], self.now)
        for kpi, plan in kpis:
            link = series.get(id(kpi))
            values = [value for _, value in link.points] if link else next(generated)
            # The KPI's periods are the tail of its frequency's calendar, adapted once.
            stamps = calendar(plan.template.frequency, self.now, plan.periods).stamps
            at = db_times.series(plan.template.frequency, stamps)[len(stamps) - plan.periods :]
            writer.add(list(zip(itertools.repeat(kpi.pk), at, values, strict=False)))
            self.bar.update(1)
        self.counts["measurements"] = writer.flush()
        first = Measurement.objects.filter(kpi__workspace=self.workspace).order_by("pk").first()
        if first is not None:
            self.samples.append(first)
        return linked

    def _pick_linked(self, kpis: Sequence[tuple[Kpi, KpiPlan]]) -> dict[int, list[LinkedKpi]]:
        """One or two KPIs per team that drive a key result (daily or weekly, not stale)."""
        by_team: dict[int, list[tuple[Kpi, KpiPlan]]] = {}
        for kpi, plan in kpis:
            t = plan.template
            if t.kr_title and plan.health is not STALE and t.frequency in ("daily", "weekly"):
                by_team.setdefault(kpi.team_id, []).append((kpi, plan))
        plan_of = {self.team_of[id(team)].pk: team for team in self.org.teams}
        linked: dict[int, list[LinkedKpi]] = {}
        for team_id, candidates in by_team.items():
            team = plan_of[team_id]
            rng = random.Random(f"{self.seed}/links/{team.key}")
            count = 1 if team.level == 2 else rng.randint(1, 2)
            chosen = rng.sample(candidates, min(count, len(candidates)))
            linked[id(team)] = [
                LinkedKpi(kpi, plan.template, generate(plan, self.now)) for kpi, plan in chosen
            ]
        return linked

    # --- OKRs -----------------------------------------------------------------------------------

    def _write_okrs(self, cycles: Cycles, linked: dict[int, list[LinkedKpi]]) -> OkrPlan:
        planner = OkrPlanner(seed=self.seed, today=self.today, now=self.now)
        heads = [self.person_of[id(d.lead)] for d in self.org.departments]
        contexts = []
        for team in self.org.teams:
            context = TeamContext(
                plan=team,
                team=self.team_of[id(team)],
                people=self._people(team),
                linked=linked.get(id(team), []),
                owners=heads if team.level == 0 else [],
            )
            planner.add_team(context, cycles)
            contexts.append(context)
            self.bar.update(1)
        planner.add_drafts(contexts[: 1 + len(self.org.departments)], cycles.planning)
        plan = planner.plan
        for level in plan.objectives:
            bulk(Objective, level)
        bulk(KeyResult, plan.key_results)
        writer = RowWriter(CheckIn, CHECK_IN_FIELDS)
        db_time = DbTimes()
        writer.add(
            [
                (
                    c.key_result.pk,
                    c.value,
                    c.done,
                    c.confidence,
                    c.note,
                    c.author.pk if c.author is not None else None,
                    c.automatic,
                    db_time(c.created_at),
                )
                for c in plan.check_ins
            ]
        )
        writer.flush()
        self.counts["objectives"] = sum(len(level) for level in plan.objectives)
        self.counts["key_results"] = len(plan.key_results)
        self.counts["check_ins"] = len(plan.check_ins)
        return plan

    # --- Validation -----------------------------------------------------------------------------

    def _validate_samples(self, plan: OkrPlan) -> None:
        """Run the models' own validation on one saved row of every shape the demo makes.

        The domain validators already checked every key result and KPI before the insert;
        this proves the rows as stored pass the models' `full_clean` too.
        """
        key_results = plan.key_results
        samples: list[models.Model | None] = [
            *self.samples,
            next((c.model() for c in plan.check_ins if c.automatic), None),
            next((c.model() for c in plan.check_ins if not c.automatic), None),
            next((kr for kr in key_results if kr.commit is not None), None),
            next((kr for kr in key_results if kr.kpi_id is not None), None),
            *(next((kr for kr in key_results if kr.kind == kind), None) for kind in KINDS),
            *(
                next((o for level in plan.objectives for o in level if o.state == state), None)
                for state in ("draft", "active", "closed")
            ),
            next((o for o in plan.objectives[-1] if o.parent_id is not None), None),
        ]
        for instance in samples:
            if instance is not None:
                instance.full_clean()


# A closed objective that scored below this, and reappears in the next cycle under the
# same title and team, is the one that continues there (what "carry over" would have made).
CARRIED_BELOW = 0.7


def link_carried_over(closed: Cycle, active: Cycle) -> int:
    """Mark the active cycle's objectives that continue an unfinished one of the closed
    cycle (same team, same title, scored below CARRIED_BELOW), so the closed cycle's review
    shows what was carried over; how many were marked."""
    unfinished = {
        (team_id, title): pk
        for pk, team_id, title in Objective.objects.filter(
            cycle=closed, final_score__lt=CARRIED_BELOW
        ).values_list("pk", "team_id", "title")
    }
    copies = []
    for objective in Objective.objects.filter(cycle=active).order_by("pk"):
        source = unfinished.pop((objective.team_id, objective.title), None)
        if source is not None:
            objective.carried_from_id = source
            copies.append(objective)
    Objective.objects.bulk_update(copies, ["carried_from"])
    return len(copies)


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:50] or "team"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
