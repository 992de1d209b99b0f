"""The demo company's process change (docs/signals.md): Customer Support's weekly time to
first reply dropped when a new helpdesk tool arrived, and its lead set a new baseline for
the process limits a few weeks later; the weeks since show a run below the new centre.

Written through the KPI services (one KPI, one batch of values, two baselines), so the
limits, the stored signal, the audit trail and the inbox follow as they would in use.
"""

from __future__ import annotations

import datetime as dt
import random

from goalkeeper.accounts.models import Membership, Workspace
from goalkeeper.domain.instants import instant
from goalkeeper.domain.periods import Frequency, latest_complete_period
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi, record_measurements, set_baseline

TEAM = "Customer Support"
NAME = "Time to first reply"
WEEKS = 64
# Weeks before the latest complete one: the tool arrived `CHANGE` weeks ago; the new
# baseline covers the 12 weeks from two weeks after it; the last 8 weeks run lower still.
CHANGE = 23
NEW_BASELINE = (21, 10)
OLD_BASELINE = (59, 40)
RECENT = (3.35, 3.28, 3.4, 3.22, 3.3, 3.18, 3.25, 3.2)


def _series(rng: random.Random) -> list[float]:
    """Hours, oldest week first: about 6.2 before the tool, 3.6 after, 3.3 lately."""
    values = []
    for back in range(WEEKS - 1, -1, -1):
        if back < len(RECENT):
            values.append(RECENT[len(RECENT) - 1 - back])
        elif back > CHANGE:
            values.append(round(rng.gauss(6.2, 0.35), 2))
        elif back > CHANGE - 2:
            values.append((5.1, 4.3)[CHANGE - back])
        else:
            values.append(round(rng.gauss(3.6, 0.22), 2))
    return values


def write_process_change(workspace: Workspace, now: dt.datetime, counts: dict[str, int]) -> None:
    """Add the KPI with its history and baselines; `counts` gains what was written."""
    lead = (
        Membership.objects.filter(team__workspace=workspace, team__name=TEAM, is_lead=True)
        .select_related("person", "team")
        .first()
    )
    if lead is None:
        return
    clock = workspace.clock(now)
    latest = latest_complete_period(
        clock.local_now, Frequency.WEEKLY, clock.fiscal_year_start_month
    ).start

    def week(back: int) -> dt.datetime:
        """The start of the week `back` weeks before the latest complete one, in UTC."""
        return instant(latest - dt.timedelta(weeks=back))

    kpi: Kpi = create_kpi(
        actor=lead.person,
        team=lead.team,
        name=NAME,
        description=(
            "Median hours from a ticket's arrival to the first human reply, per week. "
            "A new helpdesk tool with auto-triage and reply templates arrived in week "
            f"{week(CHANGE):%V} of {week(CHANGE):%G}."
        ),
        owner=lead.person,
        unit="h",
        direction="lower_is_better",
        target=4.0,
        warning=5.0,
        frequency=Frequency.WEEKLY.value,
        aggregation="average",
        # Created as the history began, like the rest of the demo: a reload is the same.
        created_at=week(WEEKS) + dt.timedelta(days=3),
    )
    values = _series(random.Random(18))
    points = [
        (week(back), value) for back, value in zip(range(WEEKS - 1, -1, -1), values, strict=True)
    ]
    record_measurements(actor=lead.person, kpi=kpi, points=points, source="upload")
    for (first, last), note in (
        (OLD_BASELINE, "The weeks before the helpdesk change, for a fair comparison."),
        (
            NEW_BASELINE,
            "New helpdesk tool with auto-triage and reply templates: replies come much "
            "faster, so the limits are computed again from the 12 weeks after it settled.",
        ),
    ):
        set_baseline(
            actor=lead.person,
            kpi=kpi,
            first=week(first),
            last=week(last),
            note=note,
            now=week(last - 1) + dt.timedelta(days=1, hours=10),
        )
    counts["kpis"] = counts.get("kpis", 0) + 1
    counts["measurements"] = counts.get("measurements", 0) + len(points)
