"""Cycles, objectives, key results and check-ins (docs/model.md)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from goalkeeper.changes.stamps import Stamped
from goalkeeper.domain.errors import FieldError
from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec, validate_key_result
from goalkeeper.domain.limits import check_value
from goalkeeper.domain.phasing import validate_phases
from goalkeeper.okrs.facts import key_result_spec
from goalkeeper.okrs.phases import read_phases, stored_phases
from goalkeeper.validation import raise_field_errors


class CycleState(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Cycle(Stamped):
    """A named period, usually a quarter, in which objectives live."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="cycles"
    )
    name = models.CharField(max_length=60, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    state = models.CharField(max_length=10, choices=CycleState.choices, default=CycleState.PLANNING)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["workspace", "name"], name="cycle_name_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="cycle_ends_after_start",
            ),
        ]
        ordering: ClassVar = ["-start_date"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        """A closed cycle is locked: its objectives, key results and check-ins are final."""
        return self.state == CycleState.CLOSED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        name = self.name.strip()
        if not name:
            errors["name"] = gettext_noop("a cycle needs a name")
        elif (
            self.workspace_id is not None
            and Cycle.objects.filter(workspace_id=self.workspace_id, name__iexact=name)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["name"] = f"a cycle named {name!r} already exists"
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = gettext_noop("the cycle must end after it starts")
        if errors:
            raise ValidationError(errors)


class ObjectiveKind(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    ASPIRATIONAL = "aspirational", _("Aspirational")


class ObjectiveState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Objective(Stamped):
    """A qualitative goal for one cycle, measured by its key results."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="objectives")
    owner = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    # The primary alignment, the one the alignment tree places the objective under: a parent
    # objective, or one of its key results (`parent_key_result`, whose objective `parent` then
    # is). Further parents are `Alignment` rows (docs/cascade.md).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    parent_key_result = models.ForeignKey(
        "KeyResult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aligned_objectives",
    )
    # The objective of an earlier cycle this one continues ("carry over").
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    # Blank passes the field check so that `clean` says why, once ("needs a title").
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=12, choices=ObjectiveKind.choices, default=ObjectiveKind.COMMITTED
    )
    state = models.CharField(
        max_length=8, choices=ObjectiveState.choices, default=ObjectiveState.ACTIVE
    )
    roll_up_children = models.BooleanField(default=False)
    final_score = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    retrospective = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A draft submitted for review waits for this person to approve it or send it back.
    reviewer = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives_to_review",
    )
    review_requested_at = models.DateTimeField(null=True, blank=True)
    # The odds (0..1) that the final score meets the kind's success line, stored because a
    # simulation is too slow for a board (docs/signals.md, "Odds"); None without history.
    odds_success = models.FloatField(null=True, blank=True)
    odds_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["team__name", "id"]
        indexes: ClassVar = [models.Index(fields=["cycle", "team"], name="objective_cycle_team")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.title.strip():
            errors["title"] = gettext_noop("an objective needs a title")
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = gettext_noop("an objective cannot support itself")
            elif self.parent is not None and self.parent.workspace_id != self.workspace_id:
                errors["parent"] = gettext_noop("must belong to the same workspace")
            elif self.pk is not None and self._parent_chain_contains_self():
                errors["parent"] = gettext_noop("this alignment would make a loop")
        if self.parent_key_result_id is not None:
            key_result = self.parent_key_result
            if key_result is None or key_result.workspace_id != self.workspace_id:
                errors["parent_key_result"] = gettext_noop("must belong to the same workspace")
            elif self.pk is not None and key_result.objective_id == self.pk:
                errors["parent_key_result"] = gettext_noop(
                    "an objective cannot support its own key result"
                )
            elif key_result.objective_id != self.parent_id:
                errors["parent_key_result"] = gettext_noop(
                    "must be a key result of the parent objective"
                )
        if self.final_score is not None:
            if not math.isfinite(self.final_score):
                errors["final_score"] = gettext_noop("must be a finite number")
            elif not math.isclose(self.final_score * 10, round(self.final_score * 10)):
                # docs/scoring.md: a final score is shown, and so given, to one decimal.
                errors["final_score"] = gettext_noop("has one decimal at most: 0.0, 0.1 … 1.0")
        if self.team_id and self.team.workspace_id != self.workspace_id:
            errors["team"] = gettext_noop("must belong to the same workspace")
        if (
            self.owner_id
            and self.owner is not None
            and self.owner.workspace_id != self.workspace_id
        ):
            errors["owner"] = gettext_noop("must belong to the same workspace")
        if errors:
            raise ValidationError(errors)

    def _parent_chain_contains_self(self) -> bool:
        seen: set[int] = set()
        node = self.parent
        while node is not None and node.pk not in seen:
            if node.pk == self.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False


class Alignment(models.Model):
    """A further parent an objective contributes to, besides its primary one (`parent`):
    an objective, or one of that objective's key results. Possibly in another team."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="alignments")
    parent = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="supporters")
    key_result = models.ForeignKey(
        "KeyResult",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supporting_alignments",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["objective", "parent", "key_result"], name="alignment_unique"
            ),
            models.UniqueConstraint(
                fields=["objective", "parent"],
                condition=models.Q(key_result__isnull=True),
                name="alignment_objective_unique",
            ),
        ]
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.objective_id} -> {self.parent_id}/{self.key_result_id}"


class KpiLinkMode(models.TextChoices):
    LATEST = "latest", _("Latest value")
    CYCLE_AGGREGATE = "cycle_aggregate", _("Aggregate over the cycle")


class Rollup(models.TextChoices):
    """Where a key result's value comes from besides check-ins: its contributors."""

    NONE = "none", _("Check-ins")
    SUM = "sum", _("Sum of the contributors")
    AVERAGE = "average", _("Average of the contributors")


class KpiFormula(models.TextChoices):
    """How several KPIs make one key result's value (`KpiInput` rows, in position order)."""

    NONE = "", _("One KPI or none")
    SUM = "sum", _("Sum of the KPIs")
    AVERAGE = "average", _("Average of the KPIs")
    RATIO = "ratio", _("First KPI divided by the second")


# A key result's kind as the pages name it.
KIND_LABELS = {
    KeyResultKind.INCREASE: _("Increase"),
    KeyResultKind.DECREASE: _("Decrease"),
    KeyResultKind.MAINTAIN: _("Maintain"),
    KeyResultKind.MILESTONE: _("Milestone"),
}


class KeyResult(Stamped):
    """A measurable result of an objective. `current` mirrors the latest check-in."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    owner = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
    )
    title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(
        max_length=10,
        choices=[(kind.value, KIND_LABELS[kind]) for kind in KeyResultKind],
        default=KeyResultKind.INCREASE.value,
    )
    unit = models.CharField(max_length=30, blank=True)
    weight = models.FloatField(default=1.0)
    start = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    commit = models.FloatField(null=True, blank=True)
    stretch = models.FloatField(null=True, blank=True)
    # The values expected by given dates instead of a straight line (`okrs.phases`).
    phases = models.JSONField(default=list, blank=True)
    # Denormalised from the latest check-in so boards read one row per key result.
    current = models.FloatField(null=True, blank=True)
    done = models.BooleanField(default=False)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    kpi = models.ForeignKey(
        "kpis.Kpi", null=True, blank=True, on_delete=models.SET_NULL, related_name="key_results"
    )
    kpi_mode = models.CharField(
        max_length=16, choices=KpiLinkMode.choices, default=KpiLinkMode.LATEST
    )
    # Several KPIs make the value (`inputs`), combined by this formula; `kpi` is then empty.
    kpi_formula = models.CharField(
        max_length=8, choices=KpiFormula.choices, default=KpiFormula.NONE, blank=True
    )
    # The key result this one contributes to (possibly in another team), and how this one
    # takes its value from its own contributors (docs/cascade.md).
    contributes_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="contributors"
    )
    rollup = models.CharField(max_length=8, choices=Rollup.choices, default=Rollup.NONE)
    # The odds (0..1) of reaching the target and the success line at the cycle end, stored
    # by `okrs.services.odds` (docs/signals.md, "Odds"); None with too little history.
    odds_target = models.FloatField(null=True, blank=True)
    odds_success = models.FloatField(null=True, blank=True)
    odds_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "contributes_to"], name="kr_contributes_to"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rolls_up(self) -> bool:
        """Its value is its contributors' sum or average: no check-in or KPI sets it."""
        return self.rollup != Rollup.NONE

    @property
    def spec(self) -> KeyResultSpec:
        """The definition the domain scores and validates."""
        return key_result_spec(self)

    def clean(self) -> None:
        # Every problem at once, keyed by field: a form shows them all in one go.
        errors: dict[str, list[str]] = {}

        def refuse(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if not self.title.strip():
            refuse("title", "a key result needs a title")
        if self.kind not in KeyResultKind._value2member_map_:
            refuse("kind", f"must be one of {', '.join(k.value for k in KeyResultKind)}")
        else:
            for error in [*validate_key_result(self.spec), *check_value("current", self.current)]:
                refuse(error.field, error.message)
            for error in self._phase_errors():
                refuse(error.field, error.message)
        if (
            self.owner_id
            and self.owner is not None
            and self.owner.workspace_id != self.workspace_id
        ):
            refuse("owner", "must belong to the same workspace")
        if self.kpi_id and self.kpi is not None and self.kpi.workspace_id != self.workspace_id:
            refuse("kpi", "must belong to the same workspace")
        elif self.kpi_id and self.kind == KeyResultKind.MILESTONE:
            refuse("kpi", "a milestone is done or not done: a KPI's number cannot drive it")
        if self.contributes_to_id is not None:
            parent = self.contributes_to
            if self.pk is not None and self.contributes_to_id == self.pk:
                refuse("contributes_to", "a key result cannot contribute to itself")
            elif parent is None or parent.workspace_id != self.workspace_id:
                refuse("contributes_to", "must belong to the same workspace")
        if self.rollup not in Rollup.values:
            refuse("rollup", f"must be one of {', '.join(Rollup.values)}")
        elif self.rolls_up:
            if self.kind == KeyResultKind.MILESTONE:
                refuse("rollup", "a milestone is done or not done: it cannot add up values")
            if self.kpi_id or self.kpi_formula:
                refuse("rollup", "this key result reads a KPI: unlink it to roll values up")
        if self.kpi_formula not in KpiFormula.values:
            refuse("kpi_formula", f"must be one of {', '.join(v for v in KpiFormula.values if v)}")
        elif self.kpi_formula and self.kpi_id:
            refuse("kpi_formula", "a key result reads one KPI or a formula over several, not both")
        elif self.kpi_formula and self.kind == KeyResultKind.MILESTONE:
            refuse("kpi_formula", "a milestone is done or not done: KPIs cannot drive it")
        if errors:
            raise ValidationError(errors)

    def _phase_errors(self) -> list[FieldError]:
        """What is wrong with the phased targets; stores them in their column's form."""
        phases, errors = read_phases(self.phases)
        if errors or not phases:
            self.phases = [] if not errors else self.phases
            return errors
        if self.kind not in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
            return [FieldError("phases", "only an increase or decrease follows phased targets")]
        if self.start is None:
            return [FieldError("phases", "phased targets start from the start value: give one")]
        cycle = self.objective.cycle
        errors = validate_phases(cycle.start_date, cycle.end_date, phases)
        if not errors:
            self.phases = stored_phases(phases)
        return errors


class KpiInput(models.Model):
    """One of the KPIs whose values make a key result's value by its `kpi_formula`."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="inputs")
    kpi = models.ForeignKey("kpis.Kpi", on_delete=models.CASCADE, related_name="formula_inputs")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["key_result", "kpi"], name="kpi_input_unique"),
        ]
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.key_result_id} <- {self.kpi_id}"


class CheckIn(models.Model):
    """A progress report on a key result. Append-only history."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.FloatField(null=True, blank=True)
    done = models.BooleanField(default=False)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
    )
    automatic = models.BooleanField(default=False, help_text="Written from a linked KPI")
    # The model's odds of success when this check-in was recorded: a forecast that the
    # calibration at cycle close compares with what happened (docs/signals.md).
    odds_success = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["key_result", "created_at"], name="checkin_kr_at")
        ]

    def __str__(self) -> str:
        return f"{self.key_result_id} @ {self.created_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Check-ins are history: correcting one means writing a new one.
        if self.pk is not None:
            raise PermissionError("check-ins are append-only")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        raise_field_errors(check_value("value", self.value))
        if self.confidence is not None and not 0 <= self.confidence <= 10:
            raise ValidationError({"confidence": gettext_noop("must be between 0 and 10")})
