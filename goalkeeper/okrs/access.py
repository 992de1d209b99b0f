"""How a caller reaches cycles, objectives and key results (and the KPI a key result reads).

One condition a line, as in `goalkeeper.accounts.access`: an object of another workspace is
reported as missing (404), never as forbidden.
"""

from __future__ import annotations

from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_admin, require_editor
from goalkeeper.accounts.models import Person
from goalkeeper.okrs.kpi_links import find_kpi
from goalkeeper.okrs.models import Cycle, KeyResult, Objective


def access_cycle_by_id(person: Person, cycle_id: int) -> Cycle:
    cycle = Cycle.objects.filter(pk=cycle_id, workspace_id=person.workspace_id).first()
    if cycle is None:
        raise Http404(_("no such cycle"))
    return cycle


def access_objective_by_id(
    person: Person, objective_id: int, *, for_write: bool = False
) -> Objective:
    objective = (
        Objective.objects.select_related("cycle", "team", "owner", "reviewer")
        .filter(pk=objective_id, workspace_id=person.workspace_id)
        .first()
    )
    if objective is None:
        raise Http404(_("no such objective"))
    if for_write:
        require_editor(person)
    return objective


def access_key_result_by_id(
    person: Person, key_result_id: int, *, for_write: bool = False
) -> KeyResult:
    key_result = (
        KeyResult.objects.select_related("objective", "objective__cycle", "owner", "kpi")
        .filter(pk=key_result_id, workspace_id=person.workspace_id)
        .first()
    )
    if key_result is None:
        raise Http404(_("no such key result"))
    if for_write:
        require_editor(person)
    return key_result


def access_key_result_for_check_in(person: Person, key_result_id: int) -> KeyResult:
    """Editors check in on any key result; anyone checks in on the ones they own."""
    key_result = access_key_result_by_id(person, key_result_id)
    if key_result.owner_id == person.pk:
        return key_result
    require_editor(person)
    return key_result


def access_key_result_for_my_check_in(person: Person, key_result_id: int) -> KeyResult:
    """What "check in on everything" lists is the person's: the key results they own, and
    those without an owner on objectives they own. Editors check in on any key result."""
    key_result = access_key_result_by_id(person, key_result_id)
    if key_result.owner_id == person.pk:
        return key_result
    if key_result.owner_id is None and key_result.objective.owner_id == person.pk:
        return key_result
    require_editor(person)
    return key_result


def access_objective_for_review_request(person: Person, objective_id: int) -> Objective:
    """Its owner, or an editor, submits a draft objective for review."""
    objective = access_objective_by_id(person, objective_id)
    if objective.owner_id == person.pk:
        return objective
    require_editor(person)
    return objective


def access_objective_for_review(person: Person, objective_id: int) -> Objective:
    """The reviewer asked approves a draft or sends it back; an admin may stand in."""
    objective = access_objective_by_id(person, objective_id)
    if objective.reviewer_id is not None and objective.reviewer_id == person.pk:
        return objective
    require_admin(person)
    return objective


def access_kpi_by_id(person: Person, kpi_id: int) -> Model:
    """A KPI of the caller's workspace, for a key result to read (found through the bridges:
    see `goalkeeper.okrs.kpi_links`)."""
    kpi = find_kpi(person.workspace_id, kpi_id)
    if kpi is None:
        raise Http404(_("no such KPI"))
    return kpi
