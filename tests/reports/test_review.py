"""The cycle review's read model: bands, kinds, teams, retrospectives, carry-overs, KPIs."""

from __future__ import annotations

import pytest

from goalkeeper.domain.kpis import Health
from goalkeeper.domain.scoring import ReviewBand
from goalkeeper.okrs import standing
from goalkeeper.reports.review import cycle_review
from tests.reports.conftest import Review, build_review


def review_of(review: Review, **kw):
    workspace = review.world.acme
    return cycle_review(workspace, review.cycle, workspace.clock(), **kw)


def counts(bands):
    return {band.band: band.count for band in bands}


def test_final_scores_are_counted_in_the_review_bands(review):
    result = review_of(review)
    assert result.total == 4
    assert not result.provisional
    assert counts(result.bands) == {
        ReviewBand.BELOW: 1,
        ReviewBand.LOW: 1,
        ReviewBand.HIGH: 1,
        ReviewBand.FULL: 1,
    }
    assert [band.share for band in result.bands] == [0.25, 0.25, 0.25, 0.25]


def test_each_kind_is_judged_against_its_expectation(review):
    committed, aspirational = review_of(review).kinds
    assert (committed.expected, committed.scored, committed.met) == (1.0, 3, 1)
    assert (aspirational.expected, aspirational.scored, aspirational.met) == (0.7, 1, 1)


def test_teams_come_top_level_first_with_their_own_objectives(review):
    teams = review_of(review).teams
    assert [team.name for team in teams] == ["Sales", "Support"]
    assert counts(teams[1].bands) == {
        ReviewBand.BELOW: 1,
        ReviewBand.LOW: 1,
        ReviewBand.HIGH: 0,
        ReviewBand.FULL: 0,
    }


def test_a_team_filter_takes_the_team_and_its_sub_teams(review):
    whole_sales = review_of(review, team_id=review.world.sales.pk)
    assert whole_sales.total == 4
    assert whole_sales.team is not None
    support = review_of(review, team_id=review.support.pk)
    assert support.total == 2
    assert [team.name for team in support.teams] == ["Support"]
    assert support.kpis == ()


def test_an_unknown_team_shows_the_whole_workspace(review):
    assert review_of(review, team_id=987654).total == 4


def test_retrospectives_are_the_closed_objectives_notes(review):
    result = review_of(review)
    notes = {note.objective.title: note.note for note in result.retrospectives}
    assert notes == {
        "Grow the pipeline": "Met it with a week to spare.",
        "Win two enterprise deals": "One slipped to Q4.",
        "Answer within an hour": "Staffing held us back.",
    }
    assert result.retrospectives_page.total == 3


def test_retrospectives_are_paged(world, now):
    review = build_review(world, extra=6)
    first = review_of(review)
    assert first.retrospectives_page.count == 2
    assert len(first.retrospectives) == 10
    second = review_of(review, retrospectives_page=2)
    assert len(second.retrospectives) == first.retrospectives_page.total - 10
    assert not {n.objective.id for n in first.retrospectives} & {
        n.objective.id for n in second.retrospectives
    }
    # A page past the last shows the last.
    assert review_of(review, retrospectives_page=99).retrospectives_page.number == 2


def test_what_was_carried_over_names_the_cycle_it_continues_in(review):
    result = review_of(review)
    assert result.carried_total == 1
    [item] = result.carried
    assert item.title == "Answer within an hour"
    assert item.score == 0.5
    assert (item.copy_id, item.copy_cycle) == (review.carried.pk, "2026-Q4")


def test_kpis_that_moved_compare_the_cycle_start_with_its_end(review):
    result = review_of(review)
    assert result.kpis_total == 1
    [move] = result.kpis
    assert (move.start_label, move.start_value) == ("Jul 2026", 100.0)
    assert (move.end_label, move.end_value) == ("Sep 2026", 130.0)
    assert move.change == pytest.approx(0.3)
    assert move.objective_ids == (review.objectives["Grow the pipeline"].pk,)
    assert result.objectives_by_id == {move.objective_ids[0]: "Grow the pipeline"}
    # The latest complete period (October) is 140: below the 150 warning line.
    assert move.health is Health.RED


def test_a_running_cycle_is_reviewed_with_provisional_current_scores(review):
    workspace = review.world.acme
    live = cycle_review(workspace, review.world.cycle, workspace.clock())
    assert live.provisional
    assert live.total == 1
    [carried] = list(standing.cycle_standings(workspace, review.world.cycle, workspace.clock()))
    # The copy starts where the original ended: its current score is its progress so far.
    assert sum(band.count for band in live.bands) == (1 if carried.score is not None else 0)


def test_an_empty_cycle_has_nothing_to_count(world, now):
    result = cycle_review(world.acme, world.cycle, world.acme.clock())
    assert result.total == 0
    assert [band.count for band in result.bands] == [0, 0, 0, 0]
    assert result.teams == ()
    assert result.kpis == ()


@pytest.mark.parametrize("extra", [0, 12])
def test_the_review_reads_a_bounded_number_of_queries(
    world, now, extra, django_assert_max_num_queries
):
    review = build_review(world, extra=extra)
    standing.forget()
    # 17, and four for the calibration of a closed cycle worked out (okrs.calibration: the
    # newest audit entry that keys it, then three).
    with django_assert_max_num_queries(21):
        result = review_of(review)
    assert result.total == 4 + 2 * extra
