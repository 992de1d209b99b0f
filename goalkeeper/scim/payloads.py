"""What an identity provider sends, read into what Goalkeeper keeps (no writes here).

A whole User or Group (POST, PUT) or a PatchOp's operations (PATCH, RFC 7644 section
3.5.2) become a `UserState` or `GroupState`: the attributes as they are to be. Refusals
name the attribute (`errors.ScimError`). Booleans sent as strings ("False") are read too,
as some identity providers send them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from goalkeeper.accounts.models import Membership, Person, Team
from goalkeeper.scim.errors import ScimError, invalid_value
from goalkeeper.scim.filters import USER_SCHEMA
from goalkeeper.scim.models import ExternalPerson, ExternalTeam, ScimToken
from goalkeeper.scim.resources import PATCH_SCHEMA

_EMAILS_PATH = re.compile(r"^emails(\[[^\]]*\])?(\.value)?$")
_MEMBER_PATH = re.compile(r'^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.IGNORECASE)
# A person's or team's id as SCIM sends it: digits only (ASCII), few enough for a bigint.
ID_PATTERN = re.compile(r"[0-9]{1,18}")
# Members a request may name, all its operations together: a bound on the work and on the
# query parameters one request can cause.
MAX_MEMBERS = 1000


def _text(value: Any, attribute: str, limit: int = 150) -> str:
    if not isinstance(value, str):
        raise invalid_value(attribute, "must be a string")
    text = value.strip()
    if "\x00" in text:
        raise invalid_value(attribute, "must not contain NUL characters")
    if len(text) > limit:
        raise invalid_value(attribute, f"must be at most {limit} characters")
    return text


def _boolean(value: Any, attribute: str) -> bool:
    # Some identity providers send booleans as strings ("False").
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid_value(attribute, "must be true or false")


def _email(value: Any, attribute: str) -> str:
    email = _text(value, attribute, 254).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise invalid_value(attribute, f"{email!r} is not an email address") from exc
    return email


def _primary_email(emails: Any) -> str | None:
    if emails is None:
        return None
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise invalid_value("emails", "must be a list of {value, type, primary}")
    ordered = sorted(emails, key=lambda e: (not e.get("primary"), e.get("type") != "work"))
    for entry in ordered:
        if entry.get("value"):
            return _email(entry["value"], "emails.value")
    return None


def schemas_of(payload: dict[str, Any]) -> list[str] | None:
    """The request's `schemas` (None when it sends none): a list of strings, or refused."""
    found = payload.get("schemas")
    if found is None:
        return None
    if not isinstance(found, list) or not all(isinstance(s, str) for s in found):
        raise ScimError(400, "schemas: must be a list of schema URNs (strings)", "invalidSyntax")
    return found


def operations(payload: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """A PatchOp's operations as (op, lower-cased path, value)."""
    if PATCH_SCHEMA not in (schemas_of(payload) or [PATCH_SCHEMA]):
        raise ScimError(400, f"schemas: a PATCH must be a {PATCH_SCHEMA}", "invalidSyntax")
    found = payload.get("Operations", payload.get("operations"))
    if not isinstance(found, list) or not found:
        raise ScimError(400, "Operations: must be a list of operations", "invalidSyntax")
    result = []
    for operation in found:
        if not isinstance(operation, dict):
            raise ScimError(400, "Operations: each must be an object", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"op: {op!r} is not add, replace or remove", "invalidSyntax")
        path = operation.get("path") or ""
        if not isinstance(path, str):
            raise ScimError(400, "path: must be a string", "invalidPath")
        result.append((op, path.strip(), operation.get("value")))
    return result


# --- Users ----------------------------------------------------------------------------------


@dataclass
class UserState:
    """What SCIM may set of a person, before and after a request's changes."""

    email: str
    name: str
    title: str
    active: bool
    external_id: str | None
    given: str = ""
    family: str = ""
    touched: set[str] = field(default_factory=set)

    def final_name(self) -> str:
        if "name" in self.touched:
            return self.name
        if "parts" in self.touched:
            return f"{self.given} {self.family}".strip()
        return self.name


def _name_from(payload: dict[str, Any], email: str) -> str:
    given = payload.get("name")
    name: dict[str, Any] = given if isinstance(given, dict) else {}
    for candidate, attribute in (
        (payload.get("displayName"), "displayName"),
        (name.get("formatted"), "name.formatted"),
    ):
        if candidate:
            return _text(candidate, attribute)
    parts = [
        _text(name[key], f"name.{key}") for key in ("givenName", "familyName") if name.get(key)
    ]
    return " ".join(p for p in parts if p) or email.split("@")[0]


def user_state(payload: dict[str, Any], active: bool = True) -> UserState:
    """A whole User as sent by POST or PUT; `active` when the User does not say."""
    if not isinstance(payload, dict):
        raise ScimError(400, "body: must be a User object", "invalidSyntax")
    schemas_of(payload)
    user_name = payload.get("userName")
    if not user_name:
        raise invalid_value("userName", "is required")
    user_name = _text(user_name, "userName", 254)
    email = (
        _email(user_name, "userName") if "@" in user_name else _primary_email(payload.get("emails"))
    )
    if email is None:
        raise invalid_value("userName", "must be an email address, or emails must hold one")
    external_id = payload.get("externalId")
    return UserState(
        email=email,
        name=_name_from(payload, email),
        title=_text(payload.get("title") or "", "title"),
        active=_boolean(payload.get("active", active), "active"),
        external_id=_text(external_id, "externalId", 255) if external_id else None,
    )


def _current(person: Person) -> UserState:
    given, _space, family = person.name.partition(" ")
    external = ExternalPerson.objects.filter(person=person).first()
    return UserState(
        email=person.user.email,
        name=person.name,
        title=person.title,
        active=person.is_active,
        external_id=external.external_id if external else None,
        given=given,
        family=family,
    )


def _patch_user_attribute(state: UserState, op: str, path: str, value: Any) -> None:
    # A path may carry the core schema's URN before the attribute.
    lower = path.lower().removeprefix(USER_SCHEMA.lower() + ":")
    removing = op == "remove"
    if lower == "active":
        if removing:
            raise invalid_value("active", "cannot be removed")
        state.active = _boolean(value, "active")
    elif lower == "username" or _EMAILS_PATH.match(lower):
        if removing:
            raise invalid_value(path, "cannot be removed: it is the person's login")
        email = _primary_email(value) if lower == "emails" else _email(value, path)
        if email is not None:
            state.email = email
    elif lower in ("displayname", "name.formatted"):
        state.name = "" if removing else _text(value, path)
        state.touched.add("name")
    elif lower in ("name.givenname", "name.familyname"):
        part = "" if removing else _text(value, path)
        if lower == "name.givenname":
            state.given = part
        else:
            state.family = part
        state.touched.add("parts")
    elif lower == "name":
        if not isinstance(value, dict):
            raise invalid_value("name", "must be an object")
        for key, sub_value in value.items():
            _patch_user_attribute(state, op, f"name.{key}", sub_value)
    elif lower == "title":
        state.title = "" if removing else _text(value, "title")
    elif lower == "externalid":
        state.external_id = None if removing else _text(value, "externalId", 255)
    # Any other attribute (phone numbers, addresses, the enterprise extension...) is not
    # kept by Goalkeeper and is ignored, as docs/scim.md says.


def patched_user(person: Person, payload: dict[str, Any]) -> UserState:
    """The person after a PatchOp's operations."""
    state = _current(person)
    for op, path, value in operations(payload):
        if path:
            _patch_user_attribute(state, op, path, value)
        elif op == "remove":
            raise ScimError(400, "path: a remove needs a path", "noTarget")
        elif isinstance(value, dict):
            for key, sub_value in value.items():
                _patch_user_attribute(state, op, key, sub_value)
        else:
            raise invalid_value("value", "must be an object when there is no path")
    return state


# --- Groups ---------------------------------------------------------------------------------


@dataclass
class GroupState:
    """What SCIM may set of a team."""

    name: str
    external_id: str | None
    members: set[int] | None  # person ids; None when the request leaves them as they are


class _Budget:
    """How many more members the request may name (`MAX_MEMBERS` in all)."""

    def __init__(self) -> None:
        self.left = MAX_MEMBERS

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise ScimError(
                400, f"members: at most {MAX_MEMBERS} members in one request", "tooMany"
            )


def _member_ids(token: ScimToken, value: Any, budget: _Budget | None = None) -> set[int]:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise invalid_value("members", "must be a list of {value}")
    (budget or _Budget()).spend(len(value))
    ids: set[int] = set()
    for member in value:
        raw = member.get("value")
        text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
        if not ID_PATTERN.fullmatch(text):
            shown = text if text else repr(raw)[:40]
            raise invalid_value("members", f"no person {shown!r} in this workspace")
        ids.add(int(text))
    if not ids:
        return ids
    found = set(
        Person.objects.filter(workspace=token.workspace, pk__in=ids).values_list("pk", flat=True)
    )
    missing = sorted(ids - found)
    if missing:
        raise invalid_value("members", f"no person {str(missing[0])!r} in this workspace")
    return ids


def group_state(token: ScimToken, payload: dict[str, Any]) -> GroupState:
    """A whole Group as sent by POST or PUT."""
    if not isinstance(payload, dict):
        raise ScimError(400, "body: must be a Group object", "invalidSyntax")
    schemas_of(payload)
    name = _text(payload.get("displayName") or "", "displayName", 120)
    if not name:
        raise invalid_value("displayName", "is required")
    external_id = payload.get("externalId")
    return GroupState(
        name=name,
        external_id=_text(external_id, "externalId", 255) if external_id else None,
        members=_member_ids(token, payload.get("members"), _Budget()),
    )


def patched_group(token: ScimToken, team: Team, payload: dict[str, Any]) -> GroupState:
    """The team after a PatchOp's operations."""
    external = ExternalTeam.objects.filter(team=team).first()
    current = set(Membership.objects.filter(team=team).values_list("person_id", flat=True))
    state = GroupState(
        name=team.name, external_id=external.external_id if external else None, members=None
    )

    budget = _Budget()

    def members() -> set[int]:
        if state.members is None:
            state.members = set(current)
        return state.members

    for op, path, value in operations(payload):
        lower = path.lower()
        if not path and op != "remove" and isinstance(value, dict):
            for key, sub_value in value.items():
                if key.lower() == "displayname":
                    state.name = _text(sub_value, "displayName", 120)
                elif key.lower() == "externalid":
                    state.external_id = _text(sub_value, "externalId", 255)
                elif key.lower() == "members":
                    ids = _member_ids(token, sub_value, budget)
                    state.members = ids if op == "replace" else members() | ids
        elif lower == "displayname":
            if op == "remove":
                raise invalid_value("displayName", "cannot be removed")
            state.name = _text(value, "displayName", 120)
        elif lower == "externalid":
            state.external_id = None if op == "remove" else _text(value, "externalId", 255)
        elif lower == "members":
            ids = _member_ids(token, value, budget)
            if op == "add":
                state.members = members() | ids
            elif op == "replace":
                state.members = ids
            else:  # remove: the listed members, or all of them when none is listed
                state.members = members() - ids if value else set()
        elif match := _MEMBER_PATH.match(path):
            if op != "remove":
                raise ScimError(400, f"path: {path!r} can only be removed", "invalidPath")
            state.members = members() - _member_ids(token, [{"value": match.group(1)}], budget)
        elif not path:
            raise ScimError(400, "path: this operation needs a path", "noTarget")
        else:
            raise ScimError(400, f"path: Goalkeeper keeps no {path!r} of a group", "invalidPath")
    if not state.name:
        raise invalid_value("displayName", "is required")
    return state
