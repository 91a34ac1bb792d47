"""Budget versions: drafted by finance or the PMO, phased by month, approved once and never
changed; the latest approved version is the budget; bad lines and closed months refused with
the row and column named, nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.services import ConflictError
from pmo.finance import selectors, services
from pmo.finance.choices import BudgetStatus, SpendType
from pmo.finance.models import BudgetLine, BudgetVersion, CostCategory
from pmo.finance.tests.conftest import line
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db

APR, MAY, JUN = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def phased(books, amount=10_000):
    return [line(month, books.staff, amount) for month in (APR, MAY, JUN)]


def test_finance_drafts_and_approves_a_budget_that_becomes_the_bac(books):
    project = books.cast.project
    baseline = BaselineFactory(project=project)
    draft = services.budget_draft(
        actor=books.finance, project=project, reason="Business case", lines=phased(books), baseline=baseline
    )
    assert (draft.number, draft.status, draft.drafted_by) == (1, BudgetStatus.DRAFT, books.finance)
    assert selectors.current_budgets([project.pk]) == {}  # a draft is not the budget yet
    approved = services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    assert approved.status == BudgetStatus.APPROVED and approved.approved_by == books.finance
    assert selectors.current_budgets([project.pk]) == {project.pk: approved}
    assert selectors.project_finance(project=project).whole_life.budget == Decimal(30_000)
    assert [h.history_change_reason for h in approved.history.order_by("history_id")] == [
        "Drafted with 3 lines, £30,000",
        "Approved: budget at completion £30,000",
    ]
    assert list(baseline.budget_versions.all()) == [approved]


def test_the_next_version_is_numbered_on_and_replaces_the_budget(books):
    project = books.cast.project
    first = services.budget_draft(actor=books.finance, project=project, reason="v1", lines=phased(books))
    services.budget_approve(actor=books.finance, version=first, expected_version=1)
    second = services.budget_draft(
        actor=books.cast.head, project=project, reason="CR", lines=phased(books, 12_000)
    )
    services.budget_approve(actor=books.cast.officer, version=second, expected_version=1)
    assert second.number == 2
    assert selectors.current_budgets([project.pk])[project.pk] == second
    assert selectors.project_finance(project=project).whole_life.budget == Decimal(36_000)


def test_an_approved_budget_never_changes(books):
    draft = services.budget_draft(
        actor=books.finance, project=books.cast.project, reason="v1", lines=phased(books)
    )
    services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    with pytest.raises(ValidationError, match="WEB budget v1 is approved: it never changes"):
        services.budget_lines_replace(
            actor=books.finance, version=draft, lines=phased(books, 1), expected_version=2
        )
    with pytest.raises(ValidationError, match="is approved"):
        services.budget_approve(actor=books.finance, version=draft, expected_version=2)
    assert sum(line.amount for line in draft.lines.all()) == Decimal(30_000)


def test_a_draft_s_lines_are_replaced_whole(books):
    draft = services.budget_draft(
        actor=books.finance, project=books.cast.project, reason="v1", lines=phased(books)
    )
    services.budget_lines_replace(
        actor=books.finance, version=draft, lines=[line(APR, books.software, 5_000)], expected_version=1
    )
    assert [(line.month, line.amount) for line in draft.lines.all()] == [(APR, Decimal(5_000))]
    assert BudgetLine.objects.count() == 1


def test_new_lines_are_a_new_version_so_an_edit_of_the_old_one_is_a_conflict(books):
    """Even at the same moment (the clock stands still here): the lines are the budget."""
    draft = services.budget_draft(
        actor=books.finance, project=books.cast.project, reason="v1", lines=phased(books)
    )
    services.budget_lines_replace(
        actor=books.finance, version=draft, lines=phased(books, 9_000), expected_version=1
    )
    assert draft.version == 2

    with pytest.raises(ConflictError):
        services.budget_lines_replace(
            actor=books.cast.head, version=draft, lines=phased(books, 1), expected_version=1
        )
    assert sum(line.amount for line in draft.lines.all()) == Decimal(27_000)  # nothing lost


def test_one_draft_at_a_time(books):
    services.budget_draft(actor=books.finance, project=books.cast.project, reason="v1", lines=phased(books))
    with pytest.raises(ValidationError, match="already has a draft budget"):
        services.budget_draft(
            actor=books.finance, project=books.cast.project, reason="v2", lines=phased(books)
        )


@pytest.mark.parametrize("who", ["pm", "sponsor", "executive", "other_pm"])
def test_only_finance_and_the_pmo_draft_and_approve_budgets(books, who):
    actor = books.by_name(who)
    with pytest.raises(PermissionDenied, match="draft budgets of WEB"):
        services.budget_draft(actor=actor, project=books.cast.project, reason="v1", lines=phased(books))
    draft = services.budget_draft(
        actor=books.finance, project=books.cast.project, reason="v1", lines=phased(books)
    )
    with pytest.raises(PermissionDenied):
        services.budget_approve(actor=actor, version=draft, expected_version=1)
    assert BudgetVersion.objects.get().status == BudgetStatus.DRAFT


def test_bad_lines_are_refused_by_row_and_column_and_nothing_is_written(books):
    lines = [
        line(APR, books.staff, 100),
        line(date(2026, 5, 15), books.staff, 100),
        line(JUN, books.staff, -5),
        line(APR, books.staff, 7),
        line(JUN, books.software, "1.005"),
        line(APR, books.staff, 7, spend_type=SpendType.CAPITAL, funding_source=books.capital),
    ]
    with pytest.raises(services.LineProblems) as refused:
        services.budget_draft(actor=books.finance, project=books.cast.project, reason="v1", lines=lines)
    assert refused.value.messages == [
        "Row 2, column 'month': 15 May 2026 is not a month: give the month's first day.",
        "Row 3, column 'amount': A budget cannot be negative (got \N{MINUS SIGN}£5).",
        "Row 4: repeats row 1 (April 2026, Staff, Revenue (opex), no funding source): give each month, "
        "category, spend type and funding source once.",
        "Row 5, column 'amount': 1.005 has more than two decimal places: give pounds and pence.",
    ]
    assert not BudgetVersion.objects.exists()


def test_a_closed_month_keeps_the_approved_budget(books):
    project = books.cast.project
    first = services.budget_draft(actor=books.finance, project=project, reason="v1", lines=phased(books))
    services.budget_approve(actor=books.finance, version=first, expected_version=1)
    services.month_lock(actor=books.finance, month=APR)
    moved = [line(APR, books.staff, 9_000), line(MAY, books.staff, 11_000), line(JUN, books.staff, 10_000)]
    with pytest.raises(services.LineProblems) as refused:
        services.budget_draft(actor=books.finance, project=project, reason="v2", lines=moved)
    assert refused.value.messages == [
        "Column 'month': April 2026 is closed by finance: a new budget must keep what the approved "
        "budget (v1) says of it (£10,000, not £9,000)."
    ]
    kept = [line(APR, books.staff, 10_000), line(MAY, books.staff, 11_000), line(JUN, books.staff, 9_000)]
    second = services.budget_draft(actor=books.finance, project=project, reason="v2", lines=kept)
    assert second.number == 2


def test_a_month_closed_after_the_draft_stops_its_approval(books):
    project = books.cast.project
    draft = services.budget_draft(actor=books.finance, project=project, reason="v1", lines=phased(books))
    services.month_lock(actor=books.finance, month=MAY)
    with pytest.raises(
        services.LineProblems, match="May 2026 is closed by finance: its budget can no longer"
    ):
        services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    assert BudgetVersion.objects.get().status == BudgetStatus.DRAFT


def test_a_budget_names_only_its_own_project_s_baseline(books):
    elsewhere = BaselineFactory(project=books.cast.other_project)
    with pytest.raises(ValidationError) as refused:
        services.budget_draft(
            actor=books.finance,
            project=books.cast.project,
            reason="v1",
            lines=phased(books),
            baseline=elsewhere,
        )
    assert refused.value.message_dict == {"baseline": ["HR baseline v1 is not a record of WEB."]}
    assert not BudgetVersion.objects.exists()


def test_an_empty_draft_cannot_be_approved(books):
    draft = services.budget_draft(actor=books.finance, project=books.cast.project, reason="v1", lines=[])
    with pytest.raises(ValidationError, match=services.NO_BUDGET_LINES):
        services.budget_approve(actor=books.finance, version=draft, expected_version=1)


def test_a_line_whose_category_is_gone_is_refused_naming_it_and_nothing_is_written(books):
    gone = CostCategory.objects.create(name="Retired meanwhile")
    CostCategory.objects.filter(pk=gone.pk).delete()  # deleted after the form read it
    lines = [*phased(books), line(JUN, gone, 100)]
    with pytest.raises(ValidationError) as refused:
        services.budget_draft(actor=books.finance, project=books.cast.project, reason="v1", lines=lines)
    assert "category" in refused.value.message_dict
    assert not BudgetVersion.objects.exists()


def test_a_long_budget_checks_each_category_once_not_once_a_line(books):
    def queries(months):
        with CaptureQueriesContext(connection) as captured:
            services.budget_draft(
                actor=books.finance,
                project=books.cast.project,
                reason="Phased",
                lines=[line(date(2026 + (n // 12), n % 12 + 1, 1), books.staff, 100) for n in range(months)],
            )
        BudgetVersion.objects.all().delete()
        return len(captured)

    queries(1)  # a test's first draft reads once what later ones find cached
    assert queries(3) == queries(36)
