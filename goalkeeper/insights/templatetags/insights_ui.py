"""Template filters of the insights pages."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from goalkeeper.domain.formatting import NO_VALUE
from goalkeeper.insights.charts import Table
from goalkeeper.okrs.models import CycleState

register = template.Library()


@register.filter
def cell(value: object) -> str:
    """A table cell: numbers to at most two decimals, nothing as "-"."""
    if value is None:
        return NO_VALUE
    if isinstance(value, float):
        if not math.isfinite(value):
            return NO_VALUE
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))
    return str(value)


@register.filter
def cycle_state(state: object) -> str:
    """A cycle's state in words, in the person's language: "Active", "Aktiv"."""
    try:
        label = CycleState(str(state)).label
    except ValueError:
        return str(state)
    return gettext(str(label))


@register.simple_tag
def table_body(table: Table) -> SafeString:
    """The rows of a chart's table, each escaped: the first cell heads its row.

    Built here rather than with template loops: a heatmap's table is a few hundred cells.
    """
    if not table.rows:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>', len(table.header), gettext("Nothing to show yet.")
        )
    return format_html_join(
        "\n",
        "<tr>{}</tr>",
        (
            (
                format_html(
                    '<th scope="row">{}</th>{}',
                    cell(row[0]) if row else "",
                    format_html_join("", "<td>{}</td>", ((cell(value),) for value in row[1:])),
                ),
            )
            for row in table.rows
        ),
    )
