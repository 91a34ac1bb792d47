"""The compliance pages: a project's tab, the portfolio's "who to chase" (sorted, filtered,
confidential projects hidden), the standards read by all and changed by the PMO head, and
pinned query counts (the same for 2 projects as for 12)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.assurance.models import ComplianceRule
from pmo.assurance.tests.compliant import TODAY, a_project, in_good_order, neglected

pytestmark = pytest.mark.today(TODAY)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_projects_tab_shows_its_score_and_each_rule_with_why(cast):
    neglected(cast.project)
    page = client_for(cast.pm).get("/compliance/projects/WEB/").content.decode()
    assert 'data-testid="compliance-score">11 %' in page
    assert "No baseline approved yet." in page
    assert "1 open action(s) past their due date." in page
    assert 'href="/compliance/projects/WEB/">Compliance</a>' in page


def test_the_portfolio_lists_the_lowest_first_with_the_failing_rules(cast):
    in_good_order(cast.project)
    neglected(cast.other_project)
    page = client_for(cast.officer).get("/compliance/").content.decode()
    assert page.index('href="/compliance/projects/HR/"') < page.index('href="/compliance/projects/WEB/"')
    assert "No budget version approved." in page and "Every standard met." in page


def test_the_portfolio_filters_by_project_manager_and_refuses_an_unknown_one(cast):
    neglected(cast.other_project)
    client = client_for(cast.head)
    page = client.get(f"/compliance/?manager={cast.project.project_manager_id}").content.decode()
    assert "/compliance/projects/WEB/" in page and "/compliance/projects/HR/" not in page
    refused = client.get("/compliance/?manager=999999")
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()


def test_a_confidential_project_is_hidden_from_those_who_may_not_see_it(cast):
    a_project(code="SEC", confidential=True)
    assert "SEC" not in client_for(cast.pm).get("/compliance/").content.decode()
    assert client_for(cast.pm).get("/compliance/projects/SEC/").status_code == 404
    assert "/compliance/projects/SEC/" in client_for(cast.head).get("/compliance/").content.decode()


def test_the_head_changes_a_rule_on_its_page_and_others_only_read(cast):
    rule = ComplianceRule.objects.get(kind="plan_current")
    head = client_for(cast.head)
    assert "Edit</a>" in head.get("/compliance/rules/").content.decode()
    response = head.post(
        f"/compliance/rules/{rule.pk}/edit/",
        {"name": "Plan current", "enabled": "on", "days": "20", "weight": "3", "order": "6",
         "stages": ["Delivery"], "version": rule.version},
    )  # fmt: skip
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.days, rule.weight, rule.stages, rule.methodologies) == (20, 3, ["Delivery"], [])
    assert "Plan current" in head.get(f"/compliance/rules/{rule.pk}/history/").content.decode()

    pm = client_for(cast.pm)
    page = pm.get("/compliance/rules/").content.decode()
    assert "Plan current" in page and "Edit</a>" not in page
    assert pm.post(f"/compliance/rules/{rule.pk}/edit/", {"days": "5"}).status_code == 403


def test_a_bad_value_is_shown_beside_its_field(cast):
    rule = ComplianceRule.objects.get(kind="plan_current")
    response = client_for(cast.head).post(
        f"/compliance/rules/{rule.pk}/edit/",
        {"name": "Plan", "days": "0", "weight": "1", "order": "1", "version": rule.version},
    )
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [("/compliance/", 27), ("/compliance/projects/WEB/", 21), ("/compliance/rules/", 5)],
)
def test_the_pages_issue_the_same_queries_for_2_projects_as_for_12(cast, url, pinned):
    client = client_for(cast.head)
    in_good_order(cast.project)
    few = _queries(client, url)
    for _ in range(5):
        in_good_order(a_project())
        neglected(a_project())
    assert (few, _queries(client, url)) == (pinned, pinned)
