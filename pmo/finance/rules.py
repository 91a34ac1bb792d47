"""Who may do what with the money (issue 12, item 7):

- Finance partners and the PMO keep the cost codes, the budgets and the actuals, and the lists
  they use (categories, funding sources); finance partners and the PMO head close months and
  set how money is counted (the financial year, the currency).
- A project's manager makes its forecasts; finance partners and the PMO may too.
- Everyone else reads a project's money where they see the project; finance partners read every
  project's (they hold the ledger, which charges every project's cost codes, so hiding a
  confidential project's lines from them would hide nothing).
- A closed month takes no writes from anyone (``pmo.finance.services``).

Who sees which records is declared once, as restrictions (``pmo.core.restrict``): the lists'
filters and ``finance.view_*`` come from them."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.choices import Role
from pmo.core.permissions import has_role, is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, NOTHING, restriction, restricts, through
from pmo.finance.models import (
    ActualImport,
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCategory,
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


@restricts(CostCode, BudgetVersion, ActualLine, ForecastVersion)
def project_money_restriction(user: Any, action: str) -> Q:
    """A project's cost codes, budgets, actuals and forecasts: whoever sees the project, and
    every finance partner."""
    return _projects_money(user, "project")


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

for name in ("costcategory", "fundingsource", "costcode"):
    rules.add_perm(f"finance.add_{name}", keeps_the_books)
    rules.add_perm(f"finance.change_{name}", keeps_the_books)

rules.add_perm("finance.add_budgetversion", keeps_the_books)
rules.add_perm("finance.change_budgetversion", keeps_the_books)
rules.add_perm("finance.approve_budgetversion", keeps_the_books)
rules.add_perm("finance.add_actualimport", keeps_the_books)
rules.add_perm("finance.add_forecastversion", keeps_the_books | manages_project)
rules.add_perm("finance.change_forecastversion", keeps_the_books | manages_project)
