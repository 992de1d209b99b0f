"""The insights read model of a cycle and a team subtree (docs/insights.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.insights.queries import Insights
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.services import create_objective
from tests.insights.conftest import Company

pytestmark = pytest.mark.django_db


def labels(insights: Insights) -> list[str]:
    return [row.label for row in insights.rows]


def test_the_rows_are_the_team_itself_then_each_direct_child_with_its_subtree(
    company: Company,
) -> None:
    insights = Insights(company.scope())
    assert labels(insights) == ["Acme (own)", "Sales", "Support"]
    sales = insights.rows[1]
    assert sales.teams == {company.world.sales.pk, company.sales_eu.pk}
    assert labels(Insights(company.scope(company.world.sales))) == ["Sales (own)", "Sales EU"]


def test_adoption_counts_people_and_teams_with_a_non_draft_objective(company: Company) -> None:
    insights = Insights(company.scope())
    # Eddie (Sales) and Owen (Sales EU) own objectives; Vera (Support) only sees a draft.
    assert (insights.adoption.people, insights.adoption.people_with) == (3, 2)
    # Acme, Sales and Sales EU have objectives; Support only a draft.
    assert (insights.adoption.teams, insights.adoption.teams_with) == (4, 3)
    support = insights.adoption_by_row[2]
    assert (support.people_with, support.teams_with) == (0, 0)
    assert support.people_share == 0
    assert insights.adoption_by_row[0].people_share is None  # nobody is a member of Acme


def test_pace_and_progress_come_from_the_standings(company: Company) -> None:
    insights = Insights(company.scope())
    assert dict(insights.pace_counts) == {
        PaceStatus.ON_TRACK: 2,
        PaceStatus.AT_RISK: 0,
        PaceStatus.OFF_TRACK: 1,
        PaceStatus.STALE: 1,
        PaceStatus.NOT_STARTED: 1,
    }
    # 40% and 30%; the three others at 0%.
    assert insights.progress_histogram == (3, 0, 0, 1, 1, 0, 0, 0, 0, 0)


def test_the_heatmap_is_the_share_of_a_rows_key_results_checked_in_each_week(
    company: Company,
) -> None:
    insights = Insights(company.scope())
    assert insights.activity.weeks[0] == dt.date(2026, 9, 28)
    assert len(insights.activity.weeks) == 6
    own, sales, support = insights.heatmap
    assert own == (0, 0, 0, 0, 1.0, 0)
    # Sales and Sales EU hold four key results: churn in week 2, deals and hires in week 5.
    assert sales == (0, 0.25, 0, 0, 0.5, 0)
    assert support == (None,) * 6


def test_confidence_is_the_mean_given_in_each_weeks_check_ins(company: Company) -> None:
    insights = Insights(company.scope())
    assert insights.confidence == (
        (None, 0),
        (3.0, 1),
        (None, 0),
        (None, 0),
        (6.0, 3),
        (None, 0),
    )


def test_the_lists_hold_the_off_track_at_risk_and_stale_objectives(company: Company) -> None:
    insights = Insights(company.scope())
    found = {listed.status: [row.id for row in listed.rows] for listed in insights.lists}
    assert found == {
        PaceStatus.OFF_TRACK: [company.hire.pk],
        PaceStatus.AT_RISK: [],
        PaceStatus.STALE: [company.churn.pk],
    }


def test_a_list_shows_the_first_few_and_counts_the_rest(company: Company) -> None:
    world = company.world
    for n in range(10):
        create_objective(actor=None, cycle=world.cycle, team=world.sales, title=f"Idle {n}")
    insights = Insights(company.scope())
    # Objectives with no key results are not started: the lists hold stale ones, counted.
    stale = next(listed for listed in insights.lists if listed.status == PaceStatus.STALE)
    assert stale.total == 1
    assert stale.more == 0


def test_alignment_coverage_leaves_the_company_level_out(company: Company) -> None:
    insights = Insights(company.scope())
    assert (insights.coverage.objectives, insights.coverage.aligned) == (4, 1)
    own, sales, support = insights.coverage_by_row
    assert own.objectives == 0
    assert own.share is None
    assert (sales.objectives, sales.aligned) == (4, 1)
    assert support.objectives == 0


def test_the_coach_finds_task_like_key_results_and_crowded_teams(company: Company) -> None:
    world = company.world
    for n in range(5):
        create_objective(actor=None, cycle=world.cycle, team=company.support, title=f"Also {n}")
    insights = Insights(company.scope())
    _own, sales, support = insights.coach_by_row
    assert sales.task_like == 1
    assert [item.id for item in insights.task_items] == [company.berlin.pk]
    # Five objectives are fine; a sixth (the draft does not count) would be too many.
    assert support.too_many_objectives == ()
    create_objective(actor=None, cycle=world.cycle, team=company.support, title="One more")
    crowded = Insights(company.scope()).coach_by_row[2].too_many_objectives
    assert crowded == ((company.support.pk, 6),)


def test_kpi_health_is_counted_by_row_from_the_stored_figures(company: Company) -> None:
    world = company.world
    kpi = create_kpi(
        actor=world.admin,
        team=company.sales_eu,
        name="Pipeline",
        direction="higher_is_better",
        target=100,
        warning=80,
        frequency="monthly",
        aggregation="last",
    )
    record_measurements(
        actor=world.admin, kpi=kpi, points=[(dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 90.0)]
    )
    create_kpi(actor=world.admin, team=company.support, name="Tickets", target=20, warning=10)
    insights = Insights(company.scope())
    own, sales, support = insights.kpi_health
    assert sales[Health.YELLOW] == 1
    assert sum(sales.values()) == 1
    assert support[Health.NO_DATA] == 1
    assert sum(own.values()) == 0


def test_a_closed_cycle_has_no_pace_lists(company: Company) -> None:
    scope = company.scope()
    scope.cycle.state = "closed"
    insights = Insights(scope)
    assert insights.lists == ()
