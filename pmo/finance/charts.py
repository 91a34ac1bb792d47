"""The Finance tab's earned value charts, drawn on the server as inline SVG like the other charts
(ADR 0031): the S-curve (PV, EV and AC cumulative to the status date, PV on to the end of the
budget, and the projection from today's AC to the EAC at the forecast finish) and the trend of
CPI, SPI and SPI(t) month by month. Colours are classes (``finance/evm.css``: the CSP forbids
inline styles); every month takes keyboard focus and names its figures, and a table of the same
figures follows each chart. The viewBox is narrow (360 wide) and the text large so that a phone (390 px)
reads them."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pmo.core import formatting
from pmo.core.formatting import date as day
from pmo.finance.evm import ProjectEvm

WIDTH, HEIGHT = 360, 240
LEFT, RIGHT, TOP, BOTTOM = 54, 10, 12, 30
INDICES = (("cpi", "CPI"), ("spi", "SPI"), ("spi_t", "SPI(t)"))


def _n(value: float) -> str:
    return f"{value:.1f}"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else formatting.money(value)


def _index(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _legend(items: Sequence[tuple[str, str]]) -> SafeString:
    return format_html(
        '<ul class="evm-legend small" aria-hidden="true">{}</ul>',
        format_html_join("", '<li><span class="evm-key evm-{}"></span>{}</li>', items),
    )


def _figure(
    test_id: str, title: str, desc: str, body: str, caption: SafeString, table: SafeString
) -> SafeString:
    return format_html(
        '<figure class="evm-chart mb-0" data-testid="{0}">'
        '<svg viewBox="0 0 {1} {2}" role="group" aria-labelledby="{0}-title" aria-describedby="{0}-desc">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>'
        '<figcaption class="small">{6}</figcaption>'
        '<details class="mt-2"><summary>The figures as a table</summary>{7}</details></figure>',
        test_id,
        WIDTH,
        HEIGHT,
        title,
        desc,
        mark_safe(body),  # built by format_html
        caption,
        table,
    )


def s_curve(measured: ProjectEvm) -> SafeString:
    """PV over the whole budget, EV and AC to the status date, and the EAC projection."""
    baseline, points = measured.baseline, measured.trend
    if baseline is None or baseline.start is None or baseline.period_ends is None or not points:
        return format_html(
            '<p class="text-body-secondary mb-0" data-testid="evm-s-curve-empty">{}</p>',
            "No S-curve yet: it appears once the project has an approved budget and a month of actuals.",
        )
    start = baseline.date_at(Decimal(0))
    eac, finish = measured.eac, measured.forecast_finish
    end = max([baseline.period_ends[-1], points[-1].day, *([finish] if finish else [])])
    top = max([baseline.bac, *(p.ac for p in points), *([eac] if eac is not None else [])])
    top = max(top, Decimal(1)) * Decimal("1.08")
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max((end - start).days, 1)

    def x(when: date) -> str:
        return _n(LEFT + inner_w * (when - start).days / span)

    def y(value: Decimal) -> str:
        return _n(TOP + inner_h * (1 - float(value / top)))

    parts = [
        format_html(
            '<line class="evm-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
            '<text class="evm-scale" x="{3}" y="{2}" dy="4" text-anchor="end">{4}</text>',
            LEFT,
            WIDTH - RIGHT,
            y(value),
            LEFT - 4,
            formatting.money_compact(value),
        )
        for value in (Decimal(0), baseline.bac)
    ]
    parts.append(
        format_html(
            '<text class="evm-scale" x="{}" y="{}">{}</text>'
            '<text class="evm-scale" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT,
            HEIGHT - 10,
            f"{start:%b %Y}",
            WIDTH - RIGHT,
            HEIGHT - 10,
            f"{end:%b %Y}",
        )
    )
    planned = [(start, Decimal(0))] + [
        (when, value) for when, value in zip(baseline.period_ends, baseline.cumulative, strict=True)
    ]
    lines = [("pv", planned), ("ac", [(start, Decimal(0))] + [(p.day, p.ac) for p in points])]
    earned = [(p.day, p.ev) for p in points if p.ev is not None]
    if len(earned) == len(points):
        lines.append(("ev", [(start, Decimal(0)), *earned]))
    for name, line in lines:
        parts.append(
            format_html(
                '<polyline class="evm-line evm-{}" points="{}"/>',
                name,
                " ".join(f"{x(when)},{y(value)}" for when, value in line),
            )
        )
    last = points[-1]
    if eac is not None:
        parts.append(
            format_html(
                '<line class="evm-line evm-eac" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                x(last.day),
                y(last.ac),
                x(finish or end),
                y(eac),
            )
        )
    parts.append(
        format_html(
            '<line class="evm-status" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>', x(last.day), TOP, TOP + inner_h
        )
    )
    for point in points:
        name = f"{point.day:%b %Y}: PV {_money(point.pv)}, EV {_money(point.ev)}, AC {_money(point.ac)}"
        marks = [("pv", point.pv), ("ac", point.ac), *([("ev", point.ev)] if point.ev is not None else [])]
        parts.append(
            format_html(
                '<g class="chart-point" tabindex="0" role="img" aria-label="{0}"><title>{0}</title>{1}</g>',
                name,
                format_html_join(
                    "",
                    '<circle class="evm-point evm-{}" cx="{}" cy="{}" r="3.5"/>',
                    ((kind, x(point.day), y(value)) for kind, value in marks),
                ),
            )
        )
    projection = (
        f"the dashed line runs from today's AC to the EAC of {_money(eac)} at the forecast finish "
        f"({day(finish) if finish else 'not forecast: the end of the budget'})"
        if eac is not None
        else "no EAC to project to yet"
    )
    desc = (
        f"Cumulative money from {start:%B %Y} to {end:%B %Y}: planned value to the budget at completion "
        f"of {_money(baseline.bac)}; at {day(last.day)} PV {_money(last.pv)}, EV {_money(last.ev)}, "
        f"AC {_money(last.ac)}; {projection}."
    )
    legend = [
        ("pv", "Planned value (PV)"),
        ("ev", "Earned value (EV)"),
        ("ac", "Actual cost (AC)"),
        ("eac", "Projection to the EAC"),
    ]
    caption = format_html(
        "{}{}",
        _legend(legend),
        ""
        if len(earned) == len(points)
        else "EV is known at the status date only (the plan keeps no history of its percent complete).",
    )
    rows = format_html_join(
        "",
        '<tr><th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        ((f"{p.day:%b %Y}", _money(p.pv), _money(p.ev), _money(p.ac)) for p in points),
    )
    if eac is not None:
        rows = format_html(
            '{}<tr><th scope="row" class="fw-normal">EAC at {}</th><td></td><td></td>'
            '<td class="text-end">{}</td></tr>',
            rows,
            day(finish) if finish else "the end of the budget",
            _money(eac),
        )
    table = format_html(
        '<div class="table-responsive" tabindex="0" role="region" aria-label="S-curve figures">'
        '<table class="table table-sm mb-0" data-testid="evm-s-curve-table">'
        "<caption>Planned value, earned value and actual cost to the end of each month</caption>"
        '<thead><tr><th scope="col">Month end</th><th scope="col" class="text-end">PV</th>'
        '<th scope="col" class="text-end">EV</th><th scope="col" class="text-end">AC</th></tr></thead>'
        "<tbody>{}</tbody></table></div>",
        rows,
    )
    return _figure(
        "evm-s-curve",
        "S-curve: planned value, earned value and actual cost",
        desc,
        "".join(parts),
        caption,
        table,
    )


def index_trend(measured: ProjectEvm, thresholds: dict[str, Decimal]) -> SafeString:
    """CPI, SPI and SPI(t) at each month end, with the thresholds the PMO set."""
    points = [p for p in measured.trend if any(getattr(p, k) is not None for k, _ in INDICES)]
    if not points:
        return format_html(
            '<p class="text-body-secondary mb-0" data-testid="evm-trend-empty">{}</p>',
            "No trend yet: it appears once earned value can be measured month by month.",
        )
    values = [getattr(p, k) for p in points for k, _ in INDICES if getattr(p, k) is not None]
    top = max([Decimal("1.5"), *(v for v in values)]) * Decimal("1.05")
    top = min(top, Decimal(3))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(points) - 1, 1)

    def x(index: int) -> str:
        return _n(LEFT + (step * index if len(points) > 1 else inner_w / 2))

    def y(value: Decimal) -> str:
        return _n(TOP + inner_h * (1 - float(min(value, top) / top)))

    parts = [
        format_html(
            '<line class="evm-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
            '<text class="evm-scale" x="{3}" y="{2}" dy="4" text-anchor="end">{4}</text>',
            LEFT,
            WIDTH - RIGHT,
            y(value),
            LEFT - 4,
            formatting.number(value),
        )
        for value in (Decimal(0), Decimal(1))
    ]
    merged: dict[Decimal, list[str]] = {}
    for name, value in thresholds.items():  # one line and label where two thresholds agree
        merged.setdefault(value, []).append(name)
    for value, names in sorted(merged.items()):
        name = " and ".join(names)
        parts.append(
            format_html(
                '<line class="evm-threshold" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
                '<text class="evm-scale" x="{1}" y="{2}" dy="-5" text-anchor="end">{3} threshold {4}</text>',
                LEFT,
                WIDTH - RIGHT,
                y(value),
                name,
                formatting.number(value),
            )
        )
    parts.append(
        format_html(
            '<text class="evm-scale" x="{}" y="{}">{}</text>'
            '<text class="evm-scale" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT,
            HEIGHT - 10,
            f"{points[0].day:%b %Y}",
            WIDTH - RIGHT,
            HEIGHT - 10,
            f"{points[-1].day:%b %Y}",
        )
    )
    for key, _label in INDICES:
        shown = [(i, getattr(p, key)) for i, p in enumerate(points) if getattr(p, key) is not None]
        if len(shown) > 1:
            parts.append(
                format_html(
                    '<polyline class="evm-line evm-{}" points="{}"/>',
                    key,
                    " ".join(f"{x(i)},{y(v)}" for i, v in shown),
                )
            )
    for i, point in enumerate(points):
        name = f"{point.day:%b %Y}: " + ", ".join(
            f"{label} {_index(getattr(point, key))}" for key, label in INDICES
        )
        parts.append(
            format_html(
                '<g class="chart-point" tabindex="0" role="img" aria-label="{0}"><title>{0}</title>{1}</g>',
                name,
                format_html_join(
                    "",
                    '<circle class="evm-point evm-{}" cx="{}" cy="{}" r="3.5"/>',
                    (
                        (key, x(i), y(getattr(point, key)))
                        for key, _ in INDICES
                        if getattr(point, key) is not None
                    ),
                ),
            )
        )
    last = points[-1]
    desc = (
        f"Cost and schedule performance at each month end from {points[0].day:%B %Y} to {last.day:%B %Y}; "
        f"at {day(last.day)} "
        + ", ".join(f"{label} {_index(getattr(last, key))}" for key, label in INDICES)
        + "; 1 is on plan, below 1 is over cost or behind."
    )
    rows = format_html_join(
        "",
        '<tr><th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        ((f"{p.day:%b %Y}", *(_index(getattr(p, key)) for key, _ in INDICES)) for p in points),
    )
    table = format_html(
        '<div class="table-responsive" tabindex="0" role="region" aria-label="Performance index figures">'
        '<table class="table table-sm mb-0" data-testid="evm-trend-table">'
        "<caption>CPI, SPI and SPI(t) at the end of each month</caption>"
        '<thead><tr><th scope="col">Month end</th><th scope="col" class="text-end">CPI</th>'
        '<th scope="col" class="text-end">SPI</th><th scope="col" class="text-end">SPI(t)</th></tr></thead>'
        "<tbody>{}</tbody></table></div>",
        rows,
    )
    caption = _legend([("cpi", "CPI"), ("spi", "SPI"), ("spi_t", "SPI(t)"), ("threshold", "Threshold")])
    return _figure("evm-trend", "Trend of CPI, SPI and SPI(t)", desc, "".join(parts), caption, table)
