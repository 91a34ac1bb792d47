"""Gate reviews in the demo: one in every outcome across the portfolio, a go with conditions
whose conditions are RAID actions, reviews still open, and a PMO override, each replayed through
``pmo.governance.services`` at the moment it happened (``demo_run``). Run after the other apps'
steps, so their numbering is left as it was.

Then (after the lessons, for the same reason) the boards: a year of monthly IT Portfolio Review
and IT Demand Review meetings, each replayed through ``pmo.governance.services_boards``."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pmo.core.demo import demo_moment, demo_run, demo_step
from pmo.core.services import user_of
from pmo.governance import services
from pmo.governance import services_boards as boards
from pmo.governance.choices import (
    VOTING_ROLES,
    AttendanceStatus,
    BoardKind,
    Cadence,
    EvidenceKind,
    GateAuthority,
    MemberRole,
    MinuteKind,
    Outcome,
)
from pmo.governance.models import GateReview, Meeting
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DemoContext


@dataclass(frozen=True)
class DemoReview:
    """A review's story: the project (by name, or the first active one in ``stage`` whose
    decider has a login), how far it got, the decision and its conditions."""

    project: str
    opened_days_ago: int
    outcome: Outcome | None = None  # None: not decided yet
    submitted: bool = True
    notes: str = ""
    assessment: str = ""
    conditions: tuple[tuple[str, int], ...] = ()  # (what, due in days after the decision)
    stage: str = ""


REVIEWS = (
    DemoReview("Planning and building control system replacement", 30, Outcome.GO,
               notes="Approved to deliver at the IT Portfolio Board: plan, budget and contract agreed.",
               assessment="Plan and budget are baselined; supplier mobilised. Recommend go."),
    DemoReview("", 24, Outcome.GO_WITH_CONDITIONS, stage="Planning",
               notes="Go, provided the data sharing agreement is signed and the supplier is contracted.",
               assessment="Plan is sound but two dependencies are not yet closed.",
               conditions=(("Sign the data sharing agreement with the partners", 21),
                           ("Sign the supplier's contract", 35))),
    DemoReview("", 20, Outcome.HOLD, stage="Delivery",
               notes="Hold: user acceptance testing found 14 severity-2 defects; come back with a fix plan.",
               assessment="Not ready for handover: UAT sign-off missing."),
    DemoReview("", 18, Outcome.STOP, stage="Initiation",
               notes="Stop: another programme will provide this; the funds return to the pipeline.",
               assessment="Duplicates another programme's scope."),
    DemoReview("", 9, None, stage="Delivery",
               assessment="Evidence complete; recommend go with conditions on the open actions."),
    DemoReview("", 4, None, submitted=False, stage="Initiation"),
)  # fmt: skip

OVERRIDE = (
    "GIS consolidation",
    "Planning",
    "Small technical consolidation: the PMO head combined Gates 1 and 2 on the sponsor's request.",
    12,
)


def _at(ctx: DemoContext, days_ago: int, hour: int) -> dt.datetime:
    return demo_moment(ctx.today - dt.timedelta(days=days_ago), hour)


def _decider(ctx: DemoContext, project: Any) -> Any:
    """Who decides the project's next gate: the PMO head for the board, else its sponsor's
    login (None: the sponsor has none)."""
    if services.next_gate(project).authority_for(project) == GateAuthority.BOARD:
        return ctx.users["head"]
    return user_of(project.sponsor)


def _project(ctx: DemoContext, story: DemoReview, used: set[int]) -> Any:
    if story.project:
        return ctx.projects[story.project]
    return next(
        project
        for _, project in sorted(ctx.projects.items())
        if project.pk not in used
        and project.status == ProjectStatus.ACTIVE
        and project.stage.name == story.stage
        and _decider(ctx, project) is not None
    )


def _play(ctx: DemoContext, story: DemoReview, project: Any) -> None:
    pm = user_of(project.project_manager) or ctx.users["officer"]  # the PMO opens it for a PM without a login
    review: Any = demo_run(
        _at(ctx, story.opened_days_ago, 9), services.gate_review_open, actor=pm, project=project
    )
    for evidence in review.gate.evidence.filter(kind=EvidenceKind.DOCUMENT).order_by("order"):
        if evidence.applies_to(project):
            review = GateReview.objects.get(pk=review.pk)
            demo_run(
                _at(ctx, story.opened_days_ago, 11), services.gate_review_confirm, actor=pm, review=review,
                evidence=evidence, link=f"https://sharepoint.council.example/pmo/{project.code}/{evidence.pk}",
                expected_version=review.version,
            )  # fmt: skip
    if not story.submitted:
        return
    review = GateReview.objects.get(pk=review.pk)
    days = story.opened_days_ago
    review = demo_run(_at(ctx, days - 2, 10), services.gate_review_submit, actor=pm, review=review,
                      expected_version=review.version)  # fmt: skip
    officer = ctx.users["officer"]
    demo_run(
        _at(ctx, days - 3, 15), services.gate_review_assess, actor=officer, review=review,
        recommendation=story.outcome or Outcome.GO_WITH_CONDITIONS, comment=story.assessment,
        expected_version=review.version,
    )  # fmt: skip
    if story.outcome is None:
        return
    review = GateReview.objects.get(pk=review.pk)
    decider = ctx.users["head"] if review.authority == GateAuthority.BOARD else user_of(project.sponsor)
    decided_on = ctx.today - dt.timedelta(days=days - 5)
    demo_run(
        _at(ctx, days - 5, 14), services.gate_review_decide, actor=decider, review=review,
        outcome=story.outcome, notes=story.notes, expected_version=review.version,
        conditions=[
            {"title": what, "owner": project.project_manager, "due": decided_on + dt.timedelta(days=due)}
            for what, due in story.conditions
        ],
    )  # fmt: skip


@demo_step(order=300)
def gate_reviews(ctx: DemoContext) -> None:
    """Gate reviews in every outcome, open ones, and one PMO override."""
    name, stage, reason, days_ago = OVERRIDE
    used = {ctx.projects[name].pk}
    for story in REVIEWS:
        project = _project(ctx, story, used)
        used.add(project.pk)
        _play(ctx, story, project)
    demo_run(
        _at(ctx, days_ago, 16), services.stage_override_record, actor=ctx.users["head"],
        project=ctx.projects[name], stage=ctx.stages[stage], reason=reason,
    )  # fmt: skip


# Boards and meetings -----------------------------------------------------------------------------

BOARDS = (
    ("IT Portfolio Review", BoardKind.PORTFOLIO_REVIEW,
     "Holds the IT portfolio to account each month: exceptions, gate decisions beyond sponsors' "
     "authority, escalated risks and issues, changes beyond delegated limits and overdue actions. "
     "Decides with three voting members present.", "Committee Room 2, Civic Centre", 10),
    ("IT Demand Review", BoardKind.DEMAND_REVIEW,
     "Reviews new demand for IT change each month: proposals scored against strategy, budget and "
     "capacity, and which enter the lifecycle at its first gate.", "Room 4.12, Civic Centre", 14),
)  # fmt: skip
# (username, role) of each board's seats; "exec" chairs both.
SEATS = (
    ("exec", MemberRole.CHAIR), ("head", MemberRole.MEMBER), ("sponsor", MemberRole.MEMBER),
    ("finance", MemberRole.MEMBER), ("officer", MemberRole.SECRETARY), ("analyst", MemberRole.ATTENDEE),
)  # fmt: skip
PAPERS = {
    BoardKind.PORTFOLIO_REVIEW: (
        ("Portfolio dashboard and delivery confidence", "The month's RAG and DCA across the portfolio."),
        ("Finance: forecast against budget", "Full-year forecast, variances over £50k explained."),
        ("Exceptions and corrective actions", "Projects beyond tolerance and their recovery plans."),
        ("Gate decisions for the board", "Gate reviews beyond sponsors' authority."),
        ("Top portfolio risks", "Risks escalated to the portfolio and their responses."),
    ),
    BoardKind.DEMAND_REVIEW: (
        ("New proposals", "Proposals received this month, scored against the strategic objectives."),
        ("Capacity outlook", "Delivery capacity for the next two quarters against the pipeline."),
        ("Pipeline prioritisation", "The ranked pipeline and what it would fund."),
    ),
}
DECISIONS = (
    "Noted the portfolio position; the PMO to chase the late highlight reports.",
    "Agreed the recovery plans; progress to come back next month.",
    "Agreed to release contingency for the two red projects.",
    "Agreed the ranking; the top three proposals go forward to business case.",
)
ACTIONS = (
    "Circulate the revised delivery confidence definitions",
    "Bring a capacity plan for the data team",
    "Report the benefits realised to date",
)
MEETINGS_BACK = 12


def _meeting_day(ctx: DemoContext, months_back: int, day: int) -> dt.date:
    first = ctx.today.replace(day=1)
    year, month = divmod(first.year * 12 + first.month - 1 - months_back, 12)
    return dt.date(year, month + 1, day)


def _attendance(board: Any, k: int) -> dict[Any, str]:
    """Who came: everyone, but one voting member sends apologies each month in turn (and in
    the sixth month back two do: the board was not quorate, and decided nothing)."""
    voting = [m for m in board.members.order_by("person__name") if m.role in VOTING_ROLES]
    away = {voting[k % len(voting)].pk}
    if k == 6:
        away.add(voting[(k + 1) % len(voting)].pk)
    return {
        m: AttendanceStatus.APOLOGIES if m.pk in away else AttendanceStatus.PRESENT
        for m in board.members.all()
        if m.role != MemberRole.SECRETARY
    }


def _past_meeting(ctx: DemoContext, board: Any, k: int, day: int) -> None:
    officer, chair = ctx.users["officer"], ctx.users["exec"]
    on = _meeting_day(ctx, k, day)
    at = demo_moment(on, 10)
    meeting: Any = demo_run(
        demo_moment(on - dt.timedelta(days=14), 9), boards.meeting_schedule, actor=officer, board=board,
        starts_at=at,
    )  # fmt: skip
    prepare = demo_moment(on - dt.timedelta(days=6), 11)
    demo_run(prepare, boards.meeting_agenda_build, actor=officer, meeting=meeting, from_portfolio=False)
    for title, paper in PAPERS[BoardKind(board.kind)]:
        demo_run(prepare, boards.agenda_item_add, actor=officer, meeting=meeting,
                 fields={"title": title, "paper": paper})  # fmt: skip
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting = demo_run(demo_moment(on - dt.timedelta(days=5), 9), boards.meeting_agenda_issue, actor=officer,
                       meeting=meeting, expected_version=meeting.version, send=False)  # fmt: skip
    demo_run(at, boards.meeting_attendance_record, actor=officer, meeting=meeting,
             attendance=_attendance(board, k))  # fmt: skip
    quorate = k != 6
    for n, item in enumerate(meeting.items.order_by("order", "pk")):
        if n == 0 and k % 4 == 3:
            demo_run(at, boards.agenda_item_conclude, actor=officer, item=item, concluded=False)
            continue  # not reached: comes forward to the next meeting
        demo_run(at, boards.minute_record, actor=officer, item=item, kind=MinuteKind.NOTE,
                 text=f"{item.paper} Discussed and noted.")  # fmt: skip
        if n == 1 and quorate:
            demo_run(at, boards.minute_record, actor=officer, item=item, kind=MinuteKind.DECISION,
                     text=DECISIONS[k % len(DECISIONS)])  # fmt: skip
        if n == 2 and k % 2 == 0:
            demo_run(at, boards.minute_record, actor=officer, item=item, kind=MinuteKind.ACTION,
                     text=ACTIONS[k % len(ACTIONS)], owner=ctx.person_of("analyst"),
                     due=on + dt.timedelta(days=21))  # fmt: skip
        if quorate:
            demo_run(at, boards.agenda_item_conclude, actor=officer, item=item, concluded=True)
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting = demo_run(demo_moment(on, 16), boards.meeting_hold, actor=officer, meeting=meeting,
                       expected_version=meeting.version)  # fmt: skip
    if k > 1:  # last month's minutes still wait for the chair
        demo_run(demo_moment(on + dt.timedelta(days=3), 12), boards.meeting_minutes_approve, actor=chair,
                 meeting=meeting, expected_version=meeting.version)  # fmt: skip


@demo_step(order=340)
def boards_and_meetings(ctx: DemoContext) -> None:
    """The IT Portfolio Review and the IT Demand Review: a year of monthly meetings with
    attendance, minutes, decisions and actions (one inquorate, items carried forward, last
    month's minutes awaiting the chair), and the next Portfolio Review's agenda built from the
    live portfolio and issued; the next Demand Review is scheduled, its agenda still to issue."""
    head, officer = ctx.users["head"], ctx.users["officer"]
    for name, kind, terms, location, day in BOARDS:
        board: Any = demo_run(
            demo_moment(ctx.today - dt.timedelta(days=400), 9), boards.board_create, actor=head,
            fields={"name": name, "kind": kind, "terms_of_reference": terms, "cadence": Cadence.MONTHLY,
                    "quorum": 3, "portfolio": ctx.portfolio, "location": location, "duration_minutes": 120},
            members=[(ctx.person_of(username), role) for username, role in SEATS],
        )  # fmt: skip
        for k in range(MEETINGS_BACK, 0, -1):
            _past_meeting(ctx, board, k, day)
        upcoming = demo_moment(
            ctx.today + dt.timedelta(days=6 if kind == BoardKind.PORTFOLIO_REVIEW else 9), 10
        )
        meeting: Any = demo_run(demo_moment(ctx.today - dt.timedelta(days=10), 9), boards.meeting_schedule,
                                actor=officer, board=board, starts_at=upcoming)  # fmt: skip
        if kind == BoardKind.PORTFOLIO_REVIEW:
            prepare = demo_moment(ctx.today - dt.timedelta(days=1), 11)
            demo_run(prepare, boards.meeting_agenda_build, actor=officer, meeting=meeting)
            meeting = Meeting.objects.get(pk=meeting.pk)
            demo_run(prepare, boards.meeting_agenda_issue, actor=officer, meeting=meeting,
                     expected_version=meeting.version, send=False)  # fmt: skip
