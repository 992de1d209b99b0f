"""Sparklines, trend arrows and goals in words, as the KPI pages show them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from goalkeeper.domain.kpis import Trend
from goalkeeper.kpis.templatetags.kpis_ui import (
    aggregation_label,
    direction_label,
    goal_text,
    sparkline,
    trend_arrow,
    warning_text,
)


@dataclass
class Goal:
    direction: str
    target: float | None = None
    warning: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""


def points(svg: str) -> list[list[tuple[float, float]]]:
    lines = re.findall(r'<polyline class="sparkline__line" points="([^"]+)"', svg)
    return [
        [(float(x), float(y)) for x, y in (pair.split(",") for pair in line.split())]
        for line in lines
    ]


def test_a_sparkline_breaks_where_a_period_has_no_value() -> None:
    svg = sparkline([1.0, 2.0, None, 3.0, 4.0, None, 5.0])

    assert [len(line) for line in points(svg)] == [2, 2]
    assert svg.count('class="sparkline__dot"') == 1
    assert svg.count('class="sparkline__last"') == 1


def test_higher_values_are_drawn_higher_and_the_last_point_is_marked() -> None:
    svg = sparkline([1.0, 3.0])

    ((first, second),) = points(svg)
    assert second[1] < first[1]
    assert f'x1="{second[0]}" y1="{second[1]}"' in svg


def test_a_near_target_is_drawn_and_a_far_one_is_not() -> None:
    assert "sparkline__target" in sparkline([10.0, 12.0], target=11.0)
    assert "sparkline__target" not in sparkline([10.0, 12.0], target=1000.0)


def test_a_flat_or_empty_series_still_draws() -> None:
    assert points(sparkline([5.0, 5.0, 5.0]))
    assert "No values yet" in sparkline([None, None])


@pytest.mark.parametrize(
    ("trend", "direction", "label", "path"),
    [
        (Trend.IMPROVING, "higher_is_better", "Improving", "M4 12 12 4"),
        (Trend.IMPROVING, "lower_is_better", "Improving", "M4 12l8 8"),
        (Trend.WORSENING, "lower_is_better", "Worsening", "M4 12 12 4"),
        (Trend.FLAT, "higher_is_better", "Flat", "M4 12h14"),
        (Trend.IMPROVING, "in_range", "Closer to the range", "M4 12 12 4"),
        (Trend.WORSENING, "in_range", "Further from the range", "M4 12l8 8"),
    ],
)
def test_the_arrow_shows_the_movement_and_the_colour_whether_it_is_good(
    trend: Trend, direction: str, label: str, path: str
) -> None:
    html = trend_arrow(trend, direction)

    assert f"<span>{label}</span>" in html
    assert f'data-trend="{trend.value}"' in html
    assert path in html


def test_goals_read_as_sentences() -> None:
    assert goal_text(Goal("higher_is_better", 100, 80, unit="$")) == "target ≥ $100"
    assert goal_text(Goal("lower_is_better", 2, 3, unit="%")) == "target ≤ 2%"
    assert goal_text(Goal("in_range", low=40, high=60, unit="ms")) == "range 40 ms \u2013 60 ms"
    assert warning_text(Goal("higher_is_better", 100, 80)) == "yellow ≥ 80"
    assert warning_text(Goal("lower_is_better", 2, 3, unit="%")) == "yellow ≤ 3%"
    assert warning_text(Goal("in_range", low=1, high=2, warning=5)) == (
        "yellow up to 5 outside the range"
    )
    assert warning_text(Goal("higher_is_better", 100)) == ""


def test_labels_for_directions_and_aggregations() -> None:
    assert direction_label("in_range") == "Stay in a range"
    assert direction_label("sideways") == "sideways"
    assert aggregation_label("max") == "highest value"
