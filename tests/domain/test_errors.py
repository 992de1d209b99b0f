import math

import pytest

from goalkeeper.domain.errors import DomainValidationError, FieldError, check_finite


def test_validation_error_lists_every_field_in_its_message():
    error = DomainValidationError(
        [FieldError("target", "is required"), FieldError("weight", "must be greater than 0")]
    )

    assert str(error) == "target: is required; weight: must be greater than 0"
    assert error.errors == (
        FieldError("target", "is required"),
        FieldError("weight", "must be greater than 0"),
    )
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_check_finite_refuses_nan_and_infinities(value):
    assert check_finite("start", value) == [FieldError("start", "must be a finite number")]


@pytest.mark.parametrize("value", [None, 0.0, -3.5, 1e300])
def test_check_finite_accepts_numbers_and_missing_values(value):
    assert check_finite("start", value) == []
