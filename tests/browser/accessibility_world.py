"""The ids the accessibility tests visit, read from the demo company (and the few things the
demo does not have, added through the services).

Run inside the served instance's environment (`goalkeeper shell`), so it sees the demo's
database; prints one JSON object, name -> id or token.
"""

from __future__ import annotations

import json

from goalkeeper.accounts.models import Role
from goalkeeper.accounts.services import invite_person
from goalkeeper.api.services import create_token
from goalkeeper.channels.models import Kind
from goalkeeper.channels.services import create_channel
from goalkeeper.dashboards.models import Dashboard
from goalkeeper.dashboards.services import create_share_link
from goalkeeper.demo.services import ADMIN_EMAIL, demo_workspace
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, KeyResultKind, Objective, Rollup
from goalkeeper.sources.models import DataSource
from goalkeeper.webhooks.models import EVENTS
from goalkeeper.webhooks.services import create_subscription


def ids() -> dict[str, int | str]:
    """One of each object the pages are about; the richest where there is a choice."""
    workspace = demo_workspace()
    assert workspace is not None, "load the demo first"
    admin = workspace.people.get(user__email=ADMIN_EMAIL)
    cycle = Cycle.objects.get(workspace=workspace, state=CycleState.ACTIVE)
    objectives = Objective.objects.filter(workspace=workspace, cycle=cycle)
    # The company's first objective: key results, children, check-ins and comments.
    objective = objectives.filter(team__parent__isnull=True).order_by("id").first()
    assert objective is not None
    key_result = KeyResult.objects.filter(objective=objective).order_by("position", "id").first()
    assert key_result is not None
    # A key result checked in with a number (not a milestone, not added up from others).
    measured = (
        KeyResult.objects.filter(
            objective__workspace=workspace,
            objective__cycle=cycle,
            kind=KeyResultKind.INCREASE,
            kpi__isnull=True,
            kpi_formula="",
            rollup=Rollup.NONE,
        )
        .order_by("objective_id", "position", "id")
        .first()
    )
    assert measured is not None
    kpi = Kpi.objects.filter(workspace=workspace, source__isnull=True).order_by("id").first()
    source = DataSource.objects.filter(workspace=workspace).order_by("id").first()
    dashboard = Dashboard.objects.filter(workspace=workspace).order_by("id").first()
    assert kpi is not None
    assert source is not None
    assert dashboard is not None
    team = workspace.teams.filter(parent__isnull=False).order_by("id").first()
    person = workspace.people.exclude(pk=admin.pk).order_by("id").first()
    assert team is not None
    assert person is not None
    # A closed cycle's key result: editing it is refused (the 403 page).
    closed = (
        KeyResult.objects.filter(
            objective__workspace=workspace, objective__cycle__state=CycleState.CLOSED
        )
        .order_by("id")
        .first()
    )
    assert closed is not None
    channel = create_channel(
        actor=None,
        workspace=workspace,
        kind=Kind.SLACK,
        name="#leadership",
        url="https://hooks.slack.com/services/T000/B000/XXXX",
    )
    webhook = create_subscription(
        actor=None,
        workspace=workspace,
        url="https://hooks.example.com/goalkeeper",
        events=list(EVENTS)[:2],
        description="Data warehouse",
    )
    _, invitation_token = invite_person(
        actor=admin, workspace=workspace, email="new.hire@northwind.example", role=Role.EDITOR
    )
    create_token(actor=admin, person=admin, name="Reporting script", read_only=True)
    _, share_token = create_share_link(actor=admin, dashboard=dashboard, days=30)
    return {
        "cycle": cycle.pk,
        "objective": objective.pk,
        "key_result": key_result.pk,
        "measured_key_result": measured.pk,
        "measured_objective": measured.objective_id,
        "kpi": kpi.pk,
        "source_kpi": source.kpi_id,
        "dashboard": dashboard.pk,
        "team": team.pk,
        "person": person.pk,
        "channel": channel.pk,
        "webhook": webhook.pk,
        "share_token": share_token,
        "invitation_token": invitation_token,
        "closed_key_result": closed.pk,
    }


if __name__ == "__main__":
    print(json.dumps(ids()))
