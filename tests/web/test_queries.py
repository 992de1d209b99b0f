"""The reads behind the home page: which cycle, which objectives, which numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.okrs import cycles, rows, view_models
from goalkeeper.okrs.models import CycleState
from goalkeeper.okrs.pages import alignment, board, home, objective
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.web import factories

DAY = dt.timedelta(days=1)


def cycle(world: World, name: str, start: dt.date, state: str, workspace=None):
    return create_cycle(
        actor=None,
        workspace=workspace or world.acme,
        name=name,
        start_date=start,
        end_date=start + 90 * DAY,
        state=state,
    )


def clock_on(world: World, day: dt.date) -> Clock:
    return world.acme.clock(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))


def test_the_active_cycle_wins_over_a_newer_planning_one(world: World) -> None:
    cycle(world, "2027-Q1", dt.date(2027, 1, 1), CycleState.PLANNING)

    assert cycles.active_cycle(world.acme) == world.cycle


def test_without_an_active_cycle_the_newest_planning_one_is_used(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    cycle(world, "2027-Q1", dt.date(2027, 1, 1), CycleState.PLANNING)
    newest = cycle(world, "2027-Q2", dt.date(2027, 4, 1), CycleState.PLANNING)

    assert cycles.active_cycle(world.acme) == newest


def test_closed_cycles_are_never_the_active_one(world: World) -> None:
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    assert cycles.active_cycle(world.acme) is None


def test_another_workspaces_cycle_is_never_the_active_one(world: World) -> None:
    assert cycles.active_cycle(world.globex) is None
    globex_cycle = cycle(world, "G1", dt.date(2026, 10, 1), CycleState.ACTIVE, world.globex)

    assert cycles.active_cycle(world.globex) == globex_cycle
    assert cycles.active_cycle(world.acme) == world.cycle


def test_an_overview_refuses_another_workspaces_cycle(world: World, now: dt.datetime) -> None:
    with pytest.raises(ValueError, match="another workspace"):
        board.cycle_overview(world.globex, world.cycle, now)


@pytest.mark.parametrize(
    ("today", "phase", "week", "elapsed"),
    [
        (dt.date(2026, 9, 20), view_models.CyclePhase.UPCOMING, 1, 0.0),
        (dt.date(2026, 10, 1), view_models.CyclePhase.RUNNING, 1, 0.0),
        (dt.date(2026, 10, 8), view_models.CyclePhase.RUNNING, 2, 7 / 91),
        (dt.date(2026, 11, 20), view_models.CyclePhase.RUNNING, 8, 50 / 91),
        (dt.date(2026, 12, 31), view_models.CyclePhase.RUNNING, 13, 1.0),
        (dt.date(2027, 1, 5), view_models.CyclePhase.ENDED, 13, 1.0),
    ],
)
def test_the_cycle_header_counts_weeks_and_elapsed_share(
    world: World, today: dt.date, phase: view_models.CyclePhase, week: int, elapsed: float
) -> None:
    header = cycles.cycle_header(world.cycle, clock_on(world, today))

    assert (header.phase, header.week, header.weeks) == (phase, week, 13)
    assert header.elapsed == pytest.approx(elapsed)
    assert header.pace_marker == (elapsed if phase is view_models.CyclePhase.RUNNING else None)


def test_days_to_start_counts_down_to_an_upcoming_cycle(world: World) -> None:
    header = cycles.cycle_header(world.cycle, clock_on(world, dt.date(2026, 9, 20)))

    assert header.days_to_start == 11


def test_objective_progress_is_the_weighted_mean_of_key_result_scores(
    world: World, now: dt.datetime
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Weighted", owner=world.editor)
    factories.key_result(objective, "Heavy", weight=3, check_ins=[(100, now - DAY)])
    # Above target: progress 150% but the score is capped at 1.0.
    factories.key_result(objective, "Overshoot", check_ins=[(150, now - 2 * DAY)])
    factories.key_result(objective, "Untouched")

    row = board.cycle_overview(world.acme, world.cycle, now).objectives[0]

    assert row.progress == pytest.approx((3 * 1.0 + 1.0 + 0.0) / 5)
    assert row.score == 0.8
    assert row.last_check_in_at == now - DAY
    assert [kr.progress for kr in row.key_results] == [1.0, 1.5, 0.0]
    assert [kr.score for kr in row.key_results] == [1.0, 1.0, 0.0]
    assert [kr.status for kr in row.key_results] == [
        PaceStatus.ON_TRACK,
        PaceStatus.ON_TRACK,
        PaceStatus.NOT_STARTED,
    ]


def test_an_objective_without_key_results_has_no_progress_and_has_not_started(
    world: World, now: dt.datetime
) -> None:
    factories.objective(world.cycle, world.sales, "Empty", owner=world.editor)

    row = board.cycle_overview(world.acme, world.cycle, now).objectives[0]

    assert row.progress is None
    assert row.score is None
    assert row.status is PaceStatus.NOT_STARTED
    assert row.key_result_count == 0


def test_the_workspace_thresholds_decide_the_pace(world: World, now: dt.datetime) -> None:
    # Elapsed share 50/91 = 0.55; a score of 0.40 is 0.15 behind: at risk by default.
    objective = factories.objective(world.cycle, world.sales, "Behind", owner=world.editor)
    factories.key_result(objective, "Forty", check_ins=[(40, now - DAY)])

    def status() -> PaceStatus:
        return board.cycle_overview(world.acme, world.cycle, now).objectives[0].status

    assert status() is PaceStatus.AT_RISK
    world.acme.on_track_gap = -0.20
    assert status() is PaceStatus.ON_TRACK
    world.acme.on_track_gap, world.acme.at_risk_gap = -0.05, -0.10
    assert status() is PaceStatus.OFF_TRACK
    world.acme.stale_days = 0
    assert status() is PaceStatus.STALE


def test_a_silent_objective_is_stale_whatever_its_score(world: World, now: dt.datetime) -> None:
    objective = factories.objective(world.cycle, world.sales, "Silent", owner=world.editor)
    factories.key_result(objective, "Was great", check_ins=[(100, now - 15 * DAY)])

    row = board.cycle_overview(world.acme, world.cycle, now).objectives[0]

    assert row.progress == 1.0
    assert row.status is PaceStatus.STALE


def test_a_roll_up_objective_counts_its_aligned_children(world: World, now: dt.datetime) -> None:
    parent = factories.objective(
        world.cycle, world.company, "Parent", owner=world.admin, roll_up_children=True
    )
    factories.key_result(parent, "Own", check_ins=[(0, now - 20 * DAY)])
    child = factories.objective(world.cycle, world.sales, "Child", parent=parent)
    factories.key_result(child, "Child KR", check_ins=[(100, now - DAY)])
    factories.objective(world.cycle, world.sales, "Empty child", parent=parent)

    rows = {row.title: row for row in board.cycle_overview(world.acme, world.cycle, now).objectives}

    # Its own key result (0.0) and the child (1.0); the child without progress adds nothing.
    assert rows["Parent"].progress == pytest.approx(0.5)
    assert rows["Parent"].last_check_in_at == now - DAY
    assert rows["Child"].progress == 1.0


def test_children_do_not_count_without_roll_up(world: World, now: dt.datetime) -> None:
    parent = factories.objective(world.cycle, world.company, "Parent", owner=world.admin)
    factories.key_result(parent, "Own", check_ins=[(0, now - DAY)])
    child = factories.objective(world.cycle, world.sales, "Child", parent=parent)
    factories.key_result(child, "Child KR", check_ins=[(100, now - DAY)])

    rows = {row.title: row for row in board.cycle_overview(world.acme, world.cycle, now).objectives}

    assert rows["Parent"].progress == 0.0


def test_the_overview_groups_by_team_and_picks_the_viewers_objectives(
    world: World, now: dt.datetime
) -> None:
    factories.objective(world.cycle, world.sales, "S1", owner=world.editor)
    factories.objective(world.cycle, world.company, "C1", owner=world.admin)
    factories.objective(world.cycle, world.sales, "S2", owner=world.admin)

    overview = board.cycle_overview(world.acme, world.cycle, now, viewer=world.admin)

    assert [(g.name, [r.title for r in g.objectives]) for g in overview.teams] == [
        ("Acme", ["C1"]),
        ("Sales", ["S1", "S2"]),
    ]
    assert [row.title for row in overview.mine] == ["C1", "S2"]
    assert {c.status: c.count for c in overview.counts}[PaceStatus.NOT_STARTED] == 3


def test_key_result_kinds_other_than_metrics_have_their_own_progress(
    world: World, now: dt.datetime
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Kinds", owner=world.editor)
    factories.key_result(objective, "Ship it", kind="milestone", check_ins=[(None, now - DAY)])
    factories.key_result(
        objective, "Keep churn low", kind="maintain", high=2.0, check_ins=[(3.0, now - DAY)]
    )

    row = board.cycle_overview(world.acme, world.cycle, now).objectives[0]

    assert [(kr.kind, kr.progress, kr.done) for kr in row.key_results] == [
        ("milestone", 1.0, True),
        ("maintain", 0.0, False),
    ]
    assert row.progress == 0.5


def test_the_local_day_follows_the_workspace_zone(world: World) -> None:
    late = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    world.acme.timezone = "Asia/Tokyo"

    assert world.acme.clock(late).today == dt.date(2026, 11, 21)
    world.acme.timezone = "Not/AZone"
    assert world.acme.clock(late).today == dt.date(2026, 11, 20)


# --- The pages' read models -------------------------------------------------------------------


def test_board_filters_drop_whatever_is_malformed() -> None:
    filters = board.parse_board_filters(
        {"team": "12", "owner": "x", "status": "on_track", "kind": "bold", "page": "0"}
    )

    assert filters == view_models.BoardFilters(team=12, status="on_track")
    assert filters.query(status=None) == "team=12"
    paged = board.parse_board_filters({"q": "  sales   ops ", "page": "3"})
    assert (paged.q, paged.page) == ("sales ops", 3)
    assert paged.query() == "q=sales+ops&page=3"  # the same page
    assert paged.query(kind="committed") == "kind=committed&q=sales+ops"  # back to page 1
    assert paged.query(page=4) == "q=sales+ops&page=4"


def test_a_week_starts_on_monday_in_the_workspaces_zone(world: World) -> None:
    # Sunday 22 Nov 2026 at 23:30 UTC is already Monday in Tokyo: last week's check-in is due.
    late_sunday = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    objective = factories.objective(world.cycle, world.sales, "Zones", owner=world.editor)
    factories.key_result(objective, "Friday's", check_ins=[(10, late_sunday - 2 * DAY)])

    def due() -> bool:
        view = home.home_view(world.acme, world.cycle, late_sunday, world.editor)
        return bool(view.waiting)

    assert not due()
    world.acme.timezone = "Asia/Tokyo"
    assert due()


def test_nothing_is_due_outside_a_running_cycle(world: World) -> None:
    objective = factories.objective(world.cycle, world.sales, "Later", owner=world.editor)
    factories.key_result(objective, "Silent")
    before = dt.datetime(2026, 9, 20, 12, tzinfo=dt.UTC)
    after = dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)

    assert not home.home_view(world.acme, world.cycle, before, world.editor).waiting
    assert not home.home_view(world.acme, world.cycle, after, world.editor).waiting


def test_the_index_adds_what_a_roll_up_needs_and_walks_the_path(
    world: World, now: dt.datetime
) -> None:
    root = factories.objective(world.cycle, world.company, "Root", roll_up_children=True)
    middle = factories.objective(world.cycle, world.sales, "Middle", parent=root)
    leaf = factories.objective(world.cycle, world.sales, "Leaf", parent=middle)
    factories.objective(world.cycle, world.sales, "Draft", parent=root, state="draft")

    index = rows.CycleIndex.load(world.acme, world.cycle)

    assert index.path(leaf.pk) == [root.pk, middle.pk]
    # Root rolls up Middle; Middle does not roll up, so Leaf stays out; drafts never count.
    assert index.with_rollups([root.pk]) == {root.pk, middle.pk}
    assert index.with_rollups([leaf.pk]) == {leaf.pk}


def test_a_roll_up_objectives_chart_counts_its_childrens_check_ins(
    world: World, now: dt.datetime
) -> None:
    root = factories.objective(
        world.cycle, world.company, "Root", owner=world.admin, roll_up_children=True
    )
    factories.key_result(root, "Own", check_ins=[(0, now - 3 * DAY)])
    child = factories.objective(world.cycle, world.sales, "Child", owner=world.editor, parent=root)
    factories.key_result(child, "Child's", check_ins=[(100, now - DAY)])

    detail = objective.objective_detail(world.acme, root, now)

    assert detail.row.progress == pytest.approx(0.5)
    assert detail.chart["points"] == [
        ["2026-10-01", 0.0],
        ["2026-11-17", 0.0],
        ["2026-11-19", 50.0],
        ["2026-11-20", 50.0],
    ]
    assert [entry.key_result_title for entry in detail.check_ins] == ["Own"]
    assert [row.title for row in detail.children] == ["Child"]


def test_a_draft_objective_has_a_detail_of_its_own(world: World, now: dt.datetime) -> None:
    draft = factories.objective(world.cycle, world.sales, "Idea", owner=world.editor, state="draft")

    detail = objective.objective_detail(world.acme, draft, now)

    assert detail.row.title == "Idea"
    assert detail.row.progress is None


def test_one_key_results_row_needs_no_query(world: World, now: dt.datetime) -> None:
    objective = factories.objective(world.cycle, world.sales, "One", owner=world.editor)
    created = factories.key_result(objective, "Leads", check_ins=[(50, now - DAY)])
    from goalkeeper.okrs.access import access_key_result_by_id

    key_result = access_key_result_by_id(world.editor, created.pk)
    with CaptureQueriesContext(connection) as captured:
        row = rows.key_result_row(world.acme, key_result, now)

    assert len(captured) == 0
    assert (row.progress, row.status, row.objective_title) == (0.5, PaceStatus.ON_TRACK, "One")


def test_objective_rows_come_with_their_ancestors(world: World, now: dt.datetime) -> None:
    root = factories.objective(world.cycle, world.company, "Root")
    child = factories.objective(world.cycle, world.sales, "Child", parent=root)
    factories.objective(world.cycle, world.sales, "Other")

    found = rows.objective_rows(world.acme, world.cycle, now, [child.pk])

    assert set(found) == {root.pk, child.pk}


def test_the_alignment_tree_survives_a_loop_in_bad_data(world: World, now: dt.datetime) -> None:
    first = factories.objective(world.cycle, world.sales, "First")
    second = factories.objective(world.cycle, world.sales, "Second", parent=first)
    # Saving refuses loops; a row written behind the services' back must not hang a page.
    type(first).objects.filter(pk=first.pk).update(parent=second)

    tree = alignment.alignment_tree(world.acme, world.cycle, now)

    shown = {node.row.id for node in tree.roots}
    assert shown & {first.pk, second.pk}
    assert tree.unaligned_count == 0
