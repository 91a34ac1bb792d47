"""A budget version's lifecycle as a table (``pmo.core.workflow``): drafted (its lines edited)
→ approved, after which it never changes; the next change to the budget is the next version."""

from pmo.core.workflow import Transition, Workflow
from pmo.finance.choices import BudgetStatus

ALREADY_APPROVED = "{record} is approved: it never changes. Draft the next version to change the budget."

BUDGET_VERSION = Workflow(
    "budget version",
    [
        Transition(
            "edit",
            frozenset({BudgetStatus.DRAFT}),
            None,
            "Edit",
            permission="finance.change_budgetversion",
            refused=ALREADY_APPROVED,
        ),
        Transition(
            "approve",
            frozenset({BudgetStatus.DRAFT}),
            BudgetStatus.APPROVED,
            "Approve",
            permission="finance.approve_budgetversion",
            refused=ALREADY_APPROVED,
        ),
    ],
)
