"""What the other apps read of finance (issue 12 item 5; ADR 0049's amendment): once a project has
an approved budget, its highlight report's forecast cost and its cost tolerance read finance's
EAC (one truth, no retyping); its evidence-based status counts CPI and SPI(t) below the PMO's
thresholds; an exception raised for a breach keeps the earned value figures as they stood.

Reporting reads these functions only (the import-linter allows ``pmo.reporting → pmo.finance.feeds``),
as it reads the plan's finish through ``pmo.schedule.selectors.plan_forecast``."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pmo.core import clock, formatting
from pmo.core.settings_rows import settings_kept
from pmo.finance.choices import BudgetStatus
from pmo.finance.evm import ProjectEvm, evm_figures, project_evms, project_finances
from pmo.finance.models import BudgetVersion
from pmo.finance.selectors import ProjectFinance, finance_settings, project_finance
from pmo.portfolio.models import Project

SOURCE = "finance's EAC"
TWO_PLACES = PENNY = Decimal("0.01")


@dataclass(frozen=True)
class FinanceEac:
    """A project's estimate at completion as finance has it: the actuals to ``as_of`` (the end
    of the last month whose actuals count) and the latest forecast (or the budget) after."""

    eac: Decimal
    bac: Decimal
    as_of: date

    def __str__(self) -> str:
        return f"EAC {formatting.money(self.eac)}, as of {formatting.date(self.as_of)}"


def _eac(figures: ProjectFinance) -> FinanceEac | None:
    whole = figures.whole_life
    if figures.budget_version is None or whole.split is None:
        return None
    # To the penny, as the records keep money (a sum read back from SQLite may carry more places).
    return FinanceEac(
        eac=whole.eac.quantize(PENNY), bac=whole.budget.quantize(PENNY), as_of=whole.split - timedelta(days=1)
    )


def finance_eac(project: Project, day: date | None = None) -> FinanceEac | None:
    """``project``'s whole-life EAC from finance, or None when it has no approved budget (its
    report's typed forecast cost counts then). Seven queries."""
    return _eac(project_finance(project=project, day=day))


def finance_eacs(projects: Iterable[Project], day: date | None = None) -> dict[int, FinanceEac]:
    """The EAC of each of ``projects`` that has an approved budget, by id: ``finance_eac``'s
    figures, summed in the database a row per project (``evm.evm_figures``: not read month by
    month) for the projects with a budget only. One query when none has one, seven otherwise,
    whatever the number of projects."""
    found = {}
    for project_id, figures in evm_figures(projects, day, phased=False, budgeted_only=True).items():
        whole = figures.whole_life
        if figures.budget_version is None or whole.split is None:
            continue
        # To the penny, as ``_eac``.
        found[project_id] = FinanceEac(
            eac=whole.eac.quantize(PENNY),
            bac=whole.budget.quantize(PENNY),
            as_of=whole.split - timedelta(days=1),
        )
    return found


def judged_eac(project: Project) -> FinanceEac | None:
    """The EAC the cost tolerance judges for ``project``: finance's, unless the PMO has not yet
    turned that on (``FinanceSettings.cost_tolerance_on_eac``); None then, or without a budget."""
    return finance_eac(project) if finance_settings().cost_tolerance_on_eac else None


def judged_eacs(projects: Iterable[Project]) -> dict[int, FinanceEac]:
    """``judged_eac`` of each of ``projects`` (by id), in a fixed number of queries."""
    return finance_eacs(projects) if finance_settings().cost_tolerance_on_eac else {}


@dataclass(frozen=True)
class Performances:
    """The CPI and SPI(t) of the projects measured (by id; None where a figure cannot be
    measured) and the thresholds below which the evidence-based status counts them."""

    cpi_threshold: Decimal | None = None
    spi_t_threshold: Decimal | None = None
    by_project: dict[int, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)


def performances(project_ids: Iterable[int], day: date | None = None) -> Performances:
    """The CPI and SPI(t) of each of the projects that has an approved budget, measured as
    ``pmo.finance.evm.project_evms`` measures them on ``day``, with ``FinanceSettings``'
    thresholds. One query when none of them has an approved budget; otherwise that one and
    ``project_evms``' fixed number (the settings row read once), whatever the number of
    projects."""
    day = day or clock.today()
    budgeted = list(
        BudgetVersion.objects.filter(project_id__in=list(project_ids), status=BudgetStatus.APPROVED)
        .order_by("project_id")
        .values_list("project_id", flat=True)
        .distinct()
    )
    if not budgeted:
        return Performances()
    with settings_kept():
        # Only their ids are read: the projects need not be read again.
        measured = project_evms([Project(pk=project_id) for project_id in budgeted], day)
        config = finance_settings()
    return Performances(
        cpi_threshold=config.cpi_threshold,
        spi_t_threshold=config.spi_t_threshold,
        by_project={evm.project.pk: (evm.cpi, evm.spi_t) for evm in measured},
    )


# What an exception keeps of the project's earned value when it is raised.
SNAPSHOT_FIGURES = ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "es", "sv_t", "spi_t", "ieac_t")


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(TWO_PLACES))
    if isinstance(value, date):
        return value.isoformat()
    return value


def evm_snapshot(project: Project, day: date | None = None) -> dict[str, Any]:
    """``project``'s earned value figures as they stand on ``day`` (today), as JSON for an
    exception to keep: the figures (as text, to the hundredth), finance's EAC, the status date,
    the percent complete and why a figure is missing; empty without an approved budget."""
    day = day or clock.today()
    figures = project_finances([project], day)[project.pk]
    eac = _eac(figures)
    if eac is None:
        return {}
    evm: ProjectEvm = project_evms([project], day)[0]
    return {
        "as_of": day.isoformat(),
        "status_date": _json(evm.status_date),
        "percent_complete": _json(evm.percent_complete),
        **{name: _json(getattr(evm, name)) for name in SNAPSHOT_FIGURES},
        "eac": _json(eac.eac),
        "forecast_finish": _json(evm.forecast_finish),
        "undefined": {name: evm.undefined[name] for name in SNAPSHOT_FIGURES if name in evm.undefined},
    }
