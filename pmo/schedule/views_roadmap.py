"""The portfolio roadmap page: every project with a plan the user may see, filtered like the
register (portfolio, programme, department, status), a page of lanes at a time, with a table of
each project's next milestone and finish against its baseline beside the chart. Also as an SVG
file or a PDF of the lanes shown; and the Plan tab's Gantt chart as shown, likewise."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pmo.core import clock
from pmo.portfolio.filters import ProjectFilter
from pmo.portfolio.forms import tick_list
from pmo.portfolio.models import Project
from pmo.raid.models import Dependency
from pmo.schedule import crosslinks, downloads, roadmap, selectors
from pmo.schedule.views import ProjectPlanView

PROJECTS_PER_PAGE = 25
FILTERS = ("portfolio", "programme", "department", "status")


@login_required
@require_GET
def portfolio_roadmap(request: HttpRequest) -> HttpResponse:
    """The roadmap: 5 queries for the lanes (projects counted, a page of plans, their phases and
    milestones, the portfolio's ties to plan tasks) whatever the number of projects and tasks, plus
    the filter's choices; four more to draw the cross-project dependencies when any are tied."""
    found = ProjectFilter(request.GET, queryset=Project.objects.restrict(request.user, "view"))
    plans = selectors.plan_list(user=request.user).filter(project__in=found.qs.values("pk"))
    page = Paginator(plans.order_by("project__code"), PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    lanes = roadmap.lanes_of(shown, roadmap.roadmap_tasks(shown))
    arrows = _arrows(request, lanes)
    zoom = request.GET.get("zoom", roadmap.DEFAULT_ZOOM)
    zoom = zoom if zoom in roadmap.ROADMAP_ZOOMS else roadmap.DEFAULT_ZOOM
    today = clock.today()
    svg = roadmap.roadmap_svg(lanes, zoom=zoom, today=today, arrows=arrows)
    wanted = request.GET.get("format", "")
    if wanted in ("svg", "pdf") and svg:
        name = f"roadmap-{today.isoformat()}"
        return downloads.chart_download(svg, wanted, title="Portfolio roadmap", name=name, today=today)
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
        "arrows": arrows,
        "roadmap": svg,
        "zoom": zoom,
        "zooms": roadmap.ROADMAP_ZOOMS,
    }
    return render(request, "schedule/roadmap.html", context)


def _arrows(request: HttpRequest, lanes: list[roadmap.Lane]) -> list[roadmap.Arrow]:
    """The cross-project dependencies between the page's lanes the reader may see: one query when
    nothing in the portfolio is tied to plan tasks, two or five when something is."""
    network = crosslinks.cross_network()
    on_page = {lane.plan.project_id for lane in lanes}
    candidates = [
        t.dependency_id for t in network.ties.values() if {t.project_id, t.depends_on_id} <= on_page
    ]
    if not candidates:
        return []
    shown = set(
        Dependency.objects.restrict(request.user, "view")
        .filter(pk__in=candidates)
        .values_list("pk", flat=True)
    )
    return roadmap.arrows_of(lanes, network, shown)


class PlanChartView(ProjectPlanView):
    """The Plan tab's Gantt chart as shown (the same page of tasks, outline level and scale) as an
    SVG or PDF file."""

    def render_page(self, status: int = 200, **context: Any) -> HttpResponse:
        fmt = self.kwargs["fmt"]
        if fmt not in ("svg", "pdf") or not context.get("gantt"):
            raise Http404("This plan has no tasks to draw.")
        code = self.project.code
        title = f"{code} plan"
        name = f"{code}-gantt-{clock.today().isoformat()}"
        return downloads.chart_download(context["gantt"], fmt, title=title, name=name, today=clock.today())


plan_chart = PlanChartView.as_view()
