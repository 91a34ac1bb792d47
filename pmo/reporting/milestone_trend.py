"""The milestone trend of a project (milestone trend analysis): each key milestone's forecast as
each handed-in highlight report gave it, period by period, so a slip shows as a line climbing
(ADR 0042). Drawn on the server as inline SVG like the other charts (ADR 0031): colours are
classes (``reporting/reporting.css``), every point takes keyboard focus and names itself, and a
table of the same figures follows the chart."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pmo.core.formatting import date as day
from pmo.core.formatting import signed_days
from pmo.reporting.choices import HANDED_IN_STATES
from pmo.reporting.models import HighlightReport, ReportMilestone

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 74, 150, 12, 30
LINES = 6  # colours before they repeat (``trend-line-0`` to ``-5``)


@dataclass(frozen=True)
class TrendPoint:
    forecast: date
    achieved: bool


@dataclass(frozen=True)
class TrendLine:
    """One milestone's forecast in each period (None where that report did not list it)."""

    name: str
    points: tuple[TrendPoint | None, ...]

    @property
    def slip(self) -> int | None:
        """Days between the first forecast and the last: how far it moved."""
        found = [p.forecast for p in self.points if p is not None]
        return (found[-1] - found[0]).days if len(found) > 1 else None


@dataclass(frozen=True)
class MilestoneTrend:
    periods: tuple[str, ...]  # the reports' periods, oldest first
    lines: tuple[TrendLine, ...]
    key: bool  # the lines are the plan's key milestones (else every milestone the reports name)


def milestone_trend(reports: Sequence[HighlightReport], key_names: Sequence[str]) -> MilestoneTrend:
    """The trend from ``reports`` (each period's latest revision, with their milestones loaded;
    those not handed in are left out): the milestones named ``key_names``, else every milestone
    the reports name, in the order of their first forecast."""
    handed_in = sorted((r for r in reports if r.status in HANDED_IN_STATES), key=lambda r: r.period.start)
    forecasts = [{m.name: m for m in report.milestones.all()} for report in handed_in]
    if key_names:
        names = list(dict.fromkeys(key_names))
    else:
        first = {}
        for found in forecasts:
            for name, milestone in found.items():
                first.setdefault(name, milestone.forecast)
        names = sorted(first, key=lambda name: (first[name], name))
    lines = tuple(
        TrendLine(
            name,
            tuple(
                TrendPoint(found[name].forecast, found[name].achieved_on is not None)
                if name in found
                else None
                for found in forecasts
            ),
        )
        for name in names
    )
    return MilestoneTrend(tuple(str(r.period) for r in handed_in), lines, bool(key_names))


def _point(milestone: ReportMilestone | None) -> TrendPoint | None:
    if milestone is None:
        return None
    return TrendPoint(milestone.forecast, milestone.achieved_on is not None)


def _n(value: float) -> str:
    return f"{value:.1f}"


def trend_chart(trend: MilestoneTrend) -> SafeString:
    """The chart: periods across, forecast dates up; a line per milestone, its name at its end."""
    dates = [p.forecast for line in trend.lines for p in line.points if p is not None]
    if not dates or not trend.periods:
        return format_html(
            '<p class="text-body-secondary mb-0" data-testid="milestone-trend-empty">{}</p>',
            "No milestone trend yet: it appears once a handed-in highlight report forecasts the "
            "key milestones.",
        )
    low, high = min(dates), max(dates)
    span = max((high - low).days, 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(trend.periods) - 1, 1)

    def x(index: int) -> float:
        return LEFT + (step * index if len(trend.periods) > 1 else inner_w / 2)

    def y(when: date) -> float:
        return TOP + inner_h * (1 - (when - low).days / span)

    parts: list[str] = [
        format_html(
            '<line class="trend-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
            '<text class="trend-scale" x="{3}" y="{2}" dy="4" text-anchor="end">{4}</text>',
            LEFT,
            WIDTH - RIGHT,
            _n(y(when)),
            LEFT - 6,
            day(when),
        )
        for when in sorted({low, high})
    ]
    for index, period in enumerate(trend.periods):
        if index in (0, len(trend.periods) - 1) or index % max(len(trend.periods) // 4, 1) == 0:
            parts.append(
                format_html(
                    '<text class="trend-scale" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x(index)),
                    HEIGHT - 8,
                    period,
                )
            )
    for number, line in enumerate(trend.lines):
        css = f"trend-line-{number % LINES}"
        shown = [(i, p) for i, p in enumerate(line.points) if p is not None]
        if not shown:
            continue
        path = " ".join(f"{_n(x(i))},{_n(y(p.forecast))}" for i, p in shown)
        parts.append(format_html('<polyline class="trend-line {}" points="{}"/>', css, path))
        for i, point in shown:
            name = f"{line.name}: forecast {day(point.forecast)} in the {trend.periods[i]} report" + (
                " (achieved)" if point.achieved else ""
            )
            parts.append(
                format_html(
                    '<g class="chart-point" tabindex="0" role="img" aria-label="{0}"><title>{0}</title>'
                    '<circle class="trend-point {1}{2}" cx="{3}" cy="{4}" r="4"/></g>',
                    name,
                    css,
                    " achieved" if point.achieved else "",
                    _n(x(i)),
                    _n(y(point.forecast)),
                )
            )
        last_i, last = shown[-1]
        parts.append(
            format_html(
                '<text class="trend-label {}" x="{}" y="{}" dy="4">{}</text>',
                css,
                _n(x(last_i) + 8),
                _n(y(last.forecast)),
                line.name[:24],
            )
        )
    what = "key milestone" if trend.key else "milestone"
    return format_html(
        '<figure class="trend-chart mb-0" data-testid="milestone-trend">'
        '<svg viewBox="0 0 {} {}" role="group" aria-labelledby="milestone-trend-title">'
        '<title id="milestone-trend-title">{}</title>{}</svg>'
        '<figcaption class="small">Each line is a {}\'s forecast as each handed-in report gave it: '
        "a line that climbs is slipping; a filled point is achieved.</figcaption>"
        '<details class="mt-2"><summary>The forecasts as a table</summary>{}</details></figure>',
        WIDTH,
        HEIGHT,
        f"Forecast of each {what} per reporting period",
        mark_safe("".join(parts)),  # each part built by format_html
        what,
        trend_table(trend),
    )


def trend_table(trend: MilestoneTrend) -> SafeString:
    """The forecasts as a table: a row per milestone, a column per period, and the slip."""
    head = format_html_join("", '<th scope="col">{}</th>', ((p,) for p in trend.periods))
    rows = format_html_join(
        "",
        '<tr><th scope="row" class="fw-normal">{}</th>{}<td class="text-end">{}</td></tr>',
        (
            (
                line.name,
                format_html_join(
                    "",
                    "<td>{}</td>",
                    (
                        ("—" if p is None else f"{day(p.forecast)}{' (achieved)' if p.achieved else ''}",)
                        for p in line.points
                    ),
                ),
                signed_days(line.slip) if line.slip is not None else "—",
            )
            for line in trend.lines
        ),
    )
    return format_html(
        '<div class="table-responsive" tabindex="0" role="region" aria-label="Milestone forecasts by period">'
        '<table class="table table-sm mb-0" data-testid="milestone-trend-table">'
        "<caption>Each milestone's forecast in each handed-in report, and how far it moved</caption>"
        '<thead><tr><th scope="col">Milestone</th>{}<th scope="col" class="text-end">Moved</th></tr></thead>'
        "<tbody>{}</tbody></table></div>",
        head,
        rows,
    )
