"""Pages of cost centres (ADR 0053): the list, a cost centre's financial year (budget, actual and
forecast by month, staff and non-staff, the non-staff limit, and the grid its forecast of the
rest of the year is made in), its form, the year's budget grid and its history. Reads through
``pmo.finance.cost_centres``' selectors, writes through its services, on the core generic
views; every table exports to Excel."""

import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from pmo.core import clock
from pmo.core.exports import XLSX_CONTENT_TYPE, xlsx_response
from pmo.core.formatting import money
from pmo.core.generic import (
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    call_service,
    finish,
)
from pmo.core.history import history_entries
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.engine.finance import FinancialYear, financial_year
from pmo.finance import cost_centres, imports, pages, selectors
from pmo.finance.grids import LineKey, grid_columns, grid_rows
from pmo.finance.models import CostCentre, CostCentreBudget, CostCentreForecast
from pmo.finance.services import LineProblems
from pmo.finance.views import grid_lines
from pmo.portfolio.forms import VersionedModelForm
from pmo.portfolio.register import Column, attr

CENTRE_NOT_FOUND = "There is no cost centre {key}, or you may not see it."
CENTRE_SAVED = "Cost centre {record} saved."
NOT_A_YEAR = "{value} is not a financial year: give the calendar year it starts in (2026 for 2026/27)."
BUDGET_SAVED = "Budget of {centre} for {year} saved: {total}, non-staff limit {limit}."
NOT_A_LIMIT = "The non-staff limit is an amount in pounds (or blank for none), not {value!r}."
NO_LIMIT = "none"
FORECAST_SAVED = "Forecast of {centre} for {year} from {month:%B %Y} saved: {total}, landing at {landing}."


class CostCentreForm(VersionedModelForm):
    """A cost centre's code, name, budget holder and whether it is in use."""

    class Meta:
        model = CostCentre
        fields = ("code", "name", "holder", "active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["version"].required = False


CENTRE_COLUMNS = (
    Column("code", "Code", attr("code"), "code", "link"),
    Column("name", "Name", attr("name"), "name", "link"),
    Column("holder", "Budget holder", attr("holder"), "holder__username"),
    Column("year_budget", "Budget this year", attr("year_budget"), "year_budget", "money"),
    Column("year_actual", "Actuals this year", attr("year_actual"), "year_actual", "money"),
    Column("non_staff_limit", "Non-staff limit", attr("non_staff_limit"), "non_staff_limit", "money"),
    Column("active", "In use", attr("active"), "active", "flag"),
)


class CostCentreListView(ObjectListView):
    """The cost centres the reader may see (finance partners, the PMO and executives see all; a
    budget holder theirs), with the current financial year's budget, actuals and limit."""

    model = CostCentre
    template_name = "finance/costcentre_list.html"
    search = ("code", "name")
    heading = "Cost centres"

    @cached_property
    def year(self) -> FinancialYear:
        return selectors.current_year()

    def get_queryset(self) -> QuerySet[CostCentre]:
        return cost_centres.cost_centre_list(user=self.request.user, year=self.year)

    def columns(self) -> Sequence[Column]:
        return CENTRE_COLUMNS

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {
            **super().list_context(shown, columns, sort),
            "year": self.year,
            "can_add": self.request.user.has_perm("finance.add_costcentre"),
        }


class CostCentrePage:
    model = CostCentre
    lookup = "code"
    key = "code"
    not_found = CENTRE_NOT_FOUND
    context_object_name = "cost_centre"

    def get_queryset(self) -> Any:
        return CostCentre.objects.restrict(self.request.user, "view").select_related("holder")  # type: ignore[attr-defined]


YEAR_MONTH_COLUMNS = (
    Column("month", "Month", lambda r: r.label),
    Column("budget", "Budget", lambda r: r.budget, kind="money"),
    Column("actual", "Actual", lambda r: r.actual, kind="money"),
    Column("forecast", "Forecast", lambda r: r.forecast, kind="money"),
    Column("closed", "Closed", lambda r: r.closed, kind="flag"),
)


def _year(request: HttpRequest, first_month: int) -> FinancialYear:
    """The year asked for (``?year=2026``), else the current one."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return financial_year(clock.today(), first_month)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2200:
        raise Http404(NOT_A_YEAR.format(value=raw))
    return FinancialYear(int(raw), first_month)


def forecast_versions(user: Any, figures: cost_centres.CostCentreYear) -> list[dict[str, Any]]:
    """The year's forecasts, latest first, each with where it said the year would land (the
    year's actuals before its month plus its lines) and its non-staff landing (one query)."""
    actual = {row.month: row.actual for row in figures.months if row.actual is not None}
    rows = []
    for forecast in cost_centres.cost_centre_forecast_list(
        user=user, cost_centre=figures.cost_centre, year=figures.year
    ):
        before = [amount for month, amount in actual.items() if month < forecast.month]
        rows.append(
            {
                "forecast": forecast,
                "total": forecast.total,  # type: ignore[attr-defined]
                "landing": sum(before, Decimal(0)) + forecast.total,  # type: ignore[attr-defined]
                "non_staff_total": forecast.non_staff_total,  # type: ignore[attr-defined]
                "latest": figures.forecast is not None and forecast.pk == figures.forecast.pk,
            }
        )
    return rows


class CostCentreView(CostCentrePage, ObjectView):
    """A cost centre's financial year: budget, actuals to date and forecast outturn, for staff
    and non-staff costs and by category, the non-staff limit against where the year lands, and
    each month (``?year=2026`` for another year; ``?export=xlsx``: the months and figures)."""

    template_name = "finance/costcentre_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        centre = self.get_object()
        settings_row = selectors.finance_settings()
        year = _year(request, settings_row.first_month)
        figures = cost_centres.cost_centre_year(cost_centre=centre, year=year)
        if request.GET.get("export") == "xlsx":
            return self.export(figures, forecast_versions(request.user, figures))
        return self.year_page(centre, year, figures, settings_row.currency)

    def year_page(
        self,
        centre: CostCentre,
        year: FinancialYear,
        figures: cost_centres.CostCentreYear,
        currency: str,
        values: dict[str, str] | None = None,
        problems: Sequence[str] = (),
        conflict: str = "",
    ) -> HttpResponse:
        """The year's page, with the forecast grid where the user may forecast and the year has
        months left (``values``, ``problems`` and ``conflict``: a forecast posted back)."""
        request = self.request
        may_forecast = request.user.has_perm("finance.add_costcentreforecast", centre)
        grid = CentreForecastGrid(centre, year, figures) if may_forecast else None
        if grid is not None and grid.first is None:
            grid = None
        return self.render_page(
            409 if conflict else 400 if problems else 200,
            **self.object_context(centre),
            figures=figures,
            year=year,
            years=cost_centres.cost_centre_years(centre, year.first_month),
            outturns=[
                ("All costs", figures.total),
                ("Staff", figures.staff),
                ("Non-staff", figures.non_staff),
            ],
            can_change=self.may("change", centre),
            can_budget=request.user.has_perm("finance.add_costcentrebudget"),
            currency=currency,
            forecast_grid=grid,
            forecast_rows=grid_rows(grid, forecast_cell, values) if grid is not None else [],
            forecast_problems=problems,
            forecast_conflict=conflict,
            forecast_note=(values or {}).get("note", grid.made.note if grid and grid.made else ""),
            forecasts=forecast_versions(request.user, figures),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Make (or make again) this month's forecast of the year from the grid, through
        ``cost_centres.cost_centre_forecast_make``: every problem named by its cell, nothing
        saved until there are none; a grid read before someone else saved gives the conflict."""
        centre = self.get_object()
        settings_row = selectors.finance_settings()
        year = _year(request, settings_row.first_month)
        ensure_can(request.user, "finance.add_costcentreforecast", centre, action=f"forecast {centre.code}")
        figures = cost_centres.cost_centre_year(cost_centre=centre, year=year)
        grid = CentreForecastGrid(centre, year, figures)
        values = {name: request.POST.get(name, "").strip() for name in request.POST}
        currency = settings_row.currency
        if grid.first is None:
            problem = cost_centres.YEAR_OVER.format(year=year, split=figures.split)
            return self.year_page(centre, year, figures, currency, values, [problem])
        lines, problems, where = grid_lines(grid, values, forecast_cell)
        if problems:
            return self.year_page(centre, year, figures, currency, values, problems)
        posted = values.get("version", "")
        outcome = call_service(
            lambda: cost_centres.cost_centre_forecast_make(
                actor=cast(User, request.user),
                cost_centre=centre,
                year=year,
                lines=lines,
                note=values.get("note", ""),
                expected_version=int(posted) if posted.isdigit() else None,
            )
        )
        if outcome.done:
            landed = cost_centres.cost_centre_year(cost_centre=centre, year=year)
            message = FORECAST_SAVED.format(
                centre=centre.code,
                year=year,
                month=grid.first,
                total=money(sum((line.amount for line in lines), Decimal(0))),
                landing=money(landed.total.eac),
            )
            url = f"{reverse('finance:costcentre_detail', args=[centre.code])}?year={year.start_year}"
            return finish(request, message, url)
        if outcome.conflict:
            return self.year_page(centre, year, figures, currency, values, conflict=outcome.conflict)
        return self.year_page(centre, year, figures, currency, values, [_placed(outcome.problem, where)])

    @staticmethod
    def export(figures: cost_centres.CostCentreYear, versions: Sequence[dict[str, Any]] = ()) -> HttpResponse:
        centre, year = figures.cost_centre, figures.year
        rows: list[list[Any]] = [[c.value(r) for c in YEAR_MONTH_COLUMNS] for r in figures.months]
        rows += [[], ["", "Figure", "Amount"]]
        for name, outturn in (
            ("All costs", figures.total),
            ("Staff", figures.staff),
            ("Non-staff", figures.non_staff),
        ):
            rows += [
                [name, "Budget", outturn.budget],
                [name, "Actuals to date", outturn.actual_to_date],
                [name, "Forecast of the rest", outturn.forecast_remaining],
                [name, "Forecast outturn", outturn.eac],
                [name, "Variance (budget - outturn)", outturn.variance],
            ]
        rows.append(["Non-staff", "Limit", figures.limit if figures.limit is not None else NO_LIMIT])
        if figures.non_staff_at_budget is not None and figures.forecast is not None:
            rows.append(["Non-staff", "Outturn were the rest at budget", figures.non_staff_at_budget.eac])
        rows.append(["All costs", "The rest of the year from", figures.forecast_source])
        if versions:
            rows += [[], ["Forecast made for", "Made by", "Forecast", "Non-staff", "Said the year lands at"]]
            rows += [
                [
                    f"{v['forecast'].month:%b %Y}",
                    str(v["forecast"].made_by or ""),
                    v["total"],
                    v["non_staff_total"],
                    v["landing"],
                ]
                for v in versions
            ]
        return xlsx_response(
            f"{centre.code}-{year.label.replace('/', '-')}-{clock.today().isoformat()}.xlsx",
            headers=[c.label for c in YEAR_MONTH_COLUMNS],
            rows=rows,
            sheet_title=f"{centre.code} {year.label.replace('/', '-')}",
        )


class CostCentreEditView(CostCentrePage, ObjectEditView):
    """Add a cost centre, or change one (finance partners and the PMO)."""

    template_name = "finance/costcentre_form.html"
    saved = CENTRE_SAVED

    def get_form(self, record: Any, data: Any = None) -> Any:
        return CostCentreForm(data, instance=record)

    def save(self, form: Any, record: Any) -> Any:
        user = self.request.user
        if record is None:
            return cost_centres.cost_centre_create(actor=user, fields=form.values())
        return cost_centres.cost_centre_update(
            actor=user,
            cost_centre=record,
            fields=form.values(),
            expected_version=form.cleaned_data["version"],
        )

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "cost_centre": record,
            "heading": f"Edit cost centre {record.code}" if record else "Add a cost centre",
        }


class CostCentreHistoryView(CostCentrePage, ObjectHistoryView):
    """Every change to a cost centre and to its yearly budgets: who, when, before and after."""

    template_name = "finance/costcentre_history.html"

    def object_context(self, record: Any) -> dict[str, Any]:
        first_month = selectors.finance_settings().first_month
        budgets = [
            (
                FinancialYear(budget.year, first_month).label,
                budget,
                history_entries(budget, user=self.request.user),
            )
            for budget in record.budgets.select_related("cost_centre").order_by("-year")
        ]
        forecasts = [
            (
                f"{FinancialYear(forecast.year, first_month).label}, from {forecast.month:%B %Y}",
                forecast,
                history_entries(forecast, user=self.request.user),
            )
            for forecast in record.forecasts.select_related("cost_centre").order_by("-month")
        ]
        return {**super().object_context(record), "budgets": budgets, "forecasts": forecasts}


# The year's budget --------------------------------------------------------------------------


def centre_cell(index: int, month: Any) -> str:
    return f"c-{index}-{month:%Y-%m}"


class CentreGrid:
    """A cost centre's year to budget: its record (if set), months, the keys its lines count
    under (its lines', its cost codes', else every category in use, revenue) and the amounts."""

    def __init__(self, centre: CostCentre, year: FinancialYear) -> None:
        self.year = year
        self.months = year.months
        self.budget: CostCentreBudget | None = (
            CostCentreBudget.objects.filter(cost_centre=centre, year=year.start_year)
            .select_related("cost_centre")
            .first()
        )
        lines = list(self.budget.lines.select_related("category", "funding_source")) if self.budget else []
        codes = centre.cost_codes.filter(active=True).select_related("category", "funding_source")
        self.keys, self.amounts = grid_columns(lines, codes)
        self.closed = pages.closed_months()


def forecast_cell(index: int, month: Any) -> str:
    return f"f-{index}-{month:%Y-%m}"


class CentreForecastGrid:
    """A cost centre's year to forecast: the months from the forecast's first (the split; None
    once the year is over) to the year's end, the keys its lines count under (the latest
    forecast's, the budget's, its cost codes', else every category in use, revenue), the
    amounts shown (the latest forecast's for those months, else the budget's) and this month's
    forecast if already made (its version guards the save)."""

    def __init__(self, centre: CostCentre, year: FinancialYear, figures: cost_centres.CostCentreYear) -> None:
        self.year = year
        first = max(figures.split, year.start)
        self.first = first if first <= year.last_month else None
        self.months = [month for month in year.months if self.first is not None and month >= self.first]
        self.latest: CostCentreForecast | None = figures.forecast
        self.made = self.latest if self.latest is not None and self.latest.month == self.first else None
        self.keys: list[LineKey] = []
        self.amounts: dict[tuple[int, Any], Decimal] = {}
        self.source = "the year is over"
        if self.first is None:  # nothing left to forecast
            return
        related = ("category", "funding_source")
        lines: Any = []
        if self.latest is not None:
            lines = self.latest.lines.filter(month__gte=self.first).select_related(*related)
            self.source = (
                "this month's forecast" if self.made else f"the forecast made for {self.latest.month:%B %Y}"
            )
        elif figures.budget is not None:
            lines = figures.budget.lines.filter(month__gte=self.first).select_related(*related)
            self.source = f"the {year} budget"
        else:
            self.source = "nothing yet"
        self.keys, self.amounts = grid_columns(list(lines), [code for code in figures.codes if code.active])

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


class CostCentreBudgetView(CostCentrePage, ObjectView):
    """Set a cost centre's budget for a financial year in a month grid (a column per category,
    capital or revenue and funding source), with its non-staff limit and a note, through
    ``cost_centres.cost_centre_budget_set`` (finance partners and the PMO). Every problem is
    named by its cell and nothing is saved until there are none; a form read before someone
    else saved gives the conflict."""

    template_name = "finance/costcentre_budget.html"

    @cached_property
    def year(self) -> FinancialYear:
        return FinancialYear(self.kwargs["year"], selectors.finance_settings().first_month)

    def allowed(self) -> tuple[CostCentre, CentreGrid]:
        centre = self.get_object()
        if not 2000 <= self.kwargs["year"] <= 2200:
            raise Http404(NOT_A_YEAR.format(value=self.kwargs["year"]))
        ensure_can(
            self.request.user,
            "finance.add_costcentrebudget",
            action=f"set budgets of {centre.code}",
        )
        return centre, CentreGrid(centre, self.year)

    def grid_page(
        self,
        centre: CostCentre,
        grid: CentreGrid,
        values: dict[str, str] | None = None,
        problems: Sequence[str] = (),
        conflict: str = "",
    ) -> HttpResponse:
        rows = grid_rows(grid, centre_cell, values, grid.closed)
        budget = grid.budget
        limit = (values or {}).get("non_staff_limit")
        if limit is None:
            limit = "" if budget is None or budget.non_staff_limit is None else str(budget.non_staff_limit)
        return self.render_page(
            409 if conflict else 400 if problems else 200,
            **self.object_context(centre),
            grid=grid,
            rows=rows,
            total=sum(grid.amounts.values(), Decimal(0)),
            problems=problems,
            conflict=conflict,
            limit=limit,
            note=(values or {}).get("note", budget.note if budget else ""),
            entries=history_entries(budget, user=self.request.user) if budget else [],
            previous=grid.year.previous(),
            following=grid.year.next(),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        centre, grid = self.allowed()
        if request.GET.get("export") == "xlsx":
            lines = grid.budget.lines.select_related("category", "funding_source") if grid.budget else []
            buffer = io.BytesIO()
            imports.write_budget_template(buffer, list(lines))
            response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
            name = (
                f"{centre.code}-budget-{grid.year.label.replace('/', '-')}-{clock.today().isoformat()}.xlsx"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return self.grid_page(centre, grid)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        centre, grid = self.allowed()
        values = {name: request.POST.get(name, "").strip() for name in request.POST}
        posted = request.POST.get("version", "")
        expected = int(posted) if posted.isdigit() else None
        upload = request.FILES.get("file")
        named: list[str] = []  # an uploaded template's problems, by row and the template's column
        if upload is not None:
            lines, issues = imports.budget_lines_read(upload)
            problems, where = [str(issue) for issue in issues], {}
        else:
            lines, problems, where = grid_lines(grid, values, centre_cell)
        raw_limit = values.get("non_staff_limit", "").replace(",", "").replace("£", "")
        limit: Decimal | None = None
        if raw_limit:
            try:
                limit = Decimal(raw_limit)
            except InvalidOperation:
                problems.append(NOT_A_LIMIT.format(value=raw_limit))
            else:
                if not limit.is_finite():
                    problems.append(NOT_A_LIMIT.format(value=raw_limit))
        if problems:
            return self.grid_page(centre, grid, values, problems)
        fields = {"non_staff_limit": limit, "note": values.get("note", "")}

        def save() -> CostCentreBudget:
            try:
                return cost_centres.cost_centre_budget_set(
                    actor=cast(User, request.user),
                    cost_centre=centre,
                    year=grid.year,
                    lines=lines,
                    fields=fields,
                    expected_version=expected,
                )
            except LineProblems as found:
                named.extend(str(imports.budget_issue(issue)) for issue in found.issues)
                raise

        outcome = call_service(save)
        if outcome.done:
            total = sum((line.amount for line in lines), Decimal(0))
            message = BUDGET_SAVED.format(
                centre=centre.code,
                year=grid.year,
                total=money(total),
                limit=money(limit) if limit is not None else NO_LIMIT,
            )
            url = f"{reverse('finance:costcentre_detail', args=[centre.code])}?year={grid.year.start_year}"
            return finish(request, message, url)
        if outcome.conflict:
            return self.grid_page(centre, grid, values, conflict=outcome.conflict)
        if upload is not None:
            return self.grid_page(centre, grid, values, named or [outcome.problem])
        return self.grid_page(centre, grid, values, [_placed(outcome.problem, where)])


def _placed(problem: str, where: dict[int, str]) -> str:
    """A service's "Row N, column 'x': ..." as the grid's cell ("Dec 2026, Staff (revenue): ...")."""
    for row, cell in sorted(where.items(), reverse=True):
        problem = problem.replace(f"Row {row}, column 'month'", cell)
        problem = problem.replace(f"Row {row}, column 'amount'", cell).replace(f"Row {row}", cell)
    return problem


costcentre_list = CostCentreListView.as_view()
costcentre_detail = CostCentreView.as_view()
costcentre_create = CostCentreEditView.as_view()
costcentre_update = CostCentreEditView.as_view()
costcentre_history = CostCentreHistoryView.as_view()
costcentre_budget = CostCentreBudgetView.as_view()
