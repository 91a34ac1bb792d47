"""Pages of finance: a project's Finance tab (budget, actuals, forecast, EAC and earned value),
the portfolio's roll-up, the cost codes and the closed months.

Reads go through the selectors (``pmo.finance.pages`` lays them out), writes through the
services, on the core generic views: a refusal shows the 403 page with the reason; a service's
ValidationError shows beside the field it names; every table exports to Excel."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from pmo.core import clock
from pmo.core.exports import xlsx_response
from pmo.core.formatting import money
from pmo.core.generic import (
    ObjectEditView,
    ObjectListView,
    ObjectPage,
    ObjectView,
    SettingsView,
    call_service,
    export_refused,
    finish,
    form_status,
    found_or_404,
)
from pmo.core.permissions import ensure_can
from pmo.finance import evm, pages, selectors, services
from pmo.finance.forms import (
    CostCodeFilter,
    CostCodeForm,
    FinanceSettingsForm,
    MonthCloseForm,
    MonthReopenForm,
    RollUpFilter,
)
from pmo.finance.grids import grid_rows
from pmo.finance.models import CostCode, FinanceSettings, MonthLock
from pmo.finance.rules import keeps_the_books
from pmo.portfolio.models import Project
from pmo.portfolio.register import Column, attr
from pmo.portfolio.views import project_or_404

CODE_NOT_FOUND = "There is no cost code {key}, or you may not see it."
CODE_SAVED = "Cost code {record} saved."
MONTH_CLOSED = "{month:%B %Y} closed: its actuals are final."
MONTH_OPENED = "{month:%B %Y} opened again."
MONTH_NOT_FOUND = "{key} is not a closed month."


# A project's Finance tab ----------------------------------------------------------------------


def money_project_or_404(request: HttpRequest, code: str) -> Project:
    """The project whose money the reader may see: one they see, or any for finance partners
    and the PMO (they read every project's money, confidential ones included: ADR 0049)."""
    if keeps_the_books(request.user):
        return found_or_404(Project.objects.all(), "project", code, code=code)
    return project_or_404(request, code)


MONTH_COLUMNS = (
    Column("month", "Month", lambda r: r.label),
    Column("budget", "Budget", lambda r: r.budget, kind="money"),
    Column("actual", "Actual", lambda r: r.actual, kind="money"),
    Column("forecast", "Forecast", lambda r: r.forecast, kind="money"),
    Column("closed", "Closed", lambda r: r.closed, kind="flag"),
)


def outturn_cells(name: str, outturn: Any) -> list[list[Any]]:
    return [
        [name, "Budget (BAC)", outturn.budget],
        [name, "Actuals to date", outturn.actual_to_date],
        [name, "Forecast of the rest (ETC)", outturn.etc],
        [name, "Estimate at completion (EAC)", outturn.eac],
        [name, "Variance (budget - EAC)", outturn.variance],
    ]


class ProjectFinanceView(ObjectPage):
    """A project's money: whole-life and in-year figures, the budget by year and category, each
    month's budget, actual and forecast, and earned value where it can be measured.
    ``?export=xlsx`` gives the month table and the figures."""

    template_name = "finance/project_finance.html"

    @cached_property
    def project(self) -> Project:
        return money_project_or_404(self.request, self.kwargs["code"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.project
        figures = selectors.project_finance(project=project)
        closed = pages.closed_months()
        months = pages.month_rows(figures, closed)
        measured = evm.project_evms([project], trends=True)[0]
        if request.GET.get("export") == "xlsx":
            headers = [c.label for c in MONTH_COLUMNS]
            rows = [[c.value(r) for c in MONTH_COLUMNS] for r in months]
            rows += [[], ["", "Figure", "Amount"]]
            rows += outturn_cells("Whole life", figures.whole_life)
            rows += outturn_cells(f"In {figures.year.label}", figures.this_year)
            rows += [
                ["Earned value", f.label, getattr(measured, f.key) if not f.missing else f.missing]
                for f in pages.evm_figures(measured)
            ]
            return xlsx_response(
                f"{project.code}-finance-{clock.today().isoformat()}.xlsx",
                headers=headers,
                rows=rows,
                sheet_title=f"{project.code} finance",
            )
        settings_row = selectors.finance_settings()
        categories, years = pages.budget_by_year(figures, settings_row.first_month)
        user = request.user
        return self.render_page(
            project=project,
            figures=figures,
            outturns=[
                ("Whole life", figures.whole_life, "whole-life"),
                (f"In {figures.year.label}", figures.this_year, "in-year"),
            ],
            months=months,
            categories=categories,
            budget_years=years,
            evm=measured,
            evm_figures=pages.evm_figures(measured),
            evm_forecasts=pages.evm_forecasts(measured),
            evm_charts=pages.evm_charts(measured, settings_row),
            currency=settings_row.currency,
            budget_versions=list(selectors.budget_version_list(user=user, project=project)),
            forecast_versions=list(selectors.forecast_version_list(user=user, project=project)),
            may_forecast=user.has_perm("finance.add_forecastversion", project),
            may_budget=user.has_perm("finance.add_budgetversion", project),
            keeps_books=user.has_perm("finance.add_costcode"),
        )


project_finance = ProjectFinanceView.as_view()


# The portfolio --------------------------------------------------------------------------------


ROLL_UP_COLUMNS = (
    Column("key", "Key", attr("key")),
    Column("budget", "Budget", attr("budget"), kind="money"),
    Column("actual_to_date", "Actuals to date", attr("actual_to_date"), kind="money"),
    Column("forecast_remaining", "Forecast of the rest", attr("forecast_remaining"), kind="money"),
    Column("eac", "EAC (where we land)", attr("eac"), kind="money"),
    Column("variance", "Variance", attr("variance"), kind="money"),
)


IN_YEAR_COLUMNS = (
    Column("profile", "Profile to date", attr("profile"), kind="money"),
    Column("against_profile", "Spent against profile", attr("against_profile"), kind="money"),
)


class PortfolioFinanceView(ObjectPage):
    """The money of every project the reader may see, summed by portfolio, programme,
    department, category, capital or revenue, funding source or project; whole-life or within a
    financial year (where the year lands: its spend to date and forecast against its budget).
    ``?export=xlsx`` gives the table as shown."""

    template_name = "finance/portfolio.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        current = selectors.current_year()
        chooser = RollUpFilter(
            request.GET, user=request.user, years=selectors.years_with_money(), current=current
        )
        by, year, within = chooser.chosen()
        if request.GET.get("export") == "xlsx" and request.GET and not chooser.is_valid():
            return export_refused(request, chooser.errors)
        rows, total = pages.roll_up_rows(user=request.user, by=by, year=year, within=within)
        label = pages.ROLL_UP_LABELS[by]
        if request.GET.get("export") == "xlsx":
            columns = ROLL_UP_COLUMNS + (IN_YEAR_COLUMNS if year is not None else ())
            headers = [label, *(c.label for c in columns[1:])]
            cells = [[c.value(r) for c in columns] for r in [*rows, total]]
            scope = year.label.replace("/", "-") if year else "whole-life"
            return xlsx_response(
                f"finance-by-{by}-{scope}-{clock.today().isoformat()}.xlsx",
                headers=headers,
                rows=cells,
                sheet_title="Finance roll-up",
            )
        return self.render_page(
            filter=chooser,
            by=by,
            by_label=label,
            year=year,
            current=current,
            rows=rows,
            total=total,
        )


portfolio_finance = PortfolioFinanceView.as_view()


# Cost codes -----------------------------------------------------------------------------------


COST_CODE_COLUMNS = (
    Column("code", "Code", attr("code"), "code"),
    Column("description", "Description", attr("description"), "description"),
    Column("project", "Project", attr("project.code"), "project__code"),
    Column("cost_centre", "Cost centre", attr("cost_centre.code"), "cost_centre__code"),
    Column("category", "Category", attr("category.name"), "category__name"),
    Column("spend_type", "Capital or revenue", lambda c: c.get_spend_type_display(), "spend_type"),
    Column("funding_source", "Funding source", attr("funding_source.name"), "funding_source__name"),
    Column("active", "In use", attr("active"), "active", "flag"),
)


class CostCodeListView(ObjectListView):
    """The ledger's cost codes and the projects they charge (the codes of the projects the reader
    may see; every code for finance and the PMO)."""

    model = CostCode
    template_name = "finance/costcode_list.html"
    search = ("code", "description", "project__code", "project__name", "cost_centre__code")
    heading = "Cost codes"

    @cached_property
    def chosen(self) -> CostCodeFilter:
        return CostCodeFilter(self.request.GET or None)

    def get_queryset(self) -> QuerySet[CostCode]:
        return selectors.cost_code_list(user=self.request.user).select_related("cost_centre")

    def columns(self) -> Sequence[Column]:
        return COST_CODE_COLUMNS

    def records(self) -> QuerySet[CostCode]:
        records = super().records()
        if self.chosen.is_valid():
            data = self.chosen.cleaned_data
            if data["project"].strip():
                records = records.filter(project__code__iexact=data["project"].strip())
            if data["cost_centre"].strip():
                records = records.filter(cost_centre__code__iexact=data["cost_centre"].strip())
            if data["active"]:
                records = records.filter(active=data["active"] == "yes")
        return records

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {
            **super().list_context(shown, columns, sort),
            "filter": self.chosen,
            "can_add": self.request.user.has_perm("finance.add_costcode"),
        }


class CostCodePage:
    model = CostCode
    lookup = "code"
    key = "code"
    not_found = CODE_NOT_FOUND
    context_object_name, context_related = "cost_code", ("project", "cost_centre")

    def get_queryset(self) -> Any:
        return selectors.cost_code_list(user=self.request.user).select_related("cost_centre")  # type: ignore[attr-defined]


class CostCodeView(CostCodePage, ObjectView):
    template_name = "finance/costcode_detail.html"

    def object_context(self, code: Any) -> dict[str, Any]:
        return {**super().object_context(code), "can_change": self.may("change", code)}


class CostCodeEditView(CostCodePage, ObjectEditView):
    """Add a cost code, or change one's mapping (finance partners and the PMO)."""

    template_name = "finance/costcode_form.html"
    saved = CODE_SAVED

    def get_form(self, record: Any, data: Any = None) -> Any:
        return CostCodeForm(data, instance=record)

    def save(self, form: Any, record: Any) -> Any:
        user = self.request.user
        if record is None:
            return services.cost_code_create(actor=user, fields=form.values())
        return services.cost_code_update(
            actor=user, cost_code=record, fields=form.values(), expected_version=form.cleaned_data["version"]
        )

    def success_url(self, saved: Any) -> str:
        return reverse("finance:costcode_detail", args=[saved.code])

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "cost_code": record,
            "heading": f"Edit cost code {record}" if record else "Add a cost code",
        }


costcode_list = CostCodeListView.as_view()
costcode_detail = CostCodeView.as_view()
costcode_create = CostCodeEditView.as_view()
costcode_update = CostCodeEditView.as_view()


# Closed months --------------------------------------------------------------------------------


class MonthsView(ObjectPage):
    """The months finance has closed, newest first; finance partners and the PMO head close the
    next or open one again with a reason (``?export=xlsx``: the list)."""

    template_name = "finance/months.html"

    def locks(self) -> QuerySet[MonthLock]:
        return MonthLock.objects.restrict(self.request.user, "view").select_related("locked_by")

    def page_for(self, form: Any = None, status: int = 200, reopen: Any = None) -> HttpResponse:
        user = self.request.user
        may_close = user.has_perm("finance.add_monthlock")
        return self.render_page(
            status,
            locks=list(self.locks()),
            form=form or (MonthCloseForm() if may_close else None),
            may_close=may_close,
            may_open=user.has_perm("finance.delete_monthlock"),
            reopen=reopen or MonthReopenForm(),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            rows = [
                [f"{lock.month:%B %Y}", str(lock.locked_by or ""), lock.locked_at] for lock in self.locks()
            ]
            return xlsx_response(
                f"closed-months-{clock.today().isoformat()}.xlsx",
                headers=["Month", "Closed by", "Closed at"],
                rows=rows,
                sheet_title="Closed months",
            )
        return self.page_for()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ensure_can(request.user, "finance.add_monthlock", action="close months")
        form = MonthCloseForm(request.POST)
        outcome = None
        if form.is_valid():
            month = form.cleaned_data["month"]
            outcome = call_service(lambda: services.month_lock(actor=request.user, month=month), form)
            if outcome.done:
                return finish(request, MONTH_CLOSED.format(month=month), request.path)
        return self.page_for(form, form_status(request, form, outcome))


class MonthReopenView(ObjectPage):
    """Open a closed month again, saying why (a POST from the closed months' page)."""

    template_name = "finance/months.html"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        year, number = self.kwargs["year"], self.kwargs["month"]
        try:
            month = date(year, number, 1)
        except ValueError as error:
            raise Http404(MONTH_NOT_FOUND.format(key=f"{year}-{number:02d}")) from error
        lock = found_or_404(
            MonthLock.objects.restrict(request.user, "view"),
            "month",
            f"{month:%B %Y}",
            message=MONTH_NOT_FOUND,
            month=month,
        )
        ensure_can(request.user, "finance.delete_monthlock", lock, action=f"open {lock.month:%B %Y} again")
        form = MonthReopenForm(request.POST)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            outcome = call_service(
                lambda: services.month_unlock(actor=request.user, lock=lock, reason=reason), form
            )
            if outcome.done:
                return finish(request, MONTH_OPENED.format(month=lock.month), reverse("finance:months"))
        view = MonthsView()
        view.setup(request)
        return view.page_for(status=400, reopen=form)


months = MonthsView.as_view()
month_reopen = MonthReopenView.as_view()


# Forecast entry -------------------------------------------------------------------------------


FORECAST_SAVED = "Forecast of {project} for {period} saved: {total} from {first:%B %Y}."
NOT_AN_AMOUNT = "{cell}: “{value}” is not an amount of money (give pounds, and pence if any)."
NO_PERIOD = "No reporting period is open: a forecast is made in an open period."


def cell_name(index: int, month: date) -> str:
    return f"a-{index}-{month:%Y-%m}"


def grid_lines(
    grid: Any, values: dict[str, str], cell: Callable[[int, date], str]
) -> tuple[list[services.MonthAmount], list[str], dict[int, str]]:
    """A month grid's typed amounts (a forecast's or a budget's; ``cell`` names each input) as
    the service's lines, with the cells that are not amounts and, by line, the cell each came
    from (to name a service's problem by its cell)."""
    lines: list[services.MonthAmount] = []
    problems: list[str] = []
    where: dict[int, str] = {}
    for index, key in enumerate(grid.keys):
        for month in grid.months:
            text = values.get(cell(index, month), "").replace(",", "").replace("£", "")
            if not text:
                continue
            named = f"{month:%b %Y}, {key.label}"
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = Decimal("NaN")
            if not amount.is_finite():
                problems.append(NOT_AN_AMOUNT.format(cell=named, value=text))
                continue
            if amount == 0:
                continue
            row = len(lines) + 1
            where[row] = named
            lines.append(
                services.MonthAmount(
                    month=month,
                    category=key.category,
                    spend_type=key.spend_type,
                    amount=amount,
                    funding_source=key.funding_source,
                    row=row,
                )
            )
    return lines, problems, where


def forecast_grid_for(user: Any, project: Project) -> Any:
    """The open period's forecast grid of ``project`` (PermissionDenied unless ``user`` may
    forecast it), or None when no period is open."""
    ensure_can(user, "finance.add_forecastversion", project, action=f"forecast {project.code}")
    period = pages.forecast_period(clock.today())
    return pages.forecast_grid(project, period) if period is not None else None


class ForecastEntryView(ObjectPage):
    """The project's forecast for the open reporting period, a month per row and a column per
    category, capital or revenue and funding source its lines count under (its manager, finance
    partners and the PMO), filled with the period's forecast if made, else the latest one's, else
    the budget's; saved through ``services.forecast_make``, every problem named by its cell and
    nothing saved until there are none."""

    template_name = "finance/forecast_form.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def allowed(self) -> Any:
        return forecast_grid_for(self.request.user, self.project)

    def grid_page(
        self, grid: Any, values: dict[str, str] | None = None, problems: Sequence[str] = (), **extra: Any
    ) -> HttpResponse:
        rows = grid_rows(grid, cell_name, values) if grid is not None else []
        return self.render_page(
            409 if extra.get("conflict") else 400 if problems else 200,
            project=self.project,
            grid=grid,
            rows=rows,
            problems=problems,
            no_period=NO_PERIOD,
            note=(values or {}).get("note", grid.made.note if grid is not None and grid.made else ""),
            **extra,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.grid_page(self.allowed())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grid = self.allowed()
        if grid is None:
            return self.grid_page(None, problems=[NO_PERIOD])
        values = {name: request.POST.get(name, "").strip() for name in request.POST}
        lines, problems, where = self.lines(grid, values)
        if problems:
            return self.grid_page(grid, values, problems)
        version = grid.made.version if grid.made is not None else None
        posted = request.POST.get("version", "")
        outcome = call_service(
            lambda: services.forecast_make(
                actor=request.user,
                project=self.project,
                period=grid.period,
                lines=lines,
                note=values.get("note", ""),
                expected_version=int(posted) if posted.isdigit() else version,
            )
        )
        if outcome.done:
            total = sum((line.amount for line in lines), Decimal(0))
            message = FORECAST_SAVED.format(
                project=self.project.code, period=grid.period, total=money(total), first=grid.months[0]
            )
            return finish(request, message, reverse("finance:project", args=[self.project.code]))
        if outcome.conflict:
            return self.grid_page(grid, values, conflict=outcome.conflict)
        return self.grid_page(grid, values, [self.placed(outcome.problem, where)])

    @staticmethod
    def placed(problem: str, where: dict[int, str]) -> str:
        """A service's "Row N, column 'x': ..." as the grid's cell ("Dec 2026, Staff (revenue): ...")."""
        for row, cell in where.items():
            problem = problem.replace(f"Row {row}, column 'month'", cell)
            problem = problem.replace(f"Row {row}, column 'amount'", cell).replace(f"Row {row}", cell)
        return problem

    def lines(
        self, grid: Any, values: dict[str, str]
    ) -> tuple[list[services.MonthAmount], list[str], dict[int, str]]:
        return grid_lines(grid, values, cell_name)


forecast_entry = ForecastEntryView.as_view()


# Forecast accuracy ----------------------------------------------------------------------------


ACCURACY_BY = {"project": "Project", "project_manager": "Project manager", "made_by": "Made by"}
ACCURACY_HEADERS = [
    "Forecast",
    "Actual",
    "Forecast - actual",
    "Months' absolute errors",
    "Error (% of actual)",
    "Months",
]


class AccuracyView(ObjectPage):
    """How good the forecasts the reader may see were: each forecast against the actuals of the
    months it forecast that finance has since closed, summed by project, project manager or who
    made them (``?by=``), worst first; ``?export=xlsx`` gives the table."""

    template_name = "finance/accuracy.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        by = request.GET.get("by", "")
        by = by if by in ACCURACY_BY else "project"
        summed = selectors.accuracy_by(selectors.forecast_accuracies(user=request.user), by)
        rows = sorted(
            ((str(key) if key is not None else "Nobody recorded", each) for key, each in summed.items()),
            key=lambda row: (-(row[1].percent_error or Decimal(0)), row[0]),
        )
        if request.GET.get("export") == "xlsx":
            cells = [
                [key, a.forecast, a.actual, a.error, a.absolute_error, a.percent_error, a.months]
                for key, a in rows
            ]
            return xlsx_response(
                f"forecast-accuracy-by-{by}-{clock.today().isoformat()}.xlsx",
                headers=[ACCURACY_BY[by], *ACCURACY_HEADERS],
                rows=cells,
                sheet_title="Forecast accuracy",
            )
        return self.render_page(rows=rows, by=by, by_label=ACCURACY_BY[by], choices=ACCURACY_BY)


accuracy = AccuracyView.as_view()


# Settings -------------------------------------------------------------------------------------


settings_page = SettingsView.as_view(
    model=FinanceSettings,
    read=selectors.finance_settings,
    update=services.finance_settings_update,
    form_class=FinanceSettingsForm,
    what="the finance settings",
    saved="Finance settings saved.",
    template_name="finance/settings.html",
)
