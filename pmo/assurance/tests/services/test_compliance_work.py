"""The project manager's "what to fix": each standard their active projects do not meet, with
why; nothing for those who manage no project; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.assurance.tests.compliant import DAY, TODAY, a_project, in_good_order, neglected
from pmo.assurance.work import compliance_work
from pmo.portfolio.choices import ProjectStatus

pytestmark = pytest.mark.today(TODAY)


def test_the_pm_is_asked_to_fix_each_standard_their_project_does_not_meet(cast):
    neglected(cast.project)
    in_good_order(cast.other_project)

    items = compliance_work(cast.pm, DAY)

    assert {i.project for i in items} == {"WEB"}
    by_title = {i.title: i for i in items}
    overdue = by_title["Meet the standard: RAID actions not overdue"]
    assert overdue.reason == "1 open action(s) past their due date."
    assert overdue.url == "/compliance/projects/WEB/"
    assert overdue.key == "compliance:WEB:actions_not_overdue" and overdue.due == DAY
    assert len(items) == 8
    # HR's factory-made sponsor has no account: the only standard it misses
    assert [i.key for i in compliance_work(cast.other_pm, DAY)] == ["compliance:HR:roles_assigned"]


def test_nothing_to_fix_for_the_pmo_or_an_inactive_project(cast):
    neglected(cast.project)
    cast.project.status = ProjectStatus.ON_HOLD
    cast.project.save()
    assert compliance_work(cast.pm, DAY) == []
    assert compliance_work(cast.head, DAY) == []


def test_beyond_one_by_one_one_item_stands_for_them_all(cast, settings):
    settings.PMO_WORK_ONE_BY_ONE = 5
    neglected(cast.project)

    items = compliance_work(cast.pm, DAY)

    assert [(i.key, i.title) for i in items] == [
        ("compliance:many", "Meet the PMO standards: 8 rules not met on your projects")
    ]
    assert items[0].url == f"/compliance/?manager={cast.project.project_manager_id}"


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        compliance_work(user, DAY)
    return len(captured)


def test_the_queue_issues_the_same_queries_for_1_project_as_for_6(cast):
    neglected(cast.project)
    _queries(cast.pm)
    few = _queries(cast.pm)
    for _ in range(5):
        neglected(a_project(project_manager=cast.project.project_manager))
    assert (few, _queries(cast.pm)) == (few, few)
