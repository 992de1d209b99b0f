"""The objective and key result lists read their cascade fields (`aligned_to`, `contributors`,
`kpis`) in the same number of queries for a few rows as for many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper.kpis.services import create_kpi
from goalkeeper.okrs.services import (
    create_key_result,
    create_objective,
    record_check_in,
    set_alignments,
    set_kpi_formula,
)
from tests.api.conftest import Api, token_for
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("now")
# The most either list may take, whatever the size (auth, count, page, prefetches).
MOST = 12


def grow(world: World, size: int, tag: str) -> None:
    """`size` cascades: a company key result adding up a team objective's key results, the
    team objective aligned to it and to a second parent, one key result driven by a formula."""
    kpis = [
        create_kpi(actor=None, team=world.sales, name=f"KPI {tag}{n}", target=10) for n in range(2)
    ]
    for i in range(size):
        company = create_objective(
            actor=None, cycle=world.cycle, team=world.sales, title=f"Company {tag}{i}"
        )
        other = create_objective(
            actor=None, cycle=world.cycle, team=world.sales, title=f"Other {tag}{i}"
        )
        total = create_key_result(
            actor=None,
            objective=company,
            title="Total",
            kind="increase",
            start=0,
            target=100,
            rollup="sum",
        )
        team = create_objective(
            actor=None, cycle=world.cycle, team=world.sales, title=f"Team {tag}{i}"
        )
        set_alignments(actor=None, objective=team, parents=[total, other])
        for k in range(3):
            part = create_key_result(
                actor=None,
                objective=team,
                title=f"Part {k}",
                kind="increase",
                start=0,
                target=30,
                contributes_to=total,
            )
            record_check_in(actor=None, key_result=part, value=float(k + 1))
        ratio = create_key_result(
            actor=None, objective=other, title="Ratio", kind="increase", start=0, target=5
        )
        set_kpi_formula(
            actor=None,
            key_result=ratio,
            formula="ratio",
            kpi_ids=[kpi.pk for kpi in kpis],
            mode="latest",
        )


def queries(world: World, path: str) -> tuple[int, dict]:
    # A fresh token each time: both calls pay the same once-a-minute "last used" write.
    api = Api(token_for(world.editor))
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, limit=500)
    assert response.status_code == 200, response.json
    return len(captured), response.json


@pytest.mark.parametrize("path", ["/objectives", "/key-results"])
def test_a_list_reads_the_cascade_in_bounded_queries(world: World, path: str) -> None:
    grow(world, 2, "a")
    small, few = queries(world, path)
    grow(world, 8, "b")
    large, many = queries(world, path)

    assert many["count"] > few["count"]
    assert small == large, f"{path}: {small} queries for {few['count']}, {large} for more"
    assert large <= MOST


def test_the_lists_show_the_cascade(world: World, editor_api: Api) -> None:
    grow(world, 1, "a")

    objectives = {o["title"]: o for o in editor_api.get("/objectives").json["items"]}
    key_results = editor_api.get("/key-results").json["items"]

    team = objectives["Team a0"]
    assert [(a["objective"], a["primary"]) for a in team["aligned_to"]] == [
        (objectives["Company a0"]["id"], True),
        (objectives["Other a0"]["id"], False),
    ]
    (total,) = [kr for kr in key_results if kr["title"] == "Total"]
    parts = [kr["id"] for kr in key_results if kr["title"].startswith("Part")]
    assert team["aligned_to"][0]["key_result"] == total["id"]
    assert total["contributors"] == parts
    assert total["current"] == 6
    (ratio,) = [kr for kr in key_results if kr["title"] == "Ratio"]
    assert ratio["kpi_formula"] == "ratio"
    assert len(ratio["kpis"]) == 2
