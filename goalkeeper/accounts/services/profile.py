"""A person's own profile: their name, and the language and theme of their login.

The name is the person's in their workspace (and the login's, so that a new workspace
greets them by it); language and theme belong to the login and follow the person into every
workspace. One call, one transaction, one audit entry in the workspace the change was made in.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Language, Person, Theme
from goalkeeper.audit.services import record, snapshot

PROFILE_FIELDS = ("name", "language", "theme")


def _checked(changes: dict[str, Any]) -> dict[str, str]:
    """The changes, trimmed, or a ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, value in changes.items():
        if field not in PROFILE_FIELDS:
            errors[field] = _("cannot be changed here")
            continue
        text = value.strip() if isinstance(value, str) else None
        if text is None:
            errors[field] = _("must be text")
        elif field == "name" and not text:
            errors[field] = _("must not be empty: say how colleagues should call you")
        elif field == "name" and len(text) > Person._meta.get_field("name").max_length:  # type: ignore[operator]
            errors[field] = _("is too long (150 characters at most)")
        elif field == "language" and text not in Language.values:
            errors[field] = _("%(value)r is not a language Goalkeeper speaks") % {"value": text}
        elif field == "theme" and text not in Theme.values:
            errors[field] = _("must be light, dark or system")
        else:
            clean[field] = text
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def update_profile(*, person: Person, **changes: Any) -> Person:
    """Change `person`'s own name, language or theme; the others stay as they are."""
    clean = _checked(changes)
    user = person.user
    before = {**snapshot(person, ["name"]), **snapshot(user, ["language", "theme"])}
    if "name" in clean:
        person.name = clean["name"]
        user.full_name = clean["name"]
    if "language" in clean:
        user.language = clean["language"]
    if "theme" in clean:
        user.theme = clean["theme"]
    after = {"name": person.name, "language": user.language, "theme": user.theme}
    changed = {f: [before[f], after[f]] for f in PROFILE_FIELDS if before[f] != after[f]}
    if not changed:
        return person
    person.full_clean()
    person.save(update_fields=["name"])
    user.save(update_fields=["full_name", "language", "theme"])
    record(
        workspace=person.workspace,
        actor=person,
        action="person.profile_changed",
        obj=person,
        changes=changed,
    )
    return person
