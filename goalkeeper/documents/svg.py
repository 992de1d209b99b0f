"""Small charts drawn as inline SVG, for pages meant for print (WeasyPrint runs no JavaScript).

Drawn with matplotlib's object API (`Figure` + the SVG canvas): no pyplot, so no global state
shared between two requests or two threads. Text is kept as text in the font every install has
(DejaVu Sans), nothing is fetched, and every id in a chart carries a prefix of its own, so two
charts on one page never share one (docs/reports.md).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FONT = "DejaVu Sans"
INK = "#1f2933"
MUTED = "#6b7785"
LINE = "#2563eb"
TARGET = "#9aa5b1"
BAR = "#2563eb"
GRID = "#e4e7eb"

_counter = itertools.count(1)
_ID = re.compile(r'\bid="([^"]+)"')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')


def line_chart_svg(
    points: Sequence[tuple[dt.date, float | None]],
    *,
    target: float | None = None,
    unit: str = "",
    title: str = "",
    width: float = 6.0,
    height: float = 2.2,
) -> str:
    """A line through the points (a gap where a value is missing), with an optional target line."""
    with _style():
        return _line(points, target, unit, title, width, height)


def _line(
    points: Sequence[tuple[dt.date, float | None]],
    target: float | None,
    unit: str,
    title: str,
    width: float,
    height: float,
) -> str:
    import matplotlib.dates as mdates

    figure, axes = _figure(width, height)
    dates = [day for day, _ in points]
    values = [float("nan") if value is None else value for _, value in points]
    if points:
        days = mdates.date2num(dates)  # type: ignore[no-untyped-call]
        axes.plot(days, values, color=LINE, linewidth=1.6, marker="o", markersize=2.5)
    if target is not None:
        axes.axhline(target, color=TARGET, linewidth=1, linestyle="--")
    if unit:
        axes.set_ylabel(unit, color=MUTED, fontsize=7)
    if not points or all(value is None for _, value in points):
        axes.text(0.5, 0.5, _("No values"), transform=axes.transAxes, ha="center", color=MUTED)
        axes.set_xticks([])
        axes.set_yticks([])
    else:
        locator = mdates.AutoDateLocator(minticks=2, maxticks=6)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    return _svg(figure, title or _("Line chart"))


def bar_chart_svg(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    colours: Sequence[str] | None = None,
    title: str = "",
    width: float = 6.0,
    height: float = 2.2,
) -> str:
    """Vertical bars, one per label, each in its colour (or the default one)."""
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length")
    if colours is not None and len(colours) != len(values):
        raise ValueError("colours must have one colour per value")
    with _style():
        return _bars(labels, values, colours, title, width, height)


def _bars(
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str] | None,
    title: str,
    width: float,
    height: float,
) -> str:
    figure, axes = _figure(width, height)
    positions = list(range(len(values)))
    axes.bar(positions, list(values), color=list(colours) if colours else BAR, width=0.65)
    axes.set_xticks(positions)
    axes.set_xticklabels([_short(label) for label in labels], fontsize=7)
    if not values:
        axes.text(0.5, 0.5, _("No values"), transform=axes.transAxes, ha="center", color=MUTED)
        axes.set_yticks([])
    return _svg(figure, title or _("Bar chart"))


def _style() -> AbstractContextManager[None]:
    import matplotlib

    # Text properties are fixed when an artist is made: the font holds for the whole drawing.
    return matplotlib.rc_context({"font.family": FONT, "font.size": 8, "text.color": INK})


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=72)
    axes = figure.add_subplot(1, 1, 1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.tick_params(colors=MUTED, labelsize=7, length=2)
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _svg(figure: Figure, title: str) -> str:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    figure.tight_layout(pad=0.4)
    canvas = FigureCanvasSVG(figure)
    stream = io.StringIO()
    prefix = f"c{next(_counter)}-"
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        # fonttype none: text stays text (small, selectable, no glyph paths); the hash salt
        # keeps matplotlib's own ids stable.
        canvas.print_svg(stream, metadata={"Date": None, "Creator": None})  # type: ignore[no-untyped-call]
    text = stream.getvalue()
    svg = _METADATA.sub("", text[text.index("<svg") :]).strip()
    # Every id (and each reference to one) carries this chart's prefix.
    svg = _ID.sub(lambda match: f'id="{prefix}{match.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda match: f"url(#{prefix}{match.group(1)})", svg)
    svg = _HREF.sub(lambda match: f'{match.group(1)}="#{prefix}{match.group(2)}"', svg)
    # An accessible name: the first child of the root element.
    head_end = svg.index(">") + 1
    head = svg[:head_end].replace("<svg ", '<svg role="img" ', 1)
    return f"{head}\n <title>{escape(title)}</title>{svg[head_end:]}"


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
