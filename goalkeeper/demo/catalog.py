"""What the demo company is made of: departments, names, objectives, key results and KPIs.

Plain data only. Key result titles carry no numbers, so that a sub-team can reuse a
department's template with its own start and target and the title still reads true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COMPANY_NAME = "Northwind Analytics"
EMAIL_DOMAIN = "northwind.example"

INCREASE = "increase"
DECREASE = "decrease"
MAINTAIN = "maintain"
MILESTONE = "milestone"

HIGHER = "higher_is_better"
LOWER = "lower_is_better"
IN_RANGE = "in_range"


@dataclass(frozen=True)
class KrTemplate:
    """A key result as written in the catalog; the planner adds owner, weight and history."""

    title: str
    kind: str
    unit: str = ""
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    # Score with commit and stretch values besides the target (docs/scoring.md).
    zones: bool = False


def inc(title: str, unit: str, start: float, target: float, *, zones: bool = False) -> KrTemplate:
    """An increase key result."""
    return KrTemplate(title, INCREASE, unit, start, target, zones=zones)


def dec(title: str, unit: str, start: float, target: float, *, zones: bool = False) -> KrTemplate:
    """A decrease key result."""
    return KrTemplate(title, DECREASE, unit, start, target, zones=zones)


def keep(
    title: str, unit: str, *, low: float | None = None, high: float | None = None
) -> KrTemplate:
    """A maintain key result: stay inside [low, high] (either bound may be open)."""
    return KrTemplate(title, MAINTAIN, unit, low=low, high=high)


def done(title: str) -> KrTemplate:
    """A milestone key result."""
    return KrTemplate(title, MILESTONE)


@dataclass(frozen=True)
class ObjectiveTemplate:
    """An objective with the key results it may be measured by (the planner picks 2-5).

    `theme` decides alignment: a team objective supports a company objective of its theme.
    """

    title: str
    theme: str
    key_results: tuple[KrTemplate, ...]
    aspirational: bool = False
    description: str = ""


def objective(
    title: str,
    theme: str,
    *key_results: KrTemplate,
    aspirational: bool = False,
    description: str = "",
) -> ObjectiveTemplate:
    """Shorthand for an ObjectiveTemplate."""
    return ObjectiveTemplate(title, theme, key_results, aspirational, description)


@dataclass(frozen=True)
class KpiTemplate:
    """A KPI definition and how its demo series behaves.

    `floor`/`ceiling` bound generated values (a percentage stays in 0..100). `scalable`
    KPIs count things, so a smaller sub-team gets a proportionally smaller target. A KPI with
    `kr_title` can drive a key result; `kr_mode` says how (latest value or cycle sum).
    """

    name: str
    unit: str
    direction: str
    frequency: str
    aggregation: str
    target: float | None = None
    warning: float | None = None
    low: float | None = None
    high: float | None = None
    decimals: int = 0
    floor: float | None = 0.0
    ceiling: float | None = None
    scalable: bool = False
    description: str = ""
    kr_title: str = ""
    kr_mode: str = "latest"


def higher(
    name: str,
    unit: str,
    frequency: str,
    aggregation: str,
    target: float,
    warning: float,
    **extra: Any,
) -> KpiTemplate:
    """A higher-is-better KPI: green at or above `target`, yellow down to `warning`."""
    return KpiTemplate(name, unit, HIGHER, frequency, aggregation, target, warning, **extra)


def lower(
    name: str,
    unit: str,
    frequency: str,
    aggregation: str,
    target: float,
    warning: float,
    **extra: Any,
) -> KpiTemplate:
    """A lower-is-better KPI: green at or below `target`, yellow up to `warning`."""
    return KpiTemplate(name, unit, LOWER, frequency, aggregation, target, warning, **extra)


def band(
    name: str,
    unit: str,
    frequency: str,
    aggregation: str,
    low: float,
    high: float,
    margin: float,
    **extra: Any,
) -> KpiTemplate:
    """An in-range KPI: green inside [low, high], yellow within `margin` outside it."""
    return KpiTemplate(
        name, unit, IN_RANGE, frequency, aggregation, None, margin, low, high, **extra
    )


@dataclass(frozen=True)
class Department:
    """A department under the company: its people, sub-teams, objectives and KPIs."""

    key: str
    name: str
    share: float
    head_title: str
    lead_title: str
    titles: tuple[str, ...]
    sub_teams: tuple[str, ...]
    objectives: tuple[ObjectiveTemplate, ...]
    kpis: tuple[KpiTemplate, ...] = field(default=())


# --- People ---------------------------------------------------------------------------------

FIRST_NAMES = (
    "Amara", "Ben", "Carla", "Dev", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas",
    "Kavya", "Liam", "Maya", "Nikolai", "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tessa",
    "Umar", "Valentina", "Wei", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Chloe", "Diego",
    "Emeka", "Freya", "Gabriel", "Hannah", "Ivan", "Julia", "Kenji", "Lena", "Mateo", "Nadia",
    "Oscar", "Priya", "Rafael", "Sofia", "Tomás", "Ulla", "Viktor", "Wanjiru", "Yara",
    "Zainab", "Aaron", "Beatriz", "Daria", "Ethan", "Fatima", "Gustav", "Hana", "Isaac",
    "Jasmine", "Kofi", "Leila", "Marco", "Noor", "Owen", "Paula", "Ravi", "Sara", "Theo",
    "Uma", "Vera", "Will", "Yuki", "Zara", "Anouk", "Bilal", "Clara", "Dmitri", "Esme",
    "Felix", "Giulia", "Hugo", "Imani", "João", "Katarzyna", "Lucas", "Mei", "Nils", "Ola",
)  # fmt: skip

LAST_NAMES = (
    "Abara", "Andersen", "Bauer", "Becker", "Castillo", "Chen", "Costa", "Dubois",
    "Eriksson", "Fernandes", "Fischer", "García", "Gupta", "Haddad", "Hansen", "Ito",
    "Jansen", "Kaur", "Keller", "Kim", "Kowalski", "Larsen", "Lindqvist", "López", "Mensah",
    "Moreau", "Müller", "Nakamura", "Novak", "Okafor", "Olsen", "Park", "Patel", "Petrov",
    "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Sørensen", "Tanaka", "Torres",
    "van Dijk", "Varga", "Weber", "Wójcik", "Yilmaz", "Zhang", "O'Brien", "Murphy", "Nguyen",
    "Ali", "Bianchi", "Dahl", "Evans", "Foster", "Horvat", "Ibrahim", "Jovanović", "Kovač",
    "Lund", "Meyer", "Nilsson", "Ortega", "Popescu", "Quintero", "Reyes", "Shah", "Thompson",
    "Usman", "Vogel", "Walsh", "Xu", "Young", "Zimmermann", "Achterberg", "Boateng", "Cruz",
)  # fmt: skip

# The people at the company level. The admin's email is the login the command prints.
ADMIN_LOCAL_PART = "admin"
CEO = ("Helena Marsh", "Co-founder & CEO")
ADMIN = ("Robin Adeyemi", "Chief Operating Officer")
BOARD_OBSERVER = ("Martin Quist", "Board observer (investor)")
VIEWER_TITLE = "Working student"

# --- Notes and retrospectives ---------------------------------------------------------------

NOTES_GOOD = (
    "Ahead of plan; keeping the weekly rhythm.",
    "Good week, the new process is paying off.",
    "Two big wins this week, on track for the target.",
    "Momentum is good, no blockers.",
    "Trending above the line, cautiously optimistic.",
    "Numbers confirmed with the dashboard, looking solid.",
    "The experiment worked; rolling it out to everyone.",
)
NOTES_MIXED = (
    "Slower than hoped; two items slipped to next week.",
    "Holidays slowed us down, catching up now.",
    "Progress, but dependent on the data team's fix.",
    "Half of the plan done; the rest needs more hands.",
    "Waiting on legal review before the next step.",
    "Some movement, not enough yet. Adjusting the approach.",
)
NOTES_BAD = (
    "Blocked on hiring; escalated to leadership.",
    "Behind plan. We underestimated the integration work.",
    "Key customer postponed; this will be hard to recover.",
    "No progress this week, the team was on incidents.",
    "Needs a decision on scope, otherwise we miss it.",
    "Lost the main deal we counted on.",
)
NOTES_MILESTONE_DONE = (
    "Done and announced in the all-hands.",
    "Shipped. Thanks to everyone who helped.",
    "Completed, documentation is in the wiki.",
)

RETROSPECTIVES_GREEN = (
    "We hit what we set out to do because the weekly review kept everyone honest. "
    "Keep the cadence next quarter.",
    "Strong quarter: the early bets paid off. We should raise the bar on the next one.",
    "Delivered with room to spare; in hindsight the target was a little safe.",
    "Clear ownership made the difference. Reuse the same playbook.",
)
RETROSPECTIVES_YELLOW = (
    "Good progress but we spread ourselves too thin. Fewer key results next time.",
    "We got most of the way; the last stretch depended on another team's roadmap.",
    "Solid start, then a slow month. Start the hard work earlier in the quarter.",
    "Partial success: the metric moved, but not as far as planned.",
)
RETROSPECTIVES_RED = (
    "We missed this one: the plan assumed hires that arrived late. Rescoped for next quarter.",
    "The target was unrealistic given the data we had. We will baseline first next time.",
    "Priorities shifted mid-quarter and this lost its owner. Lesson: drop it explicitly.",
    "Blocked by dependencies we did not flag early enough. Escalate sooner.",
)

# --- Company level --------------------------------------------------------------------------

COMPANY_OBJECTIVES = (
    objective(
        "Grow ARR faster than the market",
        "growth",
        inc("Grow annual recurring revenue", "€M", 10.4, 12.0, zones=True),
        inc("Win new logos", "customers", 0, 60),
        dec("Shorten the average sales cycle", "days", 58, 45),
        done("Open the Nordics sales office"),
    ),
    objective(
        "Make customers successful from their first week",
        "customers",
        inc("Net revenue retention", "%", 104, 112),
        dec("Median time to first dashboard", "days", 9, 3),
        inc("Customer NPS", "pts", 31, 45),
        keep("Keep CSAT above 90%", "%", low=90),
        aspirational=True,
    ),
    objective(
        "Ship the analytics platform retailers ask for",
        "product",
        done("Launch forecasting to general availability"),
        inc("Weekly active users", "users", 9800, 12500),
        inc("Accounts using two or more modules", "%", 22, 35),
        keep("Keep p95 dashboard load time under 2 s", "s", high=2.0),
        aspirational=True,
    ),
    objective(
        "Build a business that funds its own growth",
        "efficiency",
        dec("Cut monthly net burn", "€k", 520, 380, zones=True),
        inc("Gross margin", "%", 71, 76),
        keep("Keep runway above 18 months", "months", low=18),
        dec("CAC payback period", "months", 19, 14),
    ),
    objective(
        "Be the place great analysts want to work",
        "people",
        inc("Employee NPS", "pts", 18, 35),
        dec("Regretted attrition (annualised)", "%", 9, 6),
        done("Roll out the career framework to every team"),
        inc("Hires closed against plan", "%", 0, 100),
        aspirational=True,
    ),
    objective(
        "Earn enterprise trust",
        "trust",
        done("Pass the SOC 2 Type II audit"),
        keep("Uptime", "%", low=99.9),
        dec("Security questionnaire turnaround", "days", 12, 4),
    ),
)

COMPANY_KPIS = (
    higher("ARR", "€", "monthly", "last", 12_000_000, 11_000_000,
           description="Annual recurring revenue at month end."),
    higher("Paying customers", "customers", "monthly", "last", 480, 440),
    higher("Rule of 40", "pts", "monthly", "last", 40, 30, floor=-100.0, ceiling=200.0),
    band("Headcount vs plan", "%", "monthly", "last", 96, 104, 4, decimals=1),
)  # fmt: skip

# --- Departments ----------------------------------------------------------------------------

SALES = Department(
    key="sales",
    name="Sales",
    share=0.18,
    head_title="VP Sales",
    lead_title="Sales Manager",
    titles=(
        "Account Executive", "Account Executive", "Senior Account Executive",
        "Sales Development Representative", "Sales Development Representative",
        "Enterprise Account Executive", "Sales Engineer", "Sales Operations Analyst",
    ),
    sub_teams=(
        "Enterprise Sales", "Mid-Market Sales", "SMB Sales", "Sales Development",
        "Sales Operations", "Partnerships",
    ),
    objectives=(
        objective(
            "Build a predictable pipeline",
            "growth",
            inc("Qualified pipeline created", "€k", 1800, 2600, zones=True),
            inc("Pipeline coverage for next quarter", "x", 2.4, 3.5),
            inc("Discovery calls held", "calls", 0, 240),
            done("Roll out MEDDICC qualification to every AE"),
        ),
        objective(
            "Win more of the deals we work",
            "growth",
            inc("Win rate on qualified opportunities", "%", 21, 28),
            dec("Average sales cycle", "days", 58, 45),
            inc("Deals with a mutual action plan", "%", 35, 80),
            dec("Average discount", "%", 17, 12),
        ),
        objective(
            "Break into enterprise retail",
            "growth",
            inc("Enterprise logos signed", "customers", 0, 6, zones=True),
            inc("Enterprise pipeline", "€k", 400, 1500),
            done("Publish three retail reference cases"),
            done("Hire two enterprise account executives"),
            aspirational=True,
            description="Retail chains with 200+ stores are where our forecasting shines.",
        ),
        objective(
            "Make every rep productive within 90 days",
            "people",
            dec("Ramp time for new account executives", "days", 140, 90),
            inc("Reps at or above quota", "%", 48, 70),
            done("Publish the sales playbook in the wiki"),
        ),
        objective(
            "Grow through partners",
            "growth",
            inc("Partner-sourced pipeline", "€k", 150, 600),
            inc("Active reseller partners", "partners", 4, 10),
            done("Sign the first Nordic reseller"),
            aspirational=True,
        ),
        objective(
            "Keep the forecast honest",
            "efficiency",
            keep("Forecast accuracy", "%", low=90, high=110),
            inc("Opportunities with a next step set", "%", 62, 95),
            dec("Opportunities without activity for 30 days", "opportunities", 85, 20),
        ),
    ),
    kpis=(
        higher("New ARR", "€", "monthly", "sum", 250_000, 200_000, scalable=True,
               description="Annual recurring revenue from new contracts signed in the month."),
        higher("Win rate", "%", "monthly", "average", 25, 20, decimals=1, ceiling=100.0),
        higher("Pipeline coverage", "x", "weekly", "last", 3.0, 2.5, decimals=2,
               kr_title="Raise pipeline coverage"),
        lower("Sales cycle length", "days", "monthly", "average", 45, 60),
        higher("Qualified opportunities created", "opportunities", "weekly", "sum", 25, 18,
               scalable=True, kr_title="Create qualified opportunities this quarter",
               kr_mode="cycle_aggregate"),
        higher("Average deal size", "€", "monthly", "average", 18_000, 15_000),
        higher("Sales calls booked", "calls", "daily", "sum", 20, 14, scalable=True,
               kr_title="Book sales calls this quarter", kr_mode="cycle_aggregate"),
        higher("Quota attainment", "%", "monthly", "last", 100, 85, ceiling=250.0),
        lower("Average discount", "%", "monthly", "average", 12, 18, decimals=1),
        band("Forecast accuracy", "%", "monthly", "last", 90, 110, 10, decimals=1),
        lower("Lead response time", "min", "daily", "average", 30, 60,
              kr_title="Answer inbound leads faster"),
    ),
)  # fmt: skip

MARKETING = Department(
    key="marketing",
    name="Marketing",
    share=0.11,
    head_title="VP Marketing",
    lead_title="Marketing Manager",
    titles=(
        "Demand Generation Manager", "Content Marketing Manager", "Product Marketing Manager",
        "Marketing Operations Specialist", "SEO Specialist", "Brand Designer",
        "Events Manager",
    ),
    sub_teams=(
        "Demand Generation", "Content & SEO", "Product Marketing", "Brand & Design",
        "Marketing Operations", "Events & Community",
    ),
    objectives=(
        objective(
            "Fill the funnel with the right leads",
            "growth",
            inc("Marketing qualified leads", "leads", 1200, 1600, zones=True),
            inc("MQL to SQL conversion", "%", 18, 25),
            dec("Cost per lead", "€", 110, 85),
        ),
        objective(
            "Make Northwind the name retailers know",
            "growth",
            inc("Organic website sessions per month", "sessions", 120_000, 180_000),
            inc("Branded search volume", "searches", 2400, 4000),
            done("Ship the new website"),
            inc("Press mentions in retail media", "mentions", 3, 10),
            aspirational=True,
        ),
        objective(
            "Launch forecasting with a bang",
            "product",
            inc("Launch webinar registrations", "people", 0, 400),
            inc("Trials started from the launch campaign", "trials", 0, 250),
            done("Publish the launch kit for sales"),
            done("Brief ten industry analysts"),
        ),
        objective(
            "Spend every euro where it works",
            "efficiency",
            dec("Blended CAC", "€", 7800, 6000),
            keep("Monthly paid spend within budget", "€k", low=40, high=50),
            inc("Marketing-sourced share of pipeline", "%", 38, 50),
        ),
        objective(
            "Become the voice of retail analytics",
            "customers",
            inc("Newsletter subscribers", "subscribers", 6500, 9000),
            inc("Customer stories published", "stories", 2, 8),
            inc("Community members", "members", 800, 1500),
            aspirational=True,
        ),
        objective(
            "Run marketing on data",
            "efficiency",
            done("Move attribution to the new model"),
            inc("Campaigns with a documented result", "%", 40, 90),
            keep("Email open rate", "%", low=25),
        ),
    ),
    kpis=(
        higher("MQLs", "leads", "weekly", "sum", 400, 320, scalable=True,
               description="Marketing qualified leads created in the week.",
               kr_title="Generate MQLs this quarter", kr_mode="cycle_aggregate"),
        lower("CAC", "€", "monthly", "average", 6000, 7500,
              description="Blended customer acquisition cost."),
        higher("Website sessions", "sessions", "daily", "sum", 9000, 7500, scalable=True,
               kr_title="Drive website sessions this quarter", kr_mode="cycle_aggregate"),
        higher("Signup conversion rate", "%", "weekly", "average", 3.5, 2.8, decimals=2,
               ceiling=100.0, kr_title="Improve signup conversion"),
        lower("Cost per lead", "€", "weekly", "average", 85, 110, decimals=1),
        higher("Organic traffic share", "%", "monthly", "average", 45, 38, decimals=1,
               ceiling=100.0),
        higher("Email open rate", "%", "weekly", "average", 28, 22, decimals=1,
               ceiling=100.0),
        higher("Marketing-sourced pipeline", "€", "monthly", "sum", 900_000, 700_000,
               scalable=True),
        band("Paid ad spend", "€", "monthly", "sum", 40_000, 50_000, 5_000, scalable=True),
        higher("Newsletter subscribers", "subscribers", "weekly", "last", 8000, 7000,
               scalable=True),
        higher("Live visitors on the website", "visitors", "hourly", "average", 120, 80,
               scalable=True),
    ),
)  # fmt: skip

CUSTOMER_SUCCESS = Department(
    key="success",
    name="Customer Success",
    share=0.1,
    head_title="Head of Customer Success",
    lead_title="Customer Success Lead",
    titles=(
        "Customer Success Manager", "Customer Success Manager", "Senior Customer Success Manager",
        "Onboarding Specialist", "Renewals Manager", "Solutions Consultant",
    ),
    sub_teams=(
        "Onboarding", "Enterprise Success", "Growth Accounts", "Renewals", "Customer Education",
    ),
    objectives=(
        objective(
            "Grow the accounts we already have",
            "growth",
            inc("Net revenue retention", "%", 104, 112, zones=True),
            inc("Expansion ARR", "€k", 0, 180),
            inc("Accounts with an expansion plan", "%", 30, 75),
        ),
        objective(
            "Stop preventable churn",
            "customers",
            dec("Logo churn per month", "%", 2.4, 1.5),
            dec("Renewals flagged at risk", "accounts", 18, 8),
            inc("Gross revenue retention", "%", 88, 92),
        ),
        objective(
            "Onboard every customer in three weeks",
            "customers",
            dec("Median onboarding time", "days", 34, 21),
            inc("Customers live within 30 days", "%", 55, 85),
            done("Launch the self-serve onboarding checklist"),
        ),
        objective(
            "Know every customer's health",
            "customers",
            inc("Accounts with a health score", "%", 60, 100),
            inc("QBRs held with the top 50 accounts", "QBRs", 20, 50),
            done("Automate the weekly health digest"),
        ),
        objective(
            "Turn customers into advocates",
            "growth",
            inc("Customer NPS", "pts", 31, 45),
            inc("Reference customers", "customers", 9, 20),
            inc("Reviews on G2", "reviews", 40, 80),
            aspirational=True,
        ),
        objective(
            "Scale success without scaling headcount",
            "efficiency",
            inc("Accounts per CSM", "accounts", 38, 50),
            inc("Accounts on the digital-touch programme", "accounts", 0, 120),
            keep("Average health score", "pts", low=70),
        ),
    ),
    kpis=(
        higher("Net revenue retention", "%", "monthly", "last", 110, 102, decimals=1,
               ceiling=200.0),
        higher("Gross revenue retention", "%", "monthly", "last", 92, 88, decimals=1,
               ceiling=100.0),
        lower("Logo churn", "%", "monthly", "last", 1.5, 2.5, decimals=2),
        higher("Average health score", "pts", "weekly", "average", 75, 65, decimals=1,
               ceiling=100.0, kr_title="Raise the average health score"),
        lower("Time to onboard", "days", "monthly", "average", 21, 30, decimals=1),
        higher("QBR coverage", "%", "monthly", "last", 80, 65, ceiling=100.0),
        higher("Product adoption (WAU/MAU)", "%", "weekly", "average", 55, 45, decimals=1,
               ceiling=100.0, kr_title="Lift product adoption"),
        higher("Expansion ARR", "€", "monthly", "sum", 60_000, 45_000, scalable=True),
        lower("Renewals at risk", "accounts", "weekly", "last", 5, 9, scalable=True,
              kr_title="Reduce renewals at risk"),
        higher("Customer NPS", "pts", "monthly", "average", 45, 30, floor=-100.0,
               ceiling=100.0),
    ),
)  # fmt: skip

SUPPORT = Department(
    key="support",
    name="Customer Support",
    share=0.12,
    head_title="Head of Support",
    lead_title="Support Team Lead",
    titles=(
        "Support Specialist", "Support Specialist", "Support Engineer",
        "Technical Support Engineer", "Support Operations Analyst", "Knowledge Manager",
    ),
    sub_teams=("Tier 1 Support", "Technical Support", "Support Operations", "Knowledge Base"),
    objectives=(
        objective(
            "Answer customers fast",
            "customers",
            dec("Median first response time", "h", 4.5, 2),
            keep("Ticket backlog", "tickets", high=150),
            inc("Chats answered within two minutes", "%", 62, 85),
        ),
        objective(
            "Solve it the first time",
            "customers",
            inc("First contact resolution", "%", 61, 72),
            dec("Escalations to engineering per month", "tickets", 42, 25),
            inc("CSAT", "%", 88, 93, zones=True),
        ),
        objective(
            "Let customers help themselves",
            "efficiency",
            inc("Self-service deflection", "%", 24, 35),
            inc("Help-centre articles updated", "articles", 0, 120),
            done("Launch in-app help search"),
        ),
        objective(
            "Never miss an SLA",
            "trust",
            dec("SLA breaches per month", "tickets", 38, 10),
            keep("Weekend coverage", "%", low=95),
            done("Start the follow-the-sun rota with the Singapore team"),
        ),
        objective(
            "Grow a support team people want to join",
            "people",
            inc("Support team eNPS", "pts", 10, 30),
            done("Publish the support career ladder"),
            dec("Tickets per agent per day", "tickets", 42, 32),
        ),
        objective(
            "Turn tickets into product insight",
            "product",
            inc("Tickets tagged with a product area", "%", 45, 95),
            done("Ship the monthly voice-of-customer report"),
            dec("Top-10 ticket drivers without an owner", "drivers", 7, 0),
        ),
    ),
    kpis=(
        lower("First response time", "h", "daily", "average", 2, 4, decimals=2,
              kr_title="Cut first response time"),
        higher("CSAT", "%", "weekly", "average", 92, 88, decimals=1, ceiling=100.0,
               kr_title="Lift CSAT"),
        lower("Ticket backlog", "tickets", "daily", "last", 120, 180, scalable=True,
              kr_title="Shrink the ticket backlog"),
        lower("Resolution time", "h", "weekly", "average", 24, 36, decimals=1,
              kr_title="Resolve tickets faster"),
        band("Tickets created", "tickets", "daily", "sum", 150, 260, 40, scalable=True),
        higher("First contact resolution", "%", "weekly", "average", 70, 60, decimals=1,
               ceiling=100.0),
        lower("SLA breaches", "tickets", "weekly", "sum", 5, 12, scalable=True),
        higher("Self-service deflection", "%", "monthly", "average", 35, 28, decimals=1,
               ceiling=100.0),
        band("Open chats", "chats", "hourly", "average", 5, 25, 10, decimals=1),
        lower("Escalation rate", "%", "weekly", "average", 8, 12, decimals=1),
        lower("Chat wait time", "s", "hourly", "average", 90, 180),
    ),
)  # fmt: skip

PRODUCT = Department(
    key="product",
    name="Product",
    share=0.09,
    head_title="VP Product",
    lead_title="Group Product Manager",
    titles=(
        "Product Manager", "Senior Product Manager", "Product Designer", "Product Designer",
        "UX Researcher", "Product Analyst",
    ),
    sub_teams=("Core Product", "Growth Product", "Design", "User Research", "Product Analytics"),
    objectives=(
        objective(
            "Make the first hour magical",
            "customers",
            inc("Activation rate (first dashboard within 24 h)", "%", 31, 42, zones=True),
            dec("Time to first value", "min", 26, 15),
            done("Ship guided setup for Shopify stores"),
        ),
        objective(
            "Ship forecasting to general availability",
            "product",
            done("Run the beta with 20 design partners"),
            inc("Forecast accuracy on the benchmark set", "%", 78, 88),
            done("Reach general availability"),
            inc("Accounts using forecasting weekly", "accounts", 0, 150),
        ),
        objective(
            "Grow weekly active usage",
            "growth",
            inc("Weekly active users", "users", 9800, 12500),
            inc("Dashboards viewed per user per week", "views", 4.2, 6),
            inc("Day-30 retention", "%", 38, 45),
        ),
        objective(
            "Build what customers actually need",
            "customers",
            inc("Customer interviews held", "interviews", 0, 40),
            inc("Roadmap items backed by evidence", "%", 40, 80),
            inc("Product NPS", "pts", 28, 40),
            aspirational=True,
        ),
        objective(
            "Price and package for growth",
            "growth",
            done("Launch the new Team plan"),
            inc("Trial-to-paid conversion", "%", 14, 18),
            keep("Average discount on list price", "%", high=15),
        ),
        objective(
            "Make the product accessible to everyone",
            "product",
            done("Pass the WCAG 2.1 AA audit"),
            dec("Open accessibility issues", "issues", 64, 10),
            inc("Pages with full keyboard navigation", "%", 55, 100),
        ),
    ),
    kpis=(
        higher("Weekly active users", "users", "weekly", "last", 12_000, 10_500, scalable=True,
               kr_title="Grow weekly active users"),
        higher("Activation rate", "%", "weekly", "average", 40, 33, decimals=1, ceiling=100.0,
               kr_title="Lift the activation rate"),
        higher("Dashboard feature adoption", "%", "monthly", "last", 30, 22, decimals=1,
               ceiling=100.0),
        higher("Product NPS", "pts", "monthly", "average", 40, 30, floor=-100.0,
               ceiling=100.0),
        higher("Trial-to-paid conversion", "%", "monthly", "average", 18, 14, decimals=1,
               ceiling=100.0),
        lower("Time to first value", "min", "weekly", "average", 15, 25, decimals=1),
        higher("Roadmap delivered on time", "%", "monthly", "last", 80, 65, ceiling=100.0),
        higher("Daily active users", "users", "daily", "last", 4200, 3600, scalable=True,
               kr_title="Grow daily active users"),
        higher("Day-30 retention", "%", "monthly", "last", 45, 38, decimals=1, ceiling=100.0),
        lower("Bugs reported by customers", "bugs", "weekly", "sum", 15, 25, scalable=True),
        higher("Active sessions", "sessions", "hourly", "average", 900, 650, scalable=True),
    ),
)  # fmt: skip

ENGINEERING = Department(
    key="engineering",
    name="Engineering",
    share=0.26,
    head_title="VP Engineering",
    lead_title="Engineering Manager",
    titles=(
        "Software Engineer", "Software Engineer", "Senior Software Engineer",
        "Senior Software Engineer", "Staff Engineer", "Site Reliability Engineer",
        "QA Engineer", "Data Engineer", "Frontend Engineer", "Security Engineer",
    ),
    sub_teams=(
        "Platform", "Data Pipeline", "Integrations", "Web App", "Mobile", "Infrastructure",
        "Security", "Quality", "Developer Experience", "Billing Engineering",
    ),
    objectives=(
        objective(
            "Ship faster without breaking things",
            "product",
            inc("Deploys per week", "deploys", 12, 25, zones=True),
            dec("Change failure rate", "%", 16, 10),
            dec("Lead time for changes", "h", 70, 24),
        ),
        objective(
            "Run a platform customers can rely on",
            "trust",
            keep("Uptime", "%", low=99.9),
            dec("Mean time to restore", "min", 95, 30),
            dec("p95 API latency", "ms", 480, 300),
            done("Run a full region fail-over drill"),
        ),
        objective(
            "Pay down the debt that slows us",
            "efficiency",
            dec("CI build time", "min", 19, 10),
            dec("Flaky tests", "tests", 45, 5),
            done("Retire the legacy ingestion service"),
            inc("Test coverage of core modules", "%", 62, 80),
        ),
        objective(
            "Cut cloud cost per customer",
            "efficiency",
            dec("Cloud cost per customer per month", "€", 46, 34, zones=True),
            done("Move batch jobs to spot instances"),
            keep("CPU utilisation across the cluster", "%", low=40, high=70),
        ),
        objective(
            "Pass SOC 2 Type II",
            "trust",
            done("Evidence every control in the compliance tool"),
            dec("Open critical vulnerabilities", "vulnerabilities", 14, 0),
            inc("Services with SSO enforced", "%", 70, 100),
        ),
        objective(
            "Grow engineers, not just headcount",
            "people",
            inc("Engineers with a growth plan", "%", 40, 100),
            done("Start the on-call training programme"),
            inc("Internal tech talks held", "talks", 2, 12),
            aspirational=True,
        ),
    ),
    kpis=(
        higher("Deploys per week", "deploys", "weekly", "sum", 25, 15, scalable=True,
               kr_title="Ship more deploys per week"),
        lower("Change failure rate", "%", "weekly", "average", 10, 15, decimals=1,
              kr_title="Lower the change failure rate"),
        lower("p95 API latency", "ms", "hourly", "average", 300, 450),
        higher("Uptime", "%", "daily", "average", 99.9, 99.5, decimals=3, floor=95.0,
               ceiling=100.0),
        lower("Mean time to restore", "min", "monthly", "average", 45, 90),
        lower("Lead time for changes", "h", "weekly", "average", 24, 48, decimals=1,
              kr_title="Cut lead time for changes"),
        lower("Open critical bugs", "bugs", "daily", "last", 3, 6,
              kr_title="Burn down critical bugs"),
        band("Test coverage", "%", "weekly", "last", 75, 90, 5, decimals=1, ceiling=100.0,
             kr_title="Keep test coverage in range"),
        lower("API error rate", "%", "hourly", "average", 0.5, 1.0, decimals=3),
        band("CPU utilisation", "%", "hourly", "average", 40, 70, 10, decimals=1,
             ceiling=100.0),
        lower("Cloud cost", "€", "monthly", "sum", 42_000, 48_000, scalable=True),
        lower("CI build time", "min", "daily", "average", 12, 18, decimals=1,
              kr_title="Speed up CI builds"),
    ),
)  # fmt: skip

HR = Department(
    key="hr",
    name="HR",
    share=0.07,
    head_title="Head of People",
    lead_title="People Operations Lead",
    titles=(
        "People Partner", "Talent Acquisition Specialist", "Recruiter",
        "People Operations Coordinator", "Learning & Development Manager",
    ),
    sub_teams=("Talent Acquisition", "People Operations", "Learning & Development",
               "Total Rewards"),
    objectives=(
        objective(
            "Hire the people the plan needs",
            "people",
            inc("Hires closed", "people", 0, 14, zones=True),
            dec("Time to hire", "days", 52, 35),
            inc("Offer acceptance rate", "%", 72, 85),
        ),
        objective(
            "Make onboarding a highlight",
            "people",
            inc("Onboarding satisfaction", "%", 78, 90),
            done("Launch the 30-60-90 onboarding plan"),
            dec("Days until new hires have all their tools", "days", 6, 1),
        ),
        objective(
            "Keep our best people",
            "people",
            dec("Regretted attrition (annualised)", "%", 11, 7),
            inc("Employees with a career conversation this quarter", "%", 45, 90),
            inc("eNPS", "pts", 14, 30),
            aspirational=True,
        ),
        objective(
            "Build a fair, transparent pay system",
            "people",
            done("Publish the salary bands"),
            keep("Gender pay gap", "%", high=3),
            inc("Managers trained on compensation", "%", 20, 100),
        ),
        objective(
            "Grow our leaders",
            "people",
            inc("Managers who completed leadership training", "managers", 4, 16),
            inc("Internal promotions", "people", 2, 6),
            done("Launch peer mentoring circles"),
            aspirational=True,
        ),
        objective(
            "Run people operations without friction",
            "efficiency",
            dec("HR requests open longer than five days", "requests", 28, 5),
            done("Move payroll to the new provider"),
            keep("Headcount vs plan", "%", low=97, high=103),
        ),
    ),
    kpis=(
        higher("eNPS", "pts", "monthly", "average", 30, 15, floor=-100.0, ceiling=100.0,
               description="Monthly pulse survey: promoters minus detractors."),
        lower("Time to hire", "days", "monthly", "average", 35, 50),
        lower("Attrition (annualised)", "%", "monthly", "last", 10, 15, decimals=1),
        band("Open positions", "roles", "weekly", "last", 5, 12, 3, scalable=True,
             kr_title="Keep open positions in the hiring band"),
        higher("Offer acceptance rate", "%", "monthly", "average", 85, 75, ceiling=100.0),
        higher("Training hours per employee", "h", "monthly", "average", 4, 2.5, decimals=1),
        lower("Absenteeism", "%", "monthly", "average", 2.5, 4, decimals=1),
        higher("Candidate pipeline", "candidates", "weekly", "last", 60, 40, scalable=True,
               kr_title="Grow the candidate pipeline"),
        higher("Onboarding satisfaction", "%", "monthly", "average", 90, 80, ceiling=100.0),
        band("Headcount vs plan", "%", "monthly", "last", 97, 103, 3, decimals=1),
    ),
)  # fmt: skip

FINANCE = Department(
    key="finance",
    name="Finance",
    share=0.07,
    head_title="CFO",
    lead_title="Finance Manager",
    titles=(
        "Financial Controller", "FP&A Analyst", "Accountant", "Billing Specialist",
        "Revenue Accountant",
    ),
    sub_teams=("Accounting", "FP&A", "Billing & Collections", "Procurement"),
    objectives=(
        objective(
            "Extend runway to 24 months",
            "efficiency",
            dec("Monthly net burn", "€k", 520, 380),
            inc("Runway", "months", 19, 24),
            done("Close the venture debt facility"),
        ),
        objective(
            "Get paid on time",
            "efficiency",
            dec("Days sales outstanding", "days", 58, 40, zones=True),
            dec("Invoices overdue by more than 30 days", "invoices", 46, 15),
            done("Switch every customer to automated dunning"),
        ),
        objective(
            "Close the books in five days",
            "efficiency",
            dec("Days to close the month", "days", 11, 5),
            done("Automate bank reconciliation"),
            inc("Accounts reconciled by day three", "%", 40, 90),
        ),
        objective(
            "Give every budget owner live numbers",
            "efficiency",
            done("Launch department budget dashboards"),
            inc("Budget owners using the dashboards monthly", "%", 20, 80),
            keep("Department budget variance", "%", low=-5, high=5),
        ),
        objective(
            "Improve unit economics",
            "growth",
            inc("Gross margin", "%", 71, 76),
            dec("CAC payback", "months", 19, 14),
            inc("Annual prepaid share of new contracts", "%", 35, 55),
        ),
        objective(
            "Be audit-ready all year",
            "trust",
            done("Get a clean audit opinion on last year's accounts"),
            dec("Open audit findings", "findings", 9, 0),
            inc("Controls tested this quarter", "%", 50, 100),
        ),
    ),
    kpis=(
        lower("Net burn", "€", "monthly", "sum", 380_000, 450_000, scalable=True),
        higher("Runway", "months", "monthly", "last", 24, 18, decimals=1),
        lower("DSO", "days", "monthly", "last", 40, 55, description="Days sales outstanding."),
        higher("Gross margin", "%", "monthly", "average", 75, 70, decimals=1, ceiling=100.0),
        higher("Cash balance", "€", "weekly", "last", 9_000_000, 7_500_000, scalable=True,
               kr_title="Grow the cash balance"),
        band("Budget variance", "%", "monthly", "last", -5, 5, 5, decimals=1,
             floor=-100.0),
        lower("Invoices overdue", "invoices", "weekly", "last", 25, 40, scalable=True,
              kr_title="Clear overdue invoices"),
        lower("Days to close the books", "days", "monthly", "last", 5, 8),
        higher("Cash collected", "€", "daily", "sum", 45_000, 35_000, scalable=True,
               kr_title="Collect cash this quarter", kr_mode="cycle_aggregate"),
        higher("Billing accuracy", "%", "monthly", "average", 99.5, 98.5, decimals=2,
               ceiling=100.0),
    ),
)  # fmt: skip

DEPARTMENTS: tuple[Department, ...] = (
    SALES,
    MARKETING,
    CUSTOMER_SUCCESS,
    SUPPORT,
    PRODUCT,
    ENGINEERING,
    HR,
    FINANCE,
)

# Sub-teams beyond a department's list get a location, so every name stays unique.
LOCATIONS = (
    "Berlin", "Lisbon", "Austin", "Toronto", "Singapore", "Dublin", "Warsaw", "Sydney",
    "Amsterdam", "Nairobi", "São Paulo", "Tallinn", "Seoul", "Madrid", "Oslo", "Chicago",
    "Zurich", "Bangalore", "Cape Town", "Montreal",
)  # fmt: skip
