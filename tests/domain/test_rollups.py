"""Contributions roll up: what a key result contributes, sums and averages, loops, order."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.limits import MAX_ABS_VALUE
from goalkeeper.domain.rollups import (
    ancestors_in_order,
    contributed_value,
    find_loop,
    rolled_value,
)

values = st.floats(min_value=-1e12, max_value=1e12)
maybe_values = st.lists(st.none() | values, max_size=20)


def test_a_metric_key_result_contributes_its_current_value():
    assert contributed_value("increase", 42.5, False) == 42.5
    assert contributed_value("decrease", 3.0, True) == 3.0


def test_a_metric_key_result_without_a_value_contributes_nothing_known():
    assert contributed_value("increase", None, False) is None
    assert contributed_value("maintain", math.nan, False) is None


def test_a_milestone_contributes_one_when_done_and_zero_otherwise():
    assert contributed_value("milestone", None, True) == 1.0
    assert contributed_value("milestone", 7.0, False) == 0.0


def test_sum_adds_the_known_values():
    assert rolled_value("sum", [100.0, None, 250.0]) == 350.0


def test_average_is_over_the_known_values_only():
    assert rolled_value("average", [10.0, None, 20.0]) == 15.0


def test_no_known_value_rolls_up_to_nothing():
    assert rolled_value("sum", [None, None]) is None
    assert rolled_value("average", []) is None


def test_no_roll_up_gives_nothing():
    assert rolled_value("none", [1.0, 2.0]) is None


def test_huge_values_are_held_at_the_stored_limit():
    assert rolled_value("sum", [MAX_ABS_VALUE, MAX_ABS_VALUE]) == MAX_ABS_VALUE
    assert rolled_value("average", [MAX_ABS_VALUE, MAX_ABS_VALUE]) == MAX_ABS_VALUE


@given(maybe_values)
def test_sum_is_the_sum_of_the_known_values(items):
    known = [value for value in items if value is not None]
    rolled = rolled_value("sum", items)
    if not known:
        assert rolled is None
    else:
        assert rolled == pytest.approx(math.fsum(known), rel=1e-9, abs=1e-6)


@given(maybe_values)
def test_average_lies_between_the_smallest_and_largest_known_value(items):
    known = [value for value in items if value is not None]
    rolled = rolled_value("average", items)
    if not known:
        assert rolled is None
    else:
        assert rolled is not None
        assert min(known) - 1e-6 <= rolled <= max(known) + 1e-6


@given(st.lists(values, min_size=1, max_size=20), st.permutations(range(20)))
def test_the_order_of_contributors_does_not_change_a_sum(items, order):
    shuffled = [items[i] for i in order if i < len(items)]

    assert rolled_value("sum", shuffled) == pytest.approx(rolled_value("sum", items))


def test_find_loop_names_the_path_an_edge_would_close():
    # 1 supports 2 which supports 3: making 3 support 1 closes 3 -> 1 -> 2 -> 3.
    edges = {1: [2], 2: [3]}

    assert find_loop(edges, 1, 3) == [1, 2, 3]


def test_find_loop_finds_none_without_a_path():
    assert find_loop({1: [2], 3: [2]}, 1, 3) is None


def test_find_loop_follows_every_parent_of_a_node_with_several():
    edges = {1: [5, 2], 2: [3], 5: [6]}

    assert find_loop(edges, 1, 3) == [1, 2, 3]


def test_supporting_oneself_is_a_loop_of_one():
    assert find_loop({}, 4, 4) == [4]


def test_find_loop_ends_in_a_stored_loop_that_does_not_reach_the_target():
    assert find_loop({1: [2], 2: [1]}, 1, 9) is None


@st.composite
def forests(draw):
    """A random forest: each node's parent has a smaller number (so no loops)."""
    size = draw(st.integers(min_value=1, max_value=30))
    parent_of = {0: None}
    for node in range(1, size):
        parent_of[node] = draw(st.none() | st.integers(min_value=0, max_value=node - 1))
    return parent_of


@given(forests(), st.data())
def test_ancestors_come_once_each_after_all_their_descendants(parent_of, data):
    changed = data.draw(st.lists(st.sampled_from(sorted(parent_of)), max_size=5))

    order = ancestors_in_order(parent_of, changed)

    assert len(order) == len(set(order))
    expected = set()
    for node in changed:
        parent = parent_of[node]
        while parent is not None:
            expected.add(parent)
            parent = parent_of[parent]
    assert set(order) == expected
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        parent = parent_of[node]
        if parent is not None:
            assert position[node] < position[parent]


def test_ancestors_of_a_chain_come_bottom_up():
    parent_of = {1: 2, 2: 3, 3: 4, 4: 5, 5: None}

    assert ancestors_in_order(parent_of, [1]) == [2, 3, 4, 5]


def test_changed_nodes_can_be_included_in_their_place():
    parent_of = {1: 2, 2: 3, 3: None, 7: 3}

    assert ancestors_in_order(parent_of, [2, 7], include_changed=True) in ([2, 7, 3], [7, 2, 3])


def test_a_stored_loop_ends_the_walk():
    assert ancestors_in_order({1: 2, 2: 1}, [1]) == [2]
