"""The finance keepers' pages: importing a month of actuals from the ledger extract (with the
mapping screen for an extract whose columns are named otherwise), and drafting and approving a
project's budget versions. Finance partners and the PMO only; writes through the services."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from pmo.core import clock
from pmo.core.exports import XLSX_CONTENT_TYPE
from pmo.core.formatting import money
from pmo.core.generic import ObjectPage, call_service, denied, finish
from pmo.core.permissions import NOT_ALLOWED, ensure_can
from pmo.core.spreadsheets import key as folded
from pmo.core.views_import import FORM_OVERHEAD_BYTES, UploadLimit, import_context, too_large
from pmo.engine.finance import add_months, months_between
from pmo.finance import imports, pages, selectors, services
from pmo.finance.choices import BudgetStatus
from pmo.finance.grids import LineKey, grid_columns, grid_rows
from pmo.finance.models import BudgetVersion, CostCode
from pmo.finance.views import (
    NO_PERIOD,
    ForecastEntryView,
    forecast_grid_for,
    grid_lines,
    money_project_or_404,
)
from pmo.portfolio.models import Project
from pmo.portfolio.views import project_or_404

# Importing actuals ----------------------------------------------------------------------------


ACTUALS_TEMPLATE_FILENAME = "actuals-template.xlsx"
MAPPED_COLUMNS = 200  # the most columns a mapping names (an extract has a few dozen at most)
NO_EXTRACT = "Choose the ledger extract to import (.xlsx or .csv)."
MAPPING_FORGOTTEN = "Your ledger columns are forgotten: extracts are read by the template's headers."


class ActualsImportForm(forms.Form):
    """A ledger extract, whether only to check it, and (from the mapping screen) what each of
    its columns holds and whether to keep that for the next extract."""

    file = forms.FileField(
        label="Ledger extract (.xlsx or .csv)",
        error_messages={"required": NO_EXTRACT},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    check_only = forms.BooleanField(
        required=False, label="Check only: report problems and what would load, but load nothing"
    )
    remember = forms.BooleanField(
        required=False, initial=True, label="Keep these columns for my next extract"
    )

    def mapping(self, data: Any) -> dict[str, str] | None:
        """The columns the mapping screen posted (``header-N`` and ``map-N``), or None."""
        found: dict[str, str] = {}
        index = 0
        while f"header-{index}" in data and index < MAPPED_COLUMNS:
            chosen = data.get(f"map-{index}", "")
            found[data[f"header-{index}"]] = chosen if chosen in imports.FIELDS else imports.IGNORE
            index += 1
        return found or None


class ActualsImportView(ObjectPage):
    """Load a month of actuals from the finance system's extract (finance partners and the
    PMO): check it, or load it all or nothing; where its columns are named otherwise than the
    template's, say what each holds (kept for the person's next extract); every problem named
    by row and column; the outcome lists each month's lines and total and the months it
    replaced (a month loaded again replaces that month's lines of the codes it names)."""

    template_name = "finance/actuals_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if not request.user.has_perm("finance.add_actualimport"):
            return denied(request, PermissionDenied(NOT_ALLOWED.format(action="import actuals")))
        if request.method == "POST":
            limit = settings.PMO_MAX_UPLOAD_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit + FORM_OVERHEAD_BYTES:  # refused before reading the body at all
                return self.page(ActualsImportForm(), too_large(), status=413)
            request.upload_handlers = [UploadLimit(request, limit), *request.upload_handlers]
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def page(
        self, form: Any, result: Any = None, filename: str = "", status: int = 200, **extra: Any
    ) -> HttpResponse:
        saved = selectors.ledger_mapping(self.request.user)
        mapping_rows = []
        if result is not None and getattr(result, "needs_mapping", False):
            mapping_rows = [
                {"index": index, "header": header, "chosen": result.mapping.get(header, imports.IGNORE)}
                for index, header in enumerate(result.headers)
            ]
        labels = dict(imports.FIELD_CHOICES)
        return self.render_page(
            status,
            **import_context(form, result, filename, imports.COLUMNS),
            import_kind="actuals",
            mapping_rows=mapping_rows,
            field_choices=imports.FIELD_CHOICES,
            saved=sorted((header, labels.get(chosen, chosen)) for header, chosen in (saved or {}).items()),
            **extra,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(ActualsImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("forget"):
            services.ledger_mapping_forget(actor=request.user)
            return finish(request, MAPPING_FORGOTTEN, request.path)
        limit_handler = request.upload_handlers[0]
        if isinstance(limit_handler, UploadLimit) and limit_handler.exceeded:
            return self.page(ActualsImportForm(), too_large(), status=413)
        form = ActualsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form, status=400)
        posted = form.mapping(request.POST)
        mapping = posted if posted is not None else selectors.ledger_mapping(request.user)
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["check_only"]
        result = imports.actuals_import(
            actor=request.user, file=upload, filename=upload.name, dry_run=dry_run, mapping=mapping
        )
        if posted is not None and not result.needs_mapping and form.cleaned_data["remember"]:
            services.ledger_mapping_save(
                actor=request.user, columns={folded(header): chosen for header, chosen in posted.items()}
            )
        remember = form.cleaned_data["remember"] if posted is not None else True  # asked first: keep
        again = ActualsImportForm(initial={"check_only": dry_run, "remember": remember})
        status = 200 if result.ok else 400
        return self.page(again, result, upload.name, status=status, loaded=result.ok and not dry_run)


actuals_import = csrf_exempt(ActualsImportView.as_view())  # the page checks the token once the limit is on


class ActualsTemplateView(ObjectPage):
    """The ledger extract's Excel template (finance partners and the PMO)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ensure_can(request.user, "finance.add_actualimport", action="import actuals")
        buffer = io.BytesIO()
        imports.write_actuals_template(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{ACTUALS_TEMPLATE_FILENAME}"'
        return response


actuals_template = ActualsTemplateView.as_view()


# Budget versions ------------------------------------------------------------------------------


BUDGET_MONTHS = 24  # two financial years of months from the current year's first
BUDGET_SAVED = "Budget v{number} of {project} saved as a draft: {total}."
BUDGET_APPROVED = "Budget v{number} of {project} approved: {total} is the budget at completion."
NO_DRAFT = "{project} has no draft budget to approve."
REASON_NEEDED = "Say why the budget is drafted (a new baseline, a change request, the year's refresh…)."


def budget_cell(index: int, month: date) -> str:
    return f"b-{index}-{month:%Y-%m}"


@dataclass
class BudgetGrid:
    """A project's budget to edit: its draft (if any) and the approved budget, the months and
    what the lines count under, and the amounts shown (the draft's, else the budget's)."""

    draft: BudgetVersion | None
    current: BudgetVersion | None
    months: list[date]
    keys: list[LineKey]
    amounts: dict[tuple[int, date], Decimal]
    closed: set[date]


def budget_grid(project: Project) -> BudgetGrid:
    """The grid a budget version is drafted in (seven queries, whatever the lines)."""
    draft = (
        BudgetVersion.objects.filter(project=project, status=BudgetStatus.DRAFT)
        .select_related("drafted_by")
        .first()
    )
    current = selectors.current_budgets([project.pk]).get(project.pk)
    shown = draft or current
    lines = list(shown.lines.select_related("category", "funding_source")) if shown else []
    codes = CostCode.objects.filter(project=project, active=True).select_related("category", "funding_source")
    keys, amounts = grid_columns(lines, codes)
    start = selectors.current_year().start
    months = [month for _, month in amounts]
    first = min([start, *months])
    last = max([add_months(start, BUDGET_MONTHS - 1), *months])
    return BudgetGrid(draft, current, months_between(first, last), keys, amounts, pages.closed_months())


class BudgetView(ObjectPage):
    """Draft a project's next budget version (or change its draft) in a month grid, a column per
    category, capital or revenue and funding source, through ``services.budget_draft`` and
    ``budget_lines_replace``; approve the draft through ``services.budget_approve`` (finance
    partners and the PMO). Every problem is named by its cell and nothing is saved until there
    are none; a form read before someone else saved the draft gives the conflict, not a lost
    update."""

    template_name = "finance/budget_form.html"

    @cached_property
    def project(self) -> Project:
        return money_project_or_404(self.request, self.kwargs["code"])

    def allowed(self) -> BudgetGrid:
        ensure_can(
            self.request.user,
            "finance.add_budgetversion",
            self.project,
            action=f"draft budgets of {self.project.code}",
        )
        return budget_grid(self.project)

    def grid_page(
        self,
        grid: BudgetGrid,
        values: dict[str, str] | None = None,
        problems: Sequence[str] = (),
        conflict: str = "",
    ) -> HttpResponse:
        rows = grid_rows(grid, budget_cell, values, grid.closed)
        draft = grid.draft
        total = sum((amount for amount in grid.amounts.values()), Decimal(0))
        return self.render_page(
            409 if conflict else 400 if problems else 200,
            project=self.project,
            grid=grid,
            rows=rows,
            total=total,
            problems=problems,
            conflict=conflict,
            reason=(values or {}).get("reason", draft.reason if draft else ""),
            may_approve=draft is not None and self.request.user.has_perm("finance.approve_budgetversion"),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grid = self.allowed()
        if request.GET.get("export") == "xlsx":
            shown = grid.draft or grid.current
            lines = shown.lines.select_related("category", "funding_source") if shown else []
            buffer = io.BytesIO()
            imports.write_budget_template(buffer, list(lines))
            response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
            name = f"{self.project.code}-budget-{clock.today().isoformat()}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return self.grid_page(grid)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grid = self.allowed()
        values = {name: request.POST.get(name, "").strip() for name in request.POST}
        posted = request.POST.get("version", "")
        expected = int(posted) if posted.isdigit() else None
        if "approve" in request.POST:
            return self.approve(grid, expected)
        upload = request.FILES.get("file")
        if upload is not None:
            lines, issues = imports.budget_lines_read(upload)
            problems = [str(issue) for issue in issues]
            where: dict[int, str] = {}
        else:
            lines, problems, where = self.lines(grid, values)
        reason = values.get("reason", "")
        if grid.draft is None and not reason:
            problems.append(REASON_NEEDED)
        if problems:
            return self.grid_page(grid, values, problems)
        user = request.user
        draft = grid.draft
        named: list[str] = []  # an uploaded template's problems, by row and the template's column

        def save() -> BudgetVersion:
            try:
                if draft is None:
                    return services.budget_draft(actor=user, project=self.project, reason=reason, lines=lines)
                return services.budget_lines_replace(
                    actor=user, version=draft, lines=lines, expected_version=expected
                )
            except services.LineProblems as problems:
                named.extend(str(imports.budget_issue(issue)) for issue in problems.issues)
                raise

        outcome = call_service(save)
        if outcome.done:
            total = sum((line.amount for line in lines), Decimal(0))
            message = BUDGET_SAVED.format(
                number=outcome.result.number, project=self.project.code, total=money(total)
            )
            return finish(request, message, request.path)
        if outcome.conflict:
            return self.grid_page(grid, values, conflict=outcome.conflict)
        if upload is not None:
            return self.grid_page(grid, values, named or [outcome.problem])
        return self.grid_page(grid, values, [ForecastEntryView.placed(outcome.problem, where)])

    def approve(self, grid: BudgetGrid, expected: int | None) -> HttpResponse:
        draft = grid.draft
        if draft is None:
            return self.grid_page(grid, problems=[NO_DRAFT.format(project=self.project.code)])
        outcome = call_service(
            lambda: services.budget_approve(actor=self.request.user, version=draft, expected_version=expected)
        )
        if outcome.done:
            total = sum(grid.amounts.values(), Decimal(0))
            message = BUDGET_APPROVED.format(
                number=draft.number, project=self.project.code, total=money(total)
            )
            return finish(self.request, message, reverse("finance:project", args=[self.project.code]))
        if outcome.conflict:
            return self.grid_page(grid, conflict=outcome.conflict)
        return self.grid_page(grid, problems=[outcome.problem])

    @staticmethod
    def lines(
        grid: BudgetGrid, values: dict[str, str]
    ) -> tuple[list[services.MonthAmount], list[str], dict[int, str]]:
        return grid_lines(grid, values, budget_cell)


budget = BudgetView.as_view()


# The forecast template ------------------------------------------------------------------------


NO_FORECAST_FILE = "Choose the forecast template to upload (.xlsx)."
FORECAST_UPLOADED = "Forecast of {project} for {period} saved from {file}: {total}."


class ForecastTemplateView(ObjectPage):
    """The project's forecast for the open period as the Excel template (GET: filled in as the
    forecast page is), and an uploaded template saved as that forecast through
    ``services.forecast_make`` (its manager, finance partners and the PMO): every problem named
    by row and the template's column, nothing saved until there are none."""

    template_name = "finance/forecast_form.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def grid(self) -> Any:
        return forecast_grid_for(self.request.user, self.project)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grid = self.grid()
        lines = []
        if grid is not None:
            for (index, month), amount in sorted(
                grid.amounts.items(), key=lambda each: (each[0][1], each[0][0])
            ):
                key = grid.keys[index]
                lines.append(
                    services.MonthAmount(month, key.category, key.spend_type, amount, key.funding_source)
                )
        buffer = io.BytesIO()
        imports.write_budget_template(buffer, lines, sheet_title=imports.FORECAST_SHEET)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        name = f"{self.project.code}-forecast-{clock.today().isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grid = self.grid()
        entry = ForecastEntryView()
        entry.setup(request, *args, **kwargs)
        if grid is None:
            return entry.grid_page(None, problems=[NO_PERIOD])
        upload = request.FILES.get("file")
        if upload is None:
            return entry.grid_page(grid, problems=[NO_FORECAST_FILE])
        lines, issues = imports.budget_lines_read(upload, sheet_title=imports.FORECAST_SHEET)
        if issues:
            return entry.grid_page(grid, problems=[str(issue) for issue in issues])
        named: list[str] = []
        posted = request.POST.get("version", "")
        made = grid.made.version if grid.made is not None else None

        def save() -> Any:
            try:
                return services.forecast_make(
                    actor=request.user,
                    project=self.project,
                    period=grid.period,
                    lines=lines,
                    note=request.POST.get("note", ""),
                    expected_version=int(posted) if posted.isdigit() else made,
                )
            except services.LineProblems as problems:
                named.extend(str(imports.budget_issue(issue)) for issue in problems.issues)
                raise

        outcome = call_service(save)
        if outcome.done:
            total = sum((line.amount for line in lines), Decimal(0))
            message = FORECAST_UPLOADED.format(
                project=self.project.code, period=grid.period, file=upload.name, total=money(total)
            )
            return finish(request, message, reverse("finance:project", args=[self.project.code]))
        if outcome.conflict:
            return entry.grid_page(grid, conflict=outcome.conflict)
        return entry.grid_page(grid, problems=named or [outcome.problem])


forecast_template = ForecastTemplateView.as_view()
