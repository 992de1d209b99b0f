import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.domain.objectives import WeightedScore, objective_progress

scores = st.floats(min_value=0, max_value=1)
weights = st.floats(min_value=1e-3, max_value=1e3)
weighted = st.lists(st.builds(WeightedScore, weight=weights, score=scores), min_size=1)


def test_objective_progress_is_the_weighted_mean_of_key_result_scores():
    key_results = [WeightedScore(1, 1.0), WeightedScore(3, 0.2)]

    assert objective_progress(key_results) == pytest.approx(0.4)


def test_objective_without_key_results_has_no_progress():
    assert objective_progress([]) is None


def test_objective_whose_weights_sum_to_zero_has_no_progress():
    assert objective_progress([WeightedScore(0, 0.5)]) is None


def test_rolled_up_children_count_as_key_results_of_weight_one():
    progress = objective_progress(
        [WeightedScore(2, 0.0)], children=[1.0, 0.5], roll_up_children=True
    )

    assert progress == pytest.approx(1.5 / 4)


def test_children_without_progress_are_skipped_when_rolled_up():
    progress = objective_progress([WeightedScore(1, 0.2)], children=[None], roll_up_children=True)

    assert progress == pytest.approx(0.2)


def test_children_are_ignored_unless_rolled_up():
    assert objective_progress([WeightedScore(1, 0.2)], children=[1.0]) == pytest.approx(0.2)


def test_objective_with_only_rolled_up_children_takes_their_mean():
    assert objective_progress([], children=[0.2, 0.4], roll_up_children=True) == pytest.approx(0.3)


def test_objective_with_only_children_without_progress_has_none():
    assert objective_progress([], children=[None], roll_up_children=True) is None


def test_equal_scores_average_to_exactly_that_score():
    # Naively, (0.3 + 0.3 + 0.3) / 3 is 0.30000000000000004.
    assert objective_progress([WeightedScore(1, 0.3)] * 3) == 0.3


@given(key_results=weighted, factor=st.floats(min_value=1e-3, max_value=1e3))
def test_objective_progress_does_not_change_when_all_weights_scale(key_results, factor):
    scaled = [WeightedScore(item.weight * factor, item.score) for item in key_results]

    assert objective_progress(scaled) == pytest.approx(objective_progress(key_results), abs=1e-12)


@given(key_results=weighted, children=st.lists(st.none() | scores), roll_up=st.booleans())
def test_objective_progress_lies_between_the_lowest_and_highest_score(
    key_results, children, roll_up
):
    items = [item.score for item in key_results]
    if roll_up:
        items += [child for child in children if child is not None]

    progress = objective_progress(key_results, children, roll_up)

    assert progress is not None
    assert min(items) <= progress <= max(items)
