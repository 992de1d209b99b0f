"""The review's files: PDF, PowerPoint and Excel, from the page's buttons and their routes."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pptx import Presentation

from goalkeeper.reports import document as document_module
from goalkeeper.reports.document import review_document
from goalkeeper.reports.exports import review_xlsx
from tests.reports.conftest import Review, build_review


def download(review: Review, fmt: str, **query) -> bytes:
    client = review.world.client_for(review.world.viewer)
    response = client.get(reverse(f"cycle_review_{fmt}", args=[review.cycle.pk]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="2026-Q3-review.{fmt}"'
    return response.content


def test_pdf_is_a_paged_document_with_a_section_per_team(review, tmp_path):
    content = download(review, "pdf")
    assert content.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    (tmp_path / "review.pdf").write_bytes(content)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "30", str(tmp_path / "review.pdf"), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    # Title page, summary, then Sales and Support.
    assert len(list(tmp_path.glob("page-*.png"))) == 4


def test_powerpoint_has_title_summary_and_a_slide_per_team(review):
    deck = Presentation(io.BytesIO(download(review, "pptx")))
    assert len(deck.slides) == 4
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert titles == ["2026-Q3 cycle review", "Summary", "Sales", "Support"]
    sales = deck.slides[2]
    table = next(shape for shape in sales.shapes if shape.has_table).table
    rows = {table.cell(r, 0).text: table.cell(r, 3).text for r in range(1, len(table.rows))}
    assert rows == {"Grow the pipeline": "1.0", "Win two enterprise deals": "0.8"}
    assert sum(1 for shape in sales.shapes if shape.has_chart) == 1


def test_excel_holds_every_sheet_of_the_review(review):
    book = load_workbook(io.BytesIO(download(review, "xlsx")), read_only=True)
    assert book.sheetnames == [
        "Summary",
        "Objectives",
        "Key results",
        "Retrospectives",
        "KPIs",
        "Carried over",
    ]
    objectives = list(book["Objectives"].iter_rows(values_only=True))
    assert objectives[0][:7] == ("ID", "Objective", "Team", "Owner", "Kind", "Score", "Band")
    scores = {row[1]: (row[5], row[6]) for row in objectives[1:]}
    assert scores["Answer within an hour"] == (0.5, "0.3-0.7")
    assert scores["Grow the pipeline"] == (1.0, "1.0")
    kpis = list(book["KPIs"].iter_rows(values_only=True))
    assert kpis[1][1] == "Pipeline"
    assert kpis[1][5:8] == (100.0, "Sep 2026", 130.0)
    assert len(list(book["Key results"].iter_rows())) == 1 + 5


def test_the_team_filter_applies_to_the_files(review):
    book = load_workbook(
        io.BytesIO(download(review, "xlsx", team=review.support.pk)), read_only=True
    )
    titles = [row[1] for row in book["Objectives"].iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == ["Answer within an hour", "Launch the help centre"]
    deck = Presentation(io.BytesIO(download(review, "pptx", team=review.support.pk)))
    assert len(deck.slides) == 3


def test_a_document_bounds_its_teams_and_sections_and_says_what_it_cut(world, now, monkeypatch):
    review = build_review(world, extra=3)
    monkeypatch.setattr(document_module, "DOCUMENT_TEAMS", 1)
    monkeypatch.setattr(document_module, "TEAM_OBJECTIVES", 2)
    document = review_document(world.acme, review.cycle, world.acme.clock())
    assert [section.name for section in document.sections] == ["Sales"]
    assert document.teams_left_out == 1
    [sales] = document.sections
    assert (len(sales.objectives), sales.left_out) == (2, 3)


def test_another_workspace_cannot_download_the_review(review):
    client = review.world.client_for(review.world.outsider)
    response = client.get(reverse("cycle_review_pdf", args=[review.cycle.pk]))
    assert response.status_code == 404


def test_xlsx_cells_that_look_like_formulas_are_text(world, now):
    review = build_review(world)
    objective = review.objectives["Grow the pipeline"]
    type(objective).objects.filter(pk=objective.pk).update(title="=HYPERLINK(1)")
    book = load_workbook(io.BytesIO(review_xlsx(world.acme, review.cycle, world.acme.clock())))
    titles = [row[1] for row in book["Objectives"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in titles
