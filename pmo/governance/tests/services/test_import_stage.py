"""An Excel re-import that would move a project to another stage is refused by row and column,
naming the gate; a new project may come in at any stage."""

import pytest

from pmo.portfolio.imports import project_import
from pmo.portfolio.models import Project
from pmo.portfolio.tests.imports.conftest import (  # noqa: F401  (the register's fixtures)
    pmo_officer,
    register,
    sheet_row,
    write_xlsx,
)
from pmo.portfolio.tests.imports.test_project_import import messages

pytestmark = pytest.mark.django_db


def test_a_reimport_moving_a_stage_is_refused_naming_the_gate(register, pmo_officer, write_xlsx):  # noqa: F811
    project_import(
        actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001", stage="Planning")], name="a.xlsx")
    )

    result = project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001", stage="Delivery")]))

    assert messages(result) == [
        "Row 2, column 'Stage': ICT-001 may enter Delivery only through Gate 3: Approval to deliver "
        "(no passed gate review): open a gate review, or the PMO head records an override with a reason."
    ]
    assert Project.objects.get(code="ICT-001").stage.name == "Planning"
