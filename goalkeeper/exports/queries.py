"""Reads of the exports app: a person's exports, and a list asked for, checked and counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from goalkeeper.accounts.models import Person
from goalkeeper.exports.filters import file_format, kept_filters, list_kind, parse_query
from goalkeeper.exports.lists import Table, table_for
from goalkeeper.exports.models import Export, Format, ListKind

# The exports page lists the newest ones.
LISTED = 50


def my_exports(person: Person) -> list[Export]:
    """The person's newest exports, newest first (one query)."""
    return list(
        Export.objects.filter(person=person, workspace_id=person.workspace_id).order_by(
            "-created_at", "-id"
        )[:LISTED]
    )


@dataclass
class Asked:
    """A list asked for: what, in which format, with which filters, and its table."""

    kind: ListKind
    format: Format
    filters: dict[str, str]
    table: Table
    rows: int
    day: dt.date

    @property
    def inline(self) -> bool:
        """Small enough to download at once (EXPORT_INLINE_MAX_ROWS)."""
        return self.rows <= settings.EXPORT_INLINE_MAX_ROWS


def ask(person: Person, params: Mapping[str, Any], now: dt.datetime | None = None) -> Asked:
    """The list `params` ask for (`list`, `format` and the filters), as `person` sees it,
    counted. Raises FilterError for a bad value, Http404 for what the person cannot see."""
    kind = list_kind(params.get("list") or params.get("kind"))
    chosen = file_format(params.get("format"))
    clock = person.workspace.clock(now)
    query = parse_query(kind, params, person, clock)
    table = table_for(person.workspace, person, clock, query)
    return Asked(kind, chosen, kept_filters(kind, params), table, table.count(), clock.today)
