"""Figures other apps give the project register (ADR 0055): a source is read only when one of its
figures is shown, once for all the projects, and a project it says nothing of has none."""

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from pmo.core import register_figures
from pmo.core.register_figures import RegisterFigure, figure_of, load_register_figures

WIDTH = RegisterFigure("test_width", "Width", help="How wide.", kind="number")


@pytest.fixture
def asked() -> Iterator[list[list[int]]]:
    calls: list[list[int]] = []

    @register_figures.register_figures(WIDTH)
    def widths(project_ids):
        calls.append(list(project_ids))
        return {pk: {"test_width": pk * 10} for pk in project_ids if pk != 2}

    yield calls
    register_figures._SOURCES.pop(f"{widths.__module__}.{widths.__qualname__}")


def projects(*ids: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(pk=pk) for pk in ids]


def test_the_projects_are_read_at_once_and_one_said_nothing_of_has_none(asked):
    rows = projects(1, 2, 3)

    load_register_figures(rows, keys=["test_width"])

    assert asked == [[1, 2, 3]]
    assert [figure_of(row, "test_width") for row in rows] == [10, None, 30]


def test_a_source_whose_figures_are_not_shown_is_not_read(asked):
    rows = projects(1)

    load_register_figures(rows, keys=["code"])

    assert asked == []
    assert figure_of(rows[0], "test_width") is None


def test_no_projects_read_nothing(asked):
    assert load_register_figures([], keys=["test_width"]) == []
    assert asked == []


def test_a_project_never_read_has_no_figures():
    assert figure_of(SimpleNamespace(pk=1), "forecast_cost") is None


def test_finance_gives_the_register_its_forecast_cost():
    declared = {figure.key: figure for figure in register_figures.figures()}

    assert declared["forecast_cost"].default and declared["forecast_cost"].beside_approved_budget
    assert {"spent_to_date", "finance_as_of"} <= set(declared)
