"""The leadership view in the reader's language: the review's page and files, insights,
dashboards with their exports (docs/languages.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pptx import Presentation

from goalkeeper.accounts.models import Person
from goalkeeper.dashboards import services as dashboards
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.conftest import World
from tests.reports.conftest import Review


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A German request leaves German active in the test's thread: English for the next."""
    yield
    translation.activate("en")


def _speaks(person: Person, language: str) -> None:
    person.user.language = language
    person.user.save(update_fields=["language"])


def test_the_review_page_is_german_for_a_german_reader(review: Review) -> None:
    world = review.world
    _speaks(world.viewer, "de")
    page = world.client_for(world.viewer).get(reverse("cycle_review", args=[review.cycle.pk]))
    html = page.content.decode()
    assert '<html lang="de">' in html
    assert "Bewertungen nach Bereich" in html
    assert "Gemessen an der Erwartung jeder Art" in html
    assert "Scores by band" not in html


def test_the_review_workbook_has_german_headings_for_a_german_reader(review: Review) -> None:
    world = review.world
    _speaks(world.viewer, "de")
    content = (
        world.client_for(world.viewer)
        .get(reverse("cycle_review_xlsx", args=[review.cycle.pk]))
        .content
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames[:3] == ["Zusammenfassung", "Objectives", "Key Results"]
    summary = [tuple(row) for row in book["Zusammenfassung"].iter_rows(values_only=True)]
    assert summary[0] == ("Kennzahl", "Messwert")
    assert ("Zyklus", "2026-Q3") in summary


def test_the_review_workbook_stays_english_for_an_english_reader(review: Review) -> None:
    world = review.world
    _speaks(world.viewer, "en")
    # Whatever the browser asks for: the person chose English.
    content = (
        world.client_for(world.viewer)
        .get(reverse("cycle_review_xlsx", args=[review.cycle.pk]), HTTP_ACCEPT_LANGUAGE="de")
        .content
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames[0] == "Summary"


def test_a_dashboard_in_german_writes_decimals_for_people_and_plain_numbers_for_its_chart(
    world: World,
) -> None:
    _speaks(world.viewer, "de")
    kpi = create_kpi(
        actor=world.admin,
        team=world.sales,
        name="Conversion",
        direction="higher_is_better",
        target=20,
        warning=10,
        frequency="daily",
    )
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    record_measurements(actor=world.admin, kpi=kpi, points=[(yesterday, 1234.5)])
    board = dashboards.create_dashboard(actor=world.admin, title="Pulse", sharing="workspace")
    tile = dashboards.add_tile(
        actor=world.admin, dashboard=board, kind="kpi_chart", config={"kpi": kpi.pk}
    )
    html = (
        world.client_for(world.viewer)
        .get(reverse("dashboard_detail", args=[board.pk]))
        .content.decode()
    )
    assert "Mit allen geteilt" in html
    assert "1.234,5" in html  # what a person reads
    data = re.search(rf'id="tile-{tile.pk}-data"[^>]*>(.*?)</script>', html, re.S)
    assert data is not None
    values = [p["value"] for p in json.loads(data.group(1))["points"]]
    assert 1234.5 in values  # what the chart script reads
    assert 'data-so-far="bisher"' in html

    deck = Presentation(
        io.BytesIO(
            world.client_for(world.viewer)
            .get(reverse("dashboard_export_pptx", args=[board.pk]))
            .content
        )
    )
    texts = " ".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "Zielwert 20" in texts


def test_the_insights_page_names_its_charts_in_german(review: Review) -> None:
    world = review.world
    _speaks(world.viewer, "de")
    html = (
        world.client_for(world.viewer)
        .get(reverse("insights"), {"cycle": review.cycle.pk})
        .content.decode()
    )
    assert "Fortschritt der Objectives" in html
    assert "Was der Qualitäts-Coach gefunden hat" in html
