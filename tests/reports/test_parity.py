"""Every figure of the review (page and Excel) equals the one on the objective or KPI page."""

from __future__ import annotations

import io
import json
import re

from django.urls import reverse
from openpyxl import load_workbook

from goalkeeper.domain.scoring import REVIEW_BAND_LABELS, review_band

SCORE = re.compile(r"<dt>Score</dt><dd>\s*<span class=\"score-chip\"[^>]*>([^<]*)</span>")
CHIP = re.compile(
    r"href=\"/objectives/(\d+)/\">[^<]*</a>\s*<span class=\"score-chip\"[^>]*>([^<]*)</span>"
)


def test_objective_scores_and_bands_match_the_objective_pages(review):
    client = review.world.client_for(review.world.viewer)
    page = client.get(reverse("cycle_review", args=[review.cycle.pk])).content.decode()
    on_review = {int(pk): text for pk, text in CHIP.findall(page)}
    sheet = client.get(reverse("cycle_review_xlsx", args=[review.cycle.pk])).content
    rows = load_workbook(io.BytesIO(sheet), read_only=True)["Objectives"]
    in_sheet = {row[0]: (row[5], row[6]) for row in rows.iter_rows(min_row=2, values_only=True)}
    assert len(in_sheet) == 4
    assert len(on_review) == 3  # the three with a retrospective
    for objective in review.objectives.values():
        detail = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
        [shown] = SCORE.findall(detail)
        score, band = in_sheet[objective.pk]
        assert f"{score:.1f}" == shown
        assert band == REVIEW_BAND_LABELS[review_band(float(shown))]
        if objective.pk in on_review:
            assert on_review[objective.pk] == shown


def test_kpi_start_end_and_health_match_the_kpi_page(review):
    client = review.world.client_for(review.world.viewer)
    kpi_page = client.get(reverse("kpi_detail", args=[review.kpi.pk])).content.decode()
    chart = json.loads(
        re.search(
            r'<script id="chart-data" type="application/json">(.*?)</script>', kpi_page
        ).group(1)
    )
    by_label = {point["label"]: point["value"] for point in chart["points"]}
    health = re.search(r'data-testid="kpi-health" data-health="(\w+)"', kpi_page).group(1)

    page = client.get(reverse("cycle_review", args=[review.cycle.pk])).content.decode()
    row = re.search(rf'<tr data-kpi="{review.kpi.pk}">(.*?)</tr>', page, re.DOTALL).group(1)
    start = re.search(r'data-testid="kpi-start">([^<]*)<div class="muted">([^<]*)</div>', row)
    end = re.search(r'data-testid="kpi-end">([^<]*)<div class="muted">([^<]*)</div>', row)
    assert float(start.group(1)) == by_label[start.group(2)]
    assert float(end.group(1)) == by_label[end.group(2)]
    assert f'data-tone="{health}"' in row

    sheet = client.get(reverse("cycle_review_xlsx", args=[review.cycle.pk])).content
    [kpi_row] = list(
        load_workbook(io.BytesIO(sheet), read_only=True)["KPIs"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert (kpi_row[4], kpi_row[5]) == (start.group(2), by_label[start.group(2)])
    assert (kpi_row[6], kpi_row[7]) == (end.group(2), by_label[end.group(2)])
    assert kpi_row[9] == health
