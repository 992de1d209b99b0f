import io

import pytest
from pptx import Presentation
from pptx.util import Inches

from goalkeeper.documents.slides import ROWS_PER_SLIDE, TEAM_CHARTS, TEAM_ROWS, Deck

HEADER = ["Objective", "Score", "Band"]


def reopen(deck):
    return Presentation(io.BytesIO(deck.to_bytes()))


def texts(slide):
    found = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return found


def rows(count):
    return [[f"Objective {n}", "0.5", "0.3-0.7"] for n in range(count)]


def test_deck_is_wide_and_starts_with_its_title_slide():
    presentation = reopen(Deck("Q3 review", "Northwind"))
    assert presentation.slide_width == Inches(13.333)
    assert presentation.slide_height == Inches(7.5)
    assert len(presentation.slides) == 1
    assert texts(presentation.slides[0]) == ["Q3 review", "Northwind"]


def test_bullets_become_one_paragraph_each():
    deck = Deck("Review")
    deck.add_bullets("Summary", ["12 objectives", "<b>3</b> at risk & late"])
    slide = reopen(deck).slides[1]
    assert "Summary" in texts(slide)
    assert "• <b>3</b> at risk & late" in "\n".join(texts(slide))


def test_long_table_continues_on_further_slides():
    deck = Deck("Review")
    deck.add_table("Objectives", HEADER, rows(ROWS_PER_SLIDE * 2 + 1))
    presentation = reopen(deck)
    assert len(presentation.slides) == 4
    assert "Objectives (continued)" in texts(presentation.slides[3])
    last_table = next(shape for shape in presentation.slides[3].shapes if shape.has_table)
    assert len(last_table.table.rows) == 2  # header and the one left-over row


def test_table_paints_a_row_status_cell_with_its_fill():
    deck = Deck("Review")
    deck.add_table("Objectives", HEADER, rows(2), fills=["#2f9e44", None])
    table = next(shape for shape in reopen(deck).slides[1].shapes if shape.has_table).table
    assert str(table.cell(1, 2).fill.fore_color.rgb) == "2F9E44"
    assert table.cell(2, 2).fill.type is None


def test_fills_must_match_the_rows():
    with pytest.raises(ValueError, match="one entry per row"):
        Deck("Review").add_table("Objectives", HEADER, rows(2), fills=["#fff"])


def test_line_chart_is_a_native_chart_with_its_series():
    deck = Deck("Review")
    deck.add_line_chart("Revenue", ["Jan", "Feb", "Mar"], {"Revenue": [1.0, None, 3.0]}, note="EUR")
    slide = reopen(deck).slides[1]
    chart = next(shape for shape in slide.shapes if shape.has_chart).chart
    assert [series.name for series in chart.plots[0].series] == ["Revenue"]
    assert list(chart.plots[0].categories) == ["Jan", "Feb", "Mar"]
    assert "EUR" in texts(slide)


def test_line_chart_refuses_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="one value per category"):
        Deck("Review").add_line_chart("Revenue", ["Jan"], {"Revenue": [1.0, 2.0]})


def test_team_slide_is_one_slide_and_says_what_it_left_out():
    deck = Deck("Review")
    charts = [(f"KPI {n}", ["Jan", "Feb"], [1.0, 2.0]) for n in range(TEAM_CHARTS + 1)]
    deck.add_team("Sales", HEADER, rows(TEAM_ROWS + 4), [None] * (TEAM_ROWS + 4), charts)
    presentation = reopen(deck)
    assert len(presentation.slides) == 2
    slide = presentation.slides[1]
    assert sum(1 for shape in slide.shapes if shape.has_chart) == TEAM_CHARTS
    table = next(shape for shape in slide.shapes if shape.has_table).table
    assert len(table.rows) == TEAM_ROWS + 1
    note = " ".join(texts(slide))
    assert "4 more objectives" in note
    assert "1 more KPI." in note


def test_team_slide_without_charts_or_objectives():
    deck = Deck("Review")
    deck.add_team("Empty team", HEADER, [], None, [])
    assert deck.slide_count == 2
    reopen(deck)
