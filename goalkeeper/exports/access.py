"""How a caller reaches an export: their own only; anyone else's is missing (404)."""

from __future__ import annotations

from django.http import Http404

from goalkeeper.accounts.models import Person
from goalkeeper.exports.models import Export


def access_export_by_id(person: Person, export_id: int) -> Export:
    export = Export.objects.filter(
        pk=export_id, workspace_id=person.workspace_id, person=person
    ).first()
    if export is None:
        raise Http404("no such export")
    return export
