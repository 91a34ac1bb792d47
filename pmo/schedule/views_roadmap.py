"""The portfolio roadmap page: every project with a plan the user may see, filtered like the
register (portfolio, programme, department, status), a page of lanes at a time, with a table of
each project's next milestone and finish against its baseline beside the chart. Also as an SVG
file or a PDF of the lanes shown."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from pmo.core import clock
from pmo.portfolio.filters import ProjectFilter
from pmo.portfolio.forms import tick_list
from pmo.portfolio.models import Project
from pmo.schedule import roadmap, selectors

PROJECTS_PER_PAGE = 25
FILTERS = ("portfolio", "programme", "department", "status")


@login_required
@require_GET
def portfolio_roadmap(request: HttpRequest) -> HttpResponse:
    """The roadmap: 4 queries for the lanes (projects counted, a page of plans, their phases and
    milestones) whatever the number of projects and tasks, plus the filter's choices."""
    found = ProjectFilter(request.GET, queryset=Project.objects.restrict(request.user, "view"))
    plans = selectors.plan_list(user=request.user).filter(project__in=found.qs.values("pk"))
    page = Paginator(plans.order_by("project__code"), PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    lanes = roadmap.lanes_of(shown, roadmap.roadmap_tasks(shown))
    zoom = request.GET.get("zoom", roadmap.DEFAULT_ZOOM)
    zoom = zoom if zoom in roadmap.ROADMAP_ZOOMS else roadmap.DEFAULT_ZOOM
    today = clock.today()
    svg = roadmap.roadmap_svg(lanes, zoom=zoom, today=today)
    wanted = request.GET.get("format", "")
    if wanted == "svg" and svg:
        return _download(_standalone(svg), "image/svg+xml", f"roadmap-{today.isoformat()}.svg")
    if wanted == "pdf" and svg:
        return _download(_pdf(_standalone(svg), today), "application/pdf", f"roadmap-{today.isoformat()}.pdf")
    rows = []
    for lane in lanes:
        upcoming = lane.next_milestone(today)
        rows.append((lane, upcoming, timezone.localdate(upcoming.finish) if upcoming else None))
    context: dict[str, Any] = {
        "title": "Portfolio roadmap",
        "filter_fields": [tick_list(found.form[name]) for name in FILTERS],
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number),
        "rows": rows,
        "roadmap": svg,
        "zoom": zoom,
        "zooms": roadmap.ROADMAP_ZOOMS,
    }
    return render(request, "schedule/roadmap.html", context)


def _standalone(svg: str) -> str:
    """The chart as a file of its own: the stylesheet's colours written into it."""
    style = render_to_string("schedule/roadmap_svg_style.css")
    head, _, rest = svg.partition(">")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><style>{style}</style>{rest}'


def _pdf(svg: str, today: Any) -> bytes:
    """The chart on an A3 landscape page (WeasyPrint, fetching nothing)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("schedule/roadmap_pdf.html", {"svg": svg, "today": today})
    fetcher = URLFetcher(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
