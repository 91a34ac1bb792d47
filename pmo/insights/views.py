"""The portfolio dashboard page and its Excel workbook."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pmo.core import clock
from pmo.insights import early_warning, selectors
from pmo.insights.charts import status_trend
from pmo.insights.exports import dashboard_response
from pmo.insights.forms import DashboardFilterForm

HEATMAP_PAGE_SIZE = 50
SHOWN = 25  # rows of the exceptions, at-risk and slippage lists on the page (the workbook has all)
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
    form, filters, error = _filters(request)
    figures = selectors.dashboard(user=request.user, filters=filters)
    heatmap = Paginator(figures.rows, HEATMAP_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context: dict[str, Any] = {
        "form": form,
        "filter_error": error,
        "figures": figures,
        "heatmap": heatmap,
        "columns": selectors.COLUMNS,
        "query": urlencode(query),
        "page_query": urlencode(query) + "&" if query else "",
        "trend_chart": status_trend(figures.trend, figures.ratings),
        "exceptions": figures.exceptions[:SHOWN],
        "at_risk": figures.at_risk[:SHOWN],
        "slippage": figures.slippage[:SHOWN],
        "shown": SHOWN,
    }
    return render(request, "insights/dashboard.html", context)


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
    found = early_warning.ranked(early_warning.early_warnings(projects, clock.today()))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "filter_error": error,
        "warnings": Paginator(found, HEATMAP_PAGE_SIZE).get_page(request.GET.get("page")),
        "total": len(found),
        "page_query": urlencode(query) + "&" if query else "",
    }
    return render(request, "insights/early_warnings.html", context)
