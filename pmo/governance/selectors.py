"""Reads of governance, restricted to what the user may see and loaded for their pages."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from pmo.governance.choices import OPEN_REVIEW_STATES, PASSING
from pmo.governance.evidence import Checks, Verdict, ready, verdicts
from pmo.governance.models import (
    Gate,
    GateAssessment,
    GateCondition,
    GateEvidence,
    GateEvidenceConfirmation,
    GateReview,
    StageOverride,
)
from pmo.portfolio.models import LifecycleStage, Project
from pmo.reporting import selectors as reporting_selectors

REVIEW_RELATIONS = (
    "project",
    "project__stage",
    "project__sponsor",
    "project__project_manager",
    "gate",
    "gate__stage",
    "opened_by",
    "decided_by",
)


def gate_list(*, user: Any) -> QuerySet[Gate]:
    """The gates in lifecycle order, each with its evidence."""
    evidence = Prefetch("evidence", queryset=GateEvidence.objects.order_by("order", "pk"))
    return Gate.objects.restrict(user, "view").select_related("stage").prefetch_related(evidence)


def evidence_list(*, user: Any) -> QuerySet[GateEvidence]:
    """Every gate's evidence, gate by gate in lifecycle order."""
    return (
        GateEvidence.objects.restrict(user, "view")
        .select_related("gate__stage")
        .order_by("gate__stage__order", "order", "pk")
    )


def gates_by_stage() -> dict[int, Gate]:
    """Every gate with its evidence, by the id of the stage it leads into (two queries)."""
    evidence = Prefetch("evidence", queryset=GateEvidence.objects.order_by("order", "pk"))
    return {g.stage_id: g for g in Gate.objects.select_related("stage").prefetch_related(evidence)}


def next_stages() -> dict[int, LifecycleStage]:
    """Each stage's next one in the lifecycle, by stage id (the last has none)."""
    stages = list(LifecycleStage.objects.order_by("order"))
    return {a.pk: b for a, b in pairwise(stages)}


def review_list(*, user: Any, project: Project | None = None) -> QuerySet[GateReview]:
    """The gate reviews the user may see (one project's where named), with their conditions'
    actions loaded (a review's close button judges them)."""
    conditions = Prefetch("conditions", queryset=GateCondition.objects.select_related("action"))
    found = (
        GateReview.objects.restrict(user, "view")
        .select_related(*REVIEW_RELATIONS)
        .prefetch_related(conditions)
    )
    return found.filter(project=project) if project is not None else found


def review_get(*, user: Any, pk: int) -> GateReview:
    """One review with everything its page shows; raises DoesNotExist when missing or hidden."""
    return (
        review_list(user=user)
        .prefetch_related(
            Prefetch("assessments", queryset=GateAssessment.objects.select_related("reviewer")),
            "confirmations__confirmed_by",
            "gate__evidence",
        )
        .get(pk=pk)
    )


def review_verdicts(review: GateReview, today: date) -> list[Verdict]:
    """The review's evidence judged: the automatic checks now, the documents as confirmed."""
    return reviews_verdicts([review], today)[review.pk]


def reviews_verdicts(reviews: Sequence[GateReview], today: date) -> dict[int, list[Verdict]]:
    """Each review's evidence judged, by review id: the facts of every review's project read
    once for them all (a board pack's many gate reviews take the queries of one)."""
    prefetch_related_objects(
        list(reviews),
        Prefetch("confirmations", queryset=GateEvidenceConfirmation.objects.select_related("confirmed_by")),
        "gate__evidence",
        "project",
    )
    checks = Checks({review.project_id for review in reviews}, today)
    found = {}
    for review in reviews:
        confirmations = {c.evidence_id: c for c in review.confirmations.all()}
        evidence = sorted(review.gate.evidence.all(), key=lambda e: (e.order, e.pk))
        found[review.pk] = verdicts(review.project, evidence, checks, confirmations)
    return found


def override_list(*, user: Any, project: Project) -> QuerySet[StageOverride]:
    return (
        StageOverride.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("from_stage", "to_stage", "recorded_by")
    )


def passed_review(project: Project, gate: Gate) -> GateReview | None:
    return (
        GateReview.objects.filter(project=project, gate=gate, outcome__in=PASSING)
        .order_by("-decided_at")
        .first()
    )


def open_review(project: Project, gate: Gate) -> GateReview | None:
    return GateReview.objects.filter(project=project, gate=gate, status__in=OPEN_REVIEW_STATES).first()


@dataclass(frozen=True)
class DueGate:
    """A project's next gate, when it is due and whether its evidence is complete."""

    project: Project
    gate: Gate
    due: date | None
    verdicts: list[Verdict]
    review: GateReview | None

    @property
    def ready(self) -> bool:
        return ready(self.verdicts)

    @property
    def missing(self) -> list[str]:
        return [v.evidence.name for v in self.verdicts if not v.met]


def due_gates(projects: Sequence[Project], today: date, due_by: date | None = None) -> list[DueGate]:
    """Each project's next gate (the gate into the stage after its own), due at the project's
    planned date for that stage (ADR): the gate into the lifecycle's last stage (Benefits) a
    month after the finish, into the one before it (Closure) at the finish (the current
    baseline's, else the planned finish), into any earlier one (Initiation, Planning, Delivery)
    at the planned start; with its evidence judged now (documents from the open review, if
    any). With ``due_by``, only the gates due by then (or overdue) have their evidence judged:
    the others come with none. A few queries whatever the number of projects (none for none)."""
    if not projects:
        return []
    gates = gates_by_stage()
    following = next_stages()
    last = list(following.values())[-2:] if len(following) >= 2 else []
    from_end = {stage.pk: len(last) - i for i, stage in enumerate(last)}
    finishes = reporting_selectors.current_finishes([p.pk for p in projects])
    ahead = []
    for project in projects:
        stage = following.get(project.stage_id)
        gate = gates.get(stage.pk) if stage else None
        if gate is None:
            continue
        finish = finishes.get(project.pk, project.planned_finish)
        ahead.append((project, gate, _due(from_end.get(gate.stage_id, 0), project, finish)))
    judged = [
        project.pk for project, _, due in ahead if due_by is None or (due is not None and due <= due_by)
    ]
    checks, judging = Checks(judged, today), set(judged)
    reviews = {
        (r.project_id, r.gate_id): r
        for r in GateReview.objects.filter(
            project_id__in=judged, status__in=OPEN_REVIEW_STATES
        ).prefetch_related("confirmations__confirmed_by")
    }
    found = []
    for project, gate, due in ahead:
        if project.pk not in judging:
            found.append(DueGate(project, gate, due, [], None))
            continue
        review = reviews.get((project.pk, gate.pk))
        confirmations = {c.evidence_id: c for c in review.confirmations.all()} if review else None
        found.append(
            DueGate(
                project,
                gate,
                due,
                verdicts(project, list(gate.evidence.all()), checks, confirmations),
                review,
            )
        )
    return found


def _due(from_end: int, project: Project, finish: date | None) -> date | None:
    """The due date of a gate ``from_end`` stages before the lifecycle's end (1: the last)."""
    if from_end == 1:
        return _month_after(finish) if finish else None
    if from_end == 2:
        return finish
    return project.planned_start


def _month_after(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, 28))
