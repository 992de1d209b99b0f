"""The KPI page in words: one title per section, and how values arrive in a sentence."""

from __future__ import annotations

import re

from django.urls import reverse

from goalkeeper.kpis.services import record_measurements
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly


def page(world: World, person, kpi) -> str:
    return world.client_for(person).get(reverse("kpi_detail", args=[kpi.pk])).content.decode()


def titles(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


def test_each_section_has_a_title_of_its_own(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Revenue", monthly([80, 120]))

    shown = titles(page(world, world.viewer, kpi))

    assert {"Over time", "Values", "History of changes"} <= set(shown)
    assert len(shown) == len(set(shown)), shown


def test_without_a_source_values_are_entered_by_hand_and_admins_may_connect_one(
    world: World, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([80, 120]))

    for_admin = page(world, world.admin, kpi)
    for_viewer = page(world, world.viewer, kpi)

    assert "Not said" not in for_admin
    assert "Entered by hand or uploaded from a file." in for_viewer
    assert f'href="{reverse("source_edit", args=[kpi.pk])}" data-testid="connect-source"' in (
        for_admin
    )
    assert 'data-testid="connect-source"' not in for_viewer


def test_a_described_source_is_said_in_a_sentence(world: World, make_kpi: MakeKpi) -> None:
    kpi = make_kpi("Revenue", monthly([80]), data_source="the finance close")

    assert "Arrive from: the finance close." in page(world, world.viewer, kpi)


def test_the_latest_values_origin_reads_in_words(world: World, make_kpi: MakeKpi) -> None:
    import datetime as dt

    kpi = make_kpi("Revenue", monthly([80]))
    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[(dt.datetime(2026, 10, 3, tzinfo=dt.UTC), 5.0)],
        source="manual",
    )

    html = page(world, world.viewer, kpi)
    assert "The latest were entered by hand." in html
    assert "manual" not in re.sub(r"<[^>]+>", " ", html).split("Over time")[0]


def test_a_connected_source_is_named_and_linked(
    world: World, make_kpi: MakeKpi, tmp_path, settings
):
    from goalkeeper.sources import services as sources

    settings.SOURCE_FILE_ROOTS = [tmp_path]
    (tmp_path / "values.csv").write_text("date,value\n2026-10-01,5\n")
    kpi = make_kpi("Revenue", monthly([80]))
    configuration = sources.configure(
        kpi=kpi,
        kind="csv",
        values={
            "location": str(tmp_path / "values.csv"),
            "timestamp_column": "date",
            "value_column": "value",
        },
    )
    sources.create_source(actor=world.admin, kpi=kpi, configuration=configuration)

    html = page(world, world.admin, kpi)
    assert 'Pulled from <a href="' + reverse("source_detail", args=[kpi.pk]) + '">' in html
    assert 'data-testid="connect-source"' not in html
