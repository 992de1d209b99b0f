"""Every object a caller reaches goes through one of these helpers.

One condition a line, so coverage shows each permission branch is tested. An object of
another workspace is reported as missing (404), never as forbidden: that would leak that it
exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from goalkeeper.accounts.models import Invitation, Person, Team, User
from goalkeeper.api.models import ApiToken
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Cycle, KeyResult, Objective
from goalkeeper.sources.models import DataSource, SyncRun
from goalkeeper.webhooks.models import Subscription


def require_editor(person: Person) -> None:
    """Editors and admins write objectives, key results and KPIs."""
    if not person.can_edit:
        raise PermissionDenied("viewers have read-only access")


def require_admin(person: Person) -> None:
    """Admins manage people, teams, cycles and settings."""
    if not person.is_admin:
        raise PermissionDenied("only an admin can do this")


def access_cycle_by_id(person: Person, cycle_id: int) -> Cycle:
    cycle = Cycle.objects.filter(pk=cycle_id, workspace_id=person.workspace_id).first()
    if cycle is None:
        raise Http404("no such cycle")
    return cycle


def access_team_by_id(person: Person, team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id, workspace_id=person.workspace_id).first()
    if team is None:
        raise Http404("no such team")
    return team


def access_objective_by_id(
    person: Person, objective_id: int, *, for_write: bool = False
) -> Objective:
    objective = (
        Objective.objects.select_related("cycle", "team", "owner")
        .filter(pk=objective_id, workspace_id=person.workspace_id)
        .first()
    )
    if objective is None:
        raise Http404("no such objective")
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
        raise Http404("no such key result")
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


def access_kpi_by_id(person: Person, kpi_id: int, *, for_write: bool = False) -> Kpi:
    kpi = (
        Kpi.objects.select_related("team", "owner")
        .filter(pk=kpi_id, workspace_id=person.workspace_id)
        .first()
    )
    if kpi is None:
        raise Http404("no such KPI")
    if for_write:
        require_editor(person)
    return kpi


def access_person_by_id(person: Person, person_id: int, *, for_write: bool = False) -> Person:
    """A person of the caller's workspace; only admins change people."""
    found = (
        Person.objects.select_related("user", "workspace")
        .filter(pk=person_id, workspace_id=person.workspace_id)
        .first()
    )
    if found is None:
        raise Http404("no such person")
    if for_write:
        require_admin(person)
    return found


def access_team_for_admin(person: Person, team_id: int) -> Team:
    """A team of the caller's workspace, to rename, move or archive: admins only."""
    team = access_team_by_id(person, team_id)
    require_admin(person)
    return team


def access_invitation_by_id(person: Person, invitation_id: int) -> Invitation:
    """An invitation of the caller's workspace: only admins see or revoke invitations."""
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(pk=invitation_id, workspace_id=person.workspace_id)
        .first()
    )
    if invitation is None:
        raise Http404("no such invitation")
    require_admin(person)
    return invitation


def access_workspace_of_user(user: User, workspace_id: int) -> Person:
    """The user's active person in a workspace they belong to (to switch to it)."""
    person = (
        Person.objects.select_related("workspace")
        .filter(user_id=user.pk, workspace_id=workspace_id, is_active=True)
        .first()
    )
    if person is None:
        raise Http404("no such workspace")
    return person


def access_api_token_by_id(person: Person, token_id: int) -> ApiToken:
    """A person reaches their own tokens only; anyone else's is missing."""
    token = ApiToken.objects.filter(pk=token_id, person=person).first()
    if token is None:
        raise Http404("no such token")
    return token


def access_subscription_by_id(person: Person, subscription_id: int) -> Subscription:
    """Webhook subscriptions are an admin's business; other workspaces' are missing."""
    subscription = Subscription.objects.filter(
        pk=subscription_id, workspace_id=person.workspace_id
    ).first()
    if subscription is None:
        raise Http404("no such webhook")
    require_admin(person)
    return subscription


def access_kpi_for_source(person: Person, kpi_id: int, *, for_write: bool = False) -> Kpi:
    """A KPI whose data source the caller reads (any member) or configures (admins only:
    sources hold credentials to the company's systems)."""
    kpi = access_kpi_by_id(person, kpi_id)
    if for_write:
        require_admin(person)
    return kpi


def access_source_by_kpi_id(person: Person, kpi_id: int, *, for_write: bool = False) -> DataSource:
    """The data source of a KPI of the caller's workspace; Http404 when it has none."""
    source = (
        DataSource.objects.select_related("kpi__team", "kpi__owner", "kpi__workspace")
        .filter(kpi_id=kpi_id, workspace_id=person.workspace_id)
        .first()
    )
    if source is None:
        raise Http404("this KPI has no data source")
    if for_write:
        require_admin(person)
    return source


def access_sync_run_by_id(person: Person, run_id: int) -> SyncRun:
    """A sync run of the caller's workspace (its progress is readable by any member)."""
    run = (
        SyncRun.objects.select_related("source__kpi")
        .filter(pk=run_id, workspace_id=person.workspace_id)
        .first()
    )
    if run is None:
        raise Http404("no such sync run")
    return run
