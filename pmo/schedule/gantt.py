"""The Gantt chart of a plan, drawn on the server as SVG (ADR 0038): one row per task (a bar from
start to finish, the critical path in its own colour, the baseline as a thin bar beneath, progress
inside the bar, summaries as brackets, milestones as diamonds), the links between the tasks shown,
and lines at today and at the status date. Colours come from the stylesheet (classes only: the
site's content security policy allows no inline style), so the light and dark themes both apply."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

from django.utils import timezone

ROW = 26  # px per task
HEAD = 34  # px of the date scale
ZOOMS: dict[str, float] = {"day": 28.0, "week": 7.0, "month": 1.8, "quarter": 0.7}  # px per day
DEFAULT_ZOOM = "week"


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


def _day(moment: datetime) -> float:
    """A moment as days (with the fraction of the day) in the site's time zone."""
    local = timezone.localtime(moment)
    return local.toordinal() + (local.hour * 60 + local.minute) / 1440


def _ticks(first: date, last: date, zoom: str) -> Iterable[tuple[date, str]]:
    """The scale's marks: each day, each Monday, each month's first or each quarter's first."""
    day = first
    while day <= last:
        if zoom == "day":
            yield day, day.strftime("%-d %b") if day.day == 1 or day == first else str(day.day)
        elif zoom == "week" and day.weekday() == 0:
            yield day, day.strftime("%-d %b")
        elif zoom == "month" and day.day == 1:
            yield day, day.strftime("%b %Y") if day.month == 1 or day == first else day.strftime("%b")
        elif zoom == "quarter" and day.day == 1 and day.month in (1, 4, 7, 10):
            yield day, f"Q{(day.month - 1) // 3 + 1} {day.year}"
        day += timedelta(days=1)


def gantt_svg(
    bars: Sequence[Bar],
    links: Iterable[tuple[int, int, str]],
    *,
    zoom: str = DEFAULT_ZOOM,
    today: date | None = None,
    status_date: datetime | None = None,
    label: str = "",
) -> str:
    """The chart as an ``<svg>`` element (text escaped). ``links``: (predecessor uid, successor
    uid, type) of the tasks shown."""
    scale = ZOOMS.get(zoom, ZOOMS[DEFAULT_ZOOM])
    moments = [b.start for b in bars] + [b.finish for b in bars]
    moments += [m for b in bars for m in (b.baseline_start, b.baseline_finish) if m is not None]
    if not moments:
        return ""
    first = timezone.localtime(min(moments)).date() - timedelta(days=2)
    last = timezone.localtime(max(moments)).date() + timedelta(days=3)
    origin = first.toordinal()
    width = int((last.toordinal() - origin + 1) * scale) + 1
    height = HEAD + ROW * len(bars)

    def x(moment: datetime) -> float:
        return round((_day(moment) - origin) * scale, 1)

    parts = [
        f'<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
    ]
    for day, text in _ticks(first, last, zoom):
        left = round((day.toordinal() - origin) * scale, 1)
        parts.append(f'<line class="gantt-grid" x1="{left}" y1="{HEAD - 6}" x2="{left}" y2="{height}"/>')
        parts.append(f'<text class="gantt-scale" x="{left + 2}" y="{HEAD - 12}">{escape(text)}</text>')
    for moment, css, title in (
        (
            timezone.make_aware(datetime.combine(today, datetime.min.time())) if today else None,
            "gantt-today",
            "Today",
        ),
        (status_date, "gantt-status", "Status date"),
    ):
        if moment is not None and first.toordinal() <= _day(moment) <= last.toordinal() + 1:
            left = x(moment)
            line = f'x1="{left}" y1="{HEAD - 6}" x2="{left}" y2="{height}"'
            parts.append(f'<line class="{css}" {line}><title>{title}</title></line>')
    rows: dict[int, int] = {}
    for index, bar in enumerate(bars):
        rows[bar.uid] = index
        top = HEAD + index * ROW
        left, right = x(bar.start), x(bar.finish)
        title = f"<title>{escape(bar.name)}: {_when(bar.start)} to {_when(bar.finish)}</title>"
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
    )
