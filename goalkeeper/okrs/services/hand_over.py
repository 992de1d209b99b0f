"""Hand-over: a person leaves, and what they own in the OKRs goes to someone else.

Called by `goalkeeper.okrs.receivers` when accounts deactivates a person (accounts imports
no app above it: it sends `person_deactivating`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import entry as audit_entry
from goalkeeper.audit.services import record_many
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import KeyResult, Objective


@transaction.atomic
def reassign_owner(*, actor: Person | None, person: Person, new_owner: Person | None) -> int:
    """Give every objective and key result `person` owns to `new_owner`, each with its audit
    entry (`objective.owner_changed`, `key_result.owner_changed`) and its `.updated` event;
    closed cycles included, since a deactivated owner can no longer answer for them.
    Returns how many were handed over."""
    new_owner_id = new_owner.pk if new_owner is not None else None
    objectives = list(
        Objective.objects.select_for_update()
        .filter(workspace_id=person.workspace_id, owner=person)
        .order_by("id")
    )
    key_results = list(
        KeyResult.objects.select_for_update()
        .filter(workspace_id=person.workspace_id, owner=person)
        .order_by("id")
    )
    handed: list[tuple[Objective | KeyResult, str]] = [
        *((objective, "objective") for objective in objectives),
        *((key_result, "key_result") for key_result in key_results),
    ]
    record_many(
        audit_entry(
            workspace=person.workspace,
            actor=actor,
            action=f"{kind}.owner_changed",
            obj=obj,
            changes={"owner": [person.pk, new_owner_id]},
        )
        for obj, kind in handed
    )
    now = timezone.now()
    Objective.objects.filter(pk__in=[o.pk for o in objectives]).update(
        owner=new_owner, updated_at=now
    )
    KeyResult.objects.filter(pk__in=[kr.pk for kr in key_results]).update(
        owner=new_owner, updated_at=now
    )
    for objective in objectives:
        objective.owner_id = new_owner_id
        okr_events.objective_event("objective.updated", objective)
    for key_result in key_results:
        key_result.owner_id = new_owner_id
        okr_events.key_result_event("key_result.updated", key_result)
    return len(handed)
