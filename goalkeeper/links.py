"""URLs of many rows at once, without resolving a route per row.

A page of a hundred objectives would otherwise reverse the same routes hundreds of times,
which shows in the time a page takes to render (docs/okrs.md#speed).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# An id no row has, reversed once and replaced by each row's id.
_MARKER = 2147483647


def url_maker(name: str) -> Callable[[int], str]:
    """`url_maker("objective_detail")(5) == reverse("objective_detail", args=[5])`, for
    routes whose one argument is an integer id."""
    head, tail = reverse(name, args=[_MARKER]).split(str(_MARKER), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"
