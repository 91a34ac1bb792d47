"""An over-long text cell is refused by row and column, naming the limit; nothing is written."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.imports import project_import
from pmo.portfolio.models import Project
from pmo.portfolio.tests.imports.conftest import sheet_row

pytestmark = pytest.mark.django_db


def test_the_import_refuses_an_over_long_cell_by_row_and_column_and_writes_nothing(
    register, make_user, write_xlsx
):
    officer = make_user(Role.PMO_OFFICER)
    path = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002", description="x" * 10_001)])

    result = project_import(actor=officer, file=path)

    assert [str(e) for e in result.errors] == [
        "Row 3, column 'Description': Description is 10,001 characters long; the limit is 10,000."
    ]
    assert not Project.objects.filter(code__in=["ICT-001", "ICT-002"]).exists()
