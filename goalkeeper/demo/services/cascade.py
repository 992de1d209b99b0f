"""The demo's cascade: the company's "Reach €600k MRR" split among three salespeople.

The seeds' sales example (docs/cascade.md, "Splitting a target"): a company key result is
apportioned to each salesperson, whose check-ins add up on it. Written through the services,
as a user would split and check in, so the rows, audit entries and roll-ups are the real ones.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.demo.okrs import datetime_at
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from goalkeeper.okrs.services import (
    Share,
    create_key_result,
    record_check_in,
    set_alignments,
    split_target,
)

MRR_TITLE = "Reach €600k MRR"
MRR_START = 450_000.0
MRR_TARGET = 600_000.0
# Each salesperson's part of the target, and where they stand in the weeks since the start:
# a fraction of the way from their start to their target per check-in.
AMOUNTS = (250_000.0, 200_000.0, 150_000.0)
PROGRESS = ((0.15, 0.3, 0.45, 0.6), (0.1, 0.2, 0.3), (0.05, 0.1, 0.2, 0.25))
CONFIDENCE = (8, 6, 4)
MAX_KEY_RESULTS = 5


def _objectives_with_room(cycle: Cycle, team: Team) -> list[Objective]:
    """The team's objectives of the cycle that can take one more key result, emptiest first."""
    return list(
        Objective.objects.filter(cycle=cycle, team=team)
        .annotate(n=Count("key_results"))
        .filter(n__lt=MAX_KEY_RESULTS)
        .select_related("cycle", "team", "owner", "parent", "parent_key_result")
        .order_by("n", "id")
    )


def write_cascade(workspace: Workspace, cycle: Cycle, now: dt.datetime) -> tuple[int, int]:
    """Split the company's MRR key result among three salespeople, with check-ins every
    other week up to `now`; returns (key results, check-ins) written, the roll-up's
    included. Nothing when the company has no sales team of three besides its lead."""
    sales = Team.objects.filter(workspace=workspace, name="Sales").first()
    company = Team.objects.filter(workspace=workspace, parent__isnull=True).first()
    if sales is None or company is None:
        return 0, 0
    members = list(
        Membership.objects.filter(team=sales, person__is_active=True)
        .select_related("person")
        .order_by("-is_lead", "person__name", "person_id")
    )
    lead = members[0].person if members and members[0].is_lead else None
    sellers: list[Person] = [m.person for m in members if not m.is_lead][: len(AMOUNTS)]
    homes = _objectives_with_room(cycle, sales)[: len(AMOUNTS)]
    # The company objective already about revenue, when one has room, else the emptiest.
    parents = sorted(
        _objectives_with_room(cycle, company),
        key=lambda o: not o.key_results.filter(title__icontains="revenue").exists(),
    )
    if lead is None or len(sellers) < len(AMOUNTS) or len(homes) < len(AMOUNTS) or not parents:
        return 0, 0
    mrr = create_key_result(
        actor=lead,
        objective=parents[0],
        title=MRR_TITLE,
        kind="increase",
        unit="€",
        owner=lead,
        start=MRR_START,
        target=MRR_TARGET,
    )
    made = split_target(
        actor=lead,
        key_result=mrr,
        method="amounts",
        shares=[
            Share(person=seller, amount=amount, objective=home)
            for seller, amount, home in zip(sellers, AMOUNTS, homes, strict=True)
        ],
    )
    # The load is a picture at the demo's clock (`now`), not the machine's: the rows these
    # services date by the machine's clock are dated by the demo's, so that the same seed
    # and day load the same company.
    updated = {home.pk: home.updated_at for home in homes}
    for home in homes:
        # The salesperson's objective keeps its place in the tree and also supports the
        # key result its share contributes to (shown in the strategy map).
        # Under the MRR's own objective already: the key result becomes the primary parent.
        primary = None if home.parent_id == mrr.objective_id else home.parent
        set_alignments(
            actor=lead, objective=home, parents=[p for p in (primary, mrr) if p is not None]
        )
    for pk, when in updated.items():
        Objective.objects.filter(pk=pk).update(updated_at=when)
    _check_ins(mrr, made, cycle.start_date, now)
    return 1 + len(made), CheckIn.objects.filter(key_result__in=[mrr, *made]).count()


def _check_ins(mrr: KeyResult, made: list[KeyResult], start_day: dt.date, now: dt.datetime) -> None:
    """Every other week, each salesperson checks in (a few minutes apart); the MRR key result
    adds them up at once, dated as the check-in that moved it."""
    weeks = max(len(steps) for steps in PROGRESS)
    for week in range(1, weeks + 1):
        for minute, (key_result, steps, confidence) in enumerate(
            zip(made, PROGRESS, CONFIDENCE, strict=True)
        ):
            at = datetime_at(start_day + dt.timedelta(weeks=2 * week), 16, 20 * minute)
            if week > len(steps) or at >= now:
                continue
            # A split share always has both.
            assert key_result.start is not None
            assert key_result.target is not None
            step = steps[week - 1]
            record_check_in(
                actor=key_result.owner,
                key_result=key_result,
                value=float(
                    round(key_result.start + step * (key_result.target - key_result.start))
                ),
                confidence=confidence,
                note="Two new contracts signed." if week == len(steps) else "",
                at=at,
            )
            CheckIn.objects.filter(key_result=mrr, automatic=True, created_at__gt=now).update(
                created_at=at
            )
            KeyResult.objects.filter(pk=mrr.pk, last_check_in_at__gt=now).update(
                last_check_in_at=at
            )
