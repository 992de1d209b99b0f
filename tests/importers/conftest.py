"""Spreadsheets of key results, built in the test (docs/importers.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

HEADERS = (
    "Objective", "Team", "Cycle", "Objective owner", "Key Result", "Owner email", "Unit",
    "Start value", "Target", "Current value",
)  # fmt: skip
ROWS = (
    ("Grow revenue", "Sales", "2026-Q4", "eddie@acme.test", "Reach 120k MRR",
     "eddie@acme.test", "EUR", "80000", "120000", "90000"),
    ("Grow revenue", "Sales", "2026-Q4", "", "Sign 10 partners",
     "new.person@acme.test", "", "0", "10", ""),
    ("Delight customers", "Support", "2027-Q1", "Owen Owner", "Cut response time",
     "owen@acme.test", "h", "24", "4", "20"),
)  # fmt: skip


def csv_bytes(
    rows: Sequence[Sequence[object]] = ROWS,
    headers: Sequence[str] = HEADERS,
    delimiter: str = ",",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]] = ROWS, headers: Sequence[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
