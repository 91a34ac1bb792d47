"""The demo's RAID logs: every active project's risks, assumptions, issues, dependencies,
actions and decisions, the programmes' and the portfolio's own registers, and the items
escalated to them.

The story, written through ``pmo.raid.services`` with the clock (``pmo.core.clock``) held at when
each thing happened (``demo_run``), so every item's history shows who raised and reviewed it and when:

- each active project keeps a log drawn from a UK council IT PMO's usual risks (threats and
  opportunities with cause, event and effect, inherent and residual scores, responses and
  costs), assumptions, issues of all three types, actions from RAID items, meetings and health
  checks, and decisions with the options considered;
- most items were reviewed in the last few weeks; some have not been for two months or more
  (stale) and some are past their date;
- projects depend on each other without a loop, with chains, so "if this project slips" shows
  a ripple: the ``pm`` login's social care data migration holds up the adults' case management
  system, which holds up provider payments and the client portal;
- a few risks are escalated to their programme and two to the portfolio, whose registers hold
  items of their own.

Every random choice comes from ``ctx.rng``: the demo is the same on every run on the same day.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pmo.core.demo import demo_moment, demo_run, demo_settings, demo_step
from pmo.core.models import User
from pmo.engine import network
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DemoContext
from pmo.portfolio.models import Person, Portfolio, Programme, Project
from pmo.raid import selectors, services
from pmo.raid.choices import (
    ActionSource,
    ActionStatus,
    AssumptionStatus,
    DecisionStatus,
    DependencyStatus,
    IssueStatus,
    IssueType,
    Level,
    Priority,
    Proximity,
    RiskCategory,
    RiskKind,
    RiskResponse,
    RiskStatus,
    Severity,
)
from pmo.raid.models import Action, Assumption, Decision, Dependency, Issue, RaidItem, Risk
from pmo.schedule import crosslinks

STALE_SHARE = 0.1
"""About one open item in ten has not been reviewed for two months or more."""
PAST_DUE_SHARE = 0.1
"""About one open item in ten is past its date (review, validation, target, need-by, due)."""


@dataclass(frozen=True)
class RiskText:
    """A risk a council IT project commonly carries, with its scores and response."""

    category: str
    title: str
    cause: str
    event: str
    effect: str
    inherent: tuple[int, int]
    residual: tuple[int, int]
    response: str
    plan: str
    cost_impact: int
    response_cost: int
    owner: str  # "pm", "sponsor", "business" or a person's name
    kind: str = RiskKind.THREAT


R = RiskText
C = RiskCategory
THREATS: tuple[RiskText, ...] = (
    R(
        C.TECHNICAL,
        "Legacy interfaces are undocumented",
        "The current system's interfaces were built in-house over fifteen years and never documented",
        "interfaces to finance and the contact centre may not work first time",
        "go-live slips while they are rebuilt, and manual workarounds cost staff time",
        (4, 4),
        (3, 3),
        RiskResponse.REDUCE,
        "Interface discovery sprint with the supplier; a test harness for each interface.",
        60_000,
        8_000,
        "pm",
    ),
    R(
        C.COMMERCIAL,
        "Supplier cannot staff the project as planned",
        "The supplier is delivering the same product to several councils this year",
        "its named consultants may be moved to other customers",
        "configuration and testing slip and knowledge is lost",
        (3, 4),
        (2, 3),
        RiskResponse.TRANSFER,
        "Named key personnel and service credits written into the call-off contract.",
        45_000,
        0,
        "pm",
    ),
    R(
        C.PEOPLE,
        "Service staff unavailable for user acceptance testing",
        "The service is short-staffed and winter pressures peak from December",
        "subject matter experts may not be released for testing",
        "testing takes longer and defects reach the live service",
        (4, 3),
        (3, 2),
        RiskResponse.REDUCE,
        "Testing dates agreed with the head of service; backfill funded from the project budget.",
        25_000,
        12_000,
        "business",
    ),
    R(
        C.TECHNICAL,
        "Poor data quality in the old system",
        "Duplicate and incomplete records have built up over many years",
        "records may fail to migrate, or migrate wrongly",
        "staff work from wrong data after go-live and residents complain",
        (4, 4),
        (2, 3),
        RiskResponse.REDUCE,
        "Data cleansing by the service before each rehearsal; reconciliation reports signed off.",
        80_000,
        15_000,
        "pm",
    ),
    R(
        C.SECURITY,
        "IT health check finds high-risk vulnerabilities",
        "The product is new to the council and hosted by the supplier",
        "the penetration test before go-live may find high-risk vulnerabilities",
        "go-live is held until they are fixed, and PSN compliance is at risk",
        (3, 4),
        (2, 3),
        RiskResponse.REDUCE,
        "Early penetration test in the test environment; remediation time held in the plan.",
        30_000,
        6_000,
        "Paul Adams",
    ),
    R(
        C.FINANCIAL,
        "Contract inflation exceeds the budget allowance",
        "The contract's day rates rise with CPI each April",
        "the April uplift may exceed the 3% allowed for",
        "the budget at completion is exceeded without a saving elsewhere",
        (3, 3),
        (3, 2),
        RiskResponse.ACCEPT,
        "Contingency held by the programme; reviewed each quarter with the finance business partner.",
        20_000,
        0,
        "Aisha Begum",
    ),
    R(
        C.LEGAL,
        "Data protection impact assessment not approved in time",
        "The DPIA needs sign-off from the Data Protection Officer and the Caldicott Guardian",
        "approval may come after build starts",
        "personal data cannot be loaded for testing, so testing slips",
        (3, 3),
        (1, 3),
        RiskResponse.AVOID,
        "DPIA drafted during discovery; the Data Protection Officer attends design reviews.",
        10_000,
        0,
        "Chris Hall",
    ),
    R(
        C.OPERATIONAL,
        "The service cannot absorb the change alongside business as usual",
        "Several system changes land on the same teams this year",
        "staff may not take up the new ways of working",
        "benefits come late and the old processes run on in parallel",
        (3, 3),
        (2, 2),
        RiskResponse.REDUCE,
        "Change champions in each team, training at team meetings, floor-walkers for two weeks.",
        30_000,
        9_000,
        "business",
    ),
    R(
        C.SCHEDULE,
        "Procurement timetable slips",
        "The framework call-off needs legal and procurement review, and procurement is stretched",
        "the contract may be signed later than planned",
        "the supplier starts late and the finish moves",
        (3, 4),
        (2, 3),
        RiskResponse.REDUCE,
        "Procurement and legal review slots booked in advance; the framework's standard terms used.",
        35_000,
        0,
        "pm",
    ),
    R(
        C.REPUTATIONAL,
        "Residents do not take up the online service",
        "Many residents prefer the phone and some lack digital skills",
        "online take-up may stay below the 40% target",
        "contact centre savings are not realised and councillors question the investment",
        (3, 3),
        (2, 3),
        RiskResponse.REDUCE,
        "Assisted digital help in libraries; promotion with council tax bills and on social media.",
        50_000,
        5_000,
        "business",
    ),
    R(
        C.TECHNICAL,
        "Network links at remote sites are too slow",
        "Several depots and libraries still run on old broadband links",
        "cloud services may be slow or drop at those sites",
        "staff there cannot work properly and log calls with the service desk",
        (2, 3),
        (2, 2),
        RiskResponse.FALLBACK,
        "4G failover routers for the affected sites until the SD-WAN reaches them.",
        15_000,
        4_000,
        "pm",
    ),
    R(
        C.STRATEGIC,
        "Funding cut at the budget round",
        "The council must find £18m of savings in its medium-term financial strategy",
        "the project's funding may be cut or paused at the February budget council",
        "scope is cut and the business case's benefits are lost",
        (2, 4),
        (2, 3),
        RiskResponse.ACCEPT,
        "Benefits evidence kept current for the budget round; the sponsor briefs cabinet members.",
        0,
        0,
        "sponsor",
    ),
    R(
        C.SECURITY,
        "Unsupported software stays in use after the deadline",
        "Some line-of-business applications are not certified for the new platform",
        "they may stay on unsupported versions after the vendor's end of support",
        "the council fails Cyber Essentials Plus and its PSN submission",
        (3, 4),
        (2, 4),
        RiskResponse.REDUCE,
        "Application owners given a deadline; isolation on a segregated network where upgrade fails.",
        40_000,
        10_000,
        "Paul Adams",
    ),
    R(
        C.PEOPLE,
        "Key technical specialist leaves",
        "The only in-house specialist in the product is on a fixed-term contract",
        "they may leave before knowledge is handed over",
        "support after go-live depends on the supplier at day rates",
        (3, 3),
        (2, 2),
        RiskResponse.REDUCE,
        "Pair a second engineer on every change; document the configuration in the runbook.",
        18_000,
        3_000,
        "Mark Jennings",
    ),
)
OPPORTUNITIES: tuple[RiskText, ...] = (
    R(
        C.TECHNICAL,
        "Reuse the corporate data platform's integration services",
        "The corporate data platform already has connectors to the main line-of-business systems",
        "the project could use them instead of building its own interfaces",
        "less build effort and one place to support integrations",
        (2, 3),
        (4, 3),
        RiskResponse.EXPLOIT,
        "Design Authority to confirm the pattern; the platform team joins the design sprint.",
        30_000,
        2_000,
        "pm",
        RiskKind.OPPORTUNITY,
    ),
    R(
        C.FINANCIAL,
        "Government grant funding",
        "A national digital fund is open to councils for this kind of work",
        "a joint bid with neighbouring councils could win funding",
        "part of the project's cost is met by the grant",
        (2, 3),
        (3, 3),
        RiskResponse.ENHANCE,
        "Joint bid with two neighbouring councils, led by the Head of Digital & Data.",
        60_000,
        3_000,
        "Emma Clarke",
        RiskKind.OPPORTUNITY,
    ),
    R(
        C.COMMERCIAL,
        "Framework call-off shortens procurement",
        "A national framework already covers the product",
        "a direct award could replace a full tender",
        "the contract is signed two months earlier",
        (3, 2),
        (4, 2),
        RiskResponse.EXPLOIT,
        "Procurement to confirm the framework's scope covers the requirement.",
        15_000,
        0,
        "pm",
        RiskKind.OPPORTUNITY,
    ),
    R(
        C.OPERATIONAL,
        "Train staff alongside the Microsoft 365 rollout",
        "The same teams are being trained on Microsoft 365 this year",
        "the sessions could be combined",
        "staff spend less time away from the front line",
        (2, 2),
        (3, 2),
        RiskResponse.SHARE,
        "Agree a joint training plan with the Workplace & Collaboration programme.",
        8_000,
        0,
        "business",
        RiskKind.OPPORTUNITY,
    ),
)
del R, C

ASSUMPTIONS = (
    (
        "The supplier's standard product meets the statutory requirements without customisation",
        "Customisation adds cost and makes every upgrade harder.",
    ),
    (
        "Service staff will be released two days a week during testing",
        "Testing takes twice as long and the go-live date moves.",
    ),
    (
        "The Azure landing zone is ready for the test environment when build starts",
        "Build waits for infrastructure, or runs on a temporary environment.",
    ),
    (
        "The second year's budget is confirmed at the February budget council",
        "Work stops after the first release.",
    ),
    (
        "The current contract can be extended month by month if go-live slips",
        "A gap in support, or a costly emergency extension.",
    ),
    (
        "Single sign-on with the council's Microsoft Entra ID works for every user group",
        "Councillors and contractors need separate accounts and passwords.",
    ),
)
ISSUES = (
    (
        IssueType.PROBLEM,
        "Test environment unavailable for five days",
        Severity.MAJOR,
        Priority.HIGH,
        "The supplier's hosting change took the test environment down; two test cycles lost.",
    ),
    (
        IssueType.PROBLEM,
        "Business analyst on long-term sick leave",
        Severity.MODERATE,
        Priority.MEDIUM,
        "Requirements for the second release are not being written; cover sought from the framework.",
    ),
    (
        IssueType.PROBLEM,
        "Supplier release failed regression testing",
        Severity.MAJOR,
        Priority.HIGH,
        "Release 2.3 came with 23 defects, four of them severity 1; the release was rejected.",
    ),
    (
        IssueType.OFF_SPECIFICATION,
        "Letters do not meet the corporate style and plain English standard",
        Severity.MINOR,
        Priority.LOW,
        "Templates supplied use the supplier's wording and fonts, not the council's.",
    ),
    (
        IssueType.OFF_SPECIFICATION,
        "Report export leaves out the ward field",
        Severity.MODERATE,
        Priority.MEDIUM,
        "Ward-level reporting to councillors cannot be produced from the export.",
    ),
    (
        IssueType.REQUEST_FOR_CHANGE,
        "Service asks for an extra report for the monthly performance pack",
        Severity.MINOR,
        Priority.MEDIUM,
        "The directorate wants the waiting-list measure in the monthly performance pack.",
    ),
    (
        IssueType.REQUEST_FOR_CHANGE,
        "Add text message reminders",
        Severity.MINOR,
        Priority.LOW,
        "Residents miss appointments; the service asks for SMS reminders through GOV.UK Notify.",
    ),
)
DECISIONS = (
    (
        "Use the supplier's hosted (software as a service) option",
        "A: host on-premises in the civic centre data centre. B: the supplier's hosted service. "
        "C: the council's own Azure tenancy.",
        "B: the data centre closes; the supplier patches and backs up; lowest five-year cost.",
    ),
    (
        "Roll out team by team, not in one go",
        "A: one go-live for every team. B: team by team over six weeks.",
        "B: the service keeps running and floor-walkers can support each team.",
    ),
    (
        "Keep the old system read-only for seven years",
        "A: migrate every historic record. B: migrate five years and keep the old system read-only. "
        "C: archive to the records store.",
        "B: cheapest, and meets the retention schedule; the Information Governance Manager agreed.",
    ),
    (
        "Use GOV.UK Notify for e-mails and text messages",
        "A: the supplier's messaging module. B: GOV.UK Notify.",
        "B: free e-mails, cheap texts, and already used by three services.",
    ),
)
MEETINGS = (
    "IT Portfolio Board",
    "Project board",
    "Design Authority",
    "Programme board",
    "Supplier review",
)
ACTION_TEXTS = {
    ActionSource.RAID_ITEM: "Carry out the agreed response to {ref}",
    ActionSource.MEETING: "Bring a revised plan to the next {meeting}",
    ActionSource.HEALTH_CHECK: "Update the RAID log and the benefits profile after the PMO health check",
}
PROVIDERS = (
    ("Test accounts and devices for the testers", "IT Service Desk", "User acceptance testing complete"),
    ("Cost codes and budget profile set up in the ledger", "Finance", "Supplier contract awarded"),
    ("Contract award through the framework", "Procurement", "Supplier contract awarded"),
    ("Firewall rules for the supplier's hosted service", "IT Infrastructure", "Go-live"),
    ("Data sharing agreement signed by partners", "Information Governance", "Go-live"),
)


# --- the log of one project -----------------------------------------------------------------


def _actor(ctx: DemoContext, project: Project) -> User:
    """The ``pm`` login keeps their own logs; the PMO officer types up the others' from the
    project managers' spreadsheets."""
    return ctx.users["pm"] if project.project_manager_id == ctx.person_of("pm").pk else ctx.users["officer"]


def _owner(ctx: DemoContext, project: Project, who: str) -> Person:
    if who == "pm":
        return project.project_manager
    if who == "sponsor":
        return project.sponsor
    if who == "business":
        return project.business_owner or project.project_manager
    return ctx.people[who]


@dataclass
class _Dates:
    """When an item was raised and last reviewed (None: never since), and its own date."""

    raised: dt.date
    reviewed: dt.date | None
    due: dt.date


def _dates(ctx: DemoContext, project: Project, *, open_item: bool, cycle_days: int = 30) -> _Dates:
    """Most items reviewed in the last few weeks; some stale (two months or more), some past
    due."""
    rng, today = ctx.rng, ctx.today
    start = max(project.planned_start or today, today - dt.timedelta(days=330))
    earliest = min(start, today - dt.timedelta(days=20))
    raised = earliest + dt.timedelta(days=rng.randint(0, max((today - earliest).days - 14, 0)))
    stale = open_item and rng.random() < STALE_SHARE
    if stale:
        reviewed_ago = rng.randint(62, 120)
        raised = min(raised, today - dt.timedelta(days=reviewed_ago + rng.randint(0, 40)))
        reviewed = today - dt.timedelta(days=reviewed_ago) if rng.random() < 0.6 else None
    else:
        ago = rng.randint(1, 26)
        reviewed = today - dt.timedelta(days=ago) if (today - raised).days > ago else None
    last = reviewed or raised
    if open_item and rng.random() < PAST_DUE_SHARE:
        due = today - dt.timedelta(days=rng.randint(3, 45))
    else:
        due = max(last + dt.timedelta(days=cycle_days), today + dt.timedelta(days=rng.randint(7, 60)))
    return _Dates(raised, reviewed, due)


def _raise(
    ctx: DemoContext,
    *,
    model: type[RaidItem],
    register: Project | Programme | Portfolio,
    actor: User | None,
    fields: dict[str, Any],
    dates: _Dates,
    closing: dict[str, Any] | None = None,
) -> Any:
    """Raise an item on its day, then review it (or close it) on its last review."""
    item = demo_run(
        demo_moment(dates.raised, 10, ctx.rng.choice((0, 15, 30, 45))),
        services.raid_item_create,
        actor=actor,
        model=model,
        register=register,
        fields={**fields, "raised_on": dates.raised, "due": dates.due},
    )
    if dates.reviewed is None:
        return item
    at = demo_moment(dates.reviewed, 14, ctx.rng.choice((0, 20, 40)))
    if closing:
        return demo_run(
            at,
            services.raid_item_update,
            actor=actor,
            item=item,
            fields=closing,
            expected_version=item.version,
        )
    return demo_run(at, services.raid_item_review, actor=actor, item=item, expected_version=item.version)


def _risk_fields(
    ctx: DemoContext, project: Project, text: RiskText, *, scaled: bool = True
) -> dict[str, Any]:
    """A risk from its text; its cost impact grows with the project's size (where ``scaled``)."""
    (ip, ii), (rp, ri) = text.inherent, text.residual
    owner = _owner(ctx, project, text.owner)
    scale = max(Decimal(1), Decimal(project.budget) / Decimal(500_000)) if scaled else Decimal(1)
    cost = round(Decimal(text.cost_impact) * scale / 1000) * 1000
    return {
        "kind": text.kind,
        "category": text.category,
        "title": text.title,
        "cause": f"{text.cause}.",
        "event": f"There is a risk that {text.event}.",
        "effect": f"Resulting in: {text.effect}.",
        "owner": owner,
        "actionee": project.project_manager if owner != project.project_manager else None,
        "inherent_probability": ip,
        "inherent_impact": ii,
        "residual_probability": rp,
        "residual_impact": ri,
        "proximity": ctx.rng.choice(list(Proximity.values)),
        "response": text.response,
        "response_plan": text.plan,
        "cost_impact": Decimal(cost) if cost else None,
        "response_cost": Decimal(text.response_cost) or None,
    }


def _project_log(ctx: DemoContext, project: Project) -> None:
    rng = ctx.rng
    actor = _actor(ctx, project)
    risks: list[Risk] = []
    for text in rng.sample(THREATS, rng.randint(3, 5)) + rng.sample(
        OPPORTUNITIES, 1 if rng.random() < 0.4 else 0
    ):
        closing = None
        if rng.random() < 0.12:
            closing = {
                "status": RiskStatus.CLOSED,
                "closure_note": "The risk has passed: closed at the project board.",
            }
        dates = _dates(ctx, project, open_item=closing is None)
        if closing and dates.reviewed is None:
            dates.reviewed = ctx.today - dt.timedelta(days=rng.randint(2, 30))
        risks.append(
            _raise(
                ctx,
                model=Risk,
                register=project,
                actor=actor,
                fields=_risk_fields(ctx, project, text),
                dates=dates,
                closing=closing,
            )
        )
    for title, consequence in rng.sample(ASSUMPTIONS, rng.randint(1, 2)):
        status = rng.choices(list(AssumptionStatus.values[:3]), (6, 3, 1))[0]
        dates = _dates(ctx, project, open_item=status != AssumptionStatus.VALID, cycle_days=45)
        _raise(
            ctx,
            model=Assumption,
            register=project,
            actor=actor,
            dates=dates,
            fields={
                "title": title,
                "consequence": consequence,
                "status": status,
                "owner": _owner(ctx, project, rng.choice(("pm", "business", "sponsor"))),
            },
        )
    for issue_type, title, severity, priority, description in rng.sample(ISSUES, rng.randint(1, 2)):
        status = rng.choices(list(IssueStatus.values), (4, 4, 2, 1))[0]
        dates = _dates(ctx, project, open_item=status in Issue.OPEN_STATUSES, cycle_days=21)
        fields = {
            "issue_type": issue_type,
            "title": title,
            "description": description,
            "severity": severity,
            "priority": priority,
            "status": status,
            "owner": project.project_manager,
        }
        if status not in Issue.OPEN_STATUSES:
            fields["closure_note"] = "Fixed by the supplier and retested."
        _raise(ctx, model=Issue, register=project, actor=actor, dates=dates, fields=fields)
    if rng.random() < 0.5:
        title, provider, milestone = rng.choice(PROVIDERS)
        status = rng.choices(
            (DependencyStatus.OPEN, DependencyStatus.AT_RISK, DependencyStatus.DELIVERED), (6, 2, 2)
        )[0]
        dates = _dates(ctx, project, open_item=status != DependencyStatus.DELIVERED, cycle_days=40)
        _raise(
            ctx,
            model=Dependency,
            register=project,
            actor=actor,
            dates=dates,
            fields={
                "title": title,
                "provider": provider,
                "milestone": milestone,
                "status": status,
                "owner": project.project_manager,
            },
        )
    for risk in rng.sample(risks, min(len(risks), rng.randint(1, 2))):
        _action(
            ctx,
            project,
            actor,
            ActionSource.RAID_ITEM,
            risk.reference,
            ACTION_TEXTS[ActionSource.RAID_ITEM].format(ref=risk.reference) + f": {risk.title.lower()}",
            risk.owner,
        )
    source = rng.choice((ActionSource.MEETING, ActionSource.HEALTH_CHECK))
    if source == ActionSource.MEETING:
        meeting = rng.choice(MEETINGS)
        _action(
            ctx,
            project,
            actor,
            source,
            f"{meeting}, {(ctx.today - dt.timedelta(days=rng.randint(5, 40))):%d %b %Y}",
            ACTION_TEXTS[source].format(meeting=meeting.lower()),
            project.project_manager,
        )
    else:
        _action(
            ctx,
            project,
            actor,
            source,
            f"PMO health check, {ctx.today:%B %Y}",
            ACTION_TEXTS[source],
            project.project_manager,
        )
    if rng.random() < 0.6:
        title, options, why = rng.choice(DECISIONS)
        dates = _dates(ctx, project, open_item=False)
        _raise(
            ctx,
            model=Decision,
            register=project,
            actor=actor,
            dates=dates,
            fields={
                "title": title,
                "options_considered": options,
                "rationale": why,
                "status": DecisionStatus.MADE,
                "owner": project.sponsor,
                "decided_on": dates.raised,
            },
        )


def _action(
    ctx: DemoContext, project: Project, actor: User, source: str, reference: str, title: str, owner: Person
) -> Action:
    done = ctx.rng.random() < 0.3
    dates = _dates(ctx, project, open_item=not done, cycle_days=21)
    closing = {"status": ActionStatus.DONE, "closure_note": "Done."} if done else None
    if done and dates.reviewed is None:
        dates.reviewed = ctx.today - dt.timedelta(days=ctx.rng.randint(1, 10))
    return _raise(
        ctx,
        model=Action,
        register=project,
        actor=actor,
        dates=dates,
        closing=closing,
        fields={
            "title": title,
            "source": source,
            "source_reference": reference,
            "owner": owner,
        },
    )


def active_projects(ctx: DemoContext) -> list[Project]:
    """The demo's active projects, in register order."""
    return sorted(
        (p for p in ctx.projects.values() if p.status == ProjectStatus.ACTIVE), key=lambda p: p.code
    )


@demo_step(order=100)
def raid_settings(ctx: DemoContext) -> None:
    """The RAID settings (the defaults), set up a year ago."""
    demo_settings(ctx.today, selectors.raid_settings)


@demo_step(order=230)
def raid_logs(ctx: DemoContext) -> None:
    """Every active project's RAID log."""
    for project in active_projects(ctx):
        _project_log(ctx, project)


# --- dependencies between projects ----------------------------------------------------------

# (dependent project, the project it depends on, what, the dependent's milestone, need-by in
# days from today, status). No loops; chains so a slip ripples: SD-WAN → Azure migration →
# corporate data platform → dashboards and public health warehouse; social care data migration
# → adults' case management → provider payments and the client portal.
CROSS_PROJECT = (
    (
        "Migrate data centre to Azure",
        "Wide area network replacement (SD-WAN)",
        "ExpressRoute connections to Azure from the new network",
        "Build complete",
        60,
        DependencyStatus.AT_RISK,
    ),
    (
        "Corporate data platform",
        "Migrate data centre to Azure",
        "Production Azure landing zone for the data platform",
        "Public beta live",
        90,
        DependencyStatus.OPEN,
    ),
    (
        "Directorate performance dashboards",
        "Corporate data platform",
        "Curated finance and HR datasets on the data platform",
        "Public beta live",
        120,
        DependencyStatus.OPEN,
    ),
    (
        "Public health intelligence data warehouse",
        "Corporate data platform",
        "Data platform ingestion of NHS and ONS datasets",
        "Alpha complete",
        150,
        DependencyStatus.OPEN,
    ),
    (
        "Replace Adults' social care case management system",
        "Social care data migration",
        "Final migrated and reconciled case records",
        "Go-live",
        45,
        DependencyStatus.AT_RISK,
    ),
    (
        "Social care finance and provider payments",
        "Replace Adults' social care case management system",
        "Care packages held in the new case management system",
        "User acceptance testing complete",
        100,
        DependencyStatus.OPEN,
    ),
    (
        "Adult social care client portal",
        "Replace Adults' social care case management system",
        "The new system's resident-facing API",
        "Private beta live",
        140,
        DependencyStatus.OPEN,
    ),
    (
        "Adult social care client portal",
        "Customer portal and single sign-on (My Northshire account)",
        "Resident sign-in with My Northshire account",
        "Private beta live",
        80,
        DependencyStatus.OPEN,
    ),
    (
        "Council tax online self-service",
        "Customer portal and single sign-on (My Northshire account)",
        "Resident sign-in and account linking",
        "Public beta live",
        -10,
        DependencyStatus.AT_RISK,
    ),
    (
        "Housing repairs online booking",
        "Customer portal and single sign-on (My Northshire account)",
        "Tenant sign-in with My Northshire account",
        "Private beta live",
        70,
        DependencyStatus.OPEN,
    ),
    (
        "Webchat and chatbot for council enquiries",
        "Contact centre telephony replacement",
        "Hand-off from webchat to the contact centre's agents",
        "Private beta live",
        110,
        DependencyStatus.OPEN,
    ),
    (
        "Cyber Essentials Plus certification",
        "Windows 11 rollout",
        "No Windows 10 devices left on the network",
        "Go-live",
        35,
        DependencyStatus.AT_RISK,
    ),
    (
        "Cyber Essentials Plus certification",
        "Windows Server 2012 removal",
        "No unsupported servers left",
        "Go-live",
        35,
        DependencyStatus.OPEN,
    ),
    (
        "PSN compliance remediation",
        "Windows Server 2012 removal",
        "Unsupported servers removed before the IT health check",
        "Go-live",
        50,
        DependencyStatus.OPEN,
    ),
    (
        "Microsoft 365 Copilot pilot",
        "SharePoint Online migration of network file shares",
        "Pilot services' files moved to SharePoint with sensitivity labels",
        "Public beta live",
        40,
        DependencyStatus.OPEN,
    ),
    (
        "Highways asset management system upgrade",
        "GIS consolidation",
        "The single address gazetteer and map layers",
        "Go-live",
        160,
        DependencyStatus.OPEN,
    ),
    (
        "Planning and building control system replacement",
        "GIS consolidation",
        "The single address gazetteer and map layers",
        "User acceptance testing complete",
        200,
        DependencyStatus.OPEN,
    ),
    (
        "Security monitoring service (SIEM)",
        "Migrate data centre to Azure",
        "Azure activity logs forwarded to the monitoring service",
        "Go-live",
        130,
        DependencyStatus.OPEN,
    ),
)


@demo_step(order=240)
def raid_dependencies(ctx: DemoContext) -> None:
    """Projects that wait on each other, raised by their managers (no loops)."""
    rng, today = ctx.rng, ctx.today
    for dependent, provider, title, milestone, need_by, status in CROSS_PROJECT:
        project = ctx.projects[dependent]
        raised = today - dt.timedelta(days=rng.randint(30, 120))
        reviewed = today - dt.timedelta(days=rng.randint(2, 20))
        _raise(
            ctx,
            model=Dependency,
            register=project,
            actor=_actor(ctx, project),
            dates=_Dates(raised, reviewed, today + dt.timedelta(days=need_by)),
            fields={
                "title": title,
                "depends_on": ctx.projects[provider],
                "milestone": milestone,
                "status": status,
                "owner": project.project_manager,
                "description": f"{dependent} needs this from {provider}.",
            },
        )


# --- programme and portfolio registers, and escalations -------------------------------------

# (register: programme key or "portfolio", model, fields, days ago raised)
HIGHER_ITEMS: tuple[tuple[str, type[RaidItem], dict[str, Any], int], ...] = (
    (
        "SOCIAL",
        Risk,
        {
            "title": "Current case management contract ends before both replacements are live",
            "category": RiskCategory.COMMERCIAL,
            "cause": "The adults' and children's systems share one contract, ending in 14 months.",
            "event": "There is a risk that either replacement is not live when it ends.",
            "effect": "Resulting in: an emergency extension at premium rates, or no supported system.",
            "inherent": (4, 5),
            "residual": (3, 4),
            "response": RiskResponse.FALLBACK,
            "response_plan": "Negotiate a 12-month extension option, exercisable at three months' notice.",
            "cost_impact": 450_000,
            "owner": "Gareth Evans",
        },
        150,
    ),
    (
        "SOCIAL",
        Issue,
        {
            "title": "Social care IT team cannot support two go-lives in the same quarter",
            "issue_type": IssueType.PROBLEM,
            "severity": Severity.MAJOR,
            "priority": Priority.HIGH,
            "description": "Both replacement plans show go-live in the same quarter.",
            "owner": "Gareth Evans",
        },
        40,
    ),
    (
        "SOCIAL",
        Decision,
        {
            "title": "The adults' system goes live before the children's",
            "options_considered": "A: both together. B: adults first, children three months later. "
            "C: children first.",
            "rationale": "B: the adults' contract risk is higher and its data migration is further on.",
            "status": DecisionStatus.MADE,
            "owner": "Helen Marsh",
        },
        35,
    ),
    (
        "CLOUD",
        Risk,
        {
            "title": "Azure consumption costs exceed the business case",
            "category": RiskCategory.FINANCIAL,
            "cause": "Servers are moved like for like, without resizing.",
            "event": "There is a risk that monthly Azure costs run 30% above the business case.",
            "effect": "Resulting in: a revenue pressure of £250,000 a year.",
            "inherent": (4, 4),
            "residual": (2, 3),
            "response": RiskResponse.REDUCE,
            "response_plan": "Right-size every server after 30 days; reserved instances for the steady load.",
            "cost_impact": 250_000,
            "owner": "Lucy Hargreaves",
        },
        120,
    ),
    (
        "CLOUD",
        Assumption,
        {
            "title": "The civic centre data centre lease can be extended by six months if needed",
            "consequence": "The migration must finish by the lease end, whatever it costs.",
            "status": AssumptionStatus.UNVALIDATED,
            "owner": "Fiona Grant",
        },
        90,
    ),
    (
        "CYBER",
        Risk,
        {
            "title": "Ransomware attack during the migration window",
            "category": RiskCategory.SECURITY,
            "cause": "Councils are being targeted; old and new environments run side by side.",
            "event": "There is a risk of a ransomware attack while both environments are live.",
            "effect": "Resulting in: services down for weeks and data lost or published.",
            "inherent": (3, 5),
            "residual": (2, 4),
            "response": RiskResponse.REDUCE,
            "response_plan": "Immutable backups first; security monitoring before the migration waves.",
            "cost_impact": 1_500_000,
            "owner": "Paul Adams",
        },
        200,
    ),
    (
        "DATA",
        Risk,
        {
            "title": "Data & Insight team too small to support every directorate",
            "category": RiskCategory.PEOPLE,
            "cause": "Each directorate wants its dashboards this year; the team has four analysts.",
            "event": "There is a risk that dashboards are delivered late or not supported.",
            "effect": "Resulting in: directorates go back to spreadsheets.",
            "inherent": (4, 3),
            "residual": (3, 3),
            "response": RiskResponse.REDUCE,
            "response_plan": "Self-service training for directorate analysts; a backlog agreed at the board.",
            "cost_impact": 80_000,
            "owner": "Katie Byrne",
        },
        75,
    ),
    (
        "portfolio",
        Risk,
        {
            "title": "PMO and architecture capacity cannot support 55 active projects",
            "category": RiskCategory.PEOPLE,
            "cause": "The IT PMO and the Design Authority have not grown with the portfolio.",
            "event": "There is a risk that assurance, gates and design reviews fall behind.",
            "effect": "Resulting in: projects start without proper assurance and problems are found late.",
            "inherent": (4, 3),
            "residual": (3, 3),
            "response": RiskResponse.REDUCE,
            "response_plan": "Prioritise assurance by tier; one more PMO analyst in the budget bid.",
            "cost_impact": 100_000,
            "owner": "Priya Shah",
        },
        180,
    ),
    (
        "portfolio",
        Risk,
        {
            "title": "Capital programme reduced in the medium-term financial strategy",
            "category": RiskCategory.FINANCIAL,
            "cause": "The council must find £18m of savings over three years.",
            "event": "There is a risk that IT capital is cut by a quarter from April.",
            "effect": "Resulting in: projects in the pipeline stopped and some in delivery paused.",
            "inherent": (3, 5),
            "residual": (3, 4),
            "response": RiskResponse.ACCEPT,
            "response_plan": "Portfolio re-prioritised before the budget round; options ready for cabinet.",
            "cost_impact": 2_000_000,
            "owner": "Richard Cole",
        },
        60,
    ),
    (
        "portfolio",
        Decision,
        {
            "title": "Every highlight report uses the five-point delivery confidence scale",
            "options_considered": "A: three-point RAG. B: the five-point DCA scale.",
            "rationale": "B: matches the Government Major Projects Portfolio and the board's packs.",
            "status": DecisionStatus.MADE,
            "owner": "Priya Shah",
        },
        250,
    ),
    (
        "portfolio",
        Action,
        {
            "title": "Re-prioritise the IT portfolio before the budget round",
            "source": ActionSource.MEETING,
            "source_reference": "IT Portfolio Board",
            "owner": "Tom Fletcher",
        },
        20,
    ),
)


def _higher_fields(ctx: DemoContext, model: type[RaidItem], fields: dict[str, Any]) -> dict[str, Any]:
    values = {**fields, "owner": ctx.people[fields["owner"]]}
    if model is Risk:
        (ip, ii), (rp, ri) = values.pop("inherent"), values.pop("residual")
        values.update(
            inherent_probability=ip,
            inherent_impact=ii,
            residual_probability=rp,
            residual_impact=ri,
            cost_impact=Decimal(values["cost_impact"]),
            proximity=Proximity.QUARTER,
        )
    return values


# Project risks escalated: (project, title, category, cause, event, effect, inherent, residual,
# response, plan, cost impact, escalations as (level, days ago, note))
ESCALATED = (
    (
        "Social care data migration",
        "Migration reconciliation failures threaten the adults' go-live",
        RiskCategory.TECHNICAL,
        "Rehearsal 2 left 14% of care packages unreconciled with the old system",
        "the final migration may not reconcile in time",
        "the adults' case management system cannot go live, and the programme's contract risk grows",
        (4, 5),
        (3, 4),
        RiskResponse.REDUCE,
        "A third rehearsal with the supplier's migration team; daily reconciliation stand-ups.",
        300_000,
        ((Level.PROGRAMME, 25, "The adults' go-live and the contract end depend on it."),),
    ),
    (
        "Windows 11 rollout",
        "Devices not upgraded before Windows 10 extended support ends",
        RiskCategory.SECURITY,
        "300 devices are behind schedule and some applications are not certified",
        "devices may still run Windows 10 when extended security updates end",
        "Cyber Essentials Plus and PSN compliance fail",
        (4, 4),
        (3, 4),
        RiskResponse.REDUCE,
        "Weekend deployment slots; a second engineer; isolation of any device left behind.",
        120_000,
        ((Level.PROGRAMME, 30, "Cyber Essentials Plus depends on it: programme to decide priorities."),),
    ),
    (
        "Contact centre telephony replacement",
        "Number porting delayed by the outgoing carrier",
        RiskCategory.COMMERCIAL,
        "The outgoing carrier has missed two porting dates",
        "the council's main numbers may not port before the old contract ends",
        "calls to the contact centre fail at switchover",
        (3, 5),
        (3, 4),
        RiskResponse.FALLBACK,
        "Call forwarding from the old platform as a fallback; escalation to the carrier's account director.",
        90_000,
        ((Level.PROGRAMME, 18, "Needs the programme sponsor to press the carrier."),),
    ),
    (
        "Migrate data centre to Azure",
        "Data centre lease ends before the migration is complete",
        RiskCategory.SCHEDULE,
        "Wave 3 of the migration is behind plan and depends on the new network",
        "servers may still be in the civic centre when the lease ends",
        "an unplanned lease extension or an emergency move",
        (4, 5),
        (3, 5),
        RiskResponse.FALLBACK,
        "Negotiate a short lease extension option; prioritise wave 3's critical servers.",
        600_000,
        (
            (Level.PROGRAMME, 50, "Beyond the project's tolerance."),
            (Level.PORTFOLIO, 21, "Needs the CIO and the Section 151 Officer: lease and capital."),
        ),
    ),
    (
        "Replace Children's social care case management system",
        "Ofsted inspection during go-live",
        RiskCategory.REPUTATIONAL,
        "A full Ofsted inspection is due within the go-live window",
        "inspectors may arrive while social workers are learning the new system",
        "a poor judgement, and the council's reputation harmed",
        (3, 5),
        (2, 5),
        RiskResponse.REDUCE,
        "Go-live timed after the likely inspection window; extra floor-walkers; an inspection pack "
        "from both systems.",
        0,
        ((Level.PORTFOLIO, 12, "Corporate risk: the DLT must know."),),
    ),
)


@demo_step(order=250)
def raid_higher_registers(ctx: DemoContext) -> None:
    """The programmes' and the portfolio's own items, and project risks escalated to them."""
    rng, today = ctx.rng, ctx.today
    officer, head = ctx.users["officer"], ctx.users["head"]
    for key, model, fields, ago in HIGHER_ITEMS:
        register = ctx.portfolio if key == "portfolio" else ctx.programmes[key]
        assert register is not None
        raised = today - dt.timedelta(days=ago)
        reviewed = today - dt.timedelta(days=rng.randint(3, min(ago, 25)))
        values = _higher_fields(ctx, model, fields)
        if model is Decision:
            values["decided_on"] = raised
        _raise(
            ctx,
            model=model,
            register=register,
            actor=head if key == "portfolio" else officer,
            dates=_Dates(raised, reviewed, today + dt.timedelta(days=rng.randint(20, 60))),
            fields=values,
        )
    for (
        name,
        title,
        category,
        cause,
        event,
        effect,
        inherent,
        residual,
        response,
        plan,
        cost,
        steps,
    ) in ESCALATED:
        project = ctx.projects[name]
        actor = _actor(ctx, project)
        first = max(ago for _, ago, _ in steps)
        raised = today - dt.timedelta(days=first + rng.randint(20, 60))
        text = _escalated_text(
            category, title, cause, event, effect, inherent, residual, response, plan, cost
        )
        risk = _raise(
            ctx,
            model=Risk,
            register=project,
            actor=actor,
            fields=_risk_fields(ctx, project, text, scaled=False),
            dates=_Dates(raised, None, today + dt.timedelta(days=14)),
        )
        for level, ago, note in steps:
            risk = demo_run(
                demo_moment(today - dt.timedelta(days=ago), 16),
                services.raid_item_escalate,
                actor=actor,
                item=risk,
                to=level,
                note=note,
                expected_version=risk.version,
            )
        demo_run(
            demo_moment(today - dt.timedelta(days=rng.randint(1, 6)), 11),
            services.raid_item_review,
            actor=actor,
            item=risk,
            expected_version=risk.version,
            note="Reviewed at the programme board.",
        )


def _escalated_text(
    category: str,
    title: str,
    cause: str,
    event: str,
    effect: str,
    inherent: tuple[int, int],
    residual: tuple[int, int],
    response: str,
    plan: str,
    cost: int,
) -> RiskText:
    return RiskText(category, title, cause, event, effect, inherent, residual, response, plan, cost, 0, "pm")


# --- dependencies tied to plan tasks (issue 11 item 7, ADR 0044) ----------------------------


def _needing_task(
    tasks: list[Any], forecast: dt.datetime, after: dt.datetime | None, now: dt.datetime
) -> Any:
    """The task of a plan to tie as needing a delivery forecast at ``forecast``: one not yet
    started that starts before it (so the delivery comes late), work rather than a milestone,
    the first to start after ``after`` (a need the delivery met as planned, missed once it
    slipped), else the last to start before the forecast."""
    future = [t for t in tasks if now < t.start < forecast]
    early = [t for t in future if not t.milestone] or future
    later = [t for t in early if after is None or t.start > after]
    if later:
        return min(later, key=lambda t: (t.start, t.uid))
    return max(early, key=lambda t: (t.start, t.uid), default=None)


@demo_step(order=275)
def plan_dependencies(ctx: DemoContext) -> None:
    """A chain of three projects tied to their plans' tasks, raised a few days after the plans
    were imported: the project whose build overran most delivers late to a second, whose
    milestone then moves and comes late to a third. Chosen by the plans' dates (no randomness),
    among projects anyone in the PMO may see, and never closing a loop of dependencies."""
    candidates = [p for p in active_projects(ctx) if not p.confidential]
    plans = crosslinks.tasks_of(p.pk for p in candidates)
    planned = [p for p in candidates if p.pk in plans]

    def overrun(project: Project) -> dt.timedelta:
        return max(
            (t.finish - t.baseline_finish for t in plans[project.pk] if t.baseline_finish),
            default=dt.timedelta(0),
        )

    if len(planned) < 3:
        return
    first = max(planned, key=lambda p: (overrun(p), p.code))
    now = timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(18)))
    late = [t for t in plans[first.pk] if not t.milestone and t.baseline_finish and t.finish > now]
    if not late:
        return
    most = max(t.finish - t.baseline_finish for t in late)  # type: ignore[operator]
    giving = next(t for t in late if (t.finish - t.baseline_finish) * 10 >= most * 9)  # type: ignore[operator]
    # ^ the first task still to finish that is about as late as any (those after it follow it)
    chain = [first]
    links: list[tuple[Project, Any, Project, Any]] = []
    edges = selectors.project_edges()
    forecast, planned_finish = giving.finish, giving.baseline_finish  # the first: its own overrun
    for _ in range(2):
        for project in planned:
            if project in chain or network.find_loop([*edges, (project.pk, chain[-1].pk)]):
                continue
            needing = _needing_task(plans[project.pk], forecast, planned_finish, now)
            if needing is None:
                continue
            links.append((chain[-1], giving, project, needing))
            edges.append((project.pk, chain[-1].pk))
            chain.append(project)
            # the next link delivers from this plan: its first milestone after the needing task,
            # moved by the slip (the demo plans' tasks follow one another without room)
            giving = next((t for t in plans[project.pk] if t.milestone and t.start >= needing.start), needing)
            forecast, planned_finish = giving.finish + (forecast - needing.start), giving.finish
            break
    raised = ctx.today - dt.timedelta(days=5)
    for provider, delivers, project, needs in links:
        demo_run(
            demo_moment(raised, 11),
            services.raid_item_create,
            actor=_actor(ctx, project),
            model=Dependency,
            register=project,
            fields={
                "title": f"{provider.code} {delivers.name.lower()} before our {needs.name.lower()}",
                "description": f"{project.code}'s {needs.name} cannot start until {provider.code}'s "
                f"{delivers.name} is finished: tied to both plans, so a slip in {provider.code} moves "
                f"{project.code}'s plan.",
                "depends_on": provider,
                "giving_task_uid": delivers.uid,
                "needing_task_uid": needs.uid,
                "milestone": needs.name,
                "status": DependencyStatus.AT_RISK,
                "owner": project.project_manager,
                "raised_on": raised,
                "due": ctx.today,  # replaced by the needing task's start
            },
        )
