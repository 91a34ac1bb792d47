"""Who may do what with the money (issue 12, item 7):

- Finance partners and the PMO keep the cost codes, the budgets and the actuals, and the lists
  they use (categories, funding sources); finance partners and the PMO head close months and
  set how money is counted (the financial year, the currency).
- A project's manager makes its forecasts; finance partners and the PMO may too.
- Everyone else reads a project's money where they see the project; finance partners read every
  project's (they hold the ledger, which charges every project's cost codes, so hiding a
  confidential project's lines from them would hide nothing).
- A cost centre's money (the PMO's own budget: its cost codes, yearly budgets and ledger
  lines) is kept by finance partners and the PMO too, and read by them, the executives and the
  cost centre's budget holder (ADR 0053).
- A cost centre's forecast for the rest of its year is made by them and by its budget holder.
- A closed month takes no writes from anyone (``pmo.finance.services``).

Who sees which records is declared once, as restrictions (``pmo.core.restrict``): the lists'
filters and ``finance.view_*`` come from them."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.choices import Role
from pmo.core.permissions import has_role, is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, NOTHING, all_of, any_of, restriction, restricts, through
from pmo.finance.models import (
    ActualImport,
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCategory,
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    CostCentreForecast,
    CostCentreForecastLine,
    CostCode,
    FinanceSettings,
    ForecastLine,
    ForecastVersion,
    FundingSource,
    MonthLock,
)
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project


@rules.predicate
def is_finance_partner(user: Any) -> bool:
    return has_role(user, Role.FINANCE_PARTNER)


keeps_the_books = is_pmo | is_finance_partner


def _projects_money(user: Any, relation: str) -> Q:
    if keeps_the_books(user):
        return EVERYTHING
    return through(relation, restriction(Project, user, "view"))


@restricts(BudgetVersion, ForecastVersion)
def project_money_restriction(user: Any, action: str) -> Q:
    """A project's budgets and forecasts: whoever sees the project, and every finance partner."""
    return _projects_money(user, "project")


@restricts(CostCentre)
def cost_centre_restriction(user: Any, action: str) -> Q:
    """A cost centre and its money: finance partners, the PMO and the executives, and its
    budget holder."""
    if keeps_the_books(user) or has_role(user, Role.EXECUTIVE):
        return EVERYTHING
    return Q(holder=user.pk)


@restricts(CostCentreBudget, CostCentreForecast)
def cost_centre_budget_restriction(user: Any, action: str) -> Q:
    return through("cost_centre", restriction(CostCentre, user, "view"))


@restricts(CostCentreBudgetLine)
def cost_centre_budget_line_restriction(user: Any, action: str) -> Q:
    return through("budget__cost_centre", restriction(CostCentre, user, "view"))


@restricts(CostCentreForecastLine)
def cost_centre_forecast_line_restriction(user: Any, action: str) -> Q:
    return through("forecast__cost_centre", restriction(CostCentre, user, "view"))


@rules.predicate
def holds_cost_centre(user: Any, centre: Any) -> bool:
    """The cost centre's budget holder (who forecasts its year, as a manager their project's)."""
    return centre is not None and bool(user.pk) and getattr(centre, "holder_id", None) == user.pk


@restricts(CostCode, ActualLine)
def charged_restriction(user: Any, action: str) -> Q:
    """A cost code or ledger line charged to a project (whoever sees the project, and every
    finance partner) or to a cost centre (whoever sees the cost centre)."""
    if keeps_the_books(user):
        return EVERYTHING
    projects = _projects_money(user, "project")
    centres = through("cost_centre", restriction(CostCentre, user, "view"))
    if projects == EVERYTHING and centres == EVERYTHING:  # an executive: every line (each has one)
        return EVERYTHING
    return any_of(all_of(Q(project__isnull=False), projects), all_of(Q(cost_centre__isnull=False), centres))


@restricts(BudgetLine, ForecastLine)
def version_line_restriction(user: Any, action: str) -> Q:
    """A budget's or forecast's lines: whoever sees its version."""
    return _projects_money(user, "version__project")


@restricts(ActualImport)
def import_restriction(user: Any, action: str) -> Q:
    """The record of each ledger load (it spans projects): finance partners and the PMO."""
    return EVERYTHING if keeps_the_books(user) else NOTHING


@restricts(FinanceSettings, CostCategory, FundingSource, MonthLock)
def shared_restriction(user: Any, action: str) -> Q:
    """The settings, the lists and the closed months: anyone signed in reads them."""
    return EVERYTHING


rules.add_perm("finance.change_financesettings", is_pmo_head | is_finance_partner)
rules.add_perm("finance.add_monthlock", is_pmo_head | is_finance_partner)
rules.add_perm("finance.delete_monthlock", is_pmo_head | is_finance_partner)

for name in ("costcategory", "fundingsource", "costcode", "costcentre", "costcentrebudget"):
    rules.add_perm(f"finance.add_{name}", keeps_the_books)
    rules.add_perm(f"finance.change_{name}", keeps_the_books)
# A category or funding source nothing uses (``pmo.finance.reference`` refuses one in use).
rules.add_perm("finance.delete_costcategory", keeps_the_books)
rules.add_perm("finance.delete_fundingsource", keeps_the_books)

rules.add_perm("finance.add_budgetversion", keeps_the_books)
rules.add_perm("finance.change_budgetversion", keeps_the_books)
rules.add_perm("finance.approve_budgetversion", keeps_the_books)
rules.add_perm("finance.add_actualimport", keeps_the_books)
rules.add_perm("finance.add_forecastversion", keeps_the_books | manages_project)
rules.add_perm("finance.change_forecastversion", keeps_the_books | manages_project)
rules.add_perm("finance.add_costcentreforecast", keeps_the_books | holds_cost_centre)
