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
from pmo.portfolio.demo import DemoContext


@dataclass(frozen=True)
class DemoReview:
    """A review's story: the project, how far it got, the decision and its conditions."""

    project: str
    opened_days_ago: int
    outcome: Outcome | None = None  # None: not decided yet
    submitted: bool = True
    notes: str = ""
    assessment: str = ""
    conditions: tuple[tuple[str, int], ...] = ()  # (what, due in days after the decision)


REVIEWS = (
    DemoReview("Planning and building control system replacement", 30, Outcome.GO,
               notes="Approved to deliver at the IT Portfolio Board: plan, budget and contract agreed.",
               assessment="Plan and budget are baselined; supplier mobilised. Recommend go."),
    DemoReview("Security monitoring service (SIEM)", 24, Outcome.GO_WITH_CONDITIONS,
               notes="Go, provided the log sources are confirmed and the SOC contract is signed.",
               assessment="Plan is sound but two dependencies are not yet closed.",
               conditions=(("Confirm the log sources with infrastructure", 21),
                           ("Sign the security operations centre contract", 35))),
    DemoReview("Highways asset management system upgrade", 20, Outcome.HOLD,
               notes="Hold: user acceptance testing found 14 severity-2 defects; come back with a fix plan.",
               assessment="Not ready for handover: UAT sign-off missing."),
    DemoReview("Privileged access management", 18, Outcome.STOP,
               notes="Stop: the corporate identity platform will provide this; funds return to the pipeline.",
               assessment="Duplicates the identity platform's scope."),
    DemoReview("Cyber incident remediation", 9, None,
               assessment="Evidence complete; recommend go with conditions on the forensic review."),
    DemoReview("Public health intelligence data warehouse", 4, None, submitted=False),
)  # fmt: skip

OVERRIDE = (
    "GIS consolidation",
    "Planning",
    "Small technical consolidation: the PMO head combined Gates 1 and 2 on the sponsor's request.",
    12,
)


def _at(ctx: DemoContext, days_ago: int, hour: int) -> dt.datetime:
    return demo_moment(ctx.today - dt.timedelta(days=days_ago), hour)


def _play(ctx: DemoContext, story: DemoReview) -> None:
    project = ctx.projects[story.project]
    pm = user_of(project.project_manager)
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
    for story in REVIEWS:
        _play(ctx, story)
    name, stage, reason, days_ago = OVERRIDE
    demo_run(
        _at(ctx, days_ago, 16), services.stage_override_record, actor=ctx.users["head"],
        project=ctx.projects[name], stage=ctx.stages[stage], reason=reason,
    )  # fmt: skip
