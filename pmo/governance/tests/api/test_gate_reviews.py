"""Gates and gate reviews over the API: the workflow with its actions and version checks, JSON
errors naming the field, the schema, and size-independent query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.governance import services
from pmo.governance.choices import Outcome, ReviewStatus
from pmo.governance.models import Gate, GateReview
from pmo.governance.tests.steps import condition, in_review
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db
REVIEWS = "/api/v1/gate-reviews/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_review_is_opened_submitted_and_decided_with_conditions(cast):
    pm, sponsor = client_for(cast.pm), client_for(cast.sponsor)
    opened = pm.post(REVIEWS, {"project": "WEB"}, format="json")
    assert opened.status_code == 201, opened.json()
    review = opened.json()
    assert (review["gate_name"], review["authority"], review["actions"]) == (
        "Gate 4: Readiness for handover",
        "sponsor",
        ["evidence", "submit"],
    )

    submitted = pm.post(f"{REVIEWS}{review['id']}/submit/", {"version": 1}, format="json").json()
    assert submitted["status"] == ReviewStatus.IN_REVIEW
    owner = cast.project.project_manager_id
    body = {
        "version": submitted["version"], "outcome": "go_with_conditions", "notes": "Go once tested",
        "conditions": [{"title": "Security test", "owner": owner, "due": "2026-12-20"}],
    }  # fmt: skip
    decided = sponsor.post(f"{REVIEWS}{review['id']}/decide/", body, format="json")

    assert decided.status_code == 200, decided.json()
    assert decided.json()["conditions"][0]["title"] == "Security test"
    assert decided.json()["conditions"][0]["status"] == "open"
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Closure"
    history = pm.get(f"{REVIEWS}{review['id']}/history/").json()
    assert len(history["results"] if isinstance(history, dict) else history) >= 3


def test_errors_are_json_naming_the_field(cast):
    review = in_review(cast)
    sponsor = client_for(cast.sponsor)

    conditional = {"version": review.version, "outcome": "go_with_conditions", "notes": "Go"}
    no_conditions = sponsor.post(f"{REVIEWS}{review.pk}/decide/", conditional, format="json")
    stale = sponsor.post(
        f"{REVIEWS}{review.pk}/decide/",
        {"version": review.version - 1, "outcome": "go", "notes": "Go"},
        format="json",
    )
    by_the_pm = client_for(cast.pm).post(
        f"{REVIEWS}{review.pk}/decide/",
        {"version": review.version, "outcome": "go", "notes": "Go"},
        format="json",
    )

    assert no_conditions.status_code == 400
    assert no_conditions.json()["fields"] == {
        "conditions": ["A go with conditions needs at least one condition: what, who and by when."]
    }
    assert stale.status_code == 409
    assert by_the_pm.status_code == 403
    assert GateReview.objects.get(pk=review.pk).status == ReviewStatus.IN_REVIEW


def test_a_stage_move_through_the_projects_api_is_refused_naming_the_gate(cast):
    response = client_for(cast.head).patch(
        "/api/v1/projects/WEB/", {"stage": Gate.objects.get(stage__name="Closure").stage_id}, format="json",
        HTTP_IF_MATCH=f'"{cast.project.version}"',
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["fields"]["stage"] == [
        "WEB may enter Closure only through Gate 4: Readiness for handover (no passed gate review): "
        "open a gate review, or the PMO head records an override with a reason."
    ]


def test_gates_are_read_by_all_and_changed_by_the_pmo_head(cast):
    gate = Gate.objects.get(stage__name="Delivery")
    listed = client_for(cast.pm).get("/api/v1/gates/").json()["results"]
    assert [g["stage"] for g in listed] == ["Initiation", "Planning", "Delivery", "Closure", "Benefits"]
    url = f"/api/v1/gates/{gate.pk}/"
    refused = client_for(cast.pm).patch(url, {"version": 1, "board_from_tier": "major"}, format="json")
    changed = client_for(cast.head).patch(url, {"version": 1, "board_from_tier": "major"}, format="json")
    assert refused.status_code == 403
    assert changed.json()["board_from_tier"] == "major"


def test_the_schema_describes_gates_and_reviews(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert set(paths["/api/v1/gate-reviews/"]) == {"get", "post"}
    assert set(paths["/api/v1/gates/{id}/"]) == {"get", "patch"}
    assert "get" in paths["/api/v1/gate-reviews/{id}/history/"]
    for step in ("evidence", "submit", "assess", "decide", "close"):
        assert {"200", "400", "403", "409"} <= set(
            paths[f"/api/v1/gate-reviews/{{id}}/{step}/"]["post"]["responses"]
        )


def grow(n):
    for _ in range(n):
        project = ProjectFactory(project_manager=PersonFactory(), sponsor=PersonFactory())
        GateReview.objects.create(
            project=project, gate=Gate.objects.get(stage__name="Closure"), authority="sponsor",
            opened_on="2026-11-01", status=ReviewStatus.DECIDED, outcome=Outcome.HOLD,
        )  # fmt: skip


@pytest.mark.parametrize(("url", "expected"), [(REVIEWS, 8), ("/api/v1/gates/", 5)])
def test_the_lists_issue_the_same_queries_for_few_and_many(cast, url, expected):
    review = in_review(cast)
    services.gate_review_decide(
        actor=cast.sponsor, review=review, outcome=Outcome.GO_WITH_CONDITIONS, notes="Go",
        conditions=[condition(cast)], expected_version=review.version,
    )  # fmt: skip
    client = client_for(cast.head)
    counts = []
    for n in (1, 8):
        grow(n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == [expected, expected]
