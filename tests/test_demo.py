"""The demo company: its shape, its numbers' consistency, determinism, scaling and reset.

The default demo is loaded once for the module (as if on 2026-11-23, half-way through Q4);
tests that load it again do so inside their own transaction, which is rolled back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from goalkeeper.accounts.models import Membership, Person, Role, Team, User, Workspace
from goalkeeper.accounts.services import add_person, create_workspace
from goalkeeper.audit.models import AuditEntry
from goalkeeper.demo import catalog
from goalkeeper.demo.okrs import value_for_score
from goalkeeper.demo.services import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_WORKSPACE,
    DemoAlreadyLoadedError,
    DemoSummary,
    delete_workspace,
    demo_clock,
    demo_exists,
    demo_workspace,
    load_demo,
    quarter_cycles,
)
from goalkeeper.demo.services.rows import LOAD_CACHE_KIB, bulk_load_settings
from goalkeeper.domain.key_results import KeyResultKind, score
from goalkeeper.domain.kpis import Health, kpi_health, validate_kpi
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import PaceStatus, elapsed_share, pace_status
from goalkeeper.domain.periods import Aggregation, Frequency, aggregate, latest_complete_period
from goalkeeper.domain.scoring import final_score
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.queries import kpi_statuses
from goalkeeper.okrs.calibration import cycle_calibration
from goalkeeper.okrs.figures import key_result_figures, key_result_status
from goalkeeper.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Objective

TODAY = dt.date(2026, 11, 23)
NOW = demo_clock(TODAY)[1]
DEPARTMENTS = {d.name for d in catalog.DEPARTMENTS}

pytestmark = pytest.mark.django_db(transaction=False)


@dataclass(frozen=True)
class Demo:
    summary: DemoSummary
    workspace: Workspace


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[DemoSummary, int]]:
    """Load the default demo once for the module; delete it afterwards."""
    # The same fast hasher as every other test (conftest's autouse fixture is per test).
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        summary = load_demo(today=TODAY, progress=False)
        workspace = demo_workspace()
        assert workspace is not None
        yield summary, workspace.pk
        with transaction.atomic():
            delete_workspace(Workspace.objects.get(pk=workspace.pk))


@pytest.fixture
def demo(loaded: tuple[DemoSummary, int]) -> Demo:
    """A fresh instance per test: a test that deletes the workspace clears its pk."""
    summary, pk = loaded
    return Demo(summary, Workspace.objects.get(pk=pk))


def departments(workspace: Workspace) -> list[Team]:
    return list(
        Team.objects.filter(workspace=workspace, parent__parent__isnull=True).exclude(
            parent__isnull=True
        )
    )


def cycle(workspace: Workspace, state: str) -> Cycle:
    return Cycle.objects.get(workspace=workspace, state=state)


def key_result_score(kr: KeyResult) -> float:
    return score(kr.spec, kr.current, kr.done)


def digest(workspace: Workspace) -> str:
    """A fingerprint of every value the demo wrote, independent of primary keys."""
    ws = workspace
    parts: list[list[tuple[object, ...]]] = [
        list(
            Team.objects.filter(workspace=ws).values_list(
                "name", "slug", "parent__name", "created_at", "workspace__created_at"
            )
        ),
        list(
            Person.objects.filter(workspace=ws).values_list(
                "name", "user__email", "title", "role", "created_at"
            )
        ),
        list(
            Membership.objects.filter(team__workspace=ws).values_list(
                "team__name", "person__name", "is_lead"
            )
        ),
        list(
            Cycle.objects.filter(workspace=ws).values_list(
                "name", "start_date", "end_date", "state", "closed_at"
            )
        ),
        list(
            Objective.objects.filter(workspace=ws).values_list(
                "cycle__name", "team__name", "title", "owner__name", "kind", "state",
                "parent__title", "final_score", "retrospective", "closed_at", "created_at",
                "updated_at",
            )
        ),
        list(
            KeyResult.objects.filter(workspace=ws).values_list(
                "objective__cycle__name", "objective__team__name", "objective__title", "title",
                "owner__name", "kind", "unit", "weight", "start", "target", "low", "high",
                "commit", "stretch", "current", "done", "confidence", "last_check_in_at",
                "kpi__name", "kpi_mode", "position",
            )
        ),
        list(
            CheckIn.objects.filter(key_result__workspace=ws).values_list(
                "key_result__objective__cycle__name", "key_result__objective__team__name",
                "key_result__title", "value", "done", "confidence", "note", "author__name",
                "automatic", "created_at",
            )
        ),
        list(
            Kpi.objects.filter(workspace=ws).values_list(
                "team__name", "name", "owner__name", "unit", "direction", "target", "warning",
                "low", "high", "frequency", "aggregation", "created_at", "last_measurement_at",
            )
        ),
        list(
            Measurement.objects.filter(kpi__workspace=ws).values_list(
                "kpi__team__name", "kpi__name", "timestamp", "value"
            )
        ),
    ]  # fmt: skip
    hasher = hashlib.sha256()
    for rows in parts:
        for row in sorted(rows, key=repr):
            hasher.update(repr(row).encode())
    return hasher.hexdigest()


# --- Shape ------------------------------------------------------------------------------------


def test_the_company_has_a_root_and_the_eight_departments(demo: Demo) -> None:
    teams = Team.objects.filter(workspace=demo.workspace)
    root = teams.get(parent__isnull=True)
    assert root.name == DEMO_WORKSPACE
    assert {t.name for t in teams.filter(parent=root)} == DEPARTMENTS
    assert teams.count() == 9 == demo.summary.teams


def test_twenty_to_forty_people_share_the_demo_password(demo: Demo) -> None:
    people = Person.objects.filter(workspace=demo.workspace).select_related("user")
    assert 20 <= people.count() <= 40
    roles = Counter(p.role for p in people)
    assert roles[Role.ADMIN] == 1
    assert roles[Role.VIEWER] >= 2
    admin = people.get(role=Role.ADMIN)
    assert admin.user.email == ADMIN_EMAIL
    assert check_password(DEMO_PASSWORD, admin.user.password)
    assert len({p.user.password for p in people}) == 1
    assert len({p.name for p in people}) == people.count()


def test_every_team_has_one_lead_who_can_edit(demo: Demo) -> None:
    for team in Team.objects.filter(workspace=demo.workspace):
        leads = Membership.objects.filter(team=team, is_lead=True).select_related("person")
        assert len(leads) == 1, team.name
        assert leads[0].person.role in (Role.ADMIN, Role.EDITOR)
    assert not Person.objects.filter(workspace=demo.workspace, memberships__isnull=True).exists()


def test_a_closed_an_active_and_a_planning_quarter(demo: Demo) -> None:
    cycles = {c.state: c for c in Cycle.objects.filter(workspace=demo.workspace)}
    assert set(cycles) == {CycleState.CLOSED, CycleState.ACTIVE, CycleState.PLANNING}
    closed, active, planning = (cycles[s] for s in ("closed", "active", "planning"))
    assert (active.name, active.start_date, active.end_date) == (
        "2026-Q4",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert (closed.name, closed.end_date) == ("2026-Q3", dt.date(2026, 9, 30))
    assert closed.closed_at is not None
    assert planning.name == "2027-Q1"
    assert 0.3 <= elapsed_share(active.start_date, active.end_date, TODAY) <= 0.7
    drafts = Objective.objects.filter(cycle=planning)
    assert drafts.count() >= 2
    assert set(drafts.values_list("state", flat=True)) == {"draft"}
    assert not CheckIn.objects.filter(key_result__objective__cycle=planning).exists()


def test_cycles_follow_the_fiscal_year() -> None:
    names = [name for name, _, _ in quarter_cycles(Workspace(fiscal_year_start_month=4), TODAY)]
    assert names == ["FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]


def test_an_april_fiscal_year_names_april_to_june_2026_fy2027_q1() -> None:
    cycles = quarter_cycles(Workspace(fiscal_year_start_month=4), dt.date(2026, 5, 10))

    assert cycles[1] == ("FY2027-Q1", dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_every_department_has_three_to_five_objectives_of_two_to_five_key_results(
    demo: Demo,
) -> None:
    for state in ("active", "closed"):
        objectives = Objective.objects.filter(cycle=cycle(demo.workspace, state))
        for team in departments(demo.workspace):
            assert 3 <= objectives.filter(team=team).count() <= 5, (state, team.name)
        counts = objectives.annotate(n=Count("key_results")).values_list("n", flat=True)
        assert all(2 <= n <= 5 for n in counts)


def test_department_objectives_align_to_company_objectives_of_the_same_cycle(
    demo: Demo,
) -> None:
    aligned = Objective.objects.filter(
        workspace=demo.workspace, parent__isnull=False
    ).select_related("parent__team", "team")
    assert aligned.count() >= 5
    for objective in aligned:
        assert objective.parent is not None
        assert objective.parent.cycle_id == objective.cycle_id
        assert objective.parent.team.pk == objective.team.parent_id


def test_the_closed_cycle_is_scored_with_retrospectives(demo: Demo) -> None:
    objectives = Objective.objects.filter(cycle=cycle(demo.workspace, "closed"))
    assert objectives.count() >= 30
    for objective in objectives.prefetch_related("key_results"):
        assert objective.state == "closed"
        assert objective.closed_at is not None
        assert objective.retrospective.strip()
        assert objective.final_score is not None
        assert objective.final_score == round(objective.final_score, 1)
        computed = final_score(
            objective_progress(
                [
                    WeightedScore(kr.weight, key_result_score(kr))
                    for kr in objective.key_results.all()
                ]
            )
        )
        # The owner may nudge the computed score by one step.
        assert computed is not None
        assert abs(objective.final_score - computed) <= 0.1 + 1e-9
    assert len(set(objectives.values_list("final_score", flat=True))) >= 5


# --- Key results and check-ins ------------------------------------------------------------------


def test_every_key_result_is_valid_and_every_kind_appears(demo: Demo) -> None:
    key_results = list(KeyResult.objects.filter(workspace=demo.workspace))
    for kr in key_results:
        kr.full_clean()
    assert {kr.kind for kr in key_results} == {k.value for k in KeyResultKind}
    assert any(kr.commit is not None and kr.stretch is not None for kr in key_results)
    assert len({kr.weight for kr in key_results}) >= 3


def test_current_values_mirror_the_latest_check_in(demo: Demo) -> None:
    latest: dict[int, CheckIn] = {}
    for check_in in CheckIn.objects.filter(key_result__workspace=demo.workspace).order_by(
        "created_at", "id"
    ):
        latest[check_in.key_result_id] = check_in
    without = 0
    for kr in KeyResult.objects.filter(workspace=demo.workspace):
        last = latest.get(kr.pk)
        if last is None:
            without += 1
            assert kr.current == kr.start
            assert kr.last_check_in_at is None
            continue
        assert kr.last_check_in_at == last.created_at
        assert kr.done == last.done
        assert kr.confidence == last.confidence
        assert kr.current == (last.value if last.value is not None else kr.start)
    assert without > 0


def test_check_ins_are_weekly_history_with_confidence_and_notes(demo: Demo) -> None:
    active = cycle(demo.workspace, "active")
    check_ins = list(CheckIn.objects.filter(key_result__objective__cycle=active, automatic=False))
    assert len(check_ins) >= 100
    start = dt.datetime.combine(active.start_date, dt.time(), tzinfo=dt.UTC)
    assert all(start <= c.created_at < NOW for c in check_ins)
    assert all(c.confidence is not None and 0 <= c.confidence <= 10 for c in check_ins)
    assert all(c.author_id is not None for c in check_ins)
    assert 0.3 < sum(bool(c.note) for c in check_ins) / len(check_ins) < 0.9
    by_kr: dict[int, list[dt.datetime]] = defaultdict(list)
    for c in check_ins:
        by_kr[c.key_result_id].append(c.created_at)
    gaps = [
        (b.date() - a.date()).days
        for moments in by_kr.values()
        for a, b in zip(sorted(moments), sorted(moments)[1:], strict=False)
    ]
    assert Counter(gaps).most_common(1)[0][0] == 7


def test_the_active_cycle_shows_every_pace_status(demo: Demo) -> None:
    active = cycle(demo.workspace, "active")
    statuses: Counter[PaceStatus] = Counter()
    objective_statuses: Counter[PaceStatus] = Counter()
    for objective in Objective.objects.filter(cycle=active).prefetch_related("key_results"):
        krs = list(objective.key_results.all())
        for kr in krs:
            statuses[
                pace_status(
                    key_result_score(kr),
                    active.start_date,
                    active.end_date,
                    TODAY,
                    kr.last_check_in_at,
                    NOW,
                )
            ] += 1
        progress = objective_progress(
            [WeightedScore(kr.weight, key_result_score(kr)) for kr in krs]
        )
        moments = [kr.last_check_in_at for kr in krs if kr.last_check_in_at]
        objective_statuses[
            pace_status(
                progress or 0.0,
                active.start_date,
                active.end_date,
                TODAY,
                max(moments) if moments else None,
                NOW,
            )
        ] += 1
    assert set(statuses) == set(PaceStatus)
    assert {PaceStatus.ON_TRACK, PaceStatus.AT_RISK, PaceStatus.OFF_TRACK} <= set(
        objective_statuses
    )
    # Good news outweighs bad: a demo where most things burn is not believable.
    assert statuses[PaceStatus.ON_TRACK] > statuses[PaceStatus.AT_RISK]


def test_key_results_driven_by_kpis_read_the_kpi_series(demo: Demo) -> None:
    linked = list(
        KeyResult.objects.filter(workspace=demo.workspace, kpi__isnull=False).select_related(
            "kpi", "objective__cycle"
        )
    )
    assert len(linked) >= 8
    assert {kr.kpi_mode for kr in linked} == {"latest", "cycle_aggregate"}
    for kr in linked:
        assert kr.kpi is not None
        assert kr.unit == kr.kpi.unit
        points = list(kr.kpi.measurements.values_list("timestamp", "value"))
        check_ins = list(kr.check_ins.all())
        assert check_ins
        assert all(c.automatic for c in check_ins)
        start = dt.datetime.combine(kr.objective.cycle.start_date, dt.time(), tzinfo=dt.UTC)
        for c in check_ins:
            if kr.kpi_mode == "latest":
                expected = [v for t, v in points if t <= c.created_at][-1]
            else:
                window = [(t, v) for t, v in points if start <= t <= c.created_at]
                expected = aggregate(window, Aggregation(kr.kpi.aggregation)) or 0.0
            assert c.value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kind", "start", "commit", "target", "stretch"),
    [("increase", 0.0, 3.0, 6.0, 8.0), ("decrease", 58.0, 49.0, 40.0, 35.0)],
)
@pytest.mark.parametrize("wanted", [0.0, 0.15, 0.3, 0.5, 0.7, 0.85, 1.0])
def test_history_values_score_what_was_planned_even_with_zones(
    kind: str, start: float, commit: float, target: float, stretch: float, wanted: float
) -> None:
    zoned = KeyResult(kind=kind, start=start, target=target, commit=commit, stretch=stretch)
    plain = KeyResult(kind=kind, start=start, target=target)
    for kr in (zoned, plain):
        kr.current = value_for_score(kr, wanted)
        assert key_result_score(kr) == pytest.approx(wanted)


# --- KPIs -------------------------------------------------------------------------------------


def test_every_department_has_eight_to_twelve_valid_kpis(demo: Demo) -> None:
    for team in departments(demo.workspace):
        assert 8 <= Kpi.objects.filter(team=team).count() <= 12, team.name
    kpis = list(Kpi.objects.filter(workspace=demo.workspace))
    for kpi in kpis:
        assert validate_kpi(kpi.spec) == []
    kpis[0].full_clean()
    assert {k.direction for k in kpis} == {"higher_is_better", "lower_is_better", "in_range"}
    assert {"hourly", "daily", "weekly", "monthly"} <= {k.frequency for k in kpis}


def test_measurements_are_aligned_to_their_frequency_and_span_the_right_history(
    demo: Demo,
) -> None:
    stamps: dict[int, list[dt.datetime]] = defaultdict(list)
    for kpi_id, at in Measurement.objects.filter(kpi__workspace=demo.workspace).values_list(
        "kpi_id", "timestamp"
    ):
        stamps[kpi_id].append(at)
    aligned = {
        "hourly": lambda t: (t.minute, t.second, t.microsecond) == (0, 0, 0),
        "daily": lambda t: t.time() == dt.time(),
        "weekly": lambda t: t.time() == dt.time() and t.weekday() == 0,
        "monthly": lambda t: t.time() == dt.time() and t.day == 1,
    }
    for kpi in Kpi.objects.filter(workspace=demo.workspace):
        moments = sorted(stamps[kpi.pk])
        assert all(aligned[kpi.frequency](t) and t.utcoffset() == dt.timedelta() for t in moments)
        assert kpi.last_measurement_at == moments[-1]
        span = moments[-1] - moments[0]
        if kpi.frequency == "hourly":
            assert dt.timedelta(days=29) <= span <= dt.timedelta(days=61)
        else:
            assert dt.timedelta(days=300) <= span <= dt.timedelta(days=2 * 366)
    assert 10_000 <= demo.summary.measurements <= 300_000


def test_kpi_health_shows_green_yellow_red_and_stale(demo: Demo) -> None:
    healths: Counter[Health] = Counter()
    for kpi in Kpi.objects.filter(workspace=demo.workspace):
        frequency = Frequency(kpi.frequency)
        period = latest_complete_period(NOW, frequency)
        points = list(
            kpi.measurements.filter(
                timestamp__gte=period.start, timestamp__lt=period.end
            ).values_list("timestamp", "value")
        )
        value = aggregate(points, Aggregation(kpi.aggregation))
        healths[kpi_health(kpi.spec, frequency, value, kpi.last_measurement_at, NOW)] += 1
    assert {Health.GREEN, Health.YELLOW, Health.RED, Health.STALE} == set(healths)
    assert healths[Health.GREEN] > healths[Health.RED]
    assert healths[Health.STALE] <= healths[Health.RED]


def test_the_newest_measurement_is_recorded_on_each_kpi(demo: Demo) -> None:
    newest = dict(
        Kpi.objects.filter(workspace=demo.workspace)
        .annotate(newest=Max("measurements__timestamp"))
        .values_list("pk", "newest")
    )
    for kpi in Kpi.objects.filter(workspace=demo.workspace):
        assert kpi.last_measurement_at == newest[kpi.pk]


def test_every_kpi_ends_the_load_with_its_stored_figures(demo: Demo) -> None:
    kpis = list(Kpi.objects.filter(workspace=demo.workspace).select_related("workspace"))
    statuses = kpi_statuses(kpis, demo.workspace, NOW)
    stored = dict(
        Kpi.objects.filter(workspace=demo.workspace)
        .annotate(h=health_now(NOW))
        .values_list("pk", "h")
    )
    assert all(kpi.figures_at == NOW for kpi in kpis)
    assert stored == {kpi.pk: statuses[kpi.pk].health.value for kpi in kpis}


# --- Summary, audit, existence ------------------------------------------------------------------


def test_the_mrr_key_result_is_split_among_three_salespeople_and_adds_them_up(
    demo: Demo,
) -> None:
    mrr = KeyResult.objects.get(workspace=demo.workspace, title="Reach €600k MRR")
    shares = list(mrr.contributors.select_related("owner", "objective__team"))
    assert mrr.rollup == "sum"
    assert mrr.objective.team.parent_id is None
    assert sorted(kr.target for kr in shares) == [150_000, 200_000, 250_000]
    assert {kr.objective.team.name for kr in shares} == {"Sales"}
    assert len({kr.owner_id for kr in shares}) == 3
    assert mrr.current == sum(kr.current for kr in shares) > mrr.start
    assert CheckIn.objects.filter(key_result__in=shares, automatic=False).count() >= 6
    for kr in shares:
        objective = kr.objective
        assert (
            objective.parent_key_result_id == mrr.pk
            or objective.alignments.filter(key_result=mrr).exists()
        )


def test_the_summary_counts_what_was_written(demo: Demo) -> None:
    ws, summary = demo.workspace, demo.summary
    assert summary.people == Person.objects.filter(workspace=ws).count()
    assert summary.cycles == 3
    assert summary.objectives == Objective.objects.filter(workspace=ws).count()
    assert summary.key_results == KeyResult.objects.filter(workspace=ws).count()
    assert summary.check_ins == CheckIn.objects.filter(key_result__workspace=ws).count()
    assert summary.kpis == Kpi.objects.filter(workspace=ws).count()
    assert summary.measurements == Measurement.objects.filter(kpi__workspace=ws).count()
    text = summary.describe()
    assert f"{summary.people} people" in text
    assert f"{summary.measurements:,} measurements" in text
    assert " s:" in text


def counts(summary: DemoSummary) -> tuple[int, ...]:
    s = summary
    return (
        *(s.teams, s.people, s.cycles, s.objectives, s.key_results, s.check_ins),
        *(s.kpis, s.measurements, s.sources),
    )


def test_the_default_demo_keeps_its_size_for_the_same_seed_and_day(demo: Demo) -> None:
    # Pinned: a faster loader must write the same company, not a smaller one.
    assert counts(demo.summary) == (9, 32, 3, 73, 209, 1706, 85, 16418, 4)


def test_a_larger_company_keeps_its_size_for_the_same_seed_and_day(demo: Demo) -> None:
    summary = load_demo(people=60, today=TODAY, progress=False, reset=True)
    assert counts(summary) == (11, 60, 3, 91, 259, 2192, 106, 24854, 4)
    workspace = demo_workspace()
    assert summary.measurements == Measurement.objects.filter(kpi__workspace=workspace).count()
    assert summary.check_ins == CheckIn.objects.filter(key_result__workspace=workspace).count()


def pragma(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_the_load_settings_of_sqlite_are_put_back_afterwards() -> None:
    before = pragma("cache_size"), pragma("synchronous")
    with bulk_load_settings():
        assert pragma("cache_size") == -LOAD_CACHE_KIB
    assert (pragma("cache_size"), pragma("synchronous")) == before


def test_loading_is_recorded_in_the_audit_trail(demo: Demo) -> None:
    entry = AuditEntry.objects.get(workspace=demo.workspace, action="demo.loaded")
    assert entry.changes["seed"] == [None, 2026]
    assert entry.changes["today"] == [None, TODAY.isoformat()]


def test_demo_exists_names_the_admin_login(demo: Demo) -> None:
    assert demo_exists() == ADMIN_EMAIL
    delete_workspace(demo.workspace)
    assert demo_exists() is None


def test_loading_twice_without_reset_is_refused(demo: Demo) -> None:
    with pytest.raises(DemoAlreadyLoadedError):
        load_demo(today=TODAY, progress=False)


def test_the_demo_command_does_not_load_twice(demo: Demo) -> None:
    out = StringIO()
    call_command("demo", "--no-progress", stdout=out)
    assert "already loaded" in out.getvalue()
    assert ADMIN_EMAIL in out.getvalue()
    assert Workspace.objects.filter(name=DEMO_WORKSPACE).count() == 1


# --- Determinism, reset and scale -------------------------------------------------------------


def test_reset_reloads_the_same_data_for_the_same_seed_and_day(demo: Demo) -> None:
    before = digest(demo.workspace)
    users = User.objects.count()
    load_demo(today=TODAY, progress=False, reset=True)
    reloaded = demo_workspace()
    assert reloaded is not None
    assert reloaded.pk != demo.workspace.pk
    assert not Workspace.objects.filter(pk=demo.workspace.pk).exists()
    assert not Objective.objects.filter(workspace_id=demo.workspace.pk).exists()
    assert User.objects.count() == users
    assert digest(reloaded) == before


def test_another_seed_gives_another_company(demo: Demo) -> None:
    before = digest(demo.workspace)
    load_demo(today=TODAY, progress=False, reset=True, seed=7)
    reloaded = demo_workspace()
    assert reloaded is not None
    assert digest(reloaded) != before


def test_reset_keeps_logins_that_other_workspaces_use(demo: Demo) -> None:
    other = create_workspace(name="Elsewhere")
    add_person(
        actor=None,
        workspace=other,
        email=ADMIN_EMAIL,
        name="Robin Adeyemi",
        existing_login=True,
    )
    admin_user = User.objects.get(email=ADMIN_EMAIL)
    load_demo(today=TODAY, progress=False, reset=True)
    assert User.objects.filter(pk=admin_user.pk).exists()
    reloaded = demo_workspace()
    assert Person.objects.get(workspace=reloaded, role=Role.ADMIN).user_id == admin_user.pk


def test_loading_on_the_first_day_of_a_quarter_works(demo: Demo) -> None:
    summary = load_demo(today=dt.date(2026, 10, 1), progress=False, reset=True)
    active = Cycle.objects.get(workspace=demo_workspace(), state="active")
    assert active.name == "2026-Q4"
    assert summary.objectives > 0
    assert not CheckIn.objects.filter(key_result__objective__cycle=active, automatic=False).exists()


def test_more_people_scale_the_same_shape(demo: Demo) -> None:
    summary = load_demo(people=60, today=TODAY, progress=False, reset=True)
    workspace = demo_workspace()
    assert workspace is not None
    assert summary.people == Person.objects.filter(workspace=workspace).count() == 60
    assert {t.name for t in departments(workspace)} == DEPARTMENTS
    sub_teams = Team.objects.filter(workspace=workspace, parent__parent__isnull=False)
    assert sub_teams.exists()
    assert summary.teams == Team.objects.filter(workspace=workspace).count() > 9
    active = cycle(workspace, "active")
    for team in Team.objects.filter(workspace=workspace, parent__isnull=False):
        assert 3 <= Objective.objects.filter(team=team, cycle=active).count() <= 5
        assert 8 <= Kpi.objects.filter(team=team).count() <= 12
        leads = Membership.objects.filter(team=team, is_lead=True).count()
        assert leads == 1
    sub_objectives = Objective.objects.filter(team__in=sub_teams, cycle=active)
    assert sub_objectives.filter(parent__team__in=departments(workspace)).exists()
    assert summary.measurements > demo.summary.measurements


def test_the_demo_has_a_source_of_each_state_and_its_pulls_agree_with_the_stored_series(
    demo: Demo,
) -> None:
    from goalkeeper.sources import services
    from goalkeeper.sources.models import DataSource, RunStatus, RunTrigger, SourceStatus

    sources = {s.kind: s for s in DataSource.objects.filter(workspace=demo.workspace)}
    assert demo.summary.sources == 4
    assert set(sources) == {"sql", "csv", "push", "http_json"}
    broken = sources["http_json"]
    assert broken.status == SourceStatus.BROKEN
    assert broken.runs.filter(status=RunStatus.FAILED).count() == 3
    for kind in ("sql", "csv"):
        run = services.request_sync(actor=None, source=sources[kind], trigger=RunTrigger.CLI)
        done = services.execute(run.pk)
        assert done is not None
        assert done.status == RunStatus.SUCCEEDED, done.error
        # The files hold what the demo stored: a pull changes nothing, it only confirms.
        assert done.rows_created == 0
        assert done.rows_updated > 50


def test_the_demo_dates_each_change_from_its_story(demo: Demo) -> None:
    workspace = demo.workspace
    key_results = list(KeyResult.objects.filter(workspace=workspace))
    cycles = list(Cycle.objects.filter(workspace=workspace))

    # Loaded in bulk, the rows would all say they changed at load time, after the demo's now.
    assert all(kr.created_at <= kr.updated_at <= max(kr.created_at, NOW) for kr in key_results)
    assert len({kr.updated_at for kr in key_results}) > len(key_results) // 2
    assert all(c.created_at <= c.updated_at <= NOW for c in cycles)


# --- Odds and calibration ---------------------------------------------------------------------


def test_a_key_result_of_the_active_cycle_has_about_thirty_percent_odds(demo: Demo) -> None:
    active = cycle(demo.workspace, "active")
    odds = list(
        KeyResult.objects.filter(objective__cycle=active, odds_target__isnull=False).values_list(
            "odds_target", flat=True
        )
    )
    assert len(odds) > 20
    assert any(value is not None and 0.25 <= value <= 0.35 for value in odds)
    assert Objective.objects.filter(cycle=active, odds_success__isnull=False).exists()


def test_the_closed_cycles_check_ins_carry_the_models_odds_for_its_calibration(
    demo: Demo,
) -> None:
    closed = cycle(demo.workspace, "closed")
    calibration = cycle_calibration(closed)
    assert calibration.model is not None
    assert calibration.model.count > 100
    assert 0.0 < calibration.model.brier < 0.25
    assert len(calibration.people) > 5


def test_the_bookings_key_result_is_on_track_along_its_phases_not_a_straight_line(
    demo: Demo,
) -> None:
    bookings = KeyResult.objects.select_related("objective__cycle", "workspace").get(
        workspace=demo.workspace, title="Close €400k of new bookings"
    )
    cycle = bookings.objective.cycle
    clock = demo.workspace.clock(NOW)
    straight = pace_status(
        key_result_figures(bookings, cycle, clock).score,
        cycle.start_date,
        cycle.end_date,
        clock.today,
        bookings.last_check_in_at,
        clock.now,
        clock.thresholds,
    )

    assert len(bookings.phases) == 3
    assert key_result_status(bookings, clock) == PaceStatus.ON_TRACK
    assert straight in (PaceStatus.AT_RISK, PaceStatus.OFF_TRACK)
