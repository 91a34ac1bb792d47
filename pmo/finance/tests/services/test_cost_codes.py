"""Cost codes map ledger codes to projects: kept by finance and the PMO, each code once; a code
mapped again charges its next loads to the new project, never the lines already loaded."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.finance import services
from pmo.finance.choices import SpendType
from pmo.finance.models import ActualLine, CostCode
from pmo.finance.services import LedgerRow

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def fields(books, **extra):
    return {
        "code": " C1002 ",
        "description": "Website hosting",
        "project": books.cast.project,
        "category": books.software,
        "spend_type": SpendType.REVENUE,
        **extra,
    }


def test_finance_maps_a_ledger_code_to_a_project(books):
    code = services.cost_code_create(actor=books.finance, fields=fields(books))
    assert (code.code, code.project, code.funding_source) == ("C1002", books.cast.project, None)
    with pytest.raises(ValidationError) as refused:
        services.cost_code_create(actor=books.cast.head, fields=fields(books))
    assert list(refused.value.message_dict) == ["code"]


@pytest.mark.parametrize("who", ["pm", "sponsor", "executive"])
def test_only_finance_and_the_pmo_keep_cost_codes(books, who):
    with pytest.raises(PermissionDenied):
        services.cost_code_create(actor=books.by_name(who), fields=fields(books))
    with pytest.raises(PermissionDenied):
        services.cost_code_update(
            actor=books.by_name(who), cost_code=books.web_code, fields={"active": False}, expected_version=1
        )
    assert not CostCode.objects.filter(code="C1002").exists() and books.web_code.active


def test_a_code_mapped_again_keeps_its_loaded_lines_where_they_were(books):
    services.actuals_load(
        actor=books.finance, rows=[LedgerRow("C1001", NOV, Decimal(10))], reference="L", year=2026
    )
    services.cost_code_update(
        actor=books.finance,
        cost_code=books.web_code,
        fields={"project": books.cast.other_project, "category": books.staff},
        expected_version=1,
    )
    line = ActualLine.objects.get()
    assert (line.project, line.category) == (books.cast.project, books.software)
    services.actuals_load(
        actor=books.finance, rows=[LedgerRow("C1001", NOV, Decimal(12))], reference="L2", year=2026
    )
    line = ActualLine.objects.get()
    assert (line.project, line.category, line.amount) == (books.cast.other_project, books.staff, Decimal(12))


def test_a_cost_code_takes_only_its_own_fields(books):
    with pytest.raises(ValidationError) as refused:
        services.cost_code_create(actor=books.finance, fields=fields(books, version=7))
    assert refused.value.message_dict == {"version": ["This cannot be changed here."]}
