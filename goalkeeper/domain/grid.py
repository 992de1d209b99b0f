"""The dashboard grid: tiles are rectangles on a grid of COLUMNS columns and unbounded rows.

A layout is valid when every tile lies inside the columns, has a size within bounds and no
two tiles overlap (docs/dashboards.md, "Arranging tiles"). Pure functions, stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goalkeeper.domain.errors import FieldError

COLUMNS = 12
# A tile is at most this many rows high, and sits no lower than MAX_Y: a layout stays a page.
MAX_HEIGHT = 12
MAX_Y = 400


@dataclass(frozen=True)
class Cell:
    """Where one tile sits: column `x`, row `y` (from the top left), `w` columns, `h` rows."""

    id: int
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


def overlap(a: Cell, b: Cell) -> bool:
    """Whether two cells share at least one grid square."""
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def cell_errors(cell: Cell, field: str = "layout") -> list[FieldError]:
    """What is wrong with one cell's place and size, each problem named."""
    errors: list[FieldError] = []
    if cell.w < 1 or cell.w > COLUMNS:
        errors.append(FieldError(f"{field}.w", f"must be between 1 and {COLUMNS} columns"))
    if cell.h < 1 or cell.h > MAX_HEIGHT:
        errors.append(FieldError(f"{field}.h", f"must be between 1 and {MAX_HEIGHT} rows"))
    if cell.x < 0 or cell.x + max(cell.w, 1) > COLUMNS:
        errors.append(
            FieldError(f"{field}.x", f"must keep the tile inside the grid's {COLUMNS} columns")
        )
    if cell.y < 0 or cell.y > MAX_Y:
        errors.append(FieldError(f"{field}.y", f"must be between 0 and {MAX_Y}"))
    return errors


def layout_errors(cells: Sequence[Cell]) -> list[FieldError]:
    """Every problem of a whole layout: cells out of bounds, repeated ids, overlaps."""
    errors: list[FieldError] = []
    seen: set[int] = set()
    for cell in cells:
        if cell.id in seen:
            errors.append(FieldError(f"tile {cell.id}", "is placed twice"))
        seen.add(cell.id)
        errors.extend(cell_errors(cell, f"tile {cell.id}"))
    if errors:
        return errors
    ordered = sorted(cells, key=lambda c: (c.y, c.x, c.id))
    for index, cell in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.y >= cell.bottom:
                break
            if overlap(cell, other):
                errors.append(
                    FieldError(f"tile {other.id}", f"overlaps tile {cell.id}: move one of them")
                )
    return errors


def free_spot(cells: Iterable[Cell], w: int, h: int) -> tuple[int, int]:
    """The first place (top to bottom, left to right) where a `w` x `h` tile fits."""
    w = min(max(w, 1), COLUMNS)
    placed = list(cells)
    y = 0
    while True:
        for x in range(COLUMNS - w + 1):
            candidate = Cell(0, x, y, w, h)
            if not any(overlap(candidate, other) for other in placed):
                return x, y
        y += 1
