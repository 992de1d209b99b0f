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
    # The year as written, as the document's pattern says; in UTC it may be a year off
    # (`1900-01-01T00:30+01:00`), which any datetime still expresses.
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}")
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}") from exc


def _day_in_range(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}")
    return value


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


def whole_number(value: Any) -> Any:
    """`5.0` is the integer 5, as in JSON Schema (a number with no fraction is an integer)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


# In paths and query strings everything arrives as text, so ids there are parsed (Id).
# In bodies, JSON types are taken as they are: `1` is no boolean and `"5"` no id (Ref).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Ref = Annotated[int, Strict(), Field(ge=1, le=MAX_ID), BeforeValidator(whole_number)]
Flag = Annotated[bool, Strict()]
Int = Annotated[int, Strict(), BeforeValidator(whole_number)]
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
# MIN_YEAR to MAX_YEAR, stated as the start of the text (JSON Schema has no bounds for
# strings); change both together.
YEAR_PATTERN = r"^(19\d\d|2\d\d\d)-"
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    AfterValidator(_in_range),
    Field(json_schema_extra={"pattern": YEAR_PATTERN}),
]
# Dates are bounded by a validator, not by `ge`/`le`: JSON Schema has no bounds for
# strings, and the document must stay valid JSON Schema.
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_text),
    AfterValidator(_day_in_range),
    Field(
        description=f"a date between the years {MIN_YEAR} and {MAX_YEAR}",
        json_schema_extra={"pattern": YEAR_PATTERN},
    ),
]


_STORABLE = AfterValidator(_storable)
# No NUL character, stated in the document as a pattern (ECMA-262, as JSON Schema reads it).
_NO_NUL = Field(json_schema_extra={"pattern": "^[^\\u0000]*$"})
# Text fields, each bounded like the column it lands in and storable by every database.
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), _STORABLE, _NO_NUL]
Note = Annotated[str, StringConstraints(max_length=10_000), _STORABLE, _NO_NUL]
Unit = Annotated[str, StringConstraints(max_length=30), _STORABLE, _NO_NUL]
CycleName = Annotated[str, StringConstraints(min_length=1, max_length=60), _STORABLE, _NO_NUL]
KpiName = Annotated[str, StringConstraints(min_length=1, max_length=160), _STORABLE, _NO_NUL]
TeamName = Annotated[str, StringConstraints(min_length=1, max_length=120), _STORABLE, _NO_NUL]
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=150), _STORABLE, _NO_NUL]
JobTitle = Annotated[str, StringConstraints(max_length=150), _STORABLE, _NO_NUL]
Email = Annotated[str, StringConstraints(min_length=3, max_length=254), _STORABLE, _NO_NUL]
Url = Annotated[str, StringConstraints(min_length=1, max_length=500), _STORABLE, _NO_NUL]
Label = Annotated[str, StringConstraints(max_length=200), _STORABLE, _NO_NUL]
ChannelName = Annotated[str, StringConstraints(min_length=1, max_length=100), _STORABLE, _NO_NUL]
# Chat platforms' webhook URLs (Teams workflow URLs carry a long signature) are longer.
WebhookUrl = Annotated[str, StringConstraints(min_length=1, max_length=2000), _STORABLE, _NO_NUL]


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


MAX_CURSOR = 1000
# Words of a `q` search: a sentence, never a document.
MAX_QUERY = 200
SORT_HELP = (
    "the order: a field name, ascending, or with a leading `-`, descending; ties go by id "
    "(the default order is `id`, ascending)"
)


def _comma_separated(value: Any) -> Any:
    """`state=active,draft` (or the parameter repeated): one list of values."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        return value
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


# A filter taking several values, any of which matches: `?state=active,draft`.
AnyOf = Annotated[
    list[T] | None,
    BeforeValidator(_comma_separated),
    Field(description="one value, or several separated by commas (any of them matches)"),
]


class PageParams(Schema):
    """`?limit=&cursor=`: at most 500 items per page; `next` in the answer names the next."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per page (1-500)")
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR,
        description="where the page starts: the `cursor` of the previous page's `next` link",
    )
    offset: int = Field(
        0,
        ge=0,
        le=MAX_OFFSET,
        description="deprecated (use `cursor`; removed in the next version): items to skip",
    )


class SyncParams(PageParams):
    """Paging, plus the items changed since an instant (for incremental sync)."""

    updated_since: Instant | None = Field(
        None, description="only items created or changed at or after this instant (included)"
    )


class Page(Schema):
    """A page of a list: the matching items in all, and the link to the next page."""

    count: int = Field(description="the items matching the filters, on every page together")
    next: str | None = Field(
        None, description="the URL of the next page (also in the `Link` header); null on the last"
    )
