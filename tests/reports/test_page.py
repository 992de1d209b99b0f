"""The cycle review page: what it shows, its filter, its links, its empty state."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from goalkeeper.okrs import standing
from tests.reports.conftest import build_review


def get(client, cycle, **query):
    response = client.get(reverse("cycle_review", args=[cycle.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_shows_bands_teams_notes_carry_overs_and_kpis(review):
    html = get(review.world.client_for(review.world.viewer), review.cycle)
    assert 'data-testid="review-total">4<' in html
    assert "Staffing held us back." in html
    assert 'data-testid="review-carried"' in html
    assert "Pipeline" in html
    assert "+30%" in html
    for fmt in ("pdf", "pptx", "xlsx"):
        assert reverse(f"cycle_review_{fmt}", args=[review.cycle.pk]) in html
    charts = json.loads(
        re.search(r'<script id="review-charts" type="application/json">(.*?)</script>', html).group(
            1
        )
    )
    assert charts["bands"]["counts"] == [1, 1, 1, 1]
    assert charts["teams"]["names"] == ["Sales", "Support"]
    assert charts["final"] is True


def test_the_team_filter_narrows_the_page_and_its_export_links(review):
    html = get(review.world.client_for(review.world.viewer), review.cycle, team=review.support.pk)
    assert 'data-testid="review-total">2<' in html
    assert f"review.pdf?team={review.support.pk}" in html


def test_a_running_cycle_says_its_scores_are_provisional(review):
    html = get(review.world.client_for(review.world.viewer), review.world.cycle)
    assert 'data-testid="review-provisional"' in html
    assert 'data-tone="neutral"' in html


def test_a_cycle_without_objectives_says_what_to_do(world, now):
    html = get(world.client_for(world.viewer), world.cycle)
    assert "Nothing to review yet" in html
    assert reverse("cycle_board", args=[world.cycle.pk]) in html


def test_the_board_and_the_cycle_list_link_to_the_review(review):
    client = review.world.client_for(review.world.admin)
    url = reverse("cycle_review", args=[review.cycle.pk])
    assert url in client.get(reverse("cycle_board", args=[review.cycle.pk])).content.decode()
    assert url in client.get(reverse("cycle_list")).content.decode()


def test_malformed_filters_are_ignored(review):
    html = get(
        review.world.client_for(review.world.viewer), review.cycle, team="x", teams="-1", notes="z"
    )
    assert 'data-testid="review-total">4<' in html


@pytest.mark.parametrize("extra", [0, 12])
def test_the_page_reads_a_bounded_number_of_queries(
    world, now, extra, django_assert_max_num_queries
):
    review = build_review(world, extra=extra)
    client = world.client_for(world.viewer)
    standing.forget()
    # 26, and four for the calibration of a closed cycle worked out (okrs.calibration: the
    # newest audit entry that keys it, then three).
    with django_assert_max_num_queries(30):
        html = get(client, review.cycle)
    assert f'data-testid="review-total">{4 + 2 * extra}<' in html
