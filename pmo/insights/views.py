"""The portfolio dashboard page and its Excel workbook."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pmo.core import clock
from pmo.core.choosers import search_page
from pmo.insights import early_warning, selectors
from pmo.insights.charts import status_trend
from pmo.insights.exports import dashboard_response
from pmo.insights.forms import SPONSOR_CHOOSER, DashboardFilterForm

HEATMAP_PAGE_SIZE = 50
BAD_FILTER = "A filter could not be applied, so the dashboard shows everything you may see: {errors}"


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, selectors.DashboardFilters, str]:
    form = DashboardFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(
            f"{form[name].label}: {' '.join(str(m) for m in msgs)}" for name, msgs in form.errors.items()
        )
        return form, selectors.DashboardFilters(), BAD_FILTER.format(errors=errors)
    return form, (form.filters() if form.is_bound else selectors.DashboardFilters()), ""


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The cockpit: the portfolio's state on one screen, each figure linking to the list behind it."""
    form, filters, error = _filters(request)
    found = selectors.cockpit(user=request.user, filters=filters)
    query = form.address({k: v for k, v in request.GET.items() if k != "page" and v})
    context: dict[str, Any] = {
        "form": form,
        "filter_error": error,
        "cockpit": found,
        "figures": found.figures,
        "query": urlencode(query),
        "and_query": "&" + urlencode(query) if query else "",
        "trend_chart": status_trend(found.figures.trend, found.figures.ratings),
        "listed": selectors.LISTED,
        "slips": found.figures.slippage[: selectors.SLIPS_LISTED],
    }
    return render(request, "insights/dashboard.html", context)


# One click deeper: the dashboard's long lists, each a page at a time, with the dashboard's filters.


def _rows_shown(request: HttpRequest, figures: selectors.Dashboard) -> tuple[list[selectors.HeatmapRow], str]:
    """The heatmap's rows narrowed by ``?status=`` (a declared overall rating, or ``none``) and
    ``?flag=optimistic``; with the words saying so."""
    rows = figures.rows
    said = []
    status = request.GET.get("status", "")
    labels = {cell.rating or selectors.NO_STATUS: cell.label for cell in selectors.CELLS.values()}
    if status in labels:
        rows = [row for row in rows if (row.cells[0].rating or selectors.NO_STATUS) == status]
        said.append(f"declaring {labels[status].lower()} overall")
    if request.GET.get("flag") == "optimistic":
        rows = [row for row in rows if row.optimistic]
        said.append("green outside, red inside")
    return rows, ", ".join(said)


def _part(request: HttpRequest, template: str, part: str) -> HttpResponse:
    form, filters, error = _filters(request)
    figures = selectors.dashboard(user=request.user, filters=filters)
    said = ""
    rows: list[Any]
    if part == "projects":
        rows, said = _rows_shown(request, figures)
    else:
        rows = getattr(figures, part)
    query = form.address({k: v for k, v in request.GET.items() if k != "page" and v})
    filters_only = {k: v for k, v in query.items() if k in form.fields}
    context: dict[str, Any] = {
        "form": form,
        "filter_error": error,
        "figures": figures,
        "rows": Paginator(rows, HEATMAP_PAGE_SIZE).get_page(request.GET.get("page")),
        "said": said,
        "columns": selectors.COLUMNS,
        "query": urlencode(query),
        "back_query": urlencode(filters_only),
        "page_query": urlencode(query) + "&" if query else "",
    }
    return render(request, template, context)


@login_required
@require_GET
def dashboard_projects(request: HttpRequest) -> HttpResponse:
    """Every active project's declared status by area beside the evidence and why (the heatmap)."""
    return _part(request, "insights/dashboard_projects.html", "projects")


@login_required
@require_GET
def dashboard_at_risk(request: HttpRequest) -> HttpResponse:
    """Projects reporting amber or worse, or beyond tolerance, with their open actions."""
    return _part(request, "insights/dashboard_at_risk.html", "at_risk")


@login_required
@require_GET
def dashboard_slippage(request: HttpRequest) -> HttpResponse:
    """Key milestones forecast later than their baseline, worst first."""
    return _part(request, "insights/dashboard_slippage.html", "slippage")


@login_required
@require_GET
def sponsor_search(request: HttpRequest) -> HttpResponse:
    """The sponsors of projects the user may see whose name or e-mail has what the dashboard's
    sponsor box holds (``pmo.core.choosers``): the same people the filter accepts."""
    return search_page(request, SPONSOR_CHOOSER, selectors.filter_options(user=request.user)["sponsor"])


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    _form, filters, error = _filters(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    return dashboard_response(selectors.dashboard(user=request.user, filters=filters))


@login_required
@require_GET
def early_warnings_page(request: HttpRequest) -> HttpResponse:
    """Early warning: the active projects whose reports show trouble coming, heaviest first,
    each signal with its reason (ADR 0032)."""
    form, filters, error = _filters(request)
    projects = early_warning.active(selectors.dashboard_projects(user=request.user, filters=filters))
    found = early_warning.ranked(early_warning.early_warnings(projects, clock.today(), reader=request.user))
    query = form.address({k: v for k, v in request.GET.items() if k != "page" and v})
    context = {
        "form": form,
        "filter_error": error,
        "warnings": Paginator(found, HEATMAP_PAGE_SIZE).get_page(request.GET.get("page")),
        "total": len(found),
        "page_query": urlencode(query) + "&" if query else "",
    }
    return render(request, "insights/early_warnings.html", context)
