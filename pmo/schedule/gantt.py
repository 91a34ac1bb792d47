"""The Gantt chart of a plan, drawn on the server as SVG (ADR 0038): one row per task (a bar from
start to finish, the critical path in its own colour, the baseline as a thin bar beneath, progress
inside the bar, summaries as brackets, milestones as diamonds), the links between the tasks shown,
and lines at today and at the status date. Colours come from the stylesheet (classes only: the
site's content security policy allows no inline style), so the light and dark themes both apply."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from django.utils import timezone

from pmo.schedule.timescale import HEAD, ZOOMS, Scale

ROW = 26  # px per task
DEFAULT_ZOOM = "week"
__all__ = ["DEFAULT_ZOOM", "HEAD", "ROW", "ZOOMS", "Bar", "bar_of", "gantt_svg"]


@dataclass(frozen=True)
class Bar:
    uid: int
    name: str
    start: datetime
    finish: datetime
    summary: bool = False
    milestone: bool = False
    critical: bool = False
    percent_complete: float = 0.0
    baseline_start: datetime | None = None
    baseline_finish: datetime | None = None
    key: bool = False  # a key milestone (flagged for portfolio reporting)


def gantt_svg(
    bars: Sequence[Bar],
    links: Iterable[tuple[int, int, str]],
    *,
    zoom: str = DEFAULT_ZOOM,
    today: date | None = None,
    status_date: datetime | None = None,
    label: str = "",
    editable: bool = False,
) -> str:
    """The chart as an ``<svg>`` element (text escaped). ``links``: (predecessor uid, successor
    uid, type) of the tasks shown. Each task is a focusable group (``id="task-UID"``, its dates in
    its ``aria-label``; the first in the tab order, the others reached with the arrow keys by
    ``schedule/plan_edit.js``), carrying its start day for the script; ``editable`` marks the
    chart as one whose bars can be moved (dragged, or with + and -)."""
    moments = [b.start for b in bars] + [b.finish for b in bars]
    moments += [m for b in bars for m in (b.baseline_start, b.baseline_finish) if m is not None]
    scale = Scale.spanning(moments, zoom if zoom in ZOOMS else DEFAULT_ZOOM)
    if scale is None:
        return ""
    width = scale.width
    height = HEAD + ROW * len(bars)
    x = scale.x

    parts = [
        f'<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="group" aria-label="{escape(label)}" '
        f'data-first="{scale.first.isoformat()}" data-per-day="{scale.per_day}"'
        + (' data-editable="true">' if editable else ">")
    ]
    parts += scale.grid(height)
    parts += scale.lines(height, today=today, status_date=status_date)
    rows: dict[int, int] = {}
    for index, bar in enumerate(bars):
        rows[bar.uid] = index
        top = HEAD + index * ROW
        left, right = x(bar.start), x(bar.finish)
        said = f"{bar.name}: {_when(bar.start)} to {_when(bar.finish)}"
        if bar.critical:
            said += ", critical"
        title = f"<title>{escape(said)}</title>"
        kind = "summary" if bar.summary else "milestone" if bar.milestone else "task"
        parts.append(
            f'<g class="gantt-task" id="task-{bar.uid}" data-uid="{bar.uid}" data-kind="{kind}" '
            f'data-start="{timezone.localtime(bar.start).date().isoformat()}" '
            f'tabindex="{0 if index == 0 else -1}" role="img" aria-label="{escape(said)}">'
        )
        parts.append(
            f'<rect class="gantt-row" x="0" y="{top}" width="{width}" height="{ROW}" fill="transparent"/>'
        )
        if bar.baseline_start and bar.baseline_finish:
            bl, br = x(bar.baseline_start), x(bar.baseline_finish)
            parts.append(
                f'<rect class="gantt-baseline" x="{bl}" y="{top + 19}" width="{max(br - bl, 1)}" height="3"/>'
            )
        if bar.milestone:
            middle = top + ROW / 2 - 2
            css = "gantt-milestone critical" if bar.critical else "gantt-milestone"
            parts.append(f'<path class="{css}" d="M{right} {middle - 7}l7 7l-7 7l-7 -7z">{title}</path>')
        elif bar.summary:
            span = max(right - left, 1)
            shape = f"M{left} {top + 6}h{span}v9l-4 -4h{-(span - 8)}l-4 4z"
            parts.append(f'<path class="gantt-summary" d="{shape}">{title}</path>')
        else:
            css = "gantt-bar critical" if bar.critical else "gantt-bar"
            span = max(right - left, 2)
            box = f'x="{left}" y="{top + 5}" width="{span}" height="12" rx="2"'
            parts.append(f'<rect class="{css}" {box}>{title}</rect>')
            if bar.percent_complete:
                done = round(span * min(bar.percent_complete, 100) / 100, 1)
                parts.append(
                    f'<rect class="gantt-progress" x="{left}" y="{top + 9}" width="{done}" height="4"/>'
                )
        parts.append("</g>")
    ends = {bar.uid: (x(bar.start), x(bar.finish)) for bar in bars}
    for predecessor, successor, kind in links:
        if predecessor not in rows or successor not in rows:
            continue
        (p_start, p_finish), (s_start, s_finish) = ends[predecessor], ends[successor]
        from_x = p_start if kind in ("SS", "SF") else p_finish
        to_x = s_finish if kind in ("FF", "SF") else s_start
        from_y = HEAD + rows[predecessor] * ROW + 11
        to_y = HEAD + rows[successor] * ROW + 11
        parts.append(f'<path class="gantt-link" d="M{from_x} {from_y}h4V{to_y}H{to_x}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M")


def bar_of(task: Any) -> Bar:
    """A task row's bar."""
    return Bar(
        uid=task.uid,
        name=task.name,
        start=task.start,
        finish=task.finish,
        summary=task.summary,
        milestone=task.milestone,
        critical=task.critical,
        percent_complete=float(task.percent_complete),
        baseline_start=task.baseline_start,
        baseline_finish=task.baseline_finish,
        key=bool(getattr(task, "key", False)),
    )
