"""A small register to import into, and real .xlsx files written with openpyxl."""

import datetime as dt
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import Workbook

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.imports import HEADERS
from pmo.portfolio.models import OrgUnit, Person, Portfolio, Programme, StrategicObjective
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    StrategicObjectiveFactory,
)


@dataclass
class Register:
    portfolio: Portfolio
    other_portfolio: Portfolio
    programme: Programme
    other_programme: Programme
    department: OrgUnit
    sponsor: Person
    manager: Person
    owner: Person
    objectives: list[StrategicObjective]


@pytest.fixture
def register(db: None) -> Register:
    """Reference data a register file names: portfolios, programmes, a department, people
    (two of them share a name) and strategic objectives."""
    portfolio = PortfolioFactory(name="IT Portfolio")
    other = PortfolioFactory(name="Estates Portfolio")
    PersonFactory(name="Chris Jones", email="chris.jones@council.example")
    PersonFactory(name="Chris Jones", email="c.jones@council.example")
    return Register(
        portfolio=portfolio,
        other_portfolio=other,
        programme=ProgrammeFactory(code="PRG-DIG", name="Digital Council", portfolio=portfolio),
        other_programme=ProgrammeFactory(code="PRG-EST", name="Estates", portfolio=other),
        department=OrgUnitFactory(name="Digital Services"),
        sponsor=PersonFactory(name="Jo Bloggs", email="jo.bloggs@council.example"),
        manager=PersonFactory(name="Sam Smith", email="sam.smith@council.example"),
        owner=PersonFactory(name="Ali Khan", email="ali.khan@council.example"),
        objectives=[StrategicObjectiveFactory(code=f"SO{n}") for n in (1, 2, 3)],
    )


@pytest.fixture
def pmo_officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.PMO_OFFICER, username="officer")


@pytest.fixture
def project_manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.PROJECT_MANAGER, username="pm")


def sheet_row(code: str = "ICT-001", **changes: Any) -> dict[str, Any]:
    """A valid row of the register, by column header; ``changes`` use the headers with spaces
    as underscores (``planned_finish="31/02/2026"``)."""
    row: dict[str, Any] = {
        "Code": code,
        "Name": f"Project {code}",
        "Description": "Replace the telephony platform.",
        "Portfolio": "IT Portfolio",
        "Programme": "PRG-DIG",
        "Department": "Digital Services",
        "Sponsor": "jo.bloggs@council.example",
        "Project manager": "Sam Smith",
        "Business owner": "",
        "Category": "Technical / infrastructure",
        "Methodology": "agile",
        "Size tier": "",
        "Stage": "Delivery",
        "Status": "Active",
        "Planned start": dt.date(2026, 1, 5),
        "Planned finish": "18/12/2026",
        "Budget": "£250,000",
        "Priority": "High",
        "Strategic objectives": "SO1; SO2",
        "Confidential": "No",
    }
    for key, value in changes.items():
        header = key.replace("_", " ").capitalize()
        assert header in row, header
        row[header] = value
    return row


WriteXlsx = Callable[..., Path]


@pytest.fixture
def write_xlsx(tmp_path: Path) -> WriteXlsx:
    """Write rows (dicts by header) to a real .xlsx file: ``write_xlsx([sheet_row()])``."""

    def write(
        rows: Sequence[dict[str, Any]],
        *,
        headers: Sequence[str] = HEADERS,
        name: str = "register.xlsx",
        sheet_title: str = "Projects",
    ) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title
        sheet.append(list(headers))
        for row in rows:
            sheet.append([row.get(" ".join(h.split()).capitalize(), row.get(h)) for h in headers])
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_shared_strings(path: Path) -> Path:
    """Rewrite an openpyxl file the way Excel stores text: in a shared-strings table rather than
    in each cell (openpyxl writes text inline)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = etree.fromstring(parts["xl/worksheets/sheet1.xml"])
    strings: list[str] = []
    for cell in sheet.iter(f"{{{MAIN}}}c"):
        if cell.get("t") == "inlineStr":
            text = "".join(cell.itertext())
            for child in list(cell):
                cell.remove(child)
            strings.append(text)
            etree.SubElement(cell, f"{{{MAIN}}}v").text = str(len(strings) - 1)
            cell.set("t", "s")
    table = etree.Element(f"{{{MAIN}}}sst", count=str(len(strings)), uniqueCount=str(len(strings)))
    for text in strings:
        etree.SubElement(etree.SubElement(table, f"{{{MAIN}}}si"), f"{{{MAIN}}}t").text = text
    parts["xl/worksheets/sheet1.xml"] = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8")
    parts["xl/sharedStrings.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
