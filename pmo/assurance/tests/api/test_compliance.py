"""The ``compliance`` and ``compliance-rules`` API: each project's score and reasons, lowest
first and filtered; bad filters and values refused as JSON naming the field; the rules read by
all, changed by the PMO head with the version, kept in history; confidential projects hidden;
pinned query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.assurance.models import ComplianceRule
from pmo.assurance.tests.compliant import TODAY, a_project, in_good_order, neglected

pytestmark = pytest.mark.today(TODAY)

COMPLIANCE = "/api/v1/compliance/"
RULES = "/api/v1/compliance-rules/"


def test_each_project_with_its_score_and_reasons_lowest_first(cast, client_for):
    in_good_order(cast.project)
    neglected(cast.other_project)
    rows = client_for(cast.analyst).get(COMPLIANCE).json()["results"]
    assert [(r["project"], r["score"]) for r in rows] == [("HR", 0), ("WEB", 100)]
    failing = {r["kind"]: r["reason"] for r in rows[0]["results"] if not r["met"]}
    assert failing["budget_approved"] == "No budget version approved."
    assert rows[1]["web_url"] == "/compliance/projects/WEB/"


def test_the_list_is_narrowed_by_manager_score_and_failing_rule(cast, client_for):
    in_good_order(cast.project)
    neglected(cast.other_project)
    client = client_for(cast.head)

    def codes(query: str) -> list[str]:
        return [r["project"] for r in client.get(f"{COMPLIANCE}?{query}").json()["results"]]

    assert codes(f"project_manager={cast.project.project_manager_id}") == ["WEB"]
    assert codes("max_score=50") == ["HR"]
    assert codes("failing=plan_current") == ["HR"]
    assert codes("project=WEB") == ["WEB"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("max_score=101", "max_score"), ("max_score=x", "max_score"), ("failing=nope", "failing"),
     ("project_manager=999999", "project_manager"), ("department=abc", "department")],
)  # fmt: skip
def test_bad_filters_are_refused_naming_the_field(cast, client_for, query, field):
    response = client_for(cast.head).get(f"{COMPLIANCE}?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_confidential_project_is_not_listed_to_those_who_may_not_see_it(cast, client_for):
    a_project(code="SEC", confidential=True)
    assert "SEC" not in [r["project"] for r in client_for(cast.pm).get(COMPLIANCE).json()["results"]]
    assert "SEC" in [r["project"] for r in client_for(cast.head).get(COMPLIANCE).json()["results"]]
    assert client_for(None).get(COMPLIANCE).status_code in (401, 403)


def test_the_head_changes_a_rule_with_its_version_and_others_may_not(cast, client_for):
    rule = ComplianceRule.objects.get(kind="forecast_current")
    url = f"{RULES}{rule.pk}/"
    head, pm = client_for(cast.head), client_for(cast.pm)
    assert pm.get(url).json()["actions"] == []
    assert head.get(url).json()["actions"] == ["change"]
    changed = head.patch(url, {"days": 60, "version": rule.version}, format="json")
    assert changed.status_code == 200 and changed.json()["days"] == 60
    stale = head.patch(url, {"days": 61, "version": rule.version}, format="json")
    assert stale.status_code == 409
    assert pm.patch(url, {"days": 5, "version": rule.version + 1}, format="json").status_code == 403
    assert len(head.get(f"{url}history/").json()) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [({"weight": 0}, "weight"), ({"stages": ["Nowhere"]}, "stages"), ({"size_tiers": ["huge"]}, "size_tiers"),
     ({"days": "soon"}, "days")],
)  # fmt: skip
def test_bad_rule_values_are_refused_naming_the_field(cast, client_for, body, field):
    rule = ComplianceRule.objects.get(kind="forecast_current")
    response = client_for(cast.head).patch(
        f"{RULES}{rule.pk}/", {**body, "version": rule.version}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize(("url", "pinned"), [(COMPLIANCE, 23), (RULES, 5)])
def test_lists_issue_the_same_queries_for_2_projects_as_for_12(cast, client_for, url, pinned):
    client = client_for(cast.head)
    in_good_order(cast.project)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        in_good_order(a_project())
        neglected(a_project())
    assert (few, queries()) == (pinned, pinned)
