"""KPI pages in German: German words, decimal commas for people, plain numbers for machines."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation

from goalkeeper.domain.fiscal import period_name
from goalkeeper.domain.periods import Frequency, period_of
from goalkeeper.kpis.labels import period_label, time_ago, time_until
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A German request leaves German active in this thread: the next test starts in English."""
    yield
    translation.activate("en")


def _speaks_german(world: World) -> None:
    user = world.viewer.user
    user.language = "de"
    user.save(update_fields=["language"])


def test_a_kpi_page_in_german_writes_commas_for_people_and_dots_for_machines(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    _speaks_german(world)
    kpi = make_kpi("Conversion", monthly([10.25, 12.5]), unit="%", target=15.0)

    page = world.client_for(world.viewer).get(reverse("kpi_detail", args=[kpi.pk])).content.decode()

    assert '<html lang="de">' in page
    assert "12,5%" in page  # the latest value, as a German reader writes it
    chart = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page)
    assert chart is not None
    assert "12.5" in chart.group(1)  # the chart's data, read by JavaScript
    assert "12,5" not in chart.group(1)
    json.loads(chart.group(1))


def test_the_kpi_board_speaks_german(world: World, now: dt.datetime, make_kpi: MakeKpi) -> None:
    _speaks_german(world)
    make_kpi("Conversion", monthly([10.25, 12.5]), unit="%", target=15.0)

    page = world.client_for(world.viewer).get(reverse("kpis")).content.decode()

    assert "Sort by" not in page
    assert "Sortieren nach" in page


@pytest.mark.parametrize(
    ("frequency", "english", "german"),
    [
        (Frequency.HOURLY, "14:00, 3 Mar", "14:00, 3. Mär"),
        (Frequency.DAILY, "3 Mar 2026", "3. Mär 2026"),
        (Frequency.WEEKLY, "W10 2026", "KW 10 2026"),
        (Frequency.MONTHLY, "Mar 2026", "Mär 2026"),
        (Frequency.QUARTERLY, "2026-Q1", "2026-Q1"),
    ],
)
def test_a_period_is_named_in_the_readers_language(
    frequency: Frequency, english: str, german: str
) -> None:
    period = period_of(dt.datetime(2026, 3, 3, 14, 0, tzinfo=dt.UTC), frequency, 1)
    with translation.override("en"):
        assert period_label(period, frequency, 1) == english == period_name(period, frequency, 1)
    with translation.override("de"):
        assert period_label(period, frequency, 1) == german


def test_a_time_span_reads_right_in_german() -> None:
    now = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    with translation.override("de"):
        assert time_ago(now - dt.timedelta(days=2), now) == "vor 2\xa0Tagen"
        assert time_until(now + dt.timedelta(hours=3), now) == "in 3\xa0Stunden"
        assert time_ago(now - dt.timedelta(seconds=5), now) == "gerade eben"
    with translation.override("en"):
        assert time_ago(now - dt.timedelta(days=2), now) == "2\xa0days ago"
