"""The demo's lessons learned: 200 lessons across the portfolio's projects (and a few of the
organisation's), logged over the past two years, most published, some still drafts; some
applied by later projects. Drawn from the demo's generator, so the same every time, and written
in bulk through ``services.lessons_create_many`` (a few queries, not 200 saves)."""

import datetime as dt
from dataclasses import dataclass

from pmo.core.demo import demo_moment, demo_run, demo_step
from pmo.lessons.choices import LessonCategory, LessonSource, LessonStatus
from pmo.lessons.services import lesson_apply, lessons_create_many
from pmo.portfolio.demo import DemoContext

LESSONS = 200
ORGANISATION_WIDE = 8
DRAFTS = 12
APPLICATIONS = 30
DAYS_BACK = 720


@dataclass(frozen=True)
class Story:
    title: str
    category: str
    tags: str
    event: str
    effect: str
    cause: str
    warnings: str
    recommendation: str


C = LessonCategory
STORIES = (
    Story(
        "Supplier missed the data migration date",
        C.SUPPLIER,
        "supplier, data migration, contract",
        "The supplier delivered the migrated data five weeks late.",
        "Go-live moved twice; parallel running cost more.",
        "The contract had no milestone penalties and the supplier's team was shared with another client.",
        "Weekly supplier reports stopped showing trial-load figures.",
        "Put dated milestones with penalties in the contract and ask for trial-load results every week.",
    ),
    Story(
        "Test environment not ready for testing",
        C.QUALITY,
        "testing, environments",
        "User acceptance testing started with an environment missing two interfaces.",
        "Two weeks of testing were lost and defects were found late.",
        "Environment build was not on the plan's critical path.",
        "Environment tickets open past their dates.",
        "Plan environments as deliverables with owners and a readiness check before testing.",
    ),
    Story(
        "Training booked too late before go-live",
        C.RESOURCING,
        "training, go-live, adoption",
        "Staff training started a week before go-live.",
        "Calls to the service desk tripled in the first month.",
        "Training was planned after the build and squeezed when the build slipped.",
        "Training rooms not booked a month ahead.",
        "Fix the training window early and protect it from build slippage.",
    ),
    Story(
        "Requirements signed off without the service users",
        C.REQUIREMENTS,
        "requirements, users, sign-off",
        "The requirements were signed off by managers only.",
        "Front-line staff rejected two screens at testing.",
        "Service users were not in the requirements workshops.",
        "Workshops held without front-line staff.",
        "Include service users in requirements workshops and in the sign-off.",
    ),
    Story(
        "Scope grew through small unlogged changes",
        C.SCOPE,
        "scope creep, change control",
        "Many small requests were agreed informally.",
        "The finish moved by six weeks with no decision on record.",
        "Change control was seen as bureaucracy for small items.",
        "Backlog growing faster than it was burnt.",
        "Log every change, however small, and report the total against tolerance.",
    ),
    Story(
        "Budget forecast not updated after re-plan",
        C.FINANCE,
        "forecast, budget",
        "The forecast stayed at the original figure for three months after the re-plan.",
        "The board learned of the overspend at closure.",
        "Nobody owned the forecast after the finance partner moved.",
        "Forecast unchanged while the plan changed.",
        "Name a forecast owner and refresh it with every re-plan.",
    ),
    Story(
        "Key decisions waited for the board",
        C.GOVERNANCE,
        "decisions, board, escalation",
        "Three design decisions waited a month each for the board.",
        "The team idled and the supplier charged for waiting.",
        "Delegated limits were not agreed at initiation.",
        "Decisions log with many items awaiting the board.",
        "Agree delegated limits at initiation so routine decisions do not wait for the board.",
    ),
    Story(
        "Stakeholders surprised by the change",
        C.STAKEHOLDERS,
        "communication, stakeholders",
        "Service managers heard of the new process from their teams.",
        "Resistance delayed adoption by a quarter.",
        "The communication plan targeted only senior leaders.",
        "Few questions at briefings; rumours on the intranet.",
        "Map stakeholders at every level and brief managers before their teams.",
    ),
    Story(
        "Legacy interface undocumented",
        C.TECHNICAL,
        "integration, legacy, interface",
        "The interface to the legacy finance system was undocumented.",
        "Integration took three times the estimate.",
        "No discovery of the legacy system before planning.",
        "Estimates with no named technical owner.",
        "Run a technical discovery of every legacy interface before estimating.",
    ),
    Story(
        "Security review came at the end",
        C.SECURITY,
        "security, assurance",
        "The security review found issues a fortnight before go-live.",
        "Go-live was postponed to fix them.",
        "Security assurance was a gate at the end, not a thread through design.",
        "No security architect at design reviews.",
        "Involve security from design and review it at every stage gate.",
    ),
    Story(
        "Risk register not reviewed",
        C.RISK,
        "risk, raid, review",
        "The risk register was last reviewed at initiation.",
        "A known supplier risk turned into an issue unmanaged.",
        "Risk review was not on the project board's agenda.",
        "Risk scores unchanged for months.",
        "Review the RAID log at every board and record the review.",
    ),
    Story(
        "Benefits owner left before handover",
        C.BENEFITS,
        "benefits, handover, ownership",
        "The benefits owner left the organisation before handover.",
        "Nobody measured the benefits in the first year.",
        "Benefits ownership was with one person, not a role.",
        "Benefits profile not updated after staff changes.",
        "Assign benefits to a role and confirm the owner at every gate.",
    ),
    Story(
        "Estimates made without the delivery team",
        C.PLANNING,
        "estimating, planning",
        "The plan's estimates were made by the PMO alone.",
        "The build took twice as long as planned.",
        "The delivery team was hired after the plan was approved.",
        "Team disputed estimates at kick-off.",
        "Have the people who do the work estimate it, and re-plan when the team is known.",
    ),
    Story(
        "Licence renewal missed",
        C.LEGAL,
        "licences, contract, procurement",
        "A software licence lapsed during the project.",
        "Services ran unsupported for a month.",
        "Renewal dates were not tracked by the project.",
        "Renewal notices sent to a leaver's mailbox.",
        "Track licence and contract dates in the project's RAID log.",
    ),
    Story(
        "Cutover rehearsal skipped",
        C.TECHNICAL,
        "cutover, go-live, rehearsal",
        "The cutover was run for the first time on the go-live weekend.",
        "It overran by a day and services opened late.",
        "The rehearsal was dropped to recover time.",
        "Cutover plan without timings.",
        "Rehearse the cutover end to end at least once, timed, before go-live.",
    ),
    Story(
        "Agile team without a product owner",
        C.GOVERNANCE,
        "agile, product owner, backlog",
        "The team had no product owner with time to prioritise.",
        "Sprints delivered features nobody used.",
        "The product owner role was added to a full-time manager's job.",
        "Backlog refinement sessions cancelled.",
        "Give the product owner the time for the role, agreed with their manager.",
    ),
)

QUOTES = (
    "Seen again on this project.",
    "Raised at the closure workshop.",
    "Noted at the stage gate review.",
    "Found by the health check.",
)
SOURCES = (LessonSource.CLOSURE, LessonSource.ANY_TIME, LessonSource.GATE, LessonSource.HEALTH_CHECK)


@demo_step(order=320)
def lessons(ctx: DemoContext) -> None:
    """200 lessons, oldest first, then some applied by later projects."""
    projects = [ctx.projects[name] for name in sorted(ctx.projects)]
    entries = []
    for n in range(LESSONS):
        story = ctx.rng.choice(STORIES)
        project = None if n < ORGANISATION_WIDE else ctx.rng.choice(projects)
        logged_on = ctx.today - dt.timedelta(days=ctx.rng.randrange(14, DAYS_BACK))
        source = ctx.rng.randrange(len(SOURCES))
        fields = {
            "title": story.title,
            "event": f"{story.event} {QUOTES[source]}",
            "effect": story.effect,
            "cause": story.cause,
            "early_warnings": story.warnings,
            "recommendation": story.recommendation,
            "category": story.category,
            "tags": story.tags,
            "source": SOURCES[source],
        }
        entries.append((project, logged_on, fields))
    entries.sort(key=lambda entry: entry[1])
    published, drafts = entries[:-DRAFTS], entries[-DRAFTS:]
    made = lessons_create_many(actor=None, lessons=published, status=LessonStatus.PUBLISHED)
    lessons_create_many(actor=None, lessons=drafts, status=LessonStatus.DRAFT)
    applied: set[tuple[int, int]] = set()
    while len(applied) < APPLICATIONS:
        lesson, project = ctx.rng.choice(made), ctx.rng.choice(projects)
        if lesson.project_id == project.pk or (lesson.pk, project.pk) in applied:
            continue
        applied.add((lesson.pk, project.pk))
        when = min(lesson.logged_on + dt.timedelta(days=ctx.rng.randrange(7, 120)), ctx.today)
        demo_run(
            demo_moment(when, 11),
            lesson_apply,
            actor=None,
            lesson=lesson,
            project=project,
            note=f"Applied on {project.code}: {lesson.recommendation}",
        )
