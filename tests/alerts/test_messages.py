"""What an alert says, worded from the KPI's stored figures."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from goalkeeper.alerts.messages import (
    Alert,
    chat_message_for,
    kpi_health_alert,
    source_broken_alert,
    source_silent_alert,
)
from goalkeeper.channels.messages import ChatMessage
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources.models import DataSource

NOW = dt.datetime(2026, 11, 4, 12, tzinfo=dt.UTC)


def churn(**fields) -> Kpi:
    values = {
        "pk": 7,
        "workspace_id": 1,
        "team_id": 2,
        "name": "Churn rate",
        "unit": "%",
        "direction": "lower_is_better",
        "target": 3.0,
        "warning": 3.5,
        "period_value": 4.1,
        "health_turns_at": NOW + dt.timedelta(days=5),
        "last_measurement_at": dt.datetime(2026, 11, 2, 23, 30, tzinfo=dt.UTC),
    }
    return Kpi(**{**values, **fields})


@pytest.mark.parametrize(
    ("before", "health", "title"),
    [
        ("green", "red", "Churn rate turned red (4.1% against a target of 3%)"),
        ("green", "yellow", "Churn rate turned yellow (4.1% against a target of 3%)"),
        ("red", "yellow", "Churn rate improved to yellow (4.1% against a target of 3%)"),
        ("red", "green", "Churn rate is back to green (4.1% against a target of 3%)"),
        ("green", "stale", "Churn rate turned stale (no value since 2 Nov 2026)"),
    ],
)
def test_a_health_alert_names_the_kpi_its_health_and_its_stored_figures(before, health, title):
    alert = kpi_health_alert(churn(), before=before, health=health, now=NOW, zone=dt.UTC)
    assert alert.title == title
    assert (alert.kind, alert.subject, alert.key) == ("kpi_health", ("kpi", 7), f"kpi:7:{health}")


def test_the_day_a_kpi_went_quiet_is_the_workspace_s_day():
    alert = kpi_health_alert(
        churn(), before="green", health="stale", now=NOW, zone=ZoneInfo("Europe/Berlin")
    )
    assert alert.title.endswith("(no value since 3 Nov 2026)")


def test_an_in_range_kpi_is_judged_against_its_range():
    kpi = churn(direction="in_range", low=2.0, high=3.0, target=None, warning=0.5)
    alert = kpi_health_alert(kpi, before="green", health="red", now=NOW, zone=dt.UTC)
    assert alert.title == "Churn rate turned red (4.1% against a range of 2% to 3%)"


def test_figures_past_their_period_are_not_quoted():
    kpi = churn(health_turns_at=NOW - dt.timedelta(minutes=1))
    alert = kpi_health_alert(kpi, before="green", health="red", now=NOW, zone=dt.UTC)
    assert alert.title == "Churn rate turned red"


def test_a_chat_message_carries_the_alert_s_words_absolute_link_and_tone(settings):
    settings.SITE_URL = "https://goals.example.test/"
    alert = source_broken_alert(3, churn(), error="connection refused")
    assert chat_message_for(alert) == ChatMessage(
        title="The data source of Churn rate is broken",
        text="connection refused",
        url="https://goals.example.test/kpis/7/source/",
        link_label="Open the data source",
        fields=(),
        tone="red",
    )
    assert isinstance(alert, Alert)


def test_the_body_says_the_health_before_when_there_was_one():
    kpi = churn()
    after_red = kpi_health_alert(kpi, before="red", health="green", now=NOW, zone=dt.UTC)
    first = kpi_health_alert(kpi, before="", health="red", now=NOW, zone=dt.UTC)
    assert (after_red.body, after_red.fields) == (
        "It was red before.",
        (("Health", "green"), ("Before", "red")),
    )
    assert (first.body, first.fields) == ("", (("Health", "red"),))


def test_a_silent_source_says_how_long_in_its_kpi_s_periods():
    source = DataSource(pk=3, workspace_id=1, kpi_id=7)
    since = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    alert = source_silent_alert(source, churn(frequency="weekly"), since=since, zone=dt.UTC)
    assert alert.title == "Nothing pushed to Churn rate since 2 Nov 2026"
    assert alert.body == "Its push source has received nothing for two weeks."
    assert alert.key == f"source:3:{since.isoformat()}"


@pytest.mark.parametrize(
    ("before", "health", "title", "body"),
    [
        (
            "green",
            "red",
            "Churn rate ist rot geworden (4,1% gegenüber einem Zielwert von 3%)",
            "Vorher war er grün.",
        ),
        ("green", "stale", "Churn rate ist veraltet (kein Messwert seit 2. Nov 2026)", None),
    ],
)
def test_a_health_alert_made_for_a_german_reader_is_german(before, health, title, body):
    with translation.override("de"):
        alert = kpi_health_alert(churn(), before=before, health=health, now=NOW, zone=dt.UTC)
        message = chat_message_for(alert)
    assert alert.title == title
    if body is not None:
        assert alert.body == body
    assert message.link_label == "KPI öffnen"
