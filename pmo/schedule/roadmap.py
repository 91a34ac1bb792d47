"""The portfolio roadmap: one lane per project's plan, its phases as bars and its milestones as
diamonds (the key milestones outlined) on one timeline, each over its baseline, with a line at
today (ADR 0039), and an arrow for each cross-project dependency tied to tasks of two plans shown
(ADR 0044). A plan's phases are its top-level summary tasks, or the summaries one level down when
a single top summary spans the whole plan (MS Project's habit of a project summary row). Drawn on
the server as SVG, on the Gantt chart's date scale (``timescale``); the lanes are worked out from
task rows already loaded, so the page reads every lane's tasks in one query."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pmo.schedule.gantt import Bar, bar_of
from pmo.schedule.models import Plan, PlanTask
from pmo.schedule.selectors import is_key
from pmo.schedule.timescale import HEAD, Scale

ROW = 26  # px per project, as the Gantt chart's rows
ROADMAP_ZOOMS = ("month", "quarter")
DEFAULT_ZOOM = "month"
LABEL_PX = 7  # a phase's name shows inside its bar when the bar has room, at about this per letter


@dataclass
class Lane:
    """A project's row on the roadmap."""

    plan: Any
    phases: list[Bar] = field(default_factory=list)
    milestones: list[Bar] = field(default_factory=list)
    baseline_finish: datetime | None = None

    @property
    def finish(self) -> datetime:
        return self.plan.finish

    def next_milestone(self, today: date) -> Bar | None:
        """The first milestone not finished before today."""
        return next((m for m in self.milestones if timezone.localdate(m.finish) >= today), None)

    @property
    def baseline_day(self) -> date | None:
        return timezone.localdate(self.baseline_finish) if self.baseline_finish else None

    @property
    def slip_days(self) -> int | None:
        """Days the plan finishes after its baseline finish (negative: before)."""
        if self.baseline_finish is None:
            return None
        return (timezone.localdate(self.finish) - timezone.localdate(self.baseline_finish)).days


@dataclass(frozen=True)
class Arrow:
    """A cross-project dependency between two lanes: from the delivering task's forecast finish
    to the needing task's start; ``late`` when the delivery falls after the need."""

    reference: str
    dependency_id: int
    giving: Any  # crosslinks.TaskRef
    needing: Any
    finish: datetime
    start: datetime
    slip_days: int

    @property
    def late(self) -> bool:
        return self.slip_days > 0

    @property
    def finish_day(self) -> date:
        return timezone.localdate(self.finish)


def arrows_of(lanes: Sequence[Lane], network: Any, shown: set[int]) -> list[Arrow]:
    """The arrows between ``lanes`` of the network's ties (``crosslinks.cross_network``) whose
    dependency the reader may see (``shown``: their ids), in reference order."""
    on_page = {lane.plan.project_id for lane in lanes}
    arrows = []
    for tie in network.ties.values():
        if tie.dependency_id not in shown or tie.giving is None or tie.needing is None:
            continue
        if tie.project_id not in on_page or tie.depends_on_id not in on_page:
            continue
        shift = network.shifts.get((network.plans[tie.depends_on_id], tie.giving.uid))
        finish = tie.giving.finish + shift if shift else tie.giving.finish
        arrows.append(
            Arrow(
                f"DEP-{tie.dependency_id}",
                tie.dependency_id,
                tie.giving,
                tie.needing,
                finish,
                tie.needing.start,
                tie.slip_days,
            )
        )
    return sorted(arrows, key=lambda a: a.dependency_id)


def roadmap_tasks(plans: Sequence[Plan]) -> QuerySet[PlanTask]:
    """The rows a roadmap of ``plans`` draws from: their summaries at the top two outline levels
    and their milestones (each with ``key``), in plan order (one query whatever the plans' size)."""
    return (
        PlanTask.objects.filter(plan__in=[plan.pk for plan in plans])
        .filter(Q(summary=True, outline_level__lte=2) | Q(milestone=True))
        .annotate(key=is_key())
        .only(
            "plan_id",
            "uid",
            "row",
            "outline_level",
            "parent_uid",
            "name",
            "summary",
            "milestone",
            "critical",
            "percent_complete",
            "start",
            "finish",
            "baseline_start",
            "baseline_finish",
        )
        .order_by("plan_id", "row")
    )


def lanes_of(plans: Sequence[Plan], tasks: Iterable[PlanTask]) -> list[Lane]:
    """Each plan's lane, in the order of ``plans``, from the rows ``roadmap_tasks`` reads."""
    by_plan: dict[int, list[PlanTask]] = defaultdict(list)
    for task in tasks:
        by_plan[task.plan_id].append(task)
    lanes = []
    for plan in plans:
        rows = by_plan.get(plan.pk, [])
        top = [t for t in rows if t.outline_level == 1 and t.summary]
        if len(top) == 1 and (top[0].start, top[0].finish) == (plan.start, plan.finish):
            phases = [t for t in rows if t.summary and t.outline_level == 2 and t.parent_uid == top[0].uid]
        else:
            phases = top
        baselines = [t.baseline_finish for t in (*top, *phases) if t.baseline_finish is not None]
        baselines += [t.baseline_finish for t in rows if t.milestone and t.baseline_finish is not None]
        lanes.append(
            Lane(
                plan=plan,
                phases=[bar_of(t) for t in phases],
                milestones=[bar_of(t) for t in rows if t.milestone],
                baseline_finish=max(baselines, default=None),
            )
        )
    return lanes


def roadmap_svg(
    lanes: Sequence[Lane],
    *,
    zoom: str = DEFAULT_ZOOM,
    today: date | None = None,
    arrows: Sequence[Arrow] = (),
) -> str:
    """The roadmap as an ``<svg>`` element (text escaped)."""
    zoom = zoom if zoom in ROADMAP_ZOOMS else DEFAULT_ZOOM
    moments = [
        moment
        for lane in lanes
        for bar in (*lane.phases, *lane.milestones)
        for moment in (bar.start, bar.finish, bar.baseline_start, bar.baseline_finish)
        if moment is not None
    ]
    moments += [moment for arrow in arrows for moment in (arrow.finish, arrow.start)]
    scale = Scale.spanning(moments, zoom)
    if scale is None:
        return ""
    width, height = scale.width, HEAD + ROW * len(lanes)
    label = f"Portfolio roadmap: {len(lanes)} project{'' if len(lanes) == 1 else 's'}"
    parts = [
        f'<svg class="gantt roadmap" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
    ]
    parts += scale.grid(height)
    x = scale.x
    for index, lane in enumerate(lanes):
        top = HEAD + index * ROW
        code = escape(lane.plan.project.code)
        if index:
            parts.append(f'<line class="roadmap-lane" x1="0" y1="{top}" x2="{width}" y2="{top}"/>')
        for number, bar in enumerate(lane.phases):
            if bar.baseline_start and bar.baseline_finish:
                left, right = x(bar.baseline_start), x(bar.baseline_finish)
                parts.append(
                    f'<rect class="gantt-baseline" x="{left}" y="{top + 19}" width="{max(right - left, 1)}" '
                    'height="3"/>'
                )
            left, right = x(bar.start), x(bar.finish)
            span = max(right - left, 2)
            title = f"<title>{code} {escape(bar.name)}: {_day(bar.start)} to {_day(bar.finish)}</title>"
            parts.append(
                f'<rect class="roadmap-phase phase-{number % 4}" x="{left}" y="{top + 4}" width="{span}" '
                f'height="14" rx="2">{title}</rect>'
            )
            if span >= LABEL_PX * (len(bar.name) + 1):
                parts.append(
                    f'<text class="roadmap-label" x="{left + 3}" y="{top + 15}">{escape(bar.name)}</text>'
                )
        for bar in lane.milestones:
            middle = top + ROW / 2 - 2
            if bar.baseline_finish:
                at = x(bar.baseline_finish)
                parts.append(
                    f'<path class="roadmap-baseline-milestone" d="M{at} {middle + 3}l5 5l-5 5l-5 -5z"/>'
                )
            at = x(bar.finish)
            css = "gantt-milestone critical" if bar.critical else "gantt-milestone"
            css, key = (f"{css} key", " (key milestone)") if bar.key else (css, "")
            title = f"<title>{code} {escape(bar.name)}{key}: {_day(bar.finish)}</title>"
            parts.append(f'<path class="{css}" d="M{at} {middle - 7}l7 7l-7 7l-7 -7z">{title}</path>')
    row_of = {lane.plan.project_id: index for index, lane in enumerate(lanes)}
    for arrow in arrows:
        from_y = HEAD + row_of[arrow.giving.project_id] * ROW + ROW / 2
        to_y = HEAD + row_of[arrow.needing.project_id] * ROW + ROW / 2
        from_x, to_x = x(arrow.finish), x(arrow.start)
        late = f", {arrow.slip_days} days late" if arrow.late else ""
        title = (
            f"<title>{arrow.reference}: {escape(arrow.giving.code)} {escape(arrow.giving.name)} "
            f"({_day(arrow.finish)}) to {escape(arrow.needing.code)} {escape(arrow.needing.name)} "
            f"({_day(arrow.start)}){late}</title>"
        )
        late_css = " late" if arrow.late else ""
        head = 1 if to_y > from_y else -1
        parts.append(
            f'<path class="roadmap-dependency{late_css}" d="M{from_x} {from_y}h4V{to_y - 6 * head}H{to_x}'
            f'v{5 * head}">{title}</path>'
            f'<path class="roadmap-arrowhead{late_css}" d="M{to_x} {to_y}l-3 {-5 * head}h6z"/>'
        )
    parts += scale.lines(height, today=today)
    parts.append("</svg>")
    return "".join(parts)


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y")
