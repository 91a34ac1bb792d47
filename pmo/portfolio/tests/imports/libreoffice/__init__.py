"""Files our exports wrote and LibreOffice saved again, and the register they were made from.

``build_register()`` makes the projects whose export is ``export.xlsx`` / ``export.csv``: every
kind of value that a spreadsheet program could change on the way back (text starting with =, +,
- or @, text already starting with an apostrophe, a line break, accents and £, pence, a zero
budget, blank dates, a confidential project). ``make.sh`` exports them with ``pmo export`` and has
LibreOffice (Debian's libreoffice-calc-nogui) save them in its two .xlsx formats; the tests import
the committed files, so neither the tests nor CI need LibreOffice (ADR 0008)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from pmo.portfolio.choices import Methodology, Priority, ProjectCategory, ProjectStatus, SizeTier
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)

HERE = Path(__file__).parent

ZOE = "Zoë Adams"  # composed: "ë" is one character


def build_register() -> list[Project]:
    """The reference data and the three projects the fixtures were exported from."""
    portfolio = Portfolio.objects.create(name="IT Portfolio")
    programme = Programme.objects.create(code="PRG-DIG", name="Digital Council", portfolio=portfolio)
    department = OrgUnit.objects.create(name="Digital Services")
    zoe = Person.objects.create(name=ZOE, email="zoe.adams@council.example", job_title="Director")
    sam = Person.objects.create(name="Sam Smith", email="sam.smith@council.example", job_title="PM")
    ali = Person.objects.create(name="Ali Khan", email="ali.khan@council.example", job_title="Owner")
    objectives = [StrategicObjective.objects.create(code=f"SO{n}", title=f"Objective {n}") for n in (1, 2)]
    delivery = LifecycleStage.objects.get(name="Delivery")
    common = {
        "portfolio": portfolio, "department": department, "sponsor": zoe, "project_manager": sam,
        "category": ProjectCategory.TECHNICAL, "methodology": Methodology.AGILE, "stage": delivery,
        "status": ProjectStatus.ACTIVE, "size_tier": SizeTier.MEDIUM, "priority": Priority.HIGH,
    }  # fmt: skip
    projects = [
        Project.objects.create(
            code="ICT-001", name="=1+1 is not a formula", description="+44 helpline upgrade",
            programme=programme, business_owner=ali, planned_start=dt.date(2026, 1, 5),
            planned_finish=dt.date(2027, 2, 28), budget=Decimal("1234567.89"), confidential=True,
            **common,
        ),
        Project.objects.create(
            code="ICT-002", name="-- to be confirmed", description="@channel\nline two",
            budget=Decimal("0.50"), **common,
        ),
        Project.objects.create(
            code="ICT-003", name="Zoë's £ project", description="'=guarded already",
            planned_start=dt.date(2028, 2, 29),
            budget=Decimal("250000"), **common,
        ),
    ]  # fmt: skip
    projects[0].strategic_objectives.set(objectives)
    projects[2].strategic_objectives.set(objectives[1:])
    return projects
