"""The one small interface every connector implements, and the registry of kinds.

A connector knows how to reach one kind of place (a database, a file, an HTTP endpoint)
and turns what it finds into rows of (timestamp, value). It never writes anything: the
sync service validates the rows and stores them in one transaction.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext_noop
from django_stubs_ext import StrOrPromise

from goalkeeper.kpis.imports import DateFormat as DateFormat
from goalkeeper.kpis.imports import parse_value, parse_when

# Rows "Test connection" shows; a connector may stop reading once it has them.
PREVIEW_ROWS = 10


class SourceError(Exception):
    """A pull that failed, with a message a person can act on.

    `row` is the 1-based position of the offending row in what the source returned (a
    file's line number counts its header), so the message can say which row and why.
    """

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row is not None else self.message


@dataclass(frozen=True)
class Parameter:
    """One setting of a connector, as the form and the API show it.

    A `secret` parameter is stored encrypted and never shown back in full.
    """

    name: str
    label: StrOrPromise
    help: StrOrPromise = ""
    secret: bool = False
    required: bool = True
    multiline: bool = False
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    default: str = ""
    placeholder: str = ""


@dataclass(frozen=True)
class Row:
    """One value a source returned: where it was (`line`), when, and how much."""

    line: int
    timestamp: dt.datetime
    value: float


@dataclass(frozen=True)
class Context:
    """What a connector needs besides its settings: a time bound and the workspace's zone
    (naive timestamps are read as the workspace's wall clock)."""

    timeout: float
    zone: dt.tzinfo


class Connector(ABC):
    """A kind of data source. Subclasses declare their parameters and implement fetch."""

    kind: ClassVar[str]
    label: ClassVar[StrOrPromise]
    description: ClassVar[StrOrPromise] = ""
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    # False for sources that are not pulled (push): they have no schedule and no "Sync now".
    pulled: ClassVar[bool] = True

    def __init__(
        self, settings: Mapping[str, str], secrets: Mapping[str, str], context: Context
    ) -> None:
        self.settings = dict(settings)
        self.secrets = dict(secrets)
        self.context = context

    def value(self, name: str) -> str:
        """A parameter's value, secret or not, stripped; the default when it is blank."""
        spec = self.parameter(name)
        raw = (self.secrets if spec.secret else self.settings).get(name, "")
        return (raw or "").strip() or spec.default

    @classmethod
    def parameter(cls, name: str) -> Parameter:
        for spec in cls.parameters:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @classmethod
    def secret_names(cls) -> frozenset[str]:
        return frozenset(p.name for p in cls.parameters if p.secret)

    @classmethod
    def prepare(
        cls, settings: dict[str, str], secrets: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Tidy parameters as a person typed them before they are saved (for example, move
        a password pasted inside a URL into the secret field). The default keeps them."""
        return settings, secrets

    def check(self) -> dict[str, str]:
        """Field errors in the configuration, before anything is contacted.

        The base checks required parameters; subclasses add their own rules (and should
        call this first).
        """
        errors: dict[str, str] = {}
        for spec in self.parameters:
            if spec.required and not self.value(spec.name):
                errors[spec.name] = gettext_noop("this field is required")
            elif spec.choices and self.value(spec.name) not in {c for c, _ in spec.choices}:
                errors[spec.name] = "must be one of " + ", ".join(c for c, _ in spec.choices)
        return errors

    @abstractmethod
    def fetch(self, since: dt.datetime | None) -> Iterable[Row]:
        """Every row the source holds from `since` on (all of them when None).

        Raises SourceError when the source is down, times out, or a row is malformed.
        """

    def preview(self) -> list[Row]:
        """The first rows, for "Test connection": reads, never writes."""
        rows: list[Row] = []
        for row in self.fetch(None):
            rows.append(row)
            if len(rows) >= PREVIEW_ROWS:
                break
        return rows

    def describe(self) -> str:
        """One line saying where the values come from, with no secret in it."""
        return str(self.label)


REGISTRY: dict[str, type[Connector]] = {}


def register(cls: type[Connector]) -> type[Connector]:
    """Class decorator: make a connector available by its kind."""
    REGISTRY[cls.kind] = cls
    return cls


def connector_class(kind: str) -> type[Connector]:
    """The connector for `kind`; KeyError when there is none."""
    return REGISTRY[kind]


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(cls.label)) for kind, cls in REGISTRY.items()]


def kind_label(kind: str) -> str:
    """A kind as people read it ("CSV file"); the raw kind when no connector has it."""
    cls = REGISTRY.get(kind)
    return str(cls.label) if cls is not None else kind


def is_pulled(kind: str) -> bool:
    """Whether sources of `kind` are pulled on a schedule (a push source is not)."""
    cls = REGISTRY.get(kind)
    return cls is not None and cls.pulled


def pulled_kinds() -> list[str]:
    return [kind for kind, cls in REGISTRY.items() if cls.pulled]


# --- Turning raw cells into rows, with the row named when they are wrong ---------------------


_UNQUOTED_WHEN = "not a date and time in the chosen format (the answer is not shown)"
_UNQUOTED_VALUE = "not a number that can be stored (the answer is not shown)"


def make_row(
    line: int,
    when: object,
    amount: object,
    zone: dt.tzinfo,
    date_format: DateFormat = DateFormat.ISO,
    *,
    echo: bool = True,
) -> Row:
    """A row from raw cells; SourceError naming the row when either cell is unusable.

    With `echo` False (cells that came from a server over the network) the message says
    what is wrong without quoting the cell: a URL may point at a service that was never
    meant to be read, and its answer must not come back through an error message.
    """
    try:
        timestamp = parse_when(when, date_format, zone)
    except ValueError as error:
        shown = str(error) if echo else _UNQUOTED_WHEN
        raise SourceError(f"timestamp: {shown}", row=line) from None
    try:
        value = parse_value(amount)
    except ValueError as error:
        shown = str(error) if echo else _UNQUOTED_VALUE
        raise SourceError(f"value: {shown}", row=line) from None
    return Row(line=line, timestamp=timestamp, value=value)
