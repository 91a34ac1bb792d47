"""An over-long text cell is refused by row and column, naming the limit; nothing is written."""

import pytest

from pmo.raid.imports import register_import
from pmo.raid.models import Risk
from pmo.raid.tests.excel.conftest import risk_row

pytestmark = pytest.mark.django_db


def test_the_import_refuses_an_over_long_cell_by_row_and_column_and_writes_nothing(cast, write_sheet):
    path = write_sheet([risk_row(title="Fine"), risk_row(title="Long", cause="x" * 2_001)])

    result = register_import("risks", actor=cast.officer, file=path)

    assert [str(e) for e in result.errors] == [
        "Row 3, column 'Cause': Cause is 2,001 characters long; the limit is 2,000."
    ]
    assert not Risk.objects.exists()
