"""The portfolio dashboard page, its Excel workbook, and the local copy of plotly.js."""

import gzip
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import plotly
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from pmo.insights import selectors
from pmo.insights.charts import RATING_LABELS, status_trend
from pmo.insights.exports import dashboard_response
from pmo.insights.forms import DashboardFilterForm

HEATMAP_PAGE_SIZE = 50
SHOWN = 25  # rows of the exceptions, at-risk and slippage lists on the page (the workbook has all)
BAD_FILTER = "A filter could not be applied, so the dashboard shows everything you may see: {errors}"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
YEAR = 365 * 24 * 3600
PLOTLY_STYLE_ELEMENT = re.compile(
    r'getElementById\("([^"]+)"\)\)\{var [\w$]+=document\.createElement\("style"\)'
)


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
    chart = status_trend(figures.trend, figures.ratings)
    context: dict[str, Any] = {
        "form": form,
        "filter_error": error,
        "figures": figures,
        "heatmap": heatmap,
        "columns": selectors.COLUMNS,
        "query": urlencode(query),
        "page_query": urlencode(query) + "&" if query else "",
        "chart": json.loads(chart.to_json()),
        "trend_ratings": [(rating, RATING_LABELS[rating]) for rating in figures.ratings],
        "trend_rows": [
            (point.period, [point.counts.get(rating, 0) for rating in figures.ratings], point.total)
            for point in figures.trend
        ],
        "exceptions": figures.exceptions[:SHOWN],
        "at_risk": figures.at_risk[:SHOWN],
        "slippage": figures.slippage[:SHOWN],
        "shown": SHOWN,
        "plotly_version": plotly.__version__,
        "plotly_style_ids": plotly_style_ids(),
    }
    return render(request, "insights/dashboard.html", context)


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    _form, filters, error = _filters(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    return dashboard_response(selectors.dashboard(user=request.user, filters=filters))


@cache
def plotly_style_ids() -> tuple[str, ...]:
    """The ids of the ``<style>`` elements plotly.js makes when it loads unless one is already
    there (the map traces' stylesheet). The Content-Security-Policy would refuse them; the page
    holds an inert element with each id instead, since the dashboard draws no map."""
    return tuple(dict.fromkeys(PLOTLY_STYLE_ELEMENT.findall(PLOTLY_JS.read_text(encoding="utf-8"))))


@cache
def _plotly_bytes(compressed: bool) -> bytes:
    data = PLOTLY_JS.read_bytes()
    return gzip.compress(data, compresslevel=6, mtime=0) if compressed else data


@require_GET
def plotly_js(request: HttpRequest, version: str) -> HttpResponse:
    """The plotly.js that the installed ``plotly`` package ships: no CDN, cached for a year (its
    address carries the version), gzipped for browsers that accept it."""
    if version != plotly.__version__:
        raise Http404(version)
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(_plotly_bytes(compressed), content_type="text/javascript; charset=utf-8")
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
