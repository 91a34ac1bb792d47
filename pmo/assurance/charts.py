"""A project's health score trend, drawn on the server as inline SVG (as the dashboard's charts
are, ADR 0031): one line per area and a bold one for the overall score, over the checks'
submission dates; the same figures are in a table beside it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 40, 120, 10, 28
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
OVERALL = "Overall"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _x(i: int, n: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (i / (n - 1) if n > 1 else 0.5)


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def score_trend_chart(labels: list[str], series: dict[str, list[float | None]]) -> SafeString:
    """``labels``: each check's date; ``series``: name → percent per check (None: not scored)."""
    if not labels:
        return format_html(
            '<p class="text-body-secondary mb-0" data-testid="trend-empty">{}</p>',
            "No scored health check yet.",
        )
    n = len(labels)
    lines = []
    for k, (name, values) in enumerate(series.items()):
        colour = "#000" if name == OVERALL else COLOURS[k % len(COLOURS)]
        points = [(_x(i, n), _y(v), v) for i, v in enumerate(values) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {} %</title></circle>',
            ((_n(x), _n(y), colour, name, v) for x, y, v in points),
        )
        last_y = points[-1][1] if points else _y(0)
        lines.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>{}'
                '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                path,
                colour,
                3 if name == OVERALL else 1.5,
                dots,
                WIDTH - RIGHT + 6,
                last_y + 4,
                colour,
                name,
            )
        )
    axis = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dee2e6"/>'
        '<text x="4" y="{}" font-size="11">{}%</text>',
        ((LEFT, WIDTH - RIGHT, _n(_y(t)), _n(_y(t)), _n(_y(t) + 4), t) for t in (0, 25, 50, 75, 100)),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
        ((_n(_x(i, n)), HEIGHT - 8, label) for i, label in enumerate(labels)),
    )
    return format_html(
        '<figure class="mb-0" data-testid="trend-chart"><svg viewBox="0 0 {} {}" role="img" '
        'aria-label="Health check scores over time, overall and per area">{}{}{}</svg></figure>',
        WIDTH,
        HEIGHT,
        axis,
        ticks,
        format_html_join("", "{}", ((line,) for line in lines)),
    )
