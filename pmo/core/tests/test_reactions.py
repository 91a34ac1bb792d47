"""Reactions to a named change of projects' figures (ADR 0052): each registered reaction is
called once with the projects' ids, sorted and counted once; none is called without projects."""

from collections.abc import Iterator

import pytest

from pmo.core import reactions
from pmo.core.reactions import projects_changed, reaction

CHANGE = "test-change"


@pytest.fixture
def heard() -> Iterator[list[list[int]]]:
    calls: list[list[int]] = []

    @reaction(CHANGE)
    def listen(project_ids: list[int]) -> None:
        calls.append(project_ids)

    yield calls
    reactions._REACTIONS.pop(CHANGE, None)


def test_a_change_is_told_to_its_reactions_once_per_project(heard):
    projects_changed(CHANGE, [3, 1, None, 3])

    assert heard == [[1, 3]]


def test_no_projects_call_no_reaction(heard):
    projects_changed(CHANGE, [None])
    projects_changed(CHANGE, [])

    assert heard == []


def test_other_changes_are_not_heard(heard):
    projects_changed("another-change", [1])

    assert heard == []


def test_reporting_reacts_to_finance_s_cost_figures():
    found = reactions.reactions(reactions.COST_FIGURES)

    assert [f"{r.__module__}.{r.__qualname__}" for r in found] == [
        "pmo.reporting.reactions.tolerances_rejudge"
    ]
