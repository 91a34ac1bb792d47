"""A schedule risk run's charts, drawn on the server as inline SVG (ADR 0031): the histogram of
finish dates with the S-curve over it, and the tornado of the tasks whose durations move the
finish most. Colours are classes (``schedule/risk.css``); every bar takes keyboard focus and names
itself, and a table of the same figures follows each chart."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pmo.core.formatting import date as day
from pmo.schedule.models import ScheduleRun, ScheduleRunBin, ScheduleRunTask

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 10, 30
TORNADO_TASKS = 10
ROW = 24


def _n(value: float) -> str:
    return f"{value:.1f}"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def finish_chart(run: ScheduleRun, bins: Sequence[ScheduleRunBin]) -> SafeString:
    """Bars: iterations finishing in each span of days; the line: the share finished by its end."""
    if not bins:
        return SafeString("")
    most = max(bar.count for bar in bins) or 1
    slot = (WIDTH - LEFT - RIGHT) / len(bins)
    high = HEIGHT - TOP - BOTTOM
    bars, points = [], []
    for i, bar in enumerate(bins):
        x = LEFT + slot * i
        height = high * bar.count / most
        name = (
            f"{day(bar.start)} to {day(bar.end)}: {bar.count:,} of {run.iterations:,} iterations finish; "
            f"{_percent(bar.cumulative)} finished by {day(bar.end)}"
        )
        bars.append(
            format_html(
                '<g class="chart-point" tabindex="0" role="img" aria-label="{0}"><title>{0}</title>'
                '<rect class="risk-bar" x="{1}" y="{2}" width="{3}" height="{4}"/></g>',
                name,
                _n(x + 1),
                _n(TOP + high - height),
                _n(max(slot - 2, 1)),
                _n(height),
            )
        )
        points.append(f"{_n(x + slot)},{_n(TOP + high * (1 - bar.cumulative))}")
    axis = format_html_join(
        "",
        '<line class="risk-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
        '<text class="risk-scale" x="{3}" y="{2}" dy="4">{4}%</text>',
        (
            (LEFT, WIDTH - RIGHT, _n(TOP + high * (1 - t / 100)), WIDTH - RIGHT + 4, t)
            for t in (0, 50, 80, 100)
        ),
    )
    labels = format_html(
        '<text class="risk-scale" x="{}" y="{}">{}</text>'
        '<text class="risk-scale" x="{}" y="{}" text-anchor="end">{}</text>',
        LEFT,
        HEIGHT - 8,
        day(bins[0].start),
        WIDTH - RIGHT,
        HEIGHT - 8,
        day(bins[-1].end),
    )
    curve = format_html(
        '<polyline class="risk-curve" points="{} {}"/>', f"{LEFT},{TOP + high}", " ".join(points)
    )
    rows = format_html_join(
        "",
        '<tr><th scope="row" class="fw-normal">{} to {}</th><td class="text-end">{}</td>'
        '<td class="text-end">{}</td></tr>',
        ((day(b.start), day(b.end), f"{b.count:,}", _percent(b.cumulative)) for b in bins),
    )
    return format_html(
        '<figure class="risk-chart mb-0" data-testid="risk-histogram">'
        '<svg viewBox="0 0 {} {}" role="group" aria-labelledby="risk-finish-title">'
        '<title id="risk-finish-title">{}</title>{}{}{}{}</svg>'
        '<figcaption class="small">Bars: iterations finishing in each span of days. Line (S-curve, right '
        "scale): the share finished by then.</figcaption>"
        '<details class="mt-2"><summary>The finish dates as a table</summary>'
        '<div class="table-responsive"><table class="table table-sm mb-0" data-testid="risk-histogram-table">'
        "<caption>Iterations finishing in each span of days, and the share finished by its end</caption>"
        '<thead><tr><th scope="col">Days</th><th scope="col" class="text-end">Iterations</th>'
        '<th scope="col" class="text-end">Finished by the end</th></tr></thead><tbody>{}</tbody></table>'
        "</div></details></figure>",
        WIDTH,
        HEIGHT,
        f"Finish dates of {run.iterations:,} iterations, and the S-curve",
        axis,
        mark_safe("".join(bars)),  # each part built by format_html
        curve,
        labels,
        rows,
    )


def tornado(tasks: Sequence[ScheduleRunTask]) -> SafeString:
    """The tasks whose durations move the finish most (rank correlation), strongest on top."""
    ranked = sorted((t for t in tasks if t.sensitivity), key=lambda t: -abs(t.sensitivity or 0))[
        :TORNADO_TASKS
    ]
    if not ranked:
        return format_html(
            '<p class="text-body-secondary" data-testid="tornado-empty">{}</p>',
            "No task's duration is uncertain yet: give tasks three-point estimates to see which "
            "drive the finish.",
        )
    middle = WIDTH / 2 + 80
    half = WIDTH - RIGHT - middle
    rows = []
    for i, task in enumerate(ranked):
        value = task.sensitivity or 0.0
        y = TOP + i * ROW
        length = half * abs(value)
        name = f"{task.name or f'Task {task.uid}'}: correlation with the finish {value:.2f}"
        rows.append(
            format_html(
                '<g class="chart-point" tabindex="0" role="img" aria-label="{0}"><title>{0}</title>'
                '<text class="risk-scale" x="{1}" y="{2}" text-anchor="end">{3}</text>'
                '<rect class="risk-bar{4}" x="{5}" y="{6}" width="{7}" height="{8}"/></g>',
                name,
                _n(middle - 6),
                _n(y + ROW / 2 + 4),
                (task.name or f"Task {task.uid}")[:32],
                "" if value >= 0 else " negative",
                _n(middle if value >= 0 else middle - length),
                _n(y + 3),
                _n(length),
                ROW - 6,
            )
        )
    height = TOP + ROW * len(ranked) + 10
    table = format_html_join(
        "",
        '<tr><th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td></tr>',
        ((t.name or f"Task {t.uid}", f"{t.sensitivity or 0:.2f}") for t in ranked),
    )
    return format_html(
        '<figure class="risk-chart mb-0" data-testid="tornado">'
        '<svg viewBox="0 0 {} {}" role="group" aria-labelledby="tornado-title"><title id="tornado-title">{}'
        '</title><line class="risk-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>{}</svg>'
        '<details class="mt-2"><summary>The tornado as a table</summary>'
        '<table class="table table-sm mb-0" data-testid="tornado-table"><caption>Rank correlation of each '
        'task\'s duration with the project finish</caption><thead><tr><th scope="col">Task</th>'
        '<th scope="col" class="text-end">Correlation</th></tr></thead><tbody>{}</tbody></table></details>'
        "</figure>",
        WIDTH,
        height,
        "Tasks whose duration moves the finish most",
        _n(middle),
        _n(middle),
        TOP,
        height - 10,
        mark_safe("".join(rows)),  # each part built by format_html
        table,
    )
