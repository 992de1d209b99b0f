"""What each kind of tile is configured with, checked before a tile is stored.

    kpi_chart      {"kpi": id}
    kpi_group      {"kpis": [id, ...]}          1 to MAX_GROUP KPIs
    objective      {"objective": id}
    team_summary   {"team": id}
    health_counts  {"team": id | null}          null: the whole workspace
    insight_chart  {"chart": key, "team": id | null}
    text           {"text": "..."}              plain text, line breaks kept

Every id must name a row of the dashboard's workspace. Errors name the field
(`config.kpi`, `config.kpis`...) and the reason. Reads only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Team, Workspace
from goalkeeper.dashboards.models import TileKind
from goalkeeper.insights.charts import CHARTS
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Objective

MAX_GROUP = 8
MAX_TEXT = 2000
MAX_TITLE = 120

# The insight charts a tile may show, key -> title.
INSIGHT_CHARTS = CHARTS


def _id(raw: Mapping[str, Any], name: str, *, required: bool = True) -> int | None:
    value = raw.get(name)
    if value in (None, ""):
        if required:
            raise ValidationError(
                {f"config.{name}": gettext_noop("is required for this kind of tile")}
            )
        return None
    if isinstance(value, bool):
        raise ValidationError({f"config.{name}": gettext_noop("must be an id (a whole number)")})
    text = str(value).strip()
    if not text.isdigit():
        raise ValidationError({f"config.{name}": gettext_noop("must be an id (a whole number)")})
    return int(text)


def _exists(model: Any, workspace: Workspace, pk: int, field: str, noun: str) -> None:
    if not model.objects.filter(pk=pk, workspace=workspace).exists():
        raise ValidationError({f"config.{field}": f"no such {noun} in this workspace"})


def _kpi_chart(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    kpi = _id(raw, "kpi")
    assert kpi is not None
    _exists(Kpi, workspace, kpi, "kpi", "KPI")
    return {"kpi": kpi}


def _kpi_group(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    value = raw.get("kpis")
    if isinstance(value, str | int):
        value = [value]
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError({"config.kpis": gettext_noop("choose at least one KPI")})
    ids: list[int] = []
    for item in value:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdigit():
            raise ValidationError({"config.kpis": gettext_noop("must be a list of KPI ids")})
        if int(text) not in ids:
            ids.append(int(text))
    if len(ids) > MAX_GROUP:
        raise ValidationError({"config.kpis": f"at most {MAX_GROUP} KPIs in a group"})
    found = set(Kpi.objects.filter(pk__in=ids, workspace=workspace).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"config.kpis": f"no such KPI in this workspace: {missing[0]}"})
    return {"kpis": ids}


def _objective(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    objective = _id(raw, "objective")
    assert objective is not None
    _exists(Objective, workspace, objective, "objective", "objective")
    return {"objective": objective}


def _team(workspace: Workspace, raw: Mapping[str, Any], *, required: bool) -> int | None:
    team = _id(raw, "team", required=required)
    if team is not None:
        _exists(Team, workspace, team, "team", "team")
    return team


def _team_summary(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    return {"team": _team(workspace, raw, required=True)}


def _health_counts(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    return {"team": _team(workspace, raw, required=False)}


def _insight_chart(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    key = str(raw.get("chart") or "").strip()
    if not key:
        raise ValidationError({"config.chart": gettext_noop("choose an insight chart")})
    if key not in INSIGHT_CHARTS:
        raise ValidationError(
            {"config.chart": f"unknown chart; one of: {', '.join(sorted(INSIGHT_CHARTS))}"}
        )
    return {"chart": key, "team": _team(workspace, raw, required=False)}


def _text(workspace: Workspace, raw: Mapping[str, Any]) -> dict[str, Any]:
    text = str(raw.get("text") or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"config.text": gettext_noop("write the text to show")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"config.text": f"at most {MAX_TEXT} characters"})
    return {"text": text}


CLEANERS: dict[str, Callable[[Workspace, Mapping[str, Any]], dict[str, Any]]] = {
    TileKind.KPI_CHART: _kpi_chart,
    TileKind.KPI_GROUP: _kpi_group,
    TileKind.OBJECTIVE: _objective,
    TileKind.TEAM_SUMMARY: _team_summary,
    TileKind.HEALTH_COUNTS: _health_counts,
    TileKind.INSIGHT_CHART: _insight_chart,
    TileKind.TEXT: _text,
}

# The size a new tile of each kind takes (columns, rows).
DEFAULT_SIZES: dict[str, tuple[int, int]] = {
    TileKind.KPI_CHART: (6, 4),
    TileKind.KPI_GROUP: (6, 4),
    TileKind.OBJECTIVE: (6, 4),
    TileKind.TEAM_SUMMARY: (4, 3),
    TileKind.HEALTH_COUNTS: (4, 2),
    TileKind.INSIGHT_CHART: (6, 4),
    TileKind.TEXT: (4, 2),
}


def tile_kinds() -> list[str]:
    """The kinds a tile may have."""
    return [k.value for k in TileKind]


def clean_config(workspace: Workspace, kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The stored config of a tile of `kind` from `raw`; ValidationError naming the field."""
    if kind not in tile_kinds():
        raise ValidationError({"kind": f"unknown kind of tile; one of: {', '.join(tile_kinds())}"})
    if not isinstance(raw, Mapping):
        raise ValidationError({"config": gettext_noop("must be an object")})
    return CLEANERS[kind](workspace, raw)
