"""Setting a cost centre's yearly budget: every line given is the year's budget, each setting a
version in its history; lines outside the year, negative or repeated, a closed month changed, a
stale version and a reader who may not keep the books are refused, nothing written. A cost code
charges a project or a cost centre, exactly one."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.services import ConflictError
from pmo.finance import cost_centres, services
from pmo.finance.choices import SpendType
from pmo.finance.models import (
    CENTRE_CODE,
    ONE_OWNER,
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    MonthLock,
)
from pmo.finance.tests.conftest import line
from pmo.finance.tests.cost_centres.conftest import DEC, JAN, NOV, OCT

pytestmark = pytest.mark.django_db
APR_2027 = OCT.replace(year=2027, month=4)


def test_the_years_budget_is_its_lines_and_each_setting_is_a_version_in_its_history(pmo_centre):
    budget = pmo_centre.budget
    assert budget.year == 2026 and budget.non_staff_limit == Decimal(50_000)
    assert sum(budget.lines.values_list("amount", flat=True)) == Decimal(56_000)

    again = cost_centres.cost_centre_budget_set(
        actor=pmo_centre.books.cast.head,  # the PMO keeps its own books too
        cost_centre=pmo_centre.centre,
        year=2026,
        lines=[line(DEC, pmo_centre.books.staff, 12_000)],
        fields={"non_staff_limit": Decimal(45_000)},
        expected_version=budget.version,
    )

    assert again.pk == budget.pk and again.version == budget.version + 1
    assert list(again.lines.values_list("month", "amount")) == [(DEC, Decimal(12_000))]
    assert again.non_staff_limit == Decimal(45_000)
    history = list(CostCentreBudget.history.filter(id=budget.pk).order_by("history_date"))
    assert [h.history_change_reason for h in history] == [
        "Budget for 2026/27 set: 8 lines, £56,000",
        "Budget for 2026/27 set: 1 lines, £12,000",
    ]
    assert history[-1].history_user == pmo_centre.books.cast.head


def test_setting_the_year_s_first_budget_after_someone_else_did_is_a_conflict_not_an_overwrite(pmo_centre):
    # Given two partners opened the unset 2027/28 and one saved first
    first = cost_centres.cost_centre_budget_set(
        actor=pmo_centre.books.finance,
        cost_centre=pmo_centre.centre,
        year=2027,
        lines=[line(date(2027, 5, 1), pmo_centre.books.staff, 9_000)],
        expected_version=0,
    )

    # When the other saves theirs as the year's first
    with pytest.raises(ConflictError) as conflict:
        cost_centres.cost_centre_budget_set(
            actor=pmo_centre.books.cast.head,
            cost_centre=pmo_centre.centre,
            year=2027,
            lines=[line(date(2027, 5, 1), pmo_centre.books.staff, 1_000)],
            expected_version=0,
        )

    # Then theirs is refused, naming who was sooner, and the first stands
    assert "changed by" in conflict.value.message and "you had version 0" in conflict.value.message
    assert list(first.lines.values_list("amount", flat=True)) == [Decimal(9_000)]


def test_lines_outside_the_year_negative_or_repeated_are_refused_by_row_and_nothing_changes(pmo_centre):
    staff = pmo_centre.books.staff
    with pytest.raises(services.LineProblems) as refused:
        cost_centres.cost_centre_budget_set(
            actor=pmo_centre.books.finance,
            cost_centre=pmo_centre.centre,
            year=2026,
            lines=[
                line(APR_2027, staff, 100),
                line(NOV, staff, -5),
                line(DEC, staff, 1),
                line(DEC, staff, 2),
            ],
            expected_version=pmo_centre.budget.version,
        )

    assert [str(issue) for issue in refused.value.issues] == [
        "Row 2, column 'amount': A budget cannot be negative (got \N{MINUS SIGN}£5).",
        "Row 4: repeats row 3 (December 2026, Staff, Revenue (opex), no funding source): give each month, "
        "category, spend type and funding source once.",
        "Row 1, column 'month': April 2027 is not in 2026/27 (April 2026 to March 2027).",
    ]
    assert CostCentreBudgetLine.objects.filter(budget=pmo_centre.budget).count() == 8
    assert CostCentreBudget.objects.get().version == pmo_centre.budget.version


def test_a_closed_months_budget_cannot_change(pmo_centre):
    MonthLock.objects.create(month=OCT, locked_at=timezone.now())
    with pytest.raises(services.LineProblems) as refused:
        cost_centres.cost_centre_budget_set(
            actor=pmo_centre.books.finance,
            cost_centre=pmo_centre.centre,
            year=2026,
            lines=[line(NOV, pmo_centre.books.staff, 10_000)],
            expected_version=pmo_centre.budget.version,
        )

    assert [str(issue) for issue in refused.value.issues] == [
        "Column 'month': October 2026 is closed by finance: the year's budget must keep what it says of "
        "it (£14,000, not £0)."
    ]


def test_a_stale_version_is_a_conflict_and_a_project_manager_may_not_set_it(pmo_centre):
    lines = [line(JAN, pmo_centre.books.staff, 1)]
    with pytest.raises(ConflictError):
        cost_centres.cost_centre_budget_set(
            actor=pmo_centre.books.finance,
            cost_centre=pmo_centre.centre,
            year=2026,
            lines=lines,
            expected_version=pmo_centre.budget.version - 1,
        )
    with pytest.raises(PermissionDenied):
        cost_centres.cost_centre_budget_set(
            actor=pmo_centre.books.cast.pm, cost_centre=pmo_centre.centre, year=2026, lines=lines
        )
    assert CostCentreBudgetLine.objects.count() == 8


def test_a_cost_code_charges_a_project_or_a_cost_centre_never_both_nor_neither(pmo_centre):
    books = pmo_centre.books
    fields = {"category": books.staff, "spend_type": SpendType.REVENUE}
    for code, owners in (
        ("BOTH", {"project": books.cast.project, "cost_centre": pmo_centre.centre}),
        ("NONE", {}),
    ):
        with pytest.raises(ValidationError) as refused:
            services.cost_code_create(actor=books.finance, fields={"code": code, **fields, **owners})
        assert ONE_OWNER in refused.value.messages

    made = services.cost_code_create(
        actor=books.finance, fields={"code": "PMO-SW", "cost_centre": pmo_centre.centre, **fields}
    )
    assert made.charges == pmo_centre.centre and made.project is None


def test_only_finance_and_the_pmo_add_a_cost_centre(pmo_centre):
    with pytest.raises(PermissionDenied):
        cost_centres.cost_centre_create(
            actor=pmo_centre.books.cast.executive, fields={"code": "X", "name": "X"}
        )
    with pytest.raises(ValidationError) as refused:
        cost_centres.cost_centre_create(
            actor=pmo_centre.books.finance, fields={"code": "A B", "name": "Spaces"}
        )
    assert "code" in refused.value.message_dict


@pytest.mark.parametrize("code", ["new", "PMO OPS", "PMO/OPS"])
def test_a_cost_centre_code_that_would_not_be_its_own_address_is_refused(pmo_centre, code):
    # "new" is the address of the form that makes one; a space or a slash breaks the address
    with pytest.raises(ValidationError) as refused:
        cost_centres.cost_centre_create(actor=pmo_centre.books.finance, fields={"code": code, "name": "Ops"})

    assert refused.value.message_dict["code"] == [CENTRE_CODE]
    assert not CostCentre.objects.filter(code=code).exists()
