"""Numbers and dates on pages follow the reader's language; machine-read numbers never do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from goalkeeper import l10n
from goalkeeper.web.templatetags import goalkeeper_ui as ui

SOURCE = (
    "{% load goalkeeper_ui %}{{ v|qty }}|{{ v|with_unit:'$' }}|{{ s|score1 }}|"
    '{{ when|date:"DATE_FORMAT" }}|{{ when|date:"SHORT_DATE_FORMAT" }}|'
    "{{ v|input_number }}|{{ s|bar_width }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1,234.5|$1,234.5|0.7|3 Dec 2026|3 Dec|1234.5|70.0"),
        ("de", "1.234,5|$1.234,5|0,7|3. Dez 2026|3. Dez|1234.5|70.0"),
    ],
)
def test_a_page_writes_numbers_and_dates_in_the_readers_language(
    language: str, expected: str
) -> None:
    template = engines["django"].from_string(SOURCE)
    with translation.override(language):
        text = template.render({"v": 1234.5, "s": 0.7, "when": dt.date(2026, 12, 3)})
    assert text == expected


def test_the_filters_follow_the_active_language() -> None:
    with translation.override("de"):
        assert ui.qty(12.5) == "12,5"
        assert ui.with_symbol(0.5, "%") == "0,5%"
    with translation.override("en"):
        assert ui.qty(12.5) == "12.5"


def test_emails_messages_and_the_audit_trail_format_through_the_active_language() -> None:
    with translation.override("de"):
        assert l10n.with_unit(511875, "€") == "€511.875"
        assert l10n.qty(0.5) == "0,5"
        assert l10n.score1(0.7) == "0,7"
    with translation.override("en"):
        assert l10n.with_unit(511875, "€") == "€511,875"
