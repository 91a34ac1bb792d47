"""The themes page's chart: lessons logged per quarter as columns, drawn on the server as inline
SVG like the dashboard's (ADR 0031): no JavaScript, nothing fetched, nothing the
Content-Security-Policy refuses. Each column takes keyboard focus and names itself; the page's
table gives the same figures."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 8, 28, 16
COLOUR = "#0d6efd"


def per_quarter(counts: list[tuple[str, int]]) -> SafeString:
    """A column per quarter, its height the lessons logged in it."""
    if not counts:
        return format_html('<p class="text-body-secondary mb-0">{}</p>', "No published lessons yet.")
    peak = max(n for _, n in counts) or 1
    slot = (WIDTH - 2 * LEFT) / len(counts)
    bar = min(slot * 0.7, 48)
    room = HEIGHT - TOP - BOTTOM
    columns = []
    for i, (quarter, n) in enumerate(counts):
        height = room * n / peak
        x = LEFT + slot * i + (slot - bar) / 2
        columns.append(
            (
                f"{x:.1f}",
                f"{HEIGHT - BOTTOM - height:.1f}",
                f"{bar:.1f}",
                f"{height:.1f}",
                f"{quarter}: {n} lesson{'s' if n != 1 else ''}",
                f"{x + bar / 2:.1f}",
                quarter.replace(" ", "\u00a0"),
                n,
                f"{HEIGHT - BOTTOM - height - 4:.1f}",
            )
        )
    shapes = format_html_join(
        "",
        '<g tabindex="0" role="img" aria-label="{4}"><rect x="{0}" y="{1}" width="{2}" height="{3}" fill="'
        + COLOUR
        + '"><title>{4}</title></rect>'
        '<text x="{5}" y="{8}" text-anchor="middle" font-size="11">{7}</text>'
        '<text x="{5}" y="' + str(HEIGHT - 10) + '" text-anchor="middle" font-size="11">{6}</text></g>',
        columns,
    )
    return format_html(
        '<figure class="mb-0" data-testid="quarter-chart"><svg viewBox="0 0 {} {}" class="w-100" '
        'role="group" aria-label="{}">{}</svg></figure>',
        WIDTH,
        HEIGHT,
        "Lessons logged per quarter",
        shapes,
    )
