"""`?filter=` (RFC 7644 section 3.4.2.2) to a Django query, by scim2-filter-parser.

Only the attributes mapped here may be filtered on; any other attribute, or a filter that
does not parse, is refused with 400 invalidFilter rather than ignored (the parser's own
transpiler would drop an unknown attribute and so widen the answer).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Q
from scim2_filter_parser import ast as scim_ast  # type: ignore[import-untyped]
from scim2_filter_parser.lexer import SCIMLexer  # type: ignore[import-untyped]
from scim2_filter_parser.parser import SCIMParser  # type: ignore[import-untyped]
from scim2_filter_parser.transpilers.django_q_object import Transpiler  # type: ignore[import-untyped]

from goalkeeper.scim.errors import ScimError

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
MAX_FILTER_LENGTH = 1000

AttrMap = Mapping[tuple[str, str | None, str | None], str]


def _with_schema(schema: str, paths: dict[tuple[str, str | None], str]) -> AttrMap:
    """Each attribute by its short name and by its full name (`urn:...:User:userName`)."""
    mapped: dict[tuple[str, str | None, str | None], str] = {}
    for (attr, sub), field in paths.items():
        mapped[(attr.lower(), sub, None)] = field
        mapped[(attr.lower(), sub, schema.lower())] = field
    return mapped


USER_ATTRIBUTES = _with_schema(
    USER_SCHEMA,
    {
        ("userName", None): "user__email",
        ("emails", None): "user__email",
        ("emails", "value"): "user__email",
        ("externalId", None): "scim_external__external_id",
        ("displayName", None): "name",
        ("active", None): "is_active",
    },
)
# Pending invitations are listed as Users too (resources.pending_invitations_of annotates
# the two fields an invitation lacks).
INVITATION_ATTRIBUTES = _with_schema(
    USER_SCHEMA,
    {
        ("userName", None): "email",
        ("emails", None): "email",
        ("emails", "value"): "email",
        ("externalId", None): "scim_external_id",
        ("displayName", None): "name",
        ("active", None): "scim_active",
    },
)
BOOLEAN_FIELDS = frozenset({"is_active", "scim_active"})
GROUP_ATTRIBUTES = _with_schema(
    GROUP_SCHEMA,
    {
        ("displayName", None): "name",
        ("externalId", None): "scim_external__external_id",
    },
)


def _paths(node: Any) -> Iterator[Any]:
    """Every attribute path in a parsed filter."""
    if isinstance(node, scim_ast.AttrPath):
        yield node
    if isinstance(node, scim_ast.AST):
        for name in node._fields:
            yield from _paths(getattr(node, name))


def _invalid(reason: str) -> ScimError:
    return ScimError(400, f"filter: {reason}", "invalidFilter")


def _check_values(query: Q) -> None:
    """Refuse what the database would fail on: a boolean attribute compared with anything but
    true or false (`active eq "x"`, `active gt 1`)."""
    for child in query.children:
        if isinstance(child, Q):
            _check_values(child)
            continue
        lookup, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value)
        field_name, _sep, operator = lookup.rpartition("__")
        if field_name in BOOLEAN_FIELDS and not (
            (operator == "exact" and isinstance(value, bool)) or operator == "isnull"
        ):
            raise _invalid("active: compare it with eq true or eq false")


def to_query(expression: str, attributes: AttrMap) -> Q:
    """The Django condition for a SCIM filter on the attributes `attributes` maps."""
    if len(expression) > MAX_FILTER_LENGTH:
        raise _invalid(f"longer than {MAX_FILTER_LENGTH} characters")
    if "\x00" in expression:
        raise _invalid("must not contain NUL characters")
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(expression))
    except Exception as exc:  # the lexer and parser raise bare ValueError and their own errors
        raise _invalid(f"cannot parse {expression!r} ({exc})") from exc
    if tree is None:
        raise _invalid(f"cannot parse {expression!r}")
    for path in _paths(tree):
        if not isinstance(path.attr_name, str):
            raise _invalid("filters inside an attribute ([...]) are not supported")
        sub = path.sub_attr.value.lower() if path.sub_attr else None
        key = (path.attr_name.lower(), sub, path.uri.lower() if path.uri else None)
        if key not in attributes:
            name = path.attr_name + (f".{path.sub_attr.value}" if path.sub_attr else "")
            raise _invalid(f"cannot filter on {name!r}")
    try:
        query = Transpiler(attributes).transpile(tree)
    except Exception as exc:  # an operator the transpiler does not know
        raise _invalid(f"cannot apply {expression!r} ({exc})") from exc
    if not isinstance(query, Q):
        raise _invalid(f"cannot apply {expression!r}")
    _check_values(query)
    return query
