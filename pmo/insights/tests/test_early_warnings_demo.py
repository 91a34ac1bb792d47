"""The demo shows early warning at work: on the demo's day (23 Nov 2026) at least one active
project is caught by each signal, each with its reason, and the head of PMO's queue names them."""

import pytest

from pmo.core.models import User
from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.core.work import work_queue
from pmo.engine.early_warning import Kind
from pmo.insights.early_warning import active, early_warnings
from pmo.portfolio.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo"), pytest.mark.today("2026-11-23")]


def test_each_signal_catches_a_demo_project_early():
    found = early_warnings(active(Project.objects.all()), DEMO_TODAY)
    by_kind: dict[Kind, list[str]] = {}
    for warning in found.values():
        for signal in warning.signals:
            by_kind.setdefault(signal.kind, []).append(f"{warning.project.code}: {signal.reason}")
    assert set(by_kind) == set(Kind)
    assert all(line.startswith("IT-") and ": waits on IT-" in line for line in by_kind[Kind.DEPENDENCY])
    assert all(" weeks after need" in line or " days after need" in line for line in by_kind[Kind.DEPENDENCY])
    # RAID left alone is a warning, not a census: a handful of the 55 active projects
    assert 3 <= len(by_kind[Kind.RAID_NEGLECT]) <= 8, by_kind[Kind.RAID_NEGLECT]


def test_the_head_of_pmo_sees_them_in_the_work_queue():
    head = User.objects.get(username="head")
    items = [item for item in work_queue(head, today=DEMO_TODAY) if item.kind == "early-warning"]
    assert items and all(item.title.startswith("Early warning on ") and item.reason for item in items)
