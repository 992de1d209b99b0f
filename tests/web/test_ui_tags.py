"""The template tags that draw the visual language."""

from __future__ import annotations

import math

import pytest
from django.template import Context, Template

from goalkeeper.web.templatetags import goalkeeper_ui as ui


def render(source: str, **context: object) -> str:
    return Template("{% load goalkeeper_ui %}" + source).render(Context(context)).strip()


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "-"), (0.0, "0%"), (0.424, "42%"), (1.3, "130%"), (-0.2, "-20%"), (math.nan, "-")],
)
def test_percent(value: float | None, text: str) -> None:
    assert ui.percent(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(None, "-"), (0.65, "0.7"), (0.15, "0.2"), (1.4, "1.0"), (0, "0.0")]
)
def test_score1_rounds_like_final_scores(value: float | None, text: str) -> None:
    assert ui.score1(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1200.0, "", "1,200"),
        (0.125, "", "0.12"),
        (0.001, "", "0.001"),
        (None, "$", "-"),
        (1500, "$", "$1,500"),
        (-3, "€", "-€3"),
        (42, "%", "42%"),
        (8, "customers", "8 customers"),
        (2.5, "ms", "2.5 ms"),
    ],
)
def test_with_unit_puts_the_unit_where_a_reader_expects_it(
    value: float | None, unit: str, text: str
) -> None:
    assert ui.with_unit(value, unit) == text


def test_a_progress_bar_without_a_value_shows_a_dash_and_no_fill() -> None:
    html = render("{% progress_bar value 'not_started' %}", value=None)

    assert "progress__fill" not in html
    assert 'progress__label--none">-<' in html
    assert "aria-valuenow" not in html


def test_a_progress_bar_clamps_its_fill_but_not_its_label() -> None:
    html = render("{% progress_bar 1.3 'on_track' marker=0.5 %}")

    assert 'style="width: 100.0%"' in html
    assert ">130%<" in html
    assert 'data-tone="on_track"' in html
    assert 'style="left: 50.0%"' in html
    assert 'aria-valuenow="100"' in html


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("on_track", "On track"),
        ("at_risk", "At risk"),
        ("off_track", "Off track"),
        ("not_started", "Not started"),
        ("stale", "Stale"),
    ],
)
def test_status_badges_say_the_status_in_words(status: str, label: str) -> None:
    html = render("{% status_badge status %}", status=status)

    assert f'data-tone="{status}"' in html
    assert f"</span>{label}</span>" in html


@pytest.mark.parametrize(
    ("health", "label"),
    [("green", "Healthy"), ("yellow", "Warning"), ("red", "Critical"), ("no_data", "No data")],
)
def test_health_badges_say_the_health_in_words(health: str, label: str) -> None:
    assert f"</span>{label}</span>" in render("{% health_badge h %}", h=health)


@pytest.mark.parametrize(
    ("score", "tone", "text"),
    [(0.25, "red", "0.3"), (0.5, "yellow", "0.5"), (0.66, "green", "0.7"), (None, "neutral", "-")],
)
def test_final_score_chips_follow_the_score_bands(
    score: float | None, tone: str, text: str
) -> None:
    html = render("{% score_chip s final=True %}", s=score)

    assert f'data-tone="{tone}"' in html
    assert f">{text}</span>" in html


@pytest.mark.parametrize("score", [0.0, 0.25, 0.5, 0.66, 1.0])
def test_a_score_during_the_cycle_is_neutral(score: float) -> None:
    html = render("{% score_chip s %}", s=score)

    assert 'data-tone="neutral"' in html
    assert "band" not in html


def test_an_avatar_has_initials_and_a_hue_stable_for_the_name() -> None:
    first = render("{% avatar 'Ada Lovelace' %}")

    assert ">AL</span>" in first
    assert first == render("{% avatar 'Ada Lovelace' %}")
    assert "--avatar-hue" in first


def test_an_empty_state_says_what_to_do() -> None:
    html = render(
        "{% empty_state 'Nothing here' 'Add something.' icon='cycle' action_url='/x' "
        "action_label='Add' %}"
    )

    assert "Nothing here" in html
    assert "Add something." in html
    assert 'href="/x"' in html


def test_unknown_icons_fall_back_instead_of_failing() -> None:
    assert "<svg" in render("{% icon 'no-such-icon' %}")


def test_score1_never_shows_a_negative_zero() -> None:
    assert ui.score1(-0.0) == "0.0"


@pytest.mark.parametrize(
    ("value", "text"), [(33.0, "33"), (3.25, "3.25"), (1e-7, "1e-07"), (None, ""), ("abc", "abc")]
)
def test_input_number_is_what_a_field_shows(value: object, text: str) -> None:
    assert ui.input_number(value) == text


def test_url_or_none_adds_a_query_and_hides_missing_routes() -> None:
    assert ui.url_or_none("cycles", team=3, owner=None) == "/objectives/?team=3"
    assert ui.url_or_none("no_such_route") == ""
    assert ui.url_or_none("objective_detail", 7) == "/objectives/7/"


class _Owner:
    def __init__(self, pk: int) -> None:
        self.id = self.pk = pk


class _Person(_Owner):
    def __init__(self, pk: int, can_edit: bool) -> None:
        super().__init__(pk)
        self.can_edit = can_edit


class _Row:
    def __init__(self, owner: int | None, locked: bool = False) -> None:
        self.owner = _Owner(owner) if owner else None
        self.locked = locked


def test_checkin_allowed_mirrors_the_access_rule() -> None:
    editor, viewer = _Person(1, True), _Person(2, False)

    assert ui.checkin_allowed(_Row(owner=9), editor)
    assert ui.checkin_allowed(_Row(owner=2), viewer)
    assert not ui.checkin_allowed(_Row(owner=9), viewer)
    assert not ui.checkin_allowed(_Row(owner=None), viewer)
    assert not ui.checkin_allowed(_Row(owner=1, locked=True), editor)
    assert not ui.checkin_allowed(_Row(owner=1), None)


def test_indent_uses_non_breaking_spaces() -> None:
    assert ui.indent(2) == "\u00a0" * 6
    assert ui.indent("x") == ""


@pytest.mark.django_db
def test_optional_include_renders_nothing_for_a_missing_template() -> None:
    assert render("{% optional_include 'no/such.html' %}") == ""
    assert "progress" in render("{% optional_include 'web/components/progress_bar.html' %}")
