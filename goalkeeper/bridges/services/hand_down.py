"""Hand down: a key result one level up becomes a KPI of a team below, owned by its lead
(docs/cascade.md, "Handing a key result down as a team's KPI").

It is a promotion into another team: the same plan (`promotion_plan`) and history
(`promotion_history`), the KPI owned by the chosen person or else the team's lead. The key
result then reads the KPI, so what the team does to move it (its recovery objectives, key
results driven by it) shows one level up.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Team
from goalkeeper.audit.services import record
from goalkeeper.bridges.services.promote import PromotionPlan, kpi_from_plan, promotion_plan
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import KeyResult


def team_lead(team: Team) -> Person | None:
    """The team's lead (the first, when it has several), active, or None."""
    return (
        Person.objects.filter(memberships__team=team, memberships__is_lead=True, is_active=True)
        .order_by("memberships__id")
        .first()
    )


def hand_down_plan(
    key_result: KeyResult, team: Team | None, owner: Person | None = None
) -> PromotionPlan:
    """The KPI `hand_down_key_result` would create for `team`; refuses with the field named
    (`key_result` as for a promotion, `team`, `owner`)."""
    plan = promotion_plan(key_result)
    if team is None:
        raise ValidationError({"team": gettext_noop("choose the team that takes the KPI")})
    if team.workspace_id != key_result.workspace_id:
        raise ValidationError({"team": gettext_noop("must belong to the same workspace")})
    if team.archived_at is not None:
        raise ValidationError({"team": f"{team.name} is archived"})
    if team.pk == key_result.objective.team_id:
        raise ValidationError(
            {"team": gettext_noop("this is the key result's own team: promote it to a KPI instead")}
        )
    if owner is None:
        owner = team_lead(team)
        if owner is None:
            raise ValidationError({"owner": f"{team.name} has no lead: choose who owns the KPI"})
    elif owner.workspace_id != key_result.workspace_id or not owner.is_active:
        raise ValidationError(
            {"owner": gettext_noop("must be an active person of the same workspace")}
        )
    return dataclasses.replace(plan, team=team, owner=owner)


@transaction.atomic
def hand_down_key_result(
    *,
    actor: Person | None,
    key_result: KeyResult,
    team: Team,
    owner: Person | None = None,
    frequency: str = Frequency.WEEKLY.value,
    aggregation: str = Aggregation.LAST.value,
) -> Kpi:
    """Make the key result a KPI of `team` (owned by `owner`, else the team's lead): target,
    unit, direction and history carried; the key result reads the KPI's latest value and
    the KPI names the key result as its origin. Audits `key_result.handed_down`."""
    plan = hand_down_plan(key_result, team, owner)
    objective = key_result.objective
    kpi = kpi_from_plan(
        actor=actor,
        key_result=key_result,
        plan=plan,
        description=(
            f"Handed down from the key result “{key_result.title}” of “{objective.title}” "
            f"({objective.team.name}, {objective.cycle.name})."
        ),
        frequency=frequency,
        aggregation=aggregation,
        source="hand down",
    )
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="key_result.handed_down",
        obj=kpi,
        changes={
            "key_result": [None, key_result.pk],
            "team": [None, team.pk],
            "owner": [None, plan.owner.pk if plan.owner else None],
            "check_ins_copied": [None, plan.check_ins],
        },
    )
    return kpi
