"""Types and schemas shared by every router: ids, text, numbers, instants, errors, pages.

Inputs refuse unknown fields and non-finite numbers, so a typo or a NaN is a field error
(422), never a silent default or a 500. Constraints live in the types so that the OpenAPI
document states them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    StringConstraints,
)
from pydantic.json_schema import SkipJsonSchema

from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.limits import MAX_ABS_VALUE, MAX_WEIGHT, check_value, check_weight

# Primary keys are 64-bit on every database; a larger number can never name a row and
# would overflow the driver instead of giving a 404.
MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Measurement timestamps outside these years are refused: period arithmetic (quarters,
# years, time zones) must stay inside what a datetime can express.
MIN_YEAR = 1900
MAX_YEAR = 2999


def _storable(value: str) -> str:
    """Refuse text a database cannot store: NUL characters and lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def _in_range(value: dt.datetime) -> dt.datetime:
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}") from exc
    if not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}")
    return utc


def _within(check: Callable[[str, float | None], list[FieldError]]) -> Callable[[float], float]:
    """A validator refusing what the domain's `check` refuses, with the domain's message."""

    def validate(value: float) -> float:
        for error in check("value", value):
            raise ValueError(error.message)
        return value

    return validate


def _value_within(value: float) -> float:
    """`_within(check_value)` with a shortcut: a number well inside the limits needs one
    comparison (a batch of values runs this thousands of times)."""
    if -MAX_ABS_VALUE < value < MAX_ABS_VALUE:
        return value
    return _check_value(value)


_check_value = _within(check_value)


def _iso_text(value: Any) -> Any:
    # JSON has no date type: a date or an instant is an ISO 8601 string, never a number.
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or _looks_numeric(value):
        raise ValueError("must be an ISO 8601 string")
    return value


def _looks_numeric(value: str) -> bool:
    # pydantic would read "1700000000" or "0.5" as a unix timestamp. No number has a colon,
    # which spares instants (nearly every text here) a failed float().
    if ":" in value:
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


# In paths and query strings everything arrives as text, so ids there are parsed (Id).
# In bodies, JSON types are taken as they are: `1` is no boolean and `"5"` no id (Ref).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Ref = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Flag = Annotated[bool, Strict()]
Int = Annotated[int, Strict()]
# Values and targets, and weights: bounded by the domain's limits (docs/scoring.md, "Limits"),
# refused with the domain's own message and stated as bounds in the OpenAPI document.
Number = Annotated[
    float,
    Strict(),
    Field(
        allow_inf_nan=False,
        json_schema_extra={"minimum": -MAX_ABS_VALUE, "maximum": MAX_ABS_VALUE},
    ),
    AfterValidator(_value_within),
]
Weight = Annotated[
    float,
    Strict(),
    Field(allow_inf_nan=False, json_schema_extra={"exclusiveMinimum": 0, "maximum": MAX_WEIGHT}),
    AfterValidator(_within(check_weight)),
]
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_range)]
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_text),
    Field(ge=dt.date(MIN_YEAR, 1, 1), le=dt.date(MAX_YEAR, 12, 31)),
]


_STORABLE = AfterValidator(_storable)
# Text fields, each bounded like the column it lands in and storable by every database.
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), _STORABLE]
Note = Annotated[str, StringConstraints(max_length=10_000), _STORABLE]
Unit = Annotated[str, StringConstraints(max_length=30), _STORABLE]
CycleName = Annotated[str, StringConstraints(min_length=1, max_length=60), _STORABLE]
KpiName = Annotated[str, StringConstraints(min_length=1, max_length=160), _STORABLE]
TeamName = Annotated[str, StringConstraints(min_length=1, max_length=120), _STORABLE]
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=150), _STORABLE]
JobTitle = Annotated[str, StringConstraints(max_length=150), _STORABLE]
Email = Annotated[str, StringConstraints(min_length=3, max_length=254), _STORABLE]
Url = Annotated[str, StringConstraints(min_length=1, max_length=500), _STORABLE]
Label = Annotated[str, StringConstraints(max_length=200), _STORABLE]
ChannelName = Annotated[str, StringConstraints(min_length=1, max_length=100), _STORABLE]
# Chat platforms' webhook URLs (Teams workflow URLs carry a long signature) are longer.
WebhookUrl = Annotated[str, StringConstraints(min_length=1, max_length=2000), _STORABLE]


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be null: leave the field out to keep it as it is")
    return value


T = TypeVar("T")
# A field of a PATCH body that may be left out but, when given, must not be null. The
# document shows the field's own type (no null); leaving it out keeps the stored value.
Patch = Annotated[T | SkipJsonSchema[None], BeforeValidator(_not_null)]


class Input(BaseModel):
    """Base of request bodies: unknown fields and NaN/Infinity are refused.

    A plain pydantic model rather than ninja's Schema: bodies are plain JSON, so they need
    none of Schema's ORM-attribute reading (which would also validate each body twice).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class FieldErrorOut(Schema):
    """One problem with one input field; `field` is null for a problem with the whole input."""

    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error: a sentence, and the fields at fault when the input was refused."""

    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


class PageParams(Schema):
    """`?limit=&offset=`: at most 500 items per page."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page (1-500)")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")
