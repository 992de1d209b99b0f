"""Using a template: its objective as the writer's first draft, its KPIs as a team's.

Nothing here writes past the owning apps' services: an objective is saved by the objective
writer (`goalkeeper.okrs.services.write_objective`), each KPI by `create_kpi`, so every
write has its audit entry and events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Team
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi
from goalkeeper.library.catalog import Template

KEY_RESULT_FIELDS = ("title", "kind", "unit", "start", "target", "commit", "stretch", "low", "high")
KPI_FIELDS = ("description", "unit", "direction", "frequency", "aggregation")
KPI_NUMBERS = ("target", "warning", "low", "high")
# The most KPIs one request creates: more than any template suggests.
MAX_KPIS = 30


def _plain(value: Any) -> Any:
    """A number as a form shows it: 20, not 20.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def objective_draft(template: Template, index: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The objective at `index` of `template` as the objective writer's first draft: its
    fields (title, kind, description) and its key results' fields, one dict each."""
    if not 0 <= index < len(template.objectives):
        raise ValidationError({"objective": f"the template has no objective {index + 1}"})
    item = template.objectives[index]
    fields = {
        "title": item["title"],
        "kind": item.get("kind", "committed"),
        "description": item.get("description", ""),
    }
    key_results = []
    for key_result in item.get("key_results", []):
        draft = {name: _plain(key_result[name]) for name in KEY_RESULT_FIELDS if name in key_result}
        draft.setdefault("kind", "increase")
        draft["weight"] = _plain(key_result.get("weight", 1))
        key_results.append(draft)
    return fields, key_results


@dataclass(frozen=True)
class KpiChoice:
    """A suggested KPI chosen to be created: its index in the template, and what the person
    changed (a name, the owner, the target and thresholds)."""

    index: int
    name: str = ""
    owner: Person | None = None
    numbers: dict[str, float | None] | None = None


def kpi_fields(template: Template, choice: KpiChoice) -> dict[str, Any]:
    """The fields of the KPI `choice` makes of the template's suggestion."""
    item = template.kpis[choice.index]
    fields: dict[str, Any] = {name: item[name] for name in KPI_FIELDS if name in item}
    for name in KPI_NUMBERS:
        fields[name] = item.get(name)
    if choice.numbers is not None:
        fields.update(choice.numbers)
    fields["name"] = (choice.name or item["name"]).strip()
    fields["owner"] = choice.owner
    return fields


@transaction.atomic
def create_kpis_from_template(
    *, actor: Person | None, template: Template, team: Team, choices: Sequence[KpiChoice]
) -> list[Kpi]:
    """Create the chosen KPIs of `template` for `team`, all or none. A refusal names the
    field as `kpis.<index>.<field>`, the index being the KPI's place in the template."""
    if not choices:
        raise ValidationError({"kpis": gettext_noop("choose at least one KPI")})
    if len(choices) > MAX_KPIS:
        raise ValidationError({"kpis": f"at most {MAX_KPIS} KPIs at once"})
    if team.archived_at is not None:
        raise ValidationError({"team": gettext_noop("the team is archived")})
    created = []
    for choice in choices:
        if not 0 <= choice.index < len(template.kpis):
            raise ValidationError({"kpis": f"the template has no KPI {choice.index + 1}"})
        if choice.owner is not None and choice.owner.workspace_id != team.workspace_id:
            raise ValidationError(
                {f"kpis.{choice.index}.owner": gettext_noop("not a person of this workspace")}
            )
        fields = kpi_fields(template, choice)
        try:
            created.append(create_kpi(actor=actor, team=team, **fields))
        except ValidationError as error:
            raise ValidationError(
                {
                    f"kpis.{choice.index}.{name}": messages
                    for name, messages in error.message_dict.items()
                }
            ) from error
    return created
