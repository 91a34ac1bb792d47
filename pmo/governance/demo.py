"""Gate reviews in the demo: one in every outcome across the portfolio, a go with conditions
whose conditions are RAID actions, reviews still open, and a PMO override, each replayed through
``pmo.governance.services`` at the moment it happened (``demo_run``). Run after the other apps'
steps, so their numbering is left as it was."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pmo.core.demo import demo_moment, demo_run, demo_step
from pmo.core.services import user_of
from pmo.governance import services
from pmo.governance.choices import EvidenceKind, GateAuthority, Outcome
from pmo.governance.models import GateReview
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
