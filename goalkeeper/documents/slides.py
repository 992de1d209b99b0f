"""PowerPoint decks (16:9) from titles, lines, tables and series, written with python-pptx.

Every piece of text goes through python-pptx's text frames (it escapes what it writes); charts
are native PowerPoint charts, so a reader can restyle or edit them. A long table continues on
further slides, a bounded number of rows each (docs/reports.md).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ROWS_PER_SLIDE = 12
TEAM_ROWS = 10
TEAM_CHARTS = 3
TITLE_SIZE = 28
BODY_SIZE = 16
TABLE_SIZE = 11
INK = "1F2933"


class Deck:
    """A deck that starts with its title slide; add slides, then take its bytes."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self._presentation: Any = Presentation()
        self._presentation.slide_width = Inches(13.333)
        self._presentation.slide_height = Inches(7.5)
        slide = self._presentation.slides.add_slide(self._presentation.slide_layouts[0])
        slide.shapes.title.text = title
        slide.placeholders[1].text = subtitle
        _fit(slide.shapes.title, 13.333)
        _fit(slide.placeholders[1], 13.333)

    @property
    def slide_count(self) -> int:
        """How many slides the deck has so far."""
        return len(self._presentation.slides)

    def add_bullets(self, title: str, lines: Sequence[str]) -> None:
        """A slide of a title and one bullet per line."""
        from pptx.util import Inches, Pt

        slide = self._blank(title)
        box = slide.shapes.add_textbox(Inches(0.6), Inches(1.4), Inches(12.1), Inches(5.6))
        frame = box.text_frame
        frame.word_wrap = True
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = f"• {line}"
            paragraph.font.size = Pt(BODY_SIZE)
            paragraph.space_after = Pt(6)

    def add_table(
        self,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        fills: Sequence[str | None] | None = None,
    ) -> None:
        """A table, continued on further slides past `ROWS_PER_SLIDE` rows.

        `fills` gives each row an optional hex colour ("#2f9e44") painted on its last cell:
        the status or band the row ends with.
        """
        _check_fills(rows, fills)
        chunks = [
            rows[start : start + ROWS_PER_SLIDE] for start in range(0, len(rows), ROWS_PER_SLIDE)
        ]
        for number, chunk in enumerate(chunks or [[]]):
            start = number * ROWS_PER_SLIDE
            heading = title if number == 0 else _("%(title)s (continued)") % {"title": title}
            slide = self._blank(heading)
            chunk_fills = fills[start : start + len(chunk)] if fills else None
            self._table(slide, header, chunk, chunk_fills, left=0.6, top=1.4, width=12.1)

    def add_line_chart(
        self,
        title: str,
        categories: Sequence[str],
        series: Mapping[str, Sequence[float | None]],
        note: str = "",
    ) -> None:
        """A slide with one native line chart (one line per series) and an optional note."""
        from pptx.util import Inches, Pt

        slide = self._blank(title)
        height = 5.0 if note else 5.6
        self._chart(slide, categories, series, left=0.6, top=1.4, width=12.1, height=height)
        if note:
            box = slide.shapes.add_textbox(Inches(0.6), Inches(6.6), Inches(12.1), Inches(0.6))
            box.text_frame.word_wrap = True
            box.text_frame.text = note
            box.text_frame.paragraphs[0].font.size = Pt(12)

    def add_team(
        self,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        fills: Sequence[str | None] | None,
        charts: Sequence[tuple[str, Sequence[str], Sequence[float | None]]],
    ) -> None:
        """One slide for a team: its objectives as a table and up to three small KPI charts.

        Rows past `TEAM_ROWS` and charts past `TEAM_CHARTS` are left out, and the slide says so.
        """
        from pptx.util import Inches, Pt

        _check_fills(rows, fills)
        slide = self._blank(title)
        shown = rows[:TEAM_ROWS]
        table_width = 8.4 if charts else 12.1
        self._table(
            slide,
            header,
            shown,
            fills[: len(shown)] if fills else None,
            left=0.6,
            top=1.4,
            width=table_width,
        )
        cut = []
        if len(rows) > len(shown):
            left = len(rows) - len(shown)
            cut.append(
                ngettext("%(count)s more objective", "%(count)s more objectives", left)
                % {"count": left}
            )
        if len(charts) > TEAM_CHARTS:
            extra = len(charts) - TEAM_CHARTS
            cut.append(
                ngettext("%(count)s more KPI", "%(count)s more KPIs", extra) % {"count": extra}
            )
        for index, (name, categories, values) in enumerate(charts[:TEAM_CHARTS]):
            top = 1.4 + index * 1.9
            self._chart(
                slide,
                categories,
                {name: values},
                left=9.2,
                top=top,
                width=3.6,
                height=1.8,
                small=True,
            )
        if cut:
            box = slide.shapes.add_textbox(Inches(0.6), Inches(6.9), Inches(8.4), Inches(0.4))
            box.text_frame.text = _("Not shown: %(what)s.") % {"what": ", ".join(cut)}
            box.text_frame.paragraphs[0].font.size = Pt(11)

    def to_bytes(self) -> bytes:
        """The .pptx file."""
        stream = io.BytesIO()
        self._presentation.save(stream)
        return stream.getvalue()

    def _blank(self, title: str) -> Any:
        from pptx.util import Inches, Pt

        slide = self._presentation.slides.add_slide(self._presentation.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(0.6), Inches(0.4), Inches(12.1), Inches(0.9))
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = title
        paragraph = frame.paragraphs[0]
        paragraph.font.size = Pt(TITLE_SIZE)
        paragraph.font.bold = True
        paragraph.font.color.rgb = _rgb(INK)
        return slide

    def _table(
        self,
        slide: Any,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        fills: Sequence[str | None] | None,
        *,
        left: float,
        top: float,
        width: float,
    ) -> None:
        from pptx.util import Inches

        columns = max(len(header), 1)
        height = 0.4 * (len(rows) + 1)
        shape = slide.shapes.add_table(
            len(rows) + 1, columns, Inches(left), Inches(top), Inches(width), Inches(height)
        )
        table = shape.table
        for column, name in enumerate(header):
            _cell_text(table.cell(0, column), name, bold=True)
        for row_number, row in enumerate(rows, start=1):
            for column in range(columns):
                value = row[column] if column < len(row) else ""
                _cell_text(table.cell(row_number, column), str(value))
            fill = fills[row_number - 1] if fills else None
            if fill:
                cell = table.cell(row_number, columns - 1)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(fill)
                cell.text_frame.paragraphs[0].font.color.rgb = _rgb("FFFFFF")

    def _chart(
        self,
        slide: Any,
        categories: Sequence[str],
        series: Mapping[str, Sequence[float | None]],
        *,
        left: float,
        top: float,
        width: float,
        height: float,
        small: bool = False,
    ) -> None:
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
        from pptx.util import Inches, Pt

        data = CategoryChartData()  # type: ignore[no-untyped-call]
        data.categories = list(categories)
        for name, values in series.items():
            if len(values) != len(categories):
                raise ValueError(f"series {name!r} must have one value per category")
            data.add_series(name, list(values))  # type: ignore[no-untyped-call]
        frame = slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS,
            Inches(left),
            Inches(top),
            Inches(width),
            Inches(height),
            data,
        )
        chart = frame.chart
        chart.font.size = Pt(8 if small else 11)
        chart.has_legend = len(series) > 1 or small
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.TOP
            chart.legend.include_in_layout = False


def _cell_text(cell: Any, text: str, *, bold: bool = False) -> None:
    from pptx.util import Pt

    cell.text = text
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.font.size = Pt(TABLE_SIZE)
    paragraph.font.bold = bold


def _fit(shape: Any, slide_width: float) -> None:
    from pptx.util import Inches

    # The layouts are drawn for 4:3; centre them on the wider slide.
    shape.left = Inches(0.8)
    shape.width = Inches(slide_width - 1.6)


def _check_fills(rows: Sequence[Sequence[str]], fills: Sequence[str | None] | None) -> None:
    if fills is not None and len(fills) != len(rows):
        raise ValueError("fills must have one entry per row")


def _rgb(colour: str) -> Any:
    from pptx.dml.color import RGBColor

    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(part * 2 for part in value)
    if len(value) != 6:
        raise ValueError(f"not a hex colour: {colour!r}")
    return RGBColor.from_string(value.upper())  # type: ignore[no-untyped-call]
