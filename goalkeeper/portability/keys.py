"""Stable keys: every objective, key result and KPI of a document has one (docs/format.md).

A key a document gave is stored (`PortableKey`) and kept; an item that never had one takes
a key derived from its title, unique among its peers. Peers are taken in the order they
were created, so the same rows always get the same keys and two exports diff line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.text import slugify

KEY_LENGTH = 60


def slug_of(text: str) -> str:
    """The key a title suggests: lower case, words joined by hyphens."""
    return slugify(text)[:KEY_LENGTH].strip("-") or "item"


def unique_key(text: str, taken: set[str]) -> str:
    """A key for `text` that is not in `taken` (`grow-revenue`, then `grow-revenue-2`...)."""
    base = slug_of(text)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def assign_keys(rows: Iterable[tuple[int, str]], stored: Mapping[int, str]) -> dict[int, str]:
    """Keys for `rows` ((id, title) in creation order): the stored key, else a derived one."""
    rows = sorted(rows)
    keys = {pk: stored[pk] for pk, _ in rows if pk in stored}
    taken = set(keys.values())
    for pk, title in rows:
        if pk not in keys:
            keys[pk] = unique_key(title, taken)
            taken.add(keys[pk])
    return keys
