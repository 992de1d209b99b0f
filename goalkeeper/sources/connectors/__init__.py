"""Connectors by kind. Importing this package registers every kind."""

from goalkeeper.sources.connectors import files, http_json, push, sql  # noqa: F401
from goalkeeper.sources.connectors.base import (
    REGISTRY,
    Connector,
    Context,
    Parameter,
    Row,
    SourceError,
    connector_class,
    is_pulled,
    kind_choices,
    kind_label,
    pulled_kinds,
)

__all__ = [
    "REGISTRY",
    "Connector",
    "Context",
    "Parameter",
    "Row",
    "SourceError",
    "connector_class",
    "is_pulled",
    "kind_choices",
    "kind_label",
    "pulled_kinds",
]
