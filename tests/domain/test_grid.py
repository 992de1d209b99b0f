from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.grid import COLUMNS, MAX_HEIGHT, Cell, free_spot, layout_errors, overlap

cells = st.builds(
    Cell,
    id=st.integers(1, 1000),
    x=st.integers(0, COLUMNS - 1),
    y=st.integers(0, 30),
    w=st.integers(1, COLUMNS),
    h=st.integers(1, MAX_HEIGHT),
)


def test_side_by_side_tiles_do_not_overlap():
    assert not overlap(Cell(1, 0, 0, 6, 4), Cell(2, 6, 0, 6, 4))
    assert overlap(Cell(1, 0, 0, 7, 4), Cell(2, 6, 0, 6, 4))


def test_a_tile_past_the_twelfth_column_is_refused_by_name():
    errors = layout_errors([Cell(3, 8, 0, 6, 2)])

    assert [e.field for e in errors] == ["tile 3.x"]
    assert "12 columns" in errors[0].message


def test_overlapping_tiles_are_named():
    errors = layout_errors([Cell(1, 0, 0, 6, 4), Cell(2, 3, 2, 6, 4)])

    assert [e.field for e in errors] == ["tile 2"]
    assert "overlaps tile 1" in errors[0].message


def test_a_tile_placed_twice_is_refused():
    assert layout_errors([Cell(1, 0, 0, 2, 2), Cell(1, 4, 0, 2, 2)])[0].message == "is placed twice"


def test_sizes_are_bounded():
    fields = {e.field for e in layout_errors([Cell(1, 0, 0, 0, MAX_HEIGHT + 1)])}

    assert {"tile 1.w", "tile 1.h"} <= fields


@given(st.lists(cells, max_size=8), st.integers(1, COLUMNS), st.integers(1, MAX_HEIGHT))
def test_a_free_spot_fits_and_overlaps_nothing(placed, w, h):
    x, y = free_spot(placed, w, h)
    new = Cell(0, x, y, w, h)

    assert x >= 0
    assert x + w <= COLUMNS
    assert not any(overlap(new, other) for other in placed)


@given(st.lists(cells, max_size=8))
def test_a_valid_layout_has_no_overlap(layout):
    if not layout_errors(layout):
        for i, a in enumerate(layout):
            for b in layout[i + 1 :]:
                assert not overlap(a, b)


@given(cells, cells)
def test_overlap_is_symmetric(a, b):
    assert overlap(a, b) == overlap(b, a)
