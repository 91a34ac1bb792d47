"""The demo portfolio: a UK council's IT portfolio, the same on every run on the same day.

``demo_build()`` runs the registered steps in order inside one transaction. Every record is
written through the services (``actor=None`` is the system), so each has its history; the last
step changes a few projects as the demo users would, so History tabs and "as of" views have
something to show. Dates are relative to today, so the portfolio always looks current.

Other pmo apps extend the demo with steps in their own ``demo`` module, registered with
``pmo.core.demo.demo_step`` (the framework: steps, and replaying past events through the clock).
A step sees everything earlier steps made through its ``DemoContext`` (people, projects… by
name) and draws any randomness from ``ctx.rng`` only, so the demo stays deterministic.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from pmo.core import clock
from pmo.core.choices import PMO_ROLES, Role
from pmo.core.demo import demo_step, demo_steps
from pmo.core.models import User
from pmo.core.settings_rows import settings_kept
from pmo.portfolio.choices import (
    Methodology,
    OrgUnitKind,
    Priority,
    ProjectCategory,
    ProjectStatus,
)
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)
from pmo.portfolio.services import project_create, project_update, register_entry_create

DEMO_SEED = 20260930
"""The seed of every random choice in the demo (Project Online's retirement date)."""

DEMO_PASSWORD = "demo-pass-2026"
"""The published password of every demo login."""
EMAIL_DOMAIN = "northshire-council.example"

LIFECYCLE_TOO_SHORT = (
    "The demo needs a lifecycle of at least {needed} stages (Pipeline to Benefits); this "
    "database has {found}. Load the demo into a freshly migrated database."
)
USERNAMES_TAKEN = (
    "The demo's users {usernames} already exist; the demo loads only into a database without them."
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo user: who they are and the role (group) they hold."""

    username: str
    role: Role
    person: str
    job_title: str
    org_unit: str

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("head", Role.PMO_HEAD, "Priya Shah", "IT PMO Manager", "IT Services"),
    DemoLogin("analyst", Role.PMO_ANALYST, "Tom Fletcher", "PMO Analyst", "IT Services"),
    DemoLogin("officer", Role.PMO_OFFICER, "Grace Okafor", "PMO Officer", "IT Services"),
    DemoLogin("pm", Role.PROJECT_MANAGER, "Dan Whitaker", "Senior IT Project Manager", "IT Services"),
    DemoLogin(
        "sponsor", Role.SPONSOR, "Helen Marsh", "Director of Adults' Social Care", "Adults' Social Care"
    ),
    DemoLogin("exec", Role.EXECUTIVE, "Richard Cole", "Chief Information Officer", "Finance & Assets"),
    DemoLogin(
        "finance", Role.FINANCE_PARTNER, "Aisha Begum", "Finance Business Partner (IT)", "Finance & Assets"
    ),
    DemoLogin("resource", Role.RESOURCE_MANAGER, "Mark Jennings", "IT Resource Manager", "IT Services"),
)
"""One login per role, all with ``DEMO_PASSWORD``."""


@dataclass
class DemoContext:
    """What the steps have built so far, by name, and the one source of randomness."""

    today: dt.date
    rng: random.Random
    org_units: dict[str, OrgUnit] = field(default_factory=dict)
    objectives: dict[str, StrategicObjective] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    stages: dict[str, LifecycleStage] = field(default_factory=dict)
    portfolio: Portfolio | None = None
    programmes: dict[str, Programme] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)

    def person_of(self, username: str) -> Person:
        login = next(login for login in DEMO_LOGINS if login.username == username)
        return self.people[login.person]


@transaction.atomic
def demo_build(*, today: dt.date | None = None) -> DemoContext:
    """Build the demo portfolio in an empty register; all or nothing.

    The whole build runs with the clock held at the moment it starts (``today``, if given, at
    the present time of day), so whatever the steps write outside a replayed event is stamped
    as of that day too."""
    taken = sorted(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise ValueError(USERNAMES_TAKEN.format(usernames=", ".join(taken)))
    start = clock.now()
    if today is not None:
        start = timezone.make_aware(dt.datetime.combine(today, timezone.localtime(start).time()))
    ctx = DemoContext(
        today=timezone.localdate(start),
        rng=random.Random(DEMO_SEED),  # noqa: S311 - reproducible demo data, not security
    )
    with clock.as_at(start), settings_kept():  # the settings rows, read once (saved ones again)
        for step in demo_steps():
            step(ctx)
    return ctx


def demo_logins_present() -> list[tuple[DemoLogin, User, bool]]:
    """The demo logins that exist in this database, each with whether it still has the demo
    password (its owner may have changed it)."""
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    return [
        (login, users[login.username], users[login.username].check_password(DEMO_PASSWORD))
        for login in DEMO_LOGINS
        if login.username in users
    ]


# --- the organisation -----------------------------------------------------------------------

DIRECTORATES = ("People Directorate", "Place Directorate", "Resources Directorate")

DEPARTMENTS = {
    # key: (name, directorate)
    "ASC": ("Adults' Social Care", "People Directorate"),
    "CHS": ("Children's Services", "People Directorate"),
    "PH": ("Public Health", "People Directorate"),
    "ENV": ("Environment & Highways", "Place Directorate"),
    "HSG": ("Housing", "Place Directorate"),
    "REG": ("Regeneration & Planning", "Place Directorate"),
    "FIN": ("Finance & Assets", "Resources Directorate"),
    "CUS": ("Customer Services", "Resources Directorate"),
}

SERVICE_AREAS = {
    # key: (name, department key)
    "IT": ("IT Services", "FIN"),
    "REV": ("Revenues & Benefits", "FIN"),
    "LIB": ("Libraries", "CUS"),
    "CC": ("Contact Centre", "CUS"),
    "WASTE": ("Waste & Recycling", "ENV"),
    "HWY": ("Highways Maintenance", "ENV"),
    "HOML": ("Housing Options & Homelessness", "HSG"),
    "SAFE": ("Children's Safeguarding", "CHS"),
    "ASSESS": ("Adult Care Assessment", "ASC"),
    "BC": ("Planning & Building Control", "REG"),
}


def _unit_name(key: str) -> str:
    return DEPARTMENTS[key][0] if key in DEPARTMENTS else SERVICE_AREAS[key][0]


@demo_step(order=10)
def organisation(ctx: DemoContext) -> None:
    """Three directorates, eight departments and the business service areas below them."""
    for name in DIRECTORATES:
        ctx.org_units[name] = register_entry_create(
            actor=None, model=OrgUnit, fields={"name": name, "kind": OrgUnitKind.DIRECTORATE}
        )
    for name, directorate in DEPARTMENTS.values():
        ctx.org_units[name] = register_entry_create(
            actor=None,
            model=OrgUnit,
            fields={"name": name, "kind": OrgUnitKind.DEPARTMENT, "parent": ctx.org_units[directorate]},
        )
    for name, department in SERVICE_AREAS.values():
        ctx.org_units[name] = register_entry_create(
            actor=None,
            model=OrgUnit,
            fields={
                "name": name,
                "kind": OrgUnitKind.SERVICE_AREA,
                "parent": ctx.org_units[_unit_name(department)],
            },
        )


# --- strategy -------------------------------------------------------------------------------

OBJECTIVES = (
    ("CP1", "Care and support for those who need it",
     "Adults and children get the right help at the right time, and stay safe and independent."),
    ("CP2", "A thriving local economy and places",
     "Good jobs, regenerated town centres and a planning service that enables growth."),
    ("CP3", "Clean, green and net zero by 2030",
     "Cut the council's carbon emissions, improve air quality and keep streets clean."),
    ("CP4", "Good homes for everyone",
     "More affordable homes, well-maintained council housing and less homelessness."),
    ("CP5", "A modern, efficient council",
     "Digital by default for residents who can, value for money and modern ways of working."),
    ("CP6", "Safe, secure and resilient services",
     "Services that keep running and data that stays protected, whatever happens."),
)

DEPARTMENT_THEME = {
    "ASC": "CP1", "ASSESS": "CP1", "CHS": "CP1", "SAFE": "CP1", "PH": "CP1",
    "ENV": "CP3", "WASTE": "CP3", "HWY": "CP3",
    "HSG": "CP4", "HOML": "CP4",
    "REG": "CP2", "BC": "CP2",
}


@demo_step(order=20)
def strategy(ctx: DemoContext) -> None:
    """The council plan's six themes, as strategic objectives."""
    for code, title, description in OBJECTIVES:
        ctx.objectives[code] = register_entry_create(
            actor=None,
            model=StrategicObjective,
            fields={"code": code, "title": title, "description": description},
        )


# --- people ---------------------------------------------------------------------------------

PEOPLE = (
    # (name, job title, org unit key)
    ("Sarah Lindqvist", "Head of Enterprise IT Governance", "IT"),
    ("Paul Adams", "Head of IT Infrastructure & Cyber Security", "IT"),
    ("Emma Clarke", "Head of Digital & Data", "IT"),
    ("Gareth Evans", "Programme Manager, Social Care Systems", "IT"),
    ("Sophie Barnes", "IT Project Manager", "IT"),
    ("Imran Hussain", "IT Project Manager", "IT"),
    ("Olu Adeyemi", "Senior IT Project Manager", "IT"),
    ("Katie Byrne", "IT Project Manager", "IT"),
    ("James Moreno", "Agile Delivery Manager", "IT"),
    ("Lucy Hargreaves", "Programme Manager, Cloud & Infrastructure", "IT"),
    ("Nikhil Rao", "IT Project Manager", "IT"),
    ("Andrew Pike", "Director of Children's Services", "CHS"),
    ("Claire Robson", "Director of Environment & Highways", "ENV"),
    ("Martin Doyle", "Director of Housing", "HSG"),
    ("Fiona Grant", "Director of Finance & Assets (Section 151 Officer)", "FIN"),
    ("Janet Osei", "Head of Customer Services", "CUS"),
    ("Dr Ruth Ellis", "Director of Public Health", "PH"),
    ("Stephen Ward", "Director of Regeneration & Planning", "REG"),
    ("Nadia Ali", "Head of Revenues & Benefits", "REV"),
    ("Peter Walsh", "Libraries Manager", "LIB"),
    ("Joanne Price", "Contact Centre Manager", "CC"),
    ("Liam O'Connor", "Waste Services Manager", "WASTE"),
    ("Beth Morgan", "Highways Asset Manager", "HWY"),
    ("Yusuf Khan", "Housing Options Manager", "HOML"),
    ("Maria Santos", "Head of Safeguarding", "SAFE"),
    ("Chris Hall", "Information Governance Manager and Data Protection Officer", "FIN"),
    ("Linda Fox", "Head of HR & Organisational Development", "FIN"),
    ("Rebecca Stone", "Head of Adult Care Assessment", "ASSESS"),
)

PROJECT_MANAGERS = (
    "Sophie Barnes", "Imran Hussain", "Olu Adeyemi", "Katie Byrne", "James Moreno",
    "Lucy Hargreaves", "Nikhil Rao", "Gareth Evans",
)

DEPARTMENT_SPONSOR = {
    "ASC": "Helen Marsh", "ASSESS": "Helen Marsh",
    "CHS": "Andrew Pike", "SAFE": "Andrew Pike",
    "PH": "Dr Ruth Ellis",
    "ENV": "Claire Robson", "WASTE": "Claire Robson", "HWY": "Claire Robson",
    "HSG": "Martin Doyle", "HOML": "Martin Doyle",
    "REG": "Stephen Ward", "BC": "Stephen Ward",
    "FIN": "Fiona Grant", "REV": "Fiona Grant",
    "CUS": "Janet Osei", "CC": "Janet Osei", "LIB": "Janet Osei",
}

BUSINESS_OWNER = {
    "REV": "Nadia Ali", "LIB": "Peter Walsh", "CC": "Joanne Price", "WASTE": "Liam O'Connor",
    "HWY": "Beth Morgan", "HOML": "Yusuf Khan", "SAFE": "Maria Santos", "ASC": "Rebecca Stone",
    "ASSESS": "Rebecca Stone",
}


def _email(name: str) -> str:
    parts = name.replace("Dr ", "").replace("'", "").lower().split()
    return f"{'.'.join(parts)}@{EMAIL_DOMAIN}"


def _username(name: str) -> str:
    """A demo person's username: their e-mail address before the @ ("sophie.barnes")."""
    return _email(name).split("@")[0]


PROJECT_MANAGER_USERNAMES = tuple(_username(name) for name in PROJECT_MANAGERS)
"""The users of the project managers who are not demo logins: they write their projects'
reports in the demo's year, and have no password until the PMO gives them one."""
DEMO_USERNAMES = (*(login.username for login in DEMO_LOGINS), *PROJECT_MANAGER_USERNAMES)
"""Every user the demo makes."""


def _project_manager_user(name: str) -> User:
    first, last = name.split(" ", 1)
    user = User.objects.create_user(  # no password: hashing none keeps the build quick
        username=_username(name), email=_email(name), first_name=first, last_name=last
    )
    user.groups.add(Group.objects.get(name=Role.PROJECT_MANAGER.label))
    return user


@demo_step(order=30)
def people(ctx: DemoContext) -> None:
    """Directors, heads of service, project managers and the PMO, each with a job title; the
    project managers each with their user (for the reports they write)."""
    for name, job_title, unit in PEOPLE:
        fields: dict[str, Any] = {
            "name": name,
            "email": _email(name),
            "job_title": job_title,
            "org_unit": ctx.org_units[_unit_name(unit)],
        }
        if name in PROJECT_MANAGERS:
            fields["user"] = _project_manager_user(name)
        ctx.people[name] = register_entry_create(actor=None, model=Person, fields=fields)


@demo_step(order=40)
def logins(ctx: DemoContext) -> None:
    """One login per role, each linked to its person; the PMO may use the admin site."""
    groups = {g.name: g for g in Group.objects.filter(name__in=[d.role.label for d in DEMO_LOGINS])}
    for login in DEMO_LOGINS:
        first, last = login.person.split(" ", 1)
        user = User.objects.create_user(
            username=login.username,
            email=_email(login.person),
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=login.role.label in PMO_ROLES,
        )
        user.groups.add(groups[login.role.label])
        ctx.users[login.username] = user
        ctx.people[login.person] = register_entry_create(
            actor=None,
            model=Person,
            fields={
                "name": login.person,
                "email": _email(login.person),
                "job_title": login.job_title,
                "org_unit": ctx.org_units[login.org_unit],
                "user": user,
            },
        )


# --- portfolio and programmes ---------------------------------------------------------------

PORTFOLIO_NAME = "IT Portfolio"

PROGRAMMES = {
    # key: (code, name, sponsor, manager, description)
    "DIGITAL": ("PRG-DCA", "Digital Customer Access", "Janet Osei", "James Moreno",
                "Residents served online first, with the contact centre for those who need it."),
    "CLOUD": ("PRG-CIM", "Cloud & Infrastructure Modernisation", "Paul Adams", "Lucy Hargreaves",
              "Leave the council's data centre, modernise the network and keep every device supported."),
    "SOCIAL": ("PRG-SCS", "Social Care Systems Replacement", "Helen Marsh", "Gareth Evans",
               "Replace the adults' and children's case management systems before the contract ends."),
    "WORK": ("PRG-WPC", "Workplace & Collaboration", "Sarah Lindqvist", "Olu Adeyemi",
             "Modern tools for 6,000 staff: Microsoft 365, devices, meeting rooms and records."),
    "DATA": ("PRG-DAI", "Data & Insight", "Emma Clarke", "Katie Byrne",
             "One trusted data platform, and the dashboards directorates run their services by."),
    "CYBER": ("PRG-CSR", "Cyber Security & Resilience", "Paul Adams", "Nikhil Rao",
              "Stay PSN-compliant and Cyber Essentials Plus certified; recover fast from an attack."),
}


@demo_step(order=50)
def portfolio_and_programmes(ctx: DemoContext) -> None:
    """The IT portfolio, owned by the CIO, and its six programmes."""
    ctx.portfolio = register_entry_create(
        actor=None,
        model=Portfolio,
        fields={
            "name": PORTFOLIO_NAME,
            "description": "Every IT-enabled change project of the council, overseen by the IT PMO.",
            "owner": ctx.people["Richard Cole"],
        },
    )
    for key, (code, name, sponsor, manager, description) in PROGRAMMES.items():
        ctx.programmes[key] = register_entry_create(
            actor=None,
            model=Programme,
            fields={
                "code": code,
                "name": name,
                "description": description,
                "portfolio": ctx.portfolio,
                "sponsor": ctx.people[sponsor],
                "manager": ctx.people[manager],
            },
        )


# --- projects -------------------------------------------------------------------------------

STAGE_NAMES = ("Pipeline", "Initiation", "Planning", "Delivery", "Closure", "Benefits")

MANDATORY = ProjectCategory.MANDATORY
IMPROVEMENT = ProjectCategory.SERVICE_IMPROVEMENT
TECHNICAL = ProjectCategory.TECHNICAL
TRANSFORMATION = ProjectCategory.TRANSFORMATION
WATERFALL, AGILE, HYBRID = Methodology.WATERFALL, Methodology.AGILE, Methodology.HYBRID
CRITICAL, HIGH, MEDIUM, LOW = Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW
PROPOSED, ACTIVE, ON_HOLD = ProjectStatus.PROPOSED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD
CLOSED, CANCELLED = ProjectStatus.CLOSED, ProjectStatus.CANCELLED


@dataclass(frozen=True)
class DemoProject:
    """One row of the demo register; who manages and sponsors it default from its department."""

    name: str
    unit: str
    programme: str | None
    category: str
    methodology: str
    stage: str
    status: str
    budget: int
    priority: str
    description: str
    objectives: tuple[str, ...] = ()
    pm: str | None = None
    sponsor: str | None = None
    confidential: bool = False


P = DemoProject
PROJECTS: tuple[DemoProject, ...] = (
    # Digital Customer Access
    P("Council tax online self-service", "REV", "DIGITAL", IMPROVEMENT, AGILE, "Delivery", ACTIVE,
      420_000, HIGH, "Residents view bills, set up Direct Debits and report moves online."),
    P("Customer portal and single sign-on (My Northshire account)", "CUS", "DIGITAL", TRANSFORMATION,
      AGILE, "Delivery", ACTIVE, 1_250_000, HIGH,
      "One account for every online council service, replacing six separate logins."),
    P("Contact centre telephony replacement", "CC", "DIGITAL", TECHNICAL, HYBRID, "Planning", ACTIVE,
      780_000, HIGH, "Cloud contact centre with call-back, queue messages and call recording."),
    P("Webchat and chatbot for council enquiries", "CC", "DIGITAL", IMPROVEMENT, AGILE, "Initiation",
      ACTIVE, 95_000, MEDIUM, "Answer the top twenty enquiry types by webchat, day and night."),
    P("Council website redesign", "CUS", "DIGITAL", IMPROVEMENT, AGILE, "Delivery", ACTIVE, 260_000,
      MEDIUM, "Rebuild the website to the GOV.UK design principles, task-first."),
    P("Online garden waste subscriptions", "WASTE", "DIGITAL", IMPROVEMENT, AGILE, "Closure", ACTIVE,
      60_000, LOW, "Subscribe and pay for garden waste collections online; stickers by post."),
    P("Missed bin reporting linked to crew tablets", "WASTE", "DIGITAL", IMPROVEMENT, AGILE,
      "Delivery", ACTIVE, 140_000, MEDIUM, "Reports go straight to the crews' in-cab tablets."),
    P("Housing repairs online booking", "HSG", "DIGITAL", IMPROVEMENT, AGILE, "Planning", ACTIVE,
      180_000, MEDIUM, "Tenants book and track repairs online against the repairs contractor's diary."),
    P("Payments platform re-procurement (PCI DSS)", "FIN", "DIGITAL", MANDATORY, WATERFALL, "Planning",
      ACTIVE, 350_000, HIGH, "Replace the card payments platform before its contract ends; PCI DSS 4.0."),
    P("Council housing tenant app", "HSG", "DIGITAL", IMPROVEMENT, AGILE, "Pipeline", PROPOSED,
      180_000, MEDIUM, "An app for tenants: rent balance, repairs and messages from their officer."),
    P("Resident mobile app (in-house build)", "CUS", "DIGITAL", IMPROVEMENT, AGILE, "Initiation",
      CANCELLED, 210_000, LOW, "Stopped at gate 1: the customer portal meets the need on mobile."),
    # Cloud & Infrastructure Modernisation
    P("Migrate data centre to Azure", "IT", "CLOUD", TECHNICAL, HYBRID, "Delivery", ACTIVE, 3_200_000,
      CRITICAL, "Move 340 servers out of the civic centre data centre before its lease ends.",
      objectives=("CP5", "CP3")),
    P("Windows 11 rollout", "IT", "CLOUD", TECHNICAL, WATERFALL, "Delivery", ACTIVE, 650_000, CRITICAL,
      "Upgrade or replace the remaining 1,400 devices still on Windows 10.", objectives=("CP5", "CP6")),
    P("Wide area network replacement (SD-WAN)", "IT", "CLOUD", TECHNICAL, WATERFALL, "Planning",
      ACTIVE, 1_400_000, HIGH, "Replace the MPLS network linking 87 council sites."),
    P("Wi-Fi refresh across libraries", "LIB", "CLOUD", TECHNICAL, WATERFALL, "Delivery", ACTIVE,
      210_000, MEDIUM, "New public and staff Wi-Fi in all 24 libraries.", pm="pm"),
    P("Exchange Server decommissioning", "IT", "CLOUD", TECHNICAL, WATERFALL, "Closure", ACTIVE,
      80_000, MEDIUM, "Retire the last on-premises Exchange servers after the move to Exchange Online."),
    P("Cloud backup and disaster recovery", "IT", "CLOUD", TECHNICAL, HYBRID, "Delivery", ACTIVE,
      540_000, HIGH, "Immutable backups and tested recovery of critical systems in a second region.",
      objectives=("CP6",)),
    P("Windows Server 2012 removal", "IT", "CLOUD", MANDATORY, WATERFALL, "Delivery", ACTIVE, 230_000,
      HIGH, "Upgrade or retire 96 servers on unsupported operating systems.", objectives=("CP6",)),
    P("Telephony migration to Teams Phone", "IT", "CLOUD", TECHNICAL, WATERFALL, "Initiation",
      ON_HOLD, 480_000, MEDIUM, "Move 4,500 extensions to Teams; on hold until the contact centre "
      "platform is chosen."),
    P("Storage area network replacement", "IT", "CLOUD", TECHNICAL, WATERFALL, "Benefits", CLOSED,
      900_000, HIGH, "Replaced the end-of-life SAN; running costs down 30%."),
    P("Managed print service replacement", "IT", "CLOUD", TECHNICAL, WATERFALL, "Pipeline", PROPOSED,
      300_000, LOW, "Fewer, shared printers with follow-me printing when the current lease ends."),
    # Social Care Systems Replacement
    P("Replace Adults' social care case management system", "ASC", "SOCIAL", TRANSFORMATION, HYBRID,
      "Delivery", ACTIVE, 3_800_000, CRITICAL,
      "New case management system for 9,000 adults receiving care, replacing a system out of support.",
      objectives=("CP1", "CP5"), pm="pm", sponsor="Helen Marsh"),
    P("Replace Children's social care case management system", "CHS", "SOCIAL", TRANSFORMATION,
      HYBRID, "Planning", ACTIVE, 3_100_000, CRITICAL,
      "New case management for children's social care, early help and the fostering service.",
      objectives=("CP1", "CP5")),
    P("Social care finance and provider payments", "ASC", "SOCIAL", TRANSFORMATION, WATERFALL,
      "Planning", ACTIVE, 850_000, HIGH, "Pay care providers from the new system; client billing."),
    P("Adult social care client portal", "ASC", "SOCIAL", IMPROVEMENT, AGILE, "Initiation", ACTIVE,
      320_000, MEDIUM, "Online self-assessment, financial assessment and care account for residents."),
    P("Social care data migration", "ASC", "SOCIAL", TECHNICAL, WATERFALL, "Delivery", ACTIVE,
      460_000, HIGH, "Migrate fifteen years of case records to the new system, with three rehearsals.",
      pm="pm"),
    P("Technology-enabled care: digital alarm switchover", "ASSESS", "SOCIAL", MANDATORY, WATERFALL,
      "Delivery", ACTIVE, 620_000, HIGH,
      "Replace 3,200 analogue care alarms before the telephone network's digital switchover.",
      objectives=("CP1", "CP6"), pm="pm"),
    P("Multi-agency safeguarding hub information sharing", "SAFE", "SOCIAL", IMPROVEMENT, HYBRID,
      "Planning", ACTIVE, 210_000, HIGH, "Secure sharing of referrals with police and health partners."),
    P("Ofsted data returns automation", "CHS", "SOCIAL", MANDATORY, AGILE, "Closure", ACTIVE, 70_000,
      MEDIUM, "Produce the Annex A and statutory returns from the system, not spreadsheets."),
    P("EHCP digital hub", "CHS", "SOCIAL", IMPROVEMENT, AGILE, "Delivery", ACTIVE, 390_000, HIGH,
      "Families and professionals contribute to education, health and care plans online."),
    P("AI-assisted case note summaries", "ASC", "SOCIAL", TRANSFORMATION, AGILE, "Pipeline", PROPOSED,
      150_000, MEDIUM, "Trial AI summaries of case notes for social workers, with a DPIA first.",
      sponsor="Helen Marsh"),
    # Workplace & Collaboration
    P("Microsoft 365 Copilot pilot", "IT", "WORK", IMPROVEMENT, AGILE, "Delivery", ACTIVE, 120_000,
      MEDIUM, "300 licences across six services; measure time saved before any wider rollout."),
    P("SharePoint Online migration of network file shares", "IT", "WORK", TECHNICAL, HYBRID,
      "Delivery", ACTIVE, 560_000, HIGH, "Move 40 TB of shared drives to SharePoint with retention labels."),
    P("Civic centre meeting rooms Teams upgrade", "FIN", "WORK", TECHNICAL, WATERFALL, "Planning",
      ACTIVE, 240_000, MEDIUM, "Teams Rooms kit in 32 meeting rooms and the council chamber."),
    P("Frontline mobile device refresh", "IT", "WORK", TECHNICAL, WATERFALL, "Delivery", ACTIVE,
      480_000, MEDIUM, "Replace 1,800 smartphones and tablets used by frontline staff."),
    P("Intranet replacement", "IT", "WORK", IMPROVEMENT, AGILE, "Closure", ACTIVE, 90_000, LOW,
      "New SharePoint intranet; the old one is switched off."),
    P("HR and payroll system upgrade", "FIN", "WORK", MANDATORY, WATERFALL, "Planning", ACTIVE,
      700_000, HIGH, "Upgrade to the supplier's cloud version before on-premises support ends.",
      sponsor="Linda Fox"),
    P("Records retention clean-up", "IT", "WORK", MANDATORY, WATERFALL, "Initiation", ACTIVE,
      130_000, MEDIUM, "Apply the retention schedule to 20 years of electronic records.",
      sponsor="Chris Hall"),
    P("Website accessibility compliance", "CUS", "WORK", MANDATORY, AGILE, "Delivery", ACTIVE, 75_000,
      HIGH, "Fix the accessibility audit's findings to meet the public sector accessibility regulations."),
    P("Digital signatures for contracts and HR letters", "FIN", "WORK", IMPROVEMENT, AGILE,
      "Benefits", CLOSED, 35_000, LOW, "E-signatures in place; 11,000 letters a year no longer posted."),
    P("Desk booking for agile working", "FIN", "WORK", IMPROVEMENT, AGILE, "Benefits", CLOSED, 40_000,
      LOW, "Desk and room booking across the three main office buildings."),
    P("Senior management restructure: systems and access changes", "FIN", "WORK", MANDATORY,
      WATERFALL, "Planning", ACTIVE, 40_000, HIGH,
      "Systems, access and organisation data changes for the senior management restructure.",
      sponsor="Linda Fox", confidential=True),
    # Data & Insight
    P("Corporate data platform", "IT", "DATA", TRANSFORMATION, AGILE, "Delivery", ACTIVE, 1_100_000,
      HIGH, "A governed cloud data platform that every directorate reports from."),
    P("Directorate performance dashboards", "FIN", "DATA", IMPROVEMENT, AGILE, "Delivery", ACTIVE,
      140_000, MEDIUM, "Power BI dashboards for the monthly performance reports of each directorate."),
    P("Master data management: single resident view", "IT", "DATA", TRANSFORMATION, HYBRID,
      "Planning", ACTIVE, 380_000, MEDIUM, "Match resident records across systems to one identifier.",
      objectives=("CP5", "CP1")),
    P("Public health intelligence data warehouse", "PH", "DATA", IMPROVEMENT, AGILE, "Initiation",
      ACTIVE, 220_000, MEDIUM, "Bring together health, care and deprivation data for needs assessments."),
    P("Housing stock condition data and asset system", "HSG", "DATA", IMPROVEMENT, WATERFALL,
      "Planning", ACTIVE, 410_000, HIGH,
      "Record and plan works from the stock condition survey of 14,000 homes."),
    P("Highways asset management system upgrade", "HWY", "DATA", TECHNICAL, WATERFALL, "Delivery",
      ACTIVE, 520_000, HIGH, "Upgrade the highways asset system and move it to the supplier's cloud.",
      objectives=("CP3", "CP2")),
    P("Planning and building control system replacement", "BC", "DATA", TRANSFORMATION, HYBRID,
      "Planning", ACTIVE, 1_600_000, HIGH, "Replace the planning, building control and land charges system.",
      objectives=("CP2", "CP5")),
    P("Local land charges migration to HM Land Registry", "REG", "DATA", MANDATORY, WATERFALL,
      "Delivery", ACTIVE, 110_000, HIGH, "Migrate the local land charges register to HM Land Registry."),
    P("Revenues and benefits system move to cloud hosting", "REV", "DATA", TECHNICAL, WATERFALL,
      "Planning", ACTIVE, 600_000, HIGH, "Move the revenues and benefits system to supplier hosting."),
    P("GIS consolidation", "REG", "DATA", TECHNICAL, WATERFALL, "Initiation", ACTIVE, 260_000, MEDIUM,
      "One geographic information system instead of four, with a single address gazetteer."),
    P("Air quality monitoring data platform", "PH", "DATA", IMPROVEMENT, AGILE, "Pipeline", PROPOSED,
      60_000, LOW, "Publish live readings from the 40 air quality sensors.", objectives=("CP3", "CP1")),
    # Cyber Security & Resilience
    P("PSN compliance remediation", "IT", "CYBER", MANDATORY, WATERFALL, "Delivery", ACTIVE, 180_000,
      CRITICAL, "Fix the IT health check's findings to keep the Public Services Network connection.",
      objectives=("CP6",), pm="pm"),
    P("Cyber Essentials Plus certification", "IT", "CYBER", MANDATORY, WATERFALL, "Delivery", ACTIVE,
      95_000, HIGH, "Close the gaps found by the readiness assessment and pass certification.",
      objectives=("CP6",)),
    P("Multi-factor authentication for all staff", "IT", "CYBER", TECHNICAL, WATERFALL, "Closure",
      ACTIVE, 130_000, HIGH, "MFA on every account, including councillors and contractors.",
      objectives=("CP6",)),
    P("Security monitoring service (SIEM)", "IT", "CYBER", TECHNICAL, WATERFALL, "Planning", ACTIVE,
      410_000, HIGH, "24x7 security monitoring and response from a managed service.", objectives=("CP6",)),
    P("Privileged access management", "IT", "CYBER", TECHNICAL, WATERFALL, "Initiation", ACTIVE,
      260_000, HIGH, "Vault and time-limited administrator accounts.", objectives=("CP6",)),
    P("Cyber incident remediation", "IT", "CYBER", MANDATORY, WATERFALL, "Delivery", ACTIVE, 350_000,
      CRITICAL, "Forensics and remediation after the attempted intrusion; details restricted.",
      objectives=("CP6",), pm="pm", sponsor="Paul Adams", confidential=True),
    P("Email security gateway replacement", "IT", "CYBER", TECHNICAL, WATERFALL, "Benefits", CLOSED,
      150_000, HIGH, "Replaced the email gateway; phishing reaching inboxes down 80%.",
      objectives=("CP6",)),
    # Outside any programme
    P("Waste collection route optimisation", "WASTE", None, IMPROVEMENT, HYBRID, "Delivery", ACTIVE,
      290_000, MEDIUM, "Optimise 64 collection rounds; fewer miles and lower emissions.",
      objectives=("CP3",)),
    P("Electric vehicle charge point back-office system", "ENV", None, IMPROVEMENT, WATERFALL,
      "Planning", ACTIVE, 160_000, MEDIUM, "Manage the council's 300 public charge points and tariffs."),
    P("Homelessness case management system", "HOML", None, IMPROVEMENT, HYBRID, "Delivery", ACTIVE,
      240_000, HIGH, "Case management and statutory returns for housing options and homelessness."),
    P("Public health contracts database", "PH", None, IMPROVEMENT, AGILE, "Closure", CLOSED, 45_000,
      LOW, "Replace the commissioning spreadsheets with a contracts database."),
    P("Library management system re-procurement", "LIB", None, TECHNICAL, WATERFALL, "Planning",
      ACTIVE, 140_000, MEDIUM, "Re-procure the library management system with the regional consortium."),
    P("Parking permits and enforcement system", "ENV", None, IMPROVEMENT, WATERFALL, "Delivery",
      ACTIVE, 190_000, MEDIUM, "Virtual permits and a new enforcement back office."),
    P("Revenues and benefits outsourcing: IT exit and transition", "REV", None, TRANSFORMATION,
      WATERFALL, "Initiation", ACTIVE, 900_000, HIGH,
      "IT workstream of the outsourcing options appraisal; commercially sensitive.",
      sponsor="Fiona Grant", confidential=True),
    P("Smart sensors for gully and flood monitoring", "HWY", None, IMPROVEMENT, AGILE, "Pipeline",
      PROPOSED, 220_000, MEDIUM, "Sensors in 500 gullies at the sites that flood most."),
    P("Finance system (ERP) replacement", "FIN", None, TRANSFORMATION, HYBRID, "Pipeline", PROPOSED,
      4_000_000, HIGH, "Replace the general ledger, purchasing and income systems by 2029."),
    P("Robotic process automation for benefits", "REV", None, IMPROVEMENT, AGILE, "Pipeline",
      PROPOSED, 90_000, MEDIUM, "Automate change-of-circumstances processing for housing benefit."),
    P("Electoral registration system replacement", "CUS", None, MANDATORY, WATERFALL, "Pipeline",
      PROPOSED, 130_000, HIGH, "Replace the electoral management system ahead of the next elections."),
    P("Test and trace data system decommissioning", "PH", None, MANDATORY, WATERFALL, "Closure",
      CLOSED, 30_000, LOW, "Archived and securely deleted the pandemic contact tracing data."),
    P("Public Wi-Fi in council buildings", "FIN", None, TECHNICAL, WATERFALL, "Benefits", CLOSED,
      120_000, LOW, "Free public Wi-Fi in the civic centre and five customer service points."),
    P("Smart city sensor network pilot", "ENV", None, TRANSFORMATION, AGILE, "Planning", CANCELLED,
      250_000, LOW, "Stopped at gate 2: external funding was withdrawn."),
)
del P


def _days(ctx: DemoContext, low: int, high: int) -> dt.date:
    return ctx.today + dt.timedelta(days=ctx.rng.randint(low, high))


def _planned_dates(ctx: DemoContext, spec: DemoProject) -> tuple[dt.date, dt.date]:
    """Planned start (a Monday) and finish (a Friday) that fit the project's stage and status."""
    if spec.status == CLOSED:
        start = _days(ctx, -1000, -420) if spec.stage == "Benefits" else _days(ctx, -800, -300)
        finish = _days(ctx, -400, -60) if spec.stage == "Benefits" else _days(ctx, -200, -30)
    elif spec.status == CANCELLED:
        start, finish = _days(ctx, -400, -150), _days(ctx, 60, 300)
    elif spec.stage == "Pipeline":
        start = _days(ctx, 45, 270)
        finish = start + dt.timedelta(days=ctx.rng.randint(120, 540))
    else:
        start_window, finish_window = {
            "Initiation": ((-75, -7), (180, 600)),
            "Planning": ((-180, -45), (150, 540)),
            "Delivery": ((-540, -120), (30, 420)),
            "Closure": ((-720, -300), (-45, 40)),
        }[spec.stage]
        start, finish = _days(ctx, *start_window), _days(ctx, *finish_window)
    start -= dt.timedelta(days=start.weekday())
    finish += dt.timedelta(days=(4 - finish.weekday()) % 7)
    return start, max(finish, start + dt.timedelta(days=4))


def _objectives(spec: DemoProject) -> list[str]:
    if spec.objectives:
        return list(spec.objectives)
    codes = [DEPARTMENT_THEME[spec.unit]] if spec.unit in DEPARTMENT_THEME else []
    if spec.programme == "CYBER":
        codes.append("CP6")
    if spec.category in (TRANSFORMATION, IMPROVEMENT) or not codes:
        codes.append("CP5")
    return codes


def _sponsor(spec: DemoProject) -> str:
    if spec.sponsor:
        return spec.sponsor
    if spec.unit in DEPARTMENT_SPONSOR:
        return DEPARTMENT_SPONSOR[spec.unit]
    return PROGRAMMES[spec.programme][2] if spec.programme else "Sarah Lindqvist"


@demo_step(order=60)
def projects(ctx: DemoContext) -> None:
    """The register: numbered in order of planned start, as a PMO numbers them on approval."""
    found = list(LifecycleStage.objects.order_by("order"))
    if len(found) < len(STAGE_NAMES):
        raise ValueError(LIFECYCLE_TOO_SHORT.format(needed=len(STAGE_NAMES), found=len(found)))
    by_name = {stage.name: stage for stage in found}
    if all(name in by_name for name in STAGE_NAMES):
        ctx.stages = {name: by_name[name] for name in STAGE_NAMES}
    else:  # the PMO renamed the stages: take them in order
        ctx.stages = dict(zip(STAGE_NAMES, found, strict=False))
    planned = []
    for spec in PROJECTS:
        start, finish = _planned_dates(ctx, spec)
        pm = ctx.person_of(spec.pm) if spec.pm else ctx.people[ctx.rng.choice(PROJECT_MANAGERS)]
        owner = BUSINESS_OWNER.get(spec.unit)
        planned.append((start, spec, finish, pm, owner))
    planned.sort(key=lambda row: (row[0], row[1].name))
    for number, (start, spec, finish, pm, owner) in enumerate(planned, start=101):
        fields: dict[str, Any] = {
            "code": f"IT-{number}",
            "name": spec.name,
            "description": spec.description,
            "portfolio": ctx.portfolio,
            "programme": ctx.programmes[spec.programme] if spec.programme else None,
            "department": ctx.org_units[_unit_name(spec.unit)],
            "sponsor": ctx.people[_sponsor(spec)],
            "project_manager": pm,
            "business_owner": ctx.people[owner] if owner else None,
            "category": spec.category,
            "methodology": spec.methodology,
            "stage": ctx.stages[spec.stage],
            "status": spec.status,
            "planned_start": start,
            "planned_finish": finish,
            "budget": Decimal(spec.budget),
            "priority": spec.priority,
            "confidential": spec.confidential,
        }
        ctx.projects[spec.name] = project_create(
            actor=None,
            fields=fields,
            strategic_objectives=[ctx.objectives[code] for code in _objectives(spec)],
            reason="Demo portfolio",
        )


# --- a little history -----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoChange:
    """A change a demo user makes to a project, with the reason they give."""

    username: str
    project: str
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)
    shift_finish_days: int = 0
    objectives: tuple[str, ...] | None = None


CHANGES: tuple[DemoChange, ...] = (
    DemoChange("pm", "Replace Adults' social care case management system",
               "Data migration rehearsal 2 failed; go-live moved six weeks (Programme Board).",
               shift_finish_days=42),
    DemoChange("sponsor", "Technology-enabled care: digital alarm switchover",
               "The telephone provider confirmed the analogue switch-off date for our area.",
               fields={"priority": CRITICAL}),
    DemoChange("officer", "Directorate performance dashboards",
               "Budget corrected to include Power BI Pro licences (finance ledger).",
               fields={"budget": Decimal("155000.00")}),
    DemoChange("head", "Master data management: single resident view",
               "Paused until the corporate data platform's first release.",
               fields={"status": ON_HOLD}),
    DemoChange("analyst", "Waste collection route optimisation",
               "Aligned to the refreshed council plan.", objectives=("CP3", "CP5")),
    DemoChange("pm", "PSN compliance remediation",
               "High-severity findings fixed ahead of plan; resubmission brought forward.",
               shift_finish_days=-14),
    DemoChange("officer", "Windows 11 rollout",
               "Progress from the highlight report.",
               fields={"description": "Upgrade or replace the remaining 1,400 devices still on "
                                      "Windows 10; 1,050 done."}),
    DemoChange("pm", "Cyber incident remediation",
               "Second-stage forensic review commissioned.", shift_finish_days=28),
    DemoChange("pm", "Replace Adults' social care case management system",
               "Third migration rehearsal added to the plan.",
               fields={"budget": Decimal("3860000.00")}),
)


@demo_step(order=90)
def project_changes(ctx: DemoContext) -> None:
    """A few projects changed by the demo users, each with a reason, so history shows who did what."""
    for change in CHANGES:
        project = ctx.projects[change.project]
        fields = dict(change.fields)
        if change.shift_finish_days and project.planned_finish:
            fields["planned_finish"] = project.planned_finish + dt.timedelta(days=change.shift_finish_days)
        objectives = None
        if change.objectives is not None:
            objectives = [ctx.objectives[code] for code in change.objectives]
        ctx.projects[change.project] = project_update(
            actor=ctx.users[change.username],
            project=project,
            fields=fields,
            expected_version=project.version,
            strategic_objectives=objectives,
            reason=change.reason,
        )
