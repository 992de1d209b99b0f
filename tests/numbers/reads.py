"""Read every page and endpoint that shows a workspace's numbers, and check what comes back."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tests.api.conftest import Api

# A minus sign before a zero that nothing follows: "-0", "-0.0", "-0%" (not "-0.5", "kr-0").
NEGATIVE_ZERO = re.compile(r"(?<![\w.-])-0(?:\.0+)?(?![\w.])")
NOT_A_NUMBER = re.compile(r"\b(?:NaN|-?Infinity)\b")


@dataclass(frozen=True)
class Ids:
    """The objects whose pages and endpoints are read."""

    cycle: int
    objectives: tuple[int, ...]
    key_results: tuple[int, ...]
    kpi: int


def page_urls(ids: Ids) -> list[str]:
    """Home, the boards, alignment, objective and KPI pages, and the fragments htmx loads."""
    urls = [
        "/",
        "/objectives/",
        f"/objectives/cycle/{ids.cycle}/",
        "/alignment/",
        f"/alignment/{ids.cycle}/",
        "/kpis/",
        f"/kpis/{ids.kpi}/",
        f"/kpis/{ids.kpi}/?period=monthly",
        f"/kpis/{ids.kpi}/?period=quarterly",
        f"/kpis/{ids.kpi}/edit/",
    ]
    urls += [f"/objectives/{pk}/" for pk in ids.objectives]
    for pk in ids.key_results:
        urls += [f"/key-results/{pk}/row/", f"/key-results/{pk}/check-in/"]
        urls += [f"/key-results/{pk}/edit/"]
    return urls


def api_paths(ids: Ids) -> list[str]:
    """Objectives, key results, check-ins, KPIs and measurements, raw and by period."""
    paths = ["/objectives", "/key-results", "/kpis", f"/kpis/{ids.kpi}"]
    paths += [f"/kpis/{ids.kpi}/measurements"]
    paths += [f"/kpis/{ids.kpi}/measurements?period={p}" for p in ("daily", "monthly", "yearly")]
    paths += [f"/objectives/{pk}" for pk in ids.objectives]
    for pk in ids.key_results:
        paths += [f"/key-results/{pk}", f"/key-results/{pk}/check-ins"]
    return paths


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def strict_json(text: str) -> Any:
    """Parse JSON as a strict client would: NaN and Infinity are errors."""
    return json.loads(text, parse_constant=_refuse)


def negative_zeros(data: Any, where: str = "") -> list[str]:
    """Where a JSON document holds -0.0."""
    if isinstance(data, float) and data == 0 and math.copysign(1.0, data) < 0:
        return [where]
    if isinstance(data, dict):
        return [found for k, v in data.items() for found in negative_zeros(v, f"{where}.{k}")]
    if isinstance(data, list):
        return [found for i, v in enumerate(data) for found in negative_zeros(v, f"{where}[{i}]")]
    return []


def read_everything(client: Client, api: Api, ids: Ids) -> None:
    """Every page answers 200 and shows no -0, NaN or Infinity; every endpoint answers 200
    with strict JSON (checked against the OpenAPI document by `Api`) and no -0.0."""
    for url in page_urls(ids):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not NOT_A_NUMBER.search(html), (url, NOT_A_NUMBER.findall(html))
        assert not NEGATIVE_ZERO.search(html), (url, _around(html, NEGATIVE_ZERO))
    for path in api_paths(ids):
        path_only, _, query = path.partition("?")
        params = dict(part.split("=") for part in query.split("&")) if query else {}
        response = api.get(path_only, **params)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
        document = strict_json(response.get_data(as_text=True))
        assert negative_zeros(document) == [], path


def _around(html: str, pattern: re.Pattern[str]) -> list[str]:
    return [html[max(m.start() - 80, 0) : m.end() + 20] for m in pattern.finditer(html)]
