"""Plan the demo company's org tree and people in memory, from one seed.

The company has a fixed shape: an executive team at the root and eight departments under
it. A bigger company (`--people N`) keeps that shape and splits large departments into
sub-teams of about eight people, each with its own lead.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product

from goalkeeper.demo import catalog
from goalkeeper.demo.catalog import Department

DEFAULT_PEOPLE = 32
# Below this the eight departments cannot each have a head besides the executives.
MIN_PEOPLE = 12
# A department with more people than this besides its head is split into sub-teams.
SPLIT_ABOVE = 12
SUB_TEAM_SIZE = 8
VIEWER_SHARE = 0.03
# Letters NFKD leaves whole, so that folding to ASCII would drop them.
_NOT_DECOMPOSED = {ord("ø"): "o", ord("Ø"): "O", ord("æ"): "ae", ord("ß"): "ss", ord("ł"): "l"}

ADMIN = "admin"
EDITOR = "editor"
VIEWER = "viewer"


@dataclass(eq=False)
class PersonPlan:
    """A person to create: compared by identity, so it can key dictionaries."""

    name: str
    email: str
    title: str
    role: str
    joined: dt.date


@dataclass(eq=False)
class TeamPlan:
    """A team to create, with its lead and other members."""

    name: str
    level: int  # 0 company, 1 department, 2 sub-team
    department: Department | None
    parent: TeamPlan | None
    lead: PersonPlan
    members: list[PersonPlan] = field(default_factory=list)

    @property
    def people(self) -> list[PersonPlan]:
        """The lead first, then the members."""
        return [self.lead, *self.members]

    @property
    def key(self) -> str:
        """A stable name for per-team random streams."""
        return f"{self.level}:{self.name}"


@dataclass
class OrgPlan:
    """The whole org: teams from the root down, and everyone in them."""

    company: TeamPlan
    departments: list[TeamPlan]
    sub_teams: list[TeamPlan]
    admin: PersonPlan
    ceo: PersonPlan
    people: list[PersonPlan]

    @property
    def teams(self) -> list[TeamPlan]:
        """Every team, parents before children."""
        return [self.company, *self.departments, *self.sub_teams]


def email_for(name: str) -> str:
    """`first.last@domain` in plain ASCII: "Sørensen" gives "sorensen"."""
    folded = name.translate(_NOT_DECOMPOSED)
    ascii_name = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    parts = [re.sub(r"[^a-z]", "", part.lower()) for part in ascii_name.split(" ", 1)]
    return f"{'.'.join(p for p in parts if p)}@{catalog.EMAIL_DOMAIN}"


def _names(rng: random.Random) -> Iterator[str]:
    """Distinct full names in a shuffled order; a middle initial once pairs run out."""
    pairs = list(product(catalog.FIRST_NAMES, catalog.LAST_NAMES))
    rng.shuffle(pairs)
    yield from (f"{first} {last}" for first, last in pairs)
    for initial in "ABCDEFGHJKLMNPRSTVW":
        rng.shuffle(pairs)
        yield from (f"{first} {initial}. {last}" for first, last in pairs)


def department_sizes(total: int) -> list[int]:
    """Split `total` people over the departments by their shares, at least one each."""
    shares = [d.share for d in catalog.DEPARTMENTS]
    scale = total / math.fsum(shares)
    exact = [share * scale for share in shares]
    sizes = [max(1, math.floor(x)) for x in exact]
    # Largest remainders first, so the split is as close to the shares as whole people allow.
    by_remainder = sorted(range(len(sizes)), key=lambda i: (sizes[i] - exact[i], i))
    i = 0
    while sum(sizes) < total:
        sizes[by_remainder[i % len(sizes)]] += 1
        i += 1
    while sum(sizes) > total:
        largest = max(range(len(sizes)), key=lambda j: (sizes[j], -j))
        sizes[largest] -= 1
    return sizes


def sub_team_names(department: Department, count: int) -> list[str]:
    """`count` distinct sub-team names: the department's list, then with locations."""
    bases = department.sub_teams
    names: list[str] = []
    for round_ in range(math.ceil(count / len(bases))):
        for base in bases:
            if round_ == 0:
                names.append(base)
            elif round_ <= len(catalog.LOCATIONS):
                names.append(f"{base} ({catalog.LOCATIONS[round_ - 1]})")
            else:
                names.append(f"{base} {round_ + 1}")
    return names[:count]


def plan_org(people: int, seed: int, today: dt.date) -> OrgPlan:
    """Plan `people` people (at least MIN_PEOPLE) in the company root and the departments."""
    total = max(people, MIN_PEOPLE)
    rng = random.Random(f"{seed}/org")
    names = _names(rng)
    emails: set[str] = set()

    def person(name: str, title: str, role: str, email: str = "") -> PersonPlan:
        address = email or email_for(name)
        n = 2
        while address in emails:
            local, domain = (email or email_for(name)).split("@")
            address, n = f"{local}{n}@{domain}", n + 1
        emails.add(address)
        joined = today - dt.timedelta(days=rng.randint(40, 2400))
        return PersonPlan(name, address, title, role, joined)

    ceo = person(*catalog.CEO, role=EDITOR)
    admin = person(
        *catalog.ADMIN,
        role=ADMIN,
        email=f"{catalog.ADMIN_LOCAL_PART}@{catalog.EMAIL_DOMAIN}",
    )
    observer = person(*catalog.BOARD_OBSERVER, role=VIEWER)
    company = TeamPlan(catalog.COMPANY_NAME, 0, None, None, ceo, [admin, observer])
    departments: list[TeamPlan] = []
    sub_teams: list[TeamPlan] = []
    everyone = [ceo, admin, observer]

    def staff(department: Department) -> PersonPlan:
        viewer = rng.random() < VIEWER_SHARE
        title = catalog.VIEWER_TITLE if viewer else rng.choice(department.titles)
        return person(next(names), title, VIEWER if viewer else EDITOR)

    for department, size in zip(
        catalog.DEPARTMENTS, department_sizes(total - len(everyone)), strict=True
    ):
        head = person(next(names), department.head_title, EDITOR)
        team = TeamPlan(department.name, 1, department, company, head)
        departments.append(team)
        everyone.append(head)
        others = size - 1
        if others <= SPLIT_ABOVE:
            team.members = [staff(department) for _ in range(others)]
            everyone += team.members
            continue
        count = math.ceil(others / SUB_TEAM_SIZE)
        for index, name in enumerate(sub_team_names(department, count)):
            # Spread the remainder over the first sub-teams: sizes differ by one at most.
            size_here = others // count + (1 if index < others % count else 0)
            lead = person(next(names), department.lead_title, EDITOR)
            sub = TeamPlan(name, 2, department, team, lead)
            sub.members = [staff(department) for _ in range(size_here - 1)]
            sub_teams.append(sub)
            everyone += sub.people
    if not any(p.role == VIEWER and p is not observer for p in everyone):
        # "A couple of viewers": make sure there is one besides the board observer.
        finance = departments[-1]
        pool = finance.members or [p for t in sub_teams if t.parent is finance for p in t.members]
        if pool:
            pool[-1].role, pool[-1].title = VIEWER, catalog.VIEWER_TITLE
    return OrgPlan(company, departments, sub_teams, admin, ceo, everyone)
