"""KPIs in Chromium: create one, upload a CSV, watch it turn red, recover it, promote a KR."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from goalkeeper.bridges.services import create_recovery_objective
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.services import create_kpi, record_measurements
from goalkeeper.okrs.models import CycleState, Objective
from goalkeeper.okrs.services import create_cycle
from tests.browser.conftest import log_in, pick
from tests.conftest import World
from tests.web import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(page: Page, live_server: LiveServer, world: World) -> Iterator[Page]:
    """A page logged in as the world's editor; fails the test on any script error."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, world.editor.user.email)
    yield page
    assert errors == []


def months_back(count: int) -> list[dt.date]:
    """The 15th of each of the `count` complete months before this one, oldest first."""
    today = dt.datetime.now(dt.UTC).date()
    year, month = today.year, today.month
    days = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        days.append(dt.date(year, month, 15))
    return list(reversed(days))


def write_csv(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_editor_creates_a_kpi_and_fixes_a_wrong_warning(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    page = editor_page
    page.goto(f"{live_server.url}/kpis/")
    page.get_by_test_id("new-kpi").click()

    page.get_by_label("Name").fill("Gross margin")
    pick(page, "Team", "Sal", "Sales")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Target").fill("40")
    page.get_by_label("Warning threshold").fill("45")
    page.get_by_label("Frequency").select_option("monthly")
    page.get_by_test_id("save-kpi").click()

    expect(page.get_by_text("the warning threshold must be below the target (40)")).to_be_visible()
    assert not Kpi.objects.exists()

    page.get_by_label("Warning threshold").fill("35")
    page.get_by_test_id("save-kpi").click()

    expect(page.get_by_test_id("kpi-name")).to_have_text("Gross margin")
    expect(page.get_by_test_id("kpi-health")).to_have_attribute("data-health", "no_data")
    kpi = Kpi.objects.get()
    assert (kpi.target, kpi.warning, kpi.unit, kpi.team_id) == (40.0, 35.0, "%", world.sales.pk)


def test_the_goal_fields_follow_the_direction(editor_page: Page, live_server: LiveServer) -> None:
    page = editor_page
    page.goto(f"{live_server.url}/kpis/new/")

    expect(page.get_by_label("Target")).to_be_visible()
    expect(page.get_by_label("Low bound")).to_be_hidden()
    page.get_by_label("Stay in a range").check()
    expect(page.get_by_label("Target")).to_be_hidden()
    expect(page.get_by_label("Low bound")).to_be_visible()
    expect(page.get_by_label("High bound")).to_be_visible()


def test_a_csv_upload_turns_the_kpi_red_and_a_resend_changes_nothing(
    editor_page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Qualified leads", target=100, warning=80
    )
    days = months_back(6)
    values = [120, 110, 95, 85, 70, 40]
    good = write_csv(
        tmp_path,
        "leads.csv",
        [
            "date,value",
            *(f"{day:%Y-%m-%d},{value}" for day, value in zip(days, values, strict=True)),
        ],
    )
    bad = write_csv(
        tmp_path,
        "leads-bad.csv",
        ["date,value", f"{days[0]:%Y-%m-%d},120", "2026-02-30,5", f"{days[1]:%Y-%m-%d},lots"],
    )
    page = editor_page
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    expect(page.get_by_test_id("kpi-health")).to_have_attribute("data-health", "no_data")

    # A file with bad rows: its preview lists every bad line, nothing is written; fix it.
    page.get_by_test_id("upload-link").click()
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_test_id("upload-preview").click()
    bad_rows = page.get_by_test_id("bad-rows")
    expect(bad_rows.locator("tbody tr")).to_have_count(2)
    expect(bad_rows.locator('tr[data-line="3"]')).to_be_visible()
    expect(bad_rows.locator('tr[data-line="4"]')).to_be_visible()
    assert not Measurement.objects.filter(kpi=kpi).exists()
    page.get_by_test_id("fix-file").click()

    # The good file: a preview, then the write.
    page.get_by_label("File", exact=True).set_input_files(str(good))
    page.get_by_test_id("upload-preview").click()
    expect(page.get_by_test_id("preview-count")).to_have_text("6")
    expect(page.get_by_test_id("preview-new")).to_have_text("6")
    assert not Measurement.objects.filter(kpi=kpi).exists()
    page.get_by_test_id("write-values").click()

    expect(page.get_by_text("6 values written (6 new).")).to_be_visible()
    expect(page.get_by_test_id("kpi-health")).to_have_attribute("data-health", "red")
    expect(page.get_by_test_id("kpi-value").first).to_have_text("40")
    expect(page.locator(".kpi-chart svg").first).to_be_visible()

    # On the board it is the first tile, in red.
    page.goto(f"{live_server.url}/kpis/")
    first = page.get_by_test_id("kpi-tile").first
    expect(first).to_have_attribute("data-tone", "red")
    expect(first).to_contain_text("Qualified leads")

    # Sending the same file again updates, never duplicates.
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/upload/")
    page.get_by_label("File", exact=True).set_input_files(str(good))
    page.get_by_test_id("upload-preview").click()
    expect(page.get_by_test_id("preview-new")).to_have_text("0")
    expect(page.get_by_test_id("preview-updates")).to_have_text("6")
    page.get_by_test_id("write-values").click()
    expect(page.get_by_text("6 values written (0 new, 6 updated).")).to_be_visible()
    assert Measurement.objects.filter(kpi=kpi).count() == 6


def test_a_red_kpi_gets_its_recovery_objective(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    kpi = create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Churn",
        owner=world.editor,
        direction="lower_is_better",
        target=2,
        warning=3,
        unit="%",
    )
    days = months_back(3)
    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[
            (dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), value)
            for day, value in zip(days, [2.5, 3.5, 4.2], strict=True)
        ],
    )
    page = editor_page
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    expect(page.get_by_test_id("flag")).to_contain_text("4.2%")

    page.get_by_test_id("create-recovery").click()

    expect(page.get_by_text("Draft objective “Bring Churn back to target” created")).to_be_visible()
    expect(page.get_by_test_id("recoveries")).to_contain_text("Bring Churn back to target")
    expect(page.get_by_test_id("create-recovery")).to_have_count(0)
    expect(page.get_by_test_id("linked")).to_contain_text("Churn reaches 2 %")
    objective = Objective.objects.get()
    assert (objective.state, objective.cycle_id, objective.team_id) == (
        "draft",
        world.cycle.pk,
        world.sales.pk,
    )
    key_result = objective.key_results.get()
    assert (key_result.kind, key_result.start, key_result.target, key_result.kpi_id) == (
        "decrease",
        4.2,
        2.0,
        kpi.pk,
    )
    # The board shows the recovery on the tile.
    page.goto(f"{live_server.url}/kpis/")
    expect(page.get_by_test_id("kpi-tile").first).to_contain_text("Recovery objective open")


def test_a_key_result_is_promoted_to_a_kpi(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Win more deals", owner=world.editor)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    key_result = factories.key_result(
        objective,
        "Demos booked per week",
        start=5,
        target=25,
        unit="demos",
        check_ins=[
            (8, start),
            (13, start + dt.timedelta(days=10)),
            (17, start + dt.timedelta(days=20)),
        ],
    )
    page = editor_page
    page.goto(f"{live_server.url}/key-results/{key_result.pk}/promote/")

    expect(page.get_by_test_id("kr-title")).to_have_text("Demos booked per week")
    expect(page.get_by_test_id("plan-direction")).to_have_text("Higher is better")
    expect(page.get_by_test_id("promotion-plan")).to_contain_text("3 check-ins copied as values")
    expect(page.get_by_test_id("plan-history")).to_contain_text("The start value 5 demos")
    page.get_by_label("Frequency").select_option("weekly")
    page.get_by_test_id("promote").click()

    expect(page.get_by_test_id("kpi-name")).to_have_text("Demos booked per week")
    # The key result's start value at the cycle's start, then its three check-ins.
    expect(page.get_by_test_id("measurements").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("linked")).to_contain_text("Demos booked per week")
    kpi = Kpi.objects.get()
    key_result.refresh_from_db()
    assert (kpi.direction, kpi.target, kpi.unit, kpi.frequency) == (
        "higher_is_better",
        25.0,
        "demos",
        "weekly",
    )
    assert key_result.kpi_id == kpi.pk


def test_a_recovery_draft_left_in_a_closed_cycle_is_dismissed_and_a_new_one_made(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    kpi = create_kpi(
        actor=world.editor, team=world.sales, name="Revenue", owner=world.editor, target=100
    )
    last_month = months_back(1)[0]
    record_measurements(
        actor=world.editor,
        kpi=kpi,
        points=[(dt.datetime.combine(last_month, dt.time(), tzinfo=dt.UTC), 40.0)],
    )
    create_recovery_objective(actor=world.editor, kpi=kpi)
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()
    today = dt.datetime.now(dt.UTC).date()
    create_cycle(
        actor=None,
        workspace=world.acme,
        name="Next",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=80),
        state=CycleState.ACTIVE,
    )
    page = editor_page
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")

    expect(page.get_by_test_id("stale-recovery")).to_contain_text("Left in a closed cycle")
    expect(page.get_by_text("Not enough data").first).to_be_visible()
    page.get_by_test_id("dismiss-recovery").click()

    expect(page.get_by_text("Recovery draft dismissed")).to_be_visible()
    expect(page.get_by_test_id("stale-recovery")).to_have_count(0)
    page.get_by_test_id("create-recovery").click()

    expect(page.get_by_text("created in Next")).to_be_visible()
    assert Objective.objects.filter(cycle__name="Next").count() == 1


def test_the_chart_tooltip_shows_a_unit_written_as_markup_as_text(
    editor_page: Page, live_server: LiveServer, world: World
) -> None:
    unit = "<img src=x onerror=alert(1)>"
    kpi = create_kpi(
        actor=world.editor,
        team=world.sales,
        name="Odd unit",
        owner=world.editor,
        unit=unit,
        target=20,
    )
    points = [
        (dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), 10.0 + i)
        for i, day in enumerate(months_back(3))
    ]
    record_measurements(actor=world.editor, kpi=kpi, points=points)
    page = editor_page
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    chart = page.locator(".kpi-chart")
    expect(chart.locator("svg").first).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    # Across the plot until the axis tooltip shows a point.
    tooltip = page.locator(".kpi-chart div").filter(has_text="12")
    for step in range(1, 20):
        page.mouse.move(box["x"] + box["width"] * step / 20, box["y"] + box["height"] / 2)
        if tooltip.count() and tooltip.first.is_visible():
            break
    expect(tooltip.first).to_contain_text(unit)
    assert page.locator(".kpi-chart img").count() == 0
