"""The ``health-checks`` and ``questionnaires`` API: the workflow with version checks, JSON
errors naming the field, visibility, history, and pinned query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.assurance.selectors import questions_of
from pmo.assurance.tests.checks import scored_check
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

CHECKS = "/api/v1/health-checks/"
QUESTIONNAIRES = "/api/v1/questionnaires/"


def test_a_check_through_its_workflow_with_versions(cast, questionnaire, client_for):
    officer, pm = client_for(cast.officer), client_for(cast.pm)
    made = officer.post(
        CHECKS,
        {"project": "WEB", "questionnaire": questionnaire.pk, "planned_on": "2026-12-10"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    check = made.json()
    assert (check["status"], check["actions"]) == ("planned", ["edit", "start"])
    url = f"{CHECKS}{check['id']}/"
    check = officer.post(f"{url}start/", {"version": check["version"]}, format="json").json()
    answers = [{"question": q.pk, "score": 4, "evidence": "Seen"} for q in questions_of(questionnaire)]
    stale = check["version"]
    check = officer.post(f"{url}answers/", {"version": stale, "answers": answers}, format="json").json()
    # a stale version is a conflict
    conflict = officer.post(f"{url}submit/", {"version": stale}, format="json")
    assert conflict.status_code == 409
    check = officer.post(
        f"{url}submit/", {"version": check["version"], "summary": "Strong."}, format="json"
    ).json()
    assert (check["status"], check["overall"], check["scores"]["Planning"]) == ("submitted", "100.0", 100.0)
    assert pm.get(url).json()["actions"] == ["agree"]
    refused = pm.post(f"{url}agree/", {"version": check["version"], "response": " "}, format="json")
    assert refused.status_code == 400 and "response" in refused.json()["fields"]
    check = pm.post(
        f"{url}agree/", {"version": check["version"], "response": "Thanks."}, format="json"
    ).json()
    check = officer.post(f"{url}close/", {"version": check["version"]}, format="json").json()
    assert check["status"] == "closed"
    reasons = [entry["reason"] for entry in pm.get(f"{url}history/").json()]
    assert "Submitted" in reasons and "Closed" in reasons


def test_bad_answers_and_findings_name_their_fields(cast, questionnaire, client_for):
    officer = client_for(cast.officer)
    check = scored_check(cast.project, questionnaire, findings=0)
    url = f"{CHECKS}{check.pk}/"
    # submitted: no more answers
    question = questions_of(questionnaire)[0]
    refused = officer.post(
        f"{url}answers/",
        {"version": check.version, "answers": [{"question": question.pk, "score": 1}]},
        format="json",
    )
    assert refused.status_code == 400
    assert "can no longer be changed" in str(refused.json())
    # a new check: a score outside the scale is refused naming the question
    fresh = officer.post(
        CHECKS,
        {"project": "WEB", "questionnaire": questionnaire.pk, "planned_on": "2026-12-10"},
        format="json",
    ).json()
    fresh = officer.post(f"{CHECKS}{fresh['id']}/start/", {"version": fresh["version"]}, format="json").json()
    refused = officer.post(
        f"{CHECKS}{fresh['id']}/answers/",
        {"version": fresh["version"], "answers": [{"question": question.pk, "score": 9}]},
        format="json",
    )
    assert refused.status_code == 400
    assert f"question-{question.pk}" in refused.json()["fields"]
    refused = officer.post(
        f"{CHECKS}{fresh['id']}/findings/",
        {"area": questionnaire.areas.first().pk, "severity": "high", "text": "x", "action_due": "2027-01-31"},
        format="json",
    )
    assert refused.status_code == 400 and {"recommendation", "action_owner"} <= set(refused.json()["fields"])


def test_an_empty_questionnaire_is_refused_on_publish(cast, client_for):
    head = client_for(cast.head)
    made = head.post(QUESTIONNAIRES, {"name": "Audit", "levels": ["No", "Yes"], "areas": []}, format="json")
    assert made.status_code == 201
    refused = head.post(
        f"{QUESTIONNAIRES}{made.json()['id']}/publish/", {"version": made.json()["version"]}, format="json"
    )
    assert refused.status_code == 400
    assert "Audit v1 has no questions" in str(refused.json())
    assert (
        client_for(cast.officer)
        .post(QUESTIONNAIRES, {"name": "X", "levels": ["No", "Yes"], "areas": []}, format="json")
        .status_code
        == 403
    )


def test_a_confidential_projects_check_is_not_listed_nor_found(cast, questionnaire, client_for):
    secret = ProjectFactory(code="SEC", confidential=True, project_manager=PersonFactory())
    check = scored_check(secret, questionnaire, findings=0)
    reader = client_for(cast.pm)

    assert [c["project"] for c in reader.get(CHECKS).json()["results"]] == []
    assert reader.get(f"{CHECKS}{check.pk}/").status_code == 404


@pytest.mark.parametrize(("url", "pinned"), [(CHECKS, 7), (QUESTIONNAIRES, 6)])
def test_lists_issue_the_same_queries_for_2_checks_as_for_10(cast, questionnaire, client_for, url, pinned):
    client = client_for(cast.head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        scored_check(cast.project, questionnaire)
    few = queries()
    for _ in range(8):
        scored_check(ProjectFactory(project_manager=PersonFactory()), questionnaire)
    assert (few, queries()) == (pinned, pinned)
