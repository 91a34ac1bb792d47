"""The dashboard's charts, drawn on the server as inline SVG: no JavaScript, nothing fetched, and
nothing the Content-Security-Policy refuses (colours are SVG attributes, not styles). Each chart
is a ``<figure>`` whose data points take keyboard focus and name themselves, with a table of the
same figures under it (ADR 0031)."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pmo.insights.selectors import TrendPoint
from pmo.reporting.choices import Rating

# Fill colours of the status bars, and each rating's words (the legend, the points' names and the
# table say them, so colour is never the only cue).
RATING_COLOURS = {
    Rating.GREEN: "#1e7b34",
    Rating.AMBER_GREEN: "#7a9a1f",
    Rating.AMBER: "#e0a106",
    Rating.AMBER_RED: "#d2691e",
    Rating.RED: "#b42318",
}
RATING_LABELS = dict(Rating.choices)
UNREPORTED = "No report"
UNREPORTED_COLOUR = "#ced4da"

# The drawing's own units (the SVG scales to its container's width).
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 30
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    counts: list[int]


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(point: TrendPoint) -> str:
    """The period under its bar: "Nov 26" for a month, "02 Nov" for a shorter period."""
    return point.start.strftime("%d %b" if " to " in point.period else "%b %y")


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def status_trend(trend: list[TrendPoint], ratings: tuple[str, ...]) -> SafeString:
    """A stacked bar per period: the share of that period's active projects reporting each overall
    status, and of those that handed in no report; the same figures in a table below."""
    if not any(point.active_projects for point in trend):
        return format_html(
            '<p class="text-body-secondary mb-0" data-testid="trend-empty">{}</p>',
            "No status trend yet: it appears once a reporting period has started with active projects.",
        )
    series = [
        Series(str(RATING_LABELS[Rating(r)]), RATING_COLOURS[Rating(r)], [p.counts.get(r, 0) for p in trend])
        for r in ratings
    ]
    series.append(Series(UNREPORTED, UNREPORTED_COLOUR, [p.unreported for p in trend]))
    title = "Status trend: share of active projects reporting each overall status, per period"
    return format_html(
        '<figure class="trend-chart mb-0" data-testid="trend-chart">'
        '<svg viewBox="0 0 {} {}" role="group" aria-labelledby="trend-title" aria-describedby="trend-desc">'
        '<title id="trend-title">{}</title><desc id="trend-desc">{}</desc>{}{}</svg>'
        '<figcaption class="small">{}</figcaption>{}</figure>',
        WIDTH,
        HEIGHT,
        title,
        "Each bar is 100% of the period's active projects; move along the bars with Tab to hear each.",
        _axis(),
        _bars(trend, series),
        _legend(series),
        _table(trend, series),
    )


def _y(share: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share / 100)


def _axis() -> SafeString:
    return format_html_join(
        "",
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#dee2e6"/>'
        '<text x="{3}" y="{2}" dy="4" text-anchor="end" font-size="12" fill="currentColor">{4}%</text>',
        ((LEFT, WIDTH - RIGHT, _n(_y(tick)), LEFT - 6, tick) for tick in TICKS),
    )


def _bars(trend: list[TrendPoint], series: list[Series]) -> SafeString:
    slot = (WIDTH - LEFT - RIGHT) / len(trend)
    bar = min(slot * 0.7, 56)
    parts = []
    for i, point in enumerate(trend):
        x = LEFT + slot * i + (slot - bar) / 2
        below = 0.0
        rects = []
        words = []
        for s in series:
            n = s.counts[i]
            share = point.share(n)
            words.append(f"{s.label} {_percent(share)} ({n})")
            if n:
                rects.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                        _n(x),
                        _n(_y(below + share)),
                        _n(bar),
                        _n(_y(below) - _y(below + share)),
                        s.colour,
                    )
                )
            below += share
        active = point.active_projects
        name = f"{point.period}, {active} active project{'s' if active != 1 else ''}: " + "; ".join(words)
        parts.append(
            format_html(
                '<g class="chart-point" tabindex="0" role="img" aria-label="{0}" data-period="{1}">'
                "<title>{0}</title>{2}"
                '<rect class="chart-focus" x="{3}" y="{4}" width="{5}" height="{6}" fill="none"/>'
                '<text x="{7}" y="{8}" text-anchor="middle" font-size="11" fill="currentColor">{9}</text>'
                "</g>",
                name,
                point.period,
                mark_safe("".join(rects)),  # each part built by format_html
                _n(x - 2),
                TOP - 2,
                _n(bar + 4),
                HEIGHT - TOP - BOTTOM + 4,
                _n(x + bar / 2),
                HEIGHT - BOTTOM + 18,
                _short(point),
            )
        )
    return mark_safe("".join(parts))  # each part built by format_html


def _legend(series: list[Series]) -> SafeString:
    return format_html_join(
        "",
        '<span class="chart-key"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12"'
        ' fill="{}"/></svg> {}</span>',
        ((s.colour, s.label) for s in series),
    )


def _table(trend: list[TrendPoint], series: list[Series]) -> SafeString:
    head = format_html_join("", '<th scope="col" class="text-end">{}</th>', ((s.label,) for s in series))
    rows = format_html_join(
        "",
        '<tr><th scope="row" class="fw-normal">{}</th>{}<td class="text-end">{}</td></tr>',
        (
            (
                point.period,
                format_html_join(
                    "",
                    '<td class="text-end">{} ({})</td>',
                    ((s.counts[i], _percent(point.share(s.counts[i]))) for s in series),
                ),
                point.active_projects,
            )
            for i, point in enumerate(trend)
        ),
    )
    return format_html(
        '<details class="mt-2"><summary>The trend as a table</summary>'
        '<div class="table-responsive" tabindex="0" role="region" aria-label="Status trend, table">'
        '<table class="table table-sm mb-0" data-testid="trend-table">'
        "<caption>Projects reporting each overall status per period, and their share of the "
        "period's active projects</caption>"
        '<thead><tr><th scope="col">Period</th>{}'
        '<th scope="col" class="text-end">Active projects</th></tr></thead>'
        "<tbody>{}</tbody></table></div></details>",
        head,
        rows,
    )
