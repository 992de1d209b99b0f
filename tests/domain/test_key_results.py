import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.key_results import (
    KeyResultKind,
    KeyResultSpec,
    fraction,
    progress,
    score,
    validate_key_result,
)

INCREASE = KeyResultKind.INCREASE
DECREASE = KeyResultKind.DECREASE
MAINTAIN = KeyResultKind.MAINTAIN
MILESTONE = KeyResultKind.MILESTONE

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


# Progress and score by kind.


def test_increase_key_result_halfway_scores_half():
    spec = KeyResultSpec(INCREASE, start=10, target=30)

    assert progress(spec, 20) == 0.5
    assert score(spec, 20) == 0.5


def test_decrease_key_result_halfway_scores_half():
    spec = KeyResultSpec(DECREASE, start=100, target=50)

    assert progress(spec, 75) == 0.5
    assert score(spec, 75) == 0.5


def test_progress_beyond_the_target_stays_raw_but_the_score_stops_at_one():
    spec = KeyResultSpec(INCREASE, start=0, target=100)

    assert progress(spec, 130) == 1.3
    assert score(spec, 130) == 1.0


def test_progress_below_the_start_is_negative_but_the_score_stops_at_zero():
    spec = KeyResultSpec(DECREASE, start=100, target=50)

    assert progress(spec, 110) == -0.2
    assert score(spec, 110) == 0.0


def test_key_result_without_check_in_counts_from_its_start():
    spec = KeyResultSpec(INCREASE, start=10, target=30)

    assert progress(spec, None) == 0.0
    assert score(spec, None) == 0.0


@pytest.mark.parametrize(
    "spec",
    [
        KeyResultSpec(INCREASE, target=30),
        KeyResultSpec(DECREASE, start=30),
        KeyResultSpec(INCREASE, start=30, target=30),
        KeyResultSpec(INCREASE, start=math.nan, target=30),
        KeyResultSpec(MAINTAIN),
    ],
)
def test_incomplete_key_result_has_no_progress_and_scores_zero(spec):
    assert progress(spec, 20) is None
    assert score(spec, 20) == 0.0


@pytest.mark.parametrize("current", [90, 95, 100])
def test_maintain_key_result_inside_its_band_scores_one(current):
    spec = KeyResultSpec(MAINTAIN, low=90, high=100)

    assert progress(spec, current) == 1.0
    assert score(spec, current) == 1.0


@pytest.mark.parametrize("current", [89.9, 100.1])
def test_maintain_key_result_outside_its_band_scores_zero(current):
    assert score(KeyResultSpec(MAINTAIN, low=90, high=100), current) == 0.0


def test_maintain_key_result_with_one_bound_is_open_on_the_other_side():
    at_least = KeyResultSpec(MAINTAIN, low=99.5)
    at_most = KeyResultSpec(MAINTAIN, high=2)

    assert score(at_least, 1e9) == 1.0
    assert score(at_least, 99) == 0.0
    assert score(at_most, -1e9) == 1.0
    assert score(at_most, 3) == 0.0


def test_maintain_key_result_without_check_in_scores_zero():
    assert progress(KeyResultSpec(MAINTAIN, low=0, high=10), None) == 0.0


def test_milestone_scores_one_only_when_done():
    spec = KeyResultSpec(MILESTONE)

    assert score(spec, None, done=True) == 1.0
    assert score(spec, None, done=False) == 0.0
    assert progress(spec, None) == 0.0


# Zones.

ZONED = KeyResultSpec(INCREASE, start=0, target=100, commit=50, stretch=150)
ZONED_DECREASE = KeyResultSpec(DECREASE, start=100, target=40, commit=70, stretch=10)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (-10, 0.0),
        (0, 0.0),
        (25, 0.15),
        (50, 0.3),
        (75, 0.5),
        (100, 0.7),
        (125, 0.85),
        (150, 1.0),
        (300, 1.0),
    ],
)
def test_zones_score_commit_at_0_3_target_at_0_7_and_stretch_at_1(current, expected):
    assert score(ZONED, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("current", "expected"),
    [(110, 0.0), (100, 0.0), (70, 0.3), (55, 0.5), (40, 0.7), (25, 0.85), (10, 1.0), (0, 1.0)],
)
def test_zones_work_the_same_for_decrease_key_results(current, expected):
    assert score(ZONED_DECREASE, current) == pytest.approx(expected)


def test_zoned_key_result_without_check_in_scores_zero():
    assert score(ZONED, None) == 0.0


def test_zones_keep_the_raw_progress_against_the_target():
    assert progress(ZONED, 150) == 1.5


def test_misordered_zones_are_ignored_and_the_plain_score_is_used():
    spec = KeyResultSpec(INCREASE, start=0, target=100, commit=120, stretch=150)

    assert score(spec, 50) == 0.5


def test_zones_with_a_nan_are_ignored():
    spec = KeyResultSpec(INCREASE, start=0, target=100, commit=math.nan, stretch=150)

    assert score(spec, 50) == 0.5


def test_only_metric_key_results_with_commit_and_stretch_have_zones():
    assert ZONED.has_zones
    assert not KeyResultSpec(INCREASE, start=0, target=100, commit=50).has_zones
    assert not KeyResultSpec(MAINTAIN, low=0, commit=50, stretch=150).has_zones


def test_huge_values_do_not_overflow_into_nan():
    spec = KeyResultSpec(INCREASE, start=-1.7e308, target=1.7e308)

    assert progress(spec, 0) == 0.5
    assert fraction(1.7e308, -1.7e308, 1.7e308) == 1.0


def test_infinite_current_value_scores_one_on_increase():
    assert score(KeyResultSpec(INCREASE, start=0, target=1), math.inf) == 1.0


# Validation.


@pytest.mark.parametrize(
    "spec",
    [
        KeyResultSpec(INCREASE, start=0, target=10),
        KeyResultSpec(DECREASE, start=10, target=0, weight=2.5),
        ZONED,
        ZONED_DECREASE,
        KeyResultSpec(MAINTAIN, low=1, high=1),
        KeyResultSpec(MAINTAIN, high=5),
        KeyResultSpec(MILESTONE),
    ],
)
def test_valid_key_results_have_no_errors(spec):
    assert validate_key_result(spec) == []


@pytest.mark.parametrize("field", ["start", "target", "commit", "stretch", "weight"])
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_numbers_are_refused_once_on_their_field(field, bad):
    values = {"start": 0.0, "target": 100.0, "commit": 50.0, "stretch": 150.0, "weight": 1.0}
    values[field] = bad

    errors = validate_key_result(KeyResultSpec(INCREASE, **values))

    assert errors == [FieldError(field, "must be a finite number")]


@pytest.mark.parametrize("weight", [0, -1])
def test_weight_must_be_positive(weight):
    errors = validate_key_result(KeyResultSpec(INCREASE, start=0, target=1, weight=weight))

    assert errors == [FieldError("weight", "must be more than 0 and at most 1000")]


@pytest.mark.parametrize("kind", [INCREASE, DECREASE])
def test_metric_key_results_require_start_and_target(kind):
    errors = validate_key_result(KeyResultSpec(kind))

    assert errors == [
        FieldError("start", f"is required for {kind} key results"),
        FieldError("target", f"is required for {kind} key results"),
    ]


def test_target_equal_to_start_is_refused():
    errors = validate_key_result(KeyResultSpec(INCREASE, start=5, target=5))

    assert errors == [FieldError("target", "target must differ from start")]


def test_increase_key_result_must_aim_above_its_start():
    errors = validate_key_result(KeyResultSpec(INCREASE, start=10, target=5))

    assert errors == [FieldError("target", "target must be above start for increase key results")]


def test_decrease_key_result_must_aim_below_its_start():
    errors = validate_key_result(KeyResultSpec(DECREASE, start=5, target=10))

    assert errors == [FieldError("target", "target must be below start for decrease key results")]


def test_maintain_key_result_needs_a_bound():
    errors = validate_key_result(KeyResultSpec(MAINTAIN))

    assert errors == [FieldError("low", "low or high is required for maintain key results")]


def test_maintain_band_must_not_be_empty():
    errors = validate_key_result(KeyResultSpec(MAINTAIN, low=10, high=5))

    assert errors == [FieldError("low", "low must not exceed high")]


def test_commit_without_stretch_is_refused():
    spec = KeyResultSpec(INCREASE, start=0, target=100, commit=50)

    assert validate_key_result(spec) == [FieldError("stretch", "is required when commit is set")]


def test_stretch_without_commit_is_refused():
    spec = KeyResultSpec(INCREASE, start=0, target=100, stretch=150)

    assert validate_key_result(spec) == [FieldError("commit", "is required when stretch is set")]


@pytest.mark.parametrize(
    ("kind", "start", "target", "commit", "stretch", "expected"),
    [
        (INCREASE, 0, 100, 0, 150, [FieldError("commit", "commit must be above start")]),
        (INCREASE, 0, 100, 100, 150, [FieldError("commit", "commit must be below target")]),
        (INCREASE, 0, 100, 50, 100, [FieldError("stretch", "stretch must be above target")]),
        (DECREASE, 100, 40, 110, 10, [FieldError("commit", "commit must be below start")]),
        (DECREASE, 100, 40, 30, 10, [FieldError("commit", "commit must be above target")]),
        (DECREASE, 100, 40, 70, 50, [FieldError("stretch", "stretch must be below target")]),
        (
            INCREASE,
            0,
            100,
            200,
            50,
            [
                FieldError("commit", "commit must be below target"),
                FieldError("stretch", "stretch must be above target"),
            ],
        ),
    ],
)
def test_zones_must_be_ordered_in_the_key_result_direction(
    kind, start, target, commit, stretch, expected
):
    spec = KeyResultSpec(kind, start=start, target=target, commit=commit, stretch=stretch)

    assert validate_key_result(spec) == expected


def test_zone_order_is_not_judged_when_the_target_is_already_wrong():
    spec = KeyResultSpec(INCREASE, start=0, target=-100, commit=500, stretch=-500)

    assert [error.field for error in validate_key_result(spec)] == ["target"]


@pytest.mark.parametrize("field", ["commit", "stretch"])
@pytest.mark.parametrize("kind", [MAINTAIN, MILESTONE])
def test_zones_are_refused_where_they_make_no_sense(kind, field):
    values = {"low": 0.0} if kind is MAINTAIN else {}
    values[field] = 5.0

    errors = validate_key_result(KeyResultSpec(kind, **values))

    assert errors == [FieldError(field, f"does not apply to {kind} key results")]


@pytest.mark.parametrize("field", ["low", "high"])
@pytest.mark.parametrize("kind", [INCREASE, DECREASE, MILESTONE])
def test_band_bounds_are_refused_outside_maintain(kind, field):
    values = {"start": 0.0, "target": 1.0 if kind is INCREASE else -1.0, field: 5.0}

    errors = validate_key_result(KeyResultSpec(kind, **values))

    assert errors == [FieldError(field, f"does not apply to {kind} key results")]


def test_start_and_target_left_over_on_maintain_and_milestone_are_tolerated():
    assert validate_key_result(KeyResultSpec(MAINTAIN, start=1, target=2, low=0)) == []
    assert validate_key_result(KeyResultSpec(MILESTONE, start=1, target=2)) == []


# Properties.


@given(start=finite, target=finite, current=finite)
def test_progress_is_symmetric_when_start_target_and_current_are_mirrored(start, target, current):
    assume(start != target)
    upward = progress(KeyResultSpec(INCREASE, start=start, target=target), current)
    mirrored = progress(KeyResultSpec(DECREASE, start=-start, target=-target), -current)

    assert upward == mirrored


@given(
    kind=st.sampled_from(KeyResultKind),
    numbers=st.lists(st.none() | st.floats(), min_size=6, max_size=6),
    current=st.none() | st.floats(),
    done=st.booleans(),
)
def test_score_is_always_between_zero_and_one(kind, numbers, current, done):
    spec = KeyResultSpec(kind, *numbers)

    assert 0.0 <= score(spec, current, done) <= 1.0


@given(
    zones=st.lists(moderate, min_size=4, max_size=4, unique=True).map(sorted),
    currents=st.lists(moderate, min_size=2, max_size=2).map(sorted),
)
def test_zone_score_never_drops_as_an_increase_key_result_improves(zones, currents):
    start, commit, target, stretch = zones
    spec = KeyResultSpec(INCREASE, start=start, target=target, commit=commit, stretch=stretch)
    lower, higher = currents

    assert score(spec, lower) <= score(spec, higher)


@given(
    start=moderate,
    steps=st.lists(st.floats(min_value=1e-3, max_value=1e6), min_size=3, max_size=3),
    current=moderate,
)
def test_zone_score_is_the_same_for_mirrored_decrease_key_results(start, steps, current):
    commit, target, stretch = start + steps[0], start + sum(steps[:2]), start + sum(steps)
    assume(start < commit < target < stretch)
    up = KeyResultSpec(INCREASE, start=start, target=target, commit=commit, stretch=stretch)
    down = KeyResultSpec(DECREASE, start=-start, target=-target, commit=-commit, stretch=-stretch)

    assert validate_key_result(up) == validate_key_result(down) == []
    assert score(up, current) == score(down, -current)
