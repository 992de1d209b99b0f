"""A small, believable company to look at the pages with, written through the services.

Used by the browser tests' screenshots and, by hand, to serve a populated instance:

    GOALKEEPER_DATA_DIR=$(mktemp -d) .venv/bin/python -m tests.browser.sample_company
    GOALKEEPER_DATA_DIR=... .venv/bin/goalkeeper serve --port 8765

Log in as ada@northwind.test with the password printed at the end.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

PASSWORD = "correct horse battery staple"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class KR:
    title: str
    kind: str = "increase"
    start: float = 0.0
    target: float = 100.0
    unit: str = ""
    # Share of the way from start to target reached at the latest check-in (None: none yet).
    reached: float | None = 0.5
    days_ago: int = 3
    confidence: int | None = 7
    low: float | None = None
    high: float | None = None
    # For maintain key results: the value of the latest check-in.
    current: float | None = None


@dataclass(frozen=True)
class Obj:
    team: str
    owner: str
    title: str
    kind: str = "committed"
    key_results: tuple[KR, ...] = ()


PEOPLE = (
    ("Ada Lovelace", "ada@northwind.test", "admin", "CEO"),
    ("Grace Hopper", "grace@northwind.test", "editor", "VP Engineering"),
    ("Katherine Johnson", "katherine@northwind.test", "editor", "Head of Sales"),
    ("Alan Turing", "alan@northwind.test", "editor", "Platform lead"),
    ("Margaret Hamilton", "margaret@northwind.test", "editor", "Head of Customer Success"),
    ("Hedy Lamarr", "hedy@northwind.test", "viewer", "Marketing manager"),
)
TEAMS = ("Engineering", "Sales", "Customer Success", "Marketing")
LEADS = {
    "Grace Hopper": "Engineering",
    "Katherine Johnson": "Sales",
    "Margaret Hamilton": "Customer Success",
    "Hedy Lamarr": "Marketing",
}

OBJECTIVES = (
    Obj(
        "Northwind Robotics",
        "Ada Lovelace",
        "Become the default choice for mid-size warehouses",
        "aspirational",
        (
            KR("Annual recurring revenue", start=4.2, target=6.0, unit="M€", reached=0.58),
            KR("Net revenue retention", start=104, target=115, unit="%", reached=0.4),
            KR("Warehouses live on the platform", start=38, target=60, reached=0.7),
        ),
    ),
    Obj(
        "Northwind Robotics",
        "Ada Lovelace",
        "Run a profitable, boring operation",
        key_results=(
            KR("Gross margin", start=61, target=68, unit="%", reached=0.62, confidence=8),
            KR("Months of runway", "maintain", low=18, unit="months", current=21, confidence=9),
        ),
    ),
    Obj(
        "Engineering",
        "Grace Hopper",
        "Make every deployment uneventful",
        key_results=(
            KR("Change failure rate", "decrease", start=14, target=5, unit="%", reached=0.66),
            KR("Lead time for changes", "decrease", start=72, target=24, unit="h", reached=0.5),
            KR("Services with an on-call runbook", start=12, target=40, reached=0.85),
        ),
    ),
    Obj(
        "Engineering",
        "Alan Turing",
        "Cut robot fleet downtime in half",
        "aspirational",
        (
            KR("Fleet availability", start=97.1, target=99.5, unit="%", reached=0.2, days_ago=4),
            KR("Mean time to recovery", "decrease", start=95, target=45, unit="min", reached=0.3),
            KR("Predictive-maintenance model in production", "milestone", reached=None),
        ),
    ),
    Obj(
        "Engineering",
        "Grace Hopper",
        "Open the public API to partners",
        key_results=(
            KR("Partners building on the API", start=0, target=12, reached=0.5, days_ago=19),
            KR("API uptime", "maintain", low=99.9, unit="%", current=99.95, days_ago=19),
        ),
    ),
    Obj(
        "Sales",
        "Katherine Johnson",
        "Build a pipeline that makes Q1 a sure thing",
        key_results=(
            KR("Qualified pipeline", start=1.1, target=3.5, unit="M€", reached=0.61),
            KR("Win rate on qualified deals", start=18, target=25, unit="%", reached=0.35),
            KR("Average sales cycle", "decrease", start=92, target=70, unit="days", reached=0.1),
        ),
    ),
    Obj(
        "Sales",
        "Katherine Johnson",
        "Land our first three enterprise logos",
        "aspirational",
        (KR("Enterprise contracts signed", start=0, target=3, reached=0.34, confidence=4),),
    ),
    Obj(
        "Customer Success",
        "Margaret Hamilton",
        "Make onboarding a delight",
        key_results=(
            KR("Days to first pick", "decrease", start=45, target=21, unit="days", reached=0.75),
            KR("Onboarding NPS", start=31, target=50, reached=0.55, confidence=6),
            KR("Customers with a success plan", start=20, target=100, unit="%", reached=None),
        ),
    ),
    Obj(
        "Customer Success",
        "Margaret Hamilton",
        "Keep every customer we have",
        key_results=(
            KR("Logo churn", "decrease", start=6, target=2, unit="%", reached=0.2, days_ago=2),
            KR("Accounts with a quarterly review", start=40, target=100, unit="%", reached=0.3),
        ),
    ),
    Obj("Marketing", "Hedy Lamarr", "Be the name people think of at LogiMAT"),
)


def build(today: dt.date | None = None) -> str:
    """Create the company around `today` (its quarter is the active cycle); returns the
    admin's email. Needs a migrated database."""
    from django.utils import timezone

    from goalkeeper.accounts.models import Role
    from goalkeeper.accounts.services import add_member, add_person, create_team
    from goalkeeper.accounts.services import create_workspace as new_workspace
    from goalkeeper.okrs.models import CycleState
    from goalkeeper.okrs.services import (
        create_cycle,
        create_key_result,
        create_objective,
        record_check_in,
    )

    today = today or timezone.localdate()
    now = timezone.now()
    workspace = new_workspace(name="Northwind Robotics")
    root = workspace.teams.get()
    teams = {root.name: root}
    for name in TEAMS:
        teams[name] = create_team(actor=None, workspace=workspace, name=name, parent=root)
    people = {}
    for name, email, role, title in PEOPLE:
        people[name] = add_person(
            actor=None,
            workspace=workspace,
            email=email,
            name=name,
            role=Role(role),
            password=PASSWORD,
            title=title,
        )
    for member, team in LEADS.items():
        add_member(actor=None, team=teams[team], person=people[member], is_lead=True)
    quarter = (today.month - 1) // 3
    start = dt.date(today.year, quarter * 3 + 1, 1)
    end = (
        dt.date(today.year + 1, 1, 1) if quarter == 3 else dt.date(today.year, quarter * 3 + 4, 1)
    ) - DAY
    previous = start - DAY
    create_cycle(
        actor=None,
        workspace=workspace,
        name=f"{previous.year}-Q{(previous.month - 1) // 3 + 1}",
        start_date=dt.date(previous.year, (previous.month - 1) // 3 * 3 + 1, 1),
        end_date=previous,
        state=CycleState.CLOSED,
    )
    cycle = create_cycle(
        actor=None,
        workspace=workspace,
        name=f"{today.year}-Q{quarter + 1}",
        start_date=start,
        end_date=end,
        state=CycleState.ACTIVE,
    )
    for spec in OBJECTIVES:
        owner = people[spec.owner]
        objective = create_objective(
            actor=owner,
            cycle=cycle,
            team=teams[spec.team],
            title=spec.title,
            owner=owner,
            kind=spec.kind,
        )
        for kr in spec.key_results:
            metric = kr.kind in ("increase", "decrease")
            key_result = create_key_result(
                actor=owner,
                objective=objective,
                title=kr.title,
                kind=kr.kind,
                unit=kr.unit,
                owner=owner,
                start=kr.start if metric else None,
                target=kr.target if metric else None,
                low=kr.low,
                high=kr.high,
            )
            if kr.reached is None:
                continue
            # A few check-ins on the way to today's value, the last `days_ago` days ago.
            cycle_start = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
            for step, days in (
                (0.4, kr.days_ago + 21),
                (0.75, kr.days_ago + 10),
                (1.0, kr.days_ago),
            ):
                at = max(now - days * DAY, cycle_start)
                value = None
                if metric:
                    value = kr.start + (kr.target - kr.start) * kr.reached * step
                    # Counts stay whole numbers; rates and money keep two decimals.
                    whole = (
                        float(kr.start).is_integer()
                        and float(kr.target).is_integer()
                        and not kr.unit
                    )
                    value = float(round(value)) if whole else round(value, 2)
                elif kr.kind == "maintain":
                    value = kr.current
                record_check_in(
                    actor=owner,
                    key_result=key_result,
                    value=value,
                    done=kr.kind == "milestone" and kr.reached >= 1 and step == 1.0,
                    confidence=kr.confidence,
                    at=at,
                )
    return PEOPLE[0][1]


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goalkeeper.settings")
    import django

    django.setup()
    from goalkeeper.core.migrating import migrate_if_needed

    migrate_if_needed(verbosity=0)
    email = build()
    print(f"Sample company loaded. Log in as {email} / {PASSWORD}")
