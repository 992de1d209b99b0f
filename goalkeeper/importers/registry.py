"""The importers, by name: each turns a foreign file into an open-format document.

An importer's `convert(data, filename, mapping)` reads the file's bytes and returns the
document (version 1, the shape `export_document` produces) and the warnings about what did
not map one to one. It refuses a file with a `DocumentError` whose problems name the file,
the row (as the line) and the column or field. Everything after that (matching the
workspace, the plan, one transaction through the services) is shared (docs/importers.md).
"""

from __future__ import annotations

from importlib import import_module

from goalkeeper.importers.vendors.base import Converted, Importer

# What an importer is and gives back: one definition, beside the vendors' converters
# that were written against it (`Converted`: the document, its warnings and the line of
# each item; `Importer`: name, label and `convert(data, filename, mapping)`).
__all__ = ["IMPORTERS", "MODULES", "Converted", "Importer", "load"]


# The modules that define importers, each exposing IMPORTER (or IMPORTERS, a tuple); a
# vendor module that is not there is skipped.
MODULES = (
    "goalkeeper.importers.generic",
    "goalkeeper.importers.vendors.viva_goals",
    "goalkeeper.importers.vendors.perdoo",
    "goalkeeper.importers.vendors.tability",
)


# Filled when the app is ready (`load`), not at import: an importer's module imports this
# one for `Importer`, so filling it here would find a half-imported module.
IMPORTERS: dict[str, Importer] = {}


def load() -> dict[str, Importer]:
    """Fill IMPORTERS from MODULES (once Django's apps are ready); returns it."""
    for name in MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        for importer in (*getattr(module, "IMPORTERS", ()), getattr(module, "IMPORTER", None)):
            if importer is not None:
                IMPORTERS[importer.name] = importer
    return IMPORTERS
