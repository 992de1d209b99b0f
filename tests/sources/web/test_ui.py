"""How statuses, schedules and durations read on the source pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import queries
from goalkeeper.sources.models import DataSource
from goalkeeper.sources.templatetags.sources_ui import ago, run_duration

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "every 1 minute"),
        (15, "every 15 minutes"),
        (60, "hourly"),
        (90, "every 90 minutes"),
        (120, "every 2 hours"),
        (1440, "daily"),
        (2880, "every 2 days"),
        (10080, "weekly"),
        (20160, "every 2 weeks"),
    ],
)
def test_an_interval_reads_as_a_schedule(minutes: int, text: str) -> None:
    assert queries.every(minutes) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.02, "< 0.1 s"), (0.4, "0.4 s"), (12.4, "12 s"), (125, "2 min 5 s"), (3720, "1 h 2 min")],
)
def test_a_duration_reads_in_the_largest_units(seconds: float, text: str) -> None:
    assert run_duration(dt.timedelta(seconds=seconds)) == text


def test_a_run_without_an_end_has_no_duration() -> None:
    assert run_duration(None) == "-"


def test_a_moment_ago_reads_as_just_now() -> None:
    assert ago(NOW - dt.timedelta(seconds=20), NOW) == "just now"
    assert ago(NOW - dt.timedelta(hours=3), NOW) == "3\xa0hours ago"


@pytest.mark.parametrize(
    ("status", "tone", "label"),
    [
        ("ok", "green", "Healthy"),
        ("failing", "yellow", "Failing"),
        ("broken", "red", "Broken"),
        ("new", "no_data", "Not run yet"),
    ],
)
def test_a_status_badge_wears_its_health_colour(status: str, tone: str, label: str) -> None:
    html = Template("{% load sources_ui %}{% source_badge status %}").render(
        Context({"status": status})
    )
    assert f'data-tone="{tone}"' in html
    assert f"{label}</span>" in html


def test_an_admin_reads_a_choice_by_its_label(kpi: Kpi) -> None:
    source = DataSource(
        workspace_id=kpi.workspace_id,
        kpi=kpi,
        kind="csv",
        settings={"location": "/srv/a.csv", "date_format": "dmy"},
    )
    shown = {p.label: p.value for p in queries.summary(source, for_admin=True).parameters}
    assert shown["Date format"].startswith("Day first")
    source.settings = {"location": "/srv/a.csv", "date_format": ""}
    shown = {p.label: p.value for p in queries.summary(source, for_admin=True).parameters}
    assert shown["Date format"].startswith("ISO")
    assert shown["Date format"].endswith("(default)")
    assert queries.summary(source, for_admin=False).parameters == ()
    assert queries.summary(source, for_admin=False).describe == ""
