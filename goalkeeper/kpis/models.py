"""KPIs and their measurements (docs/model.md)."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.changes.stamps import Stamped
from goalkeeper.domain.kpis import Direction, KpiSpec, validate_kpi
from goalkeeper.domain.limits import check_value
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.validation import raise_field_errors


def _choices(enum: type[Direction] | type[Frequency] | type[Aggregation]) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ").capitalize()) for member in enum]


class Kpi(Stamped):
    """An always-on health number with a target, an owner and a frequency."""

    # The stored figures follow the clock as well as the values (a period ends): they are
    # derived, and a refresh alone is no change of the KPI. A new value is (it moves
    # `last_measurement_at`).
    STAMP_IGNORED: ClassVar[frozenset[str]] = frozenset(
        {
            "figures_at",
            "health",
            "period_value",
            "previous_value",
            "change",
            "health_turns_at",
            "next_health",
            "next_change",
            "stale_from",
            "signal",
            "signal_side",
            "next_signal",
            "next_signal_side",
        }
    )

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="kpis")
    owner = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(
        max_length=16, choices=_choices(Direction), default=Direction.HIGHER_IS_BETTER.value
    )
    target = models.FloatField(null=True, blank=True)
    warning = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    frequency = models.CharField(
        max_length=10, choices=_choices(Frequency), default=Frequency.MONTHLY.value
    )
    aggregation = models.CharField(
        max_length=8, choices=_choices(Aggregation), default=Aggregation.LAST.value
    )
    data_source = models.CharField(
        max_length=200, blank=True, help_text="Where the values come from"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    # The key result this KPI was promoted from or handed down from (docs/cascade.md); that
    # key result reads its value from this KPI.
    origin_key_result = models.ForeignKey(
        "okrs.KeyResult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="origin_of_kpis",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Denormalised from the newest measurement so boards need no scan of the series.
    last_measurement_at = models.DateTimeField(null=True, blank=True)
    # How the latest batch arrived ("manual", "upload", "api"...), set with the batch.
    last_source = models.CharField(max_length=20, blank=True)
    # Stored figures (docs/kpis.md, "Stored figures"): written by the kpis services with
    # every write that moves them, computed only by `goalkeeper.kpis.figures`, so boards
    # sort, filter and count every KPI in SQL. What time alone changes is read with the
    # clock: `stale_from` (the instant the KPI turns stale without a new value) and
    # `health_turns_at` (the end of the current period, from which `next_health` and
    # `next_change` hold).
    figures_at = models.DateTimeField(null=True, blank=True)
    health = models.CharField(max_length=8, blank=True)
    period_value = models.FloatField(null=True, blank=True)
    previous_value = models.FloatField(null=True, blank=True)
    change = models.FloatField(null=True, blank=True)
    health_turns_at = models.DateTimeField(null=True, blank=True)
    next_health = models.CharField(max_length=8, blank=True)
    next_change = models.FloatField(null=True, blank=True)
    stale_from = models.DateTimeField(null=True, blank=True)
    # The latest complete period's process signal (docs/signals.md): a rule of
    # `goalkeeper.domain.process_limits.Rule` or "", and its side ("upper", "lower" or "");
    # `next_signal` holds from `health_turns_at` on, like `next_health`. Computed only by
    # `goalkeeper.kpis.limits`.
    signal = models.CharField(max_length=16, blank=True, default="")
    signal_side = models.CharField(max_length=8, blank=True, default="")
    next_signal = models.CharField(max_length=16, blank=True, default="")
    next_signal_side = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["team__name", "name"]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "team"], name="kpi_ws_team"),
            # Covers the board's health counts: they read the stored figures alone.
            models.Index(
                fields=[
                    "workspace",
                    "archived_at",
                    "figures_at",
                    "stale_from",
                    "health_turns_at",
                    "health",
                    "next_health",
                ],
                name="kpi_ws_figures",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def spec(self) -> KpiSpec:
        return KpiSpec(
            direction=Direction(self.direction),
            target=self.target,
            warning=self.warning,
            low=self.low,
            high=self.high,
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.name.strip():
            errors["name"] = gettext_noop("a KPI needs a name")
        if self.direction not in Direction._value2member_map_:
            errors["direction"] = f"must be one of {', '.join(d.value for d in Direction)}"
        if self.frequency not in Frequency._value2member_map_:
            errors["frequency"] = f"must be one of {', '.join(f.value for f in Frequency)}"
        if self.aggregation not in Aggregation._value2member_map_:
            errors["aggregation"] = f"must be one of {', '.join(a.value for a in Aggregation)}"
        if errors:
            raise ValidationError(errors)
        raise_field_errors(validate_kpi(self.spec))
        if self.team_id and self.team.workspace_id != self.workspace_id:
            raise ValidationError({"team": gettext_noop("must belong to the same workspace")})
        if (
            self.owner_id
            and self.owner is not None
            and self.owner.workspace_id != self.workspace_id
        ):
            raise ValidationError({"owner": gettext_noop("must belong to the same workspace")})


class KpiBaseline(models.Model):
    """A baseline set for a KPI's process limits after a process change (docs/signals.md).

    Kept in history: the newest one is used, earlier ones are listed with who set them,
    when and why. `first` and `last` are the starts of the first and last period of the
    range (either may be empty: from the first period, or up to the latest one).
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="baselines")
    first = models.DateTimeField(null=True, blank=True)
    last = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["kpi", "-created_at", "-id"], name="kpi_baseline_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.first} - {self.last}"


class Measurement(models.Model):
    """One value of a KPI at a timestamp. A KPI may hold millions of them."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    timestamp = models.DateTimeField()
    value = models.FloatField()
    # For the changes feed (docs/api.md, "Incremental sync"). The database fills them for
    # the bulk writers that name only the kpi, the instant and the value.
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        constraints: ClassVar = [
            # One value per KPI and instant; its index also serves every time-range read.
            models.UniqueConstraint(fields=["kpi", "timestamp"], name="measurement_kpi_timestamp"),
        ]
        indexes: ClassVar = [
            # The changes feed walks values by their latest change.
            models.Index(fields=["updated_at", "id"], name="measurement_updated_at"),
        ]
        ordering: ClassVar = ["timestamp"]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.timestamp.isoformat()} = {self.value}"

    def clean(self) -> None:
        raise_field_errors(check_value("value", self.value))


class RecoveryLink(models.Model):
    """A recovery objective created from a red KPI ("bring X back to target").

    Kept in this app rather than on the objective, so the OKR tables do not depend on KPIs;
    an objective that is not closed is an open recovery.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="recoveries")
    objective = models.ForeignKey(
        "okrs.Objective", on_delete=models.CASCADE, related_name="recovered_kpis"
    )
    created_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kpi", "objective"], name="recovery_kpi_objective"),
        ]
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kpi_id} -> {self.objective_id}"


class StagedUpload(models.Model):
    """A parsed, valid file waiting for its "Write N values" confirmation.

    The preview step stores what it parsed here, under an unguessable token, so that the
    confirmation writes exactly what was shown and the file is never parsed twice. Rows
    older than an hour are purged.
    """

    token = models.UUIDField(unique=True)
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    # [[ISO 8601 timestamp with offset, value], ...] in file order.
    points = models.JSONField(default=list)
    # The lines that could not be read, [{"line": 4, "column": "value", "reason": "..."}]:
    # written only when the person chooses to skip them.
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.filename or 'upload'} for {self.kpi_id}"
