"""The chart registry other pages show insight charts from."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.template.loader import render_to_string

from goalkeeper.insights.charts import (
    CHARTS,
    InsightChart,
    Table,
    default_scope,
    insight_chart,
)
from goalkeeper.insights.templatetags.insights_ui import table_body
from tests.conftest import Everything, World

NOW = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)


def test_every_registered_chart_builds_with_a_table_of_its_header_width(
    world: World, things: Everything
) -> None:
    scope = default_scope(world.acme, world.acme.clock(NOW))
    assert scope is not None
    for key, title in CHARTS.items():
        chart = insight_chart(key, scope)
        assert isinstance(chart, InsightChart)
        assert (chart.key, chart.title) == (key, title)
        json.dumps(chart.option)  # plain JSON: no functions, no dates
        assert all(len(row) == len(chart.table.header) for row in chart.table.rows)


def test_an_unknown_chart_is_a_key_error(world: World) -> None:
    scope = default_scope(world.acme, world.acme.clock(NOW))
    assert scope is not None
    with pytest.raises(KeyError):
        insight_chart("nope", scope)


def test_no_scope_without_a_cycle(world: World) -> None:
    assert default_scope(world.globex, world.globex.clock(NOW)) is None


def test_the_scope_defaults_to_the_active_cycle_and_the_company(world: World) -> None:
    scope = default_scope(world.acme, world.acme.clock(NOW))
    assert scope is not None
    assert (scope.cycle, scope.team) == (world.cycle, world.company)
    # Another workspace's ids fall back to the defaults.
    other = default_scope(world.acme, world.acme.clock(NOW), team_id=world.outsider.pk + 10_000)
    assert other is not None
    assert other.team == world.company


def test_the_chart_include_renders_the_option_and_its_table(
    world: World, things: Everything
) -> None:
    scope = default_scope(world.acme, world.acme.clock(NOW))
    assert scope is not None
    html = render_to_string(
        "insights/_chart.html", {"chart": insight_chart("pace", scope), "id": "chart-pace"}
    )
    assert 'data-insight-chart="chart-pace-data"' in html
    assert 'id="chart-pace-data" type="application/json"' in html
    assert "<summary>Table</summary>" in html
    assert '<th scope="row">On track</th>' in html


def test_a_tables_cells_are_escaped_and_numbers_short() -> None:
    html = table_body(Table(("Team", "Share"), (("<b>Sales</b>", 0.3333), ("Ops", None))))
    assert '<th scope="row">&lt;b&gt;Sales&lt;/b&gt;</th><td>0.33</td>' in html
    assert "<td>-</td>" in html
    assert "Nothing to show yet" in table_body(Table(("Team",), ()))
