"""The health check pages: the workflow through the forms, what each page shows, the Excel
export opened back, visibility, and pinned query counts (the same for 2 checks as for 10)."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.assurance.choices import HealthCheckStatus
from pmo.assurance.models import HealthCheck, Questionnaire
from pmo.assurance.selectors import assurance_settings, questions_of
from pmo.assurance.tests.checks import scored_check
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.tests.views.helpers import doc


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pmo_runs_a_check_and_the_pm_agrees_it_through_the_pages(cast, questionnaire):
    officer = client_for(cast.officer)
    # plan
    response = officer.post(
        f"/health-checks/projects/{cast.project.code}/new/",
        {"questionnaire": questionnaire.pk, "planned_on": "2026-12-10", "assessor": ""},
    )
    check = HealthCheck.objects.get(project=cast.project)
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    # start, answer (one question refused out of the scale: said beside it), submit
    officer.post(f"/health-checks/{check.pk}/start/", {"version": check.version})
    check.refresh_from_db()
    questions = questions_of(questionnaire)
    data = {"version": check.version, **{f"score-{q.pk}": "2" for q in questions}}
    data[f"evidence-{questions[0].pk}"] = "Board minutes"
    response = officer.post(f"/health-checks/{check.pk}/answers/", data)
    assert response.status_code == 302
    check.refresh_from_db()
    response = officer.post(
        f"/health-checks/{check.pk}/submit/", {"version": check.version, "summary": "Fair."}
    )
    assert response.status_code == 302
    page = officer.get(check.get_absolute_url()).content.decode()
    assert "Submitted" in page and "Governance: 50.0 %" in page and "Board minutes" in page
    # the PM responds
    pm = client_for(cast.pm)
    check.refresh_from_db()
    response = pm.post(f"/health-checks/{check.pk}/agree/", {"version": check.version, "response": ""})
    assert response.status_code == 400
    check.refresh_from_db()
    assert check.status == HealthCheckStatus.SUBMITTED
    response = pm.post(
        f"/health-checks/{check.pk}/agree/", {"version": check.version, "response": "We agree."}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == HealthCheckStatus.AGREED
    assert "We agree." in pm.get(check.get_absolute_url()).content.decode()


def test_the_pm_cannot_answer_and_an_agreed_check_offers_no_answers(cast, questionnaire):
    check = scored_check(cast.project, questionnaire)
    response = client_for(cast.pm).get(f"/health-checks/{check.pk}/answers/")
    assert response.status_code == 403
    response = client_for(cast.officer).get(f"/health-checks/{check.pk}/answers/")
    assert response.status_code == 302  # back to the check, saying why


def test_the_check_shows_its_findings_actions_and_the_trend(cast, questionnaire):
    scored_check(cast.project, questionnaire, score=1)
    check = scored_check(cast.project, questionnaire, score=3)

    page = client_for(cast.pm).get(check.get_absolute_url()).content.decode()
    assert "Risk reviews lapse." in page and "Review risks monthly" in page and ": Open" in page
    trend = client_for(cast.pm).get(f"/health-checks/projects/{cast.project.code}/").content.decode()
    assert 'data-testid="trend-chart"' in trend
    assert "25.0" in trend and "75.0" in trend
    weakest = client_for(cast.head).get("/health-checks/portfolio/").content.decode()
    assert "WEB</a> 75.0 %" in weakest


def test_the_list_exports_to_excel_as_filtered(cast, questionnaire):
    scored_check(cast.project, questionnaire)
    scored_check(cast.other_project, questionnaire, findings=0)

    response = client_for(cast.head).get("/health-checks/", {"project": "WEB", "export": "xlsx"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Project", "Project name")
    assert [row[1] for row in rows[1:]] == ["WEB"]
    assert rows[1][-1] == 75


def test_a_confidential_projects_checks_are_hidden_alike_in_the_list_and_on_the_page(cast, questionnaire):
    secret = ProjectFactory(code="SEC", confidential=True, project_manager=PersonFactory())
    check = scored_check(secret, questionnaire, findings=0)
    reader = client_for(cast.pm)

    assert "SEC" not in reader.get("/health-checks/").content.decode()
    assert reader.get(check.get_absolute_url()).status_code == 404
    assert "SEC" in client_for(cast.officer).get("/health-checks/").content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        ("/health-checks/", 7),
        ("/health-checks/projects/WEB/", 7),
        ("/health-checks/portfolio/", 7),
        ("/questionnaires/", 6),
    ],
)
def test_list_pages_issue_the_same_queries_for_2_checks_as_for_10(cast, questionnaire, url, pinned):
    client = client_for(cast.head)
    assurance_settings()  # the settings row, as every site has it once set up
    for _ in range(2):
        scored_check(cast.project, questionnaire)
    few = _queries(client, url)
    for _ in range(8):
        scored_check(ProjectFactory(project_manager=PersonFactory()), questionnaire)
        scored_check(cast.project, questionnaire)
    assert (few, _queries(client, url)) == (pinned, pinned)


def test_a_checks_page_issues_the_same_queries_for_1_finding_as_for_5(cast, questionnaire):
    client = client_for(cast.head)
    few = scored_check(cast.project, questionnaire)
    many = scored_check(cast.project, questionnaire, findings=5)
    assert (_queries(client, few.get_absolute_url()), _queries(client, many.get_absolute_url())) == (11, 11)


def test_the_head_loads_the_default_questionnaire_once_and_others_may_not(cast, questionnaire):
    response = client_for(cast.head).post("/questionnaires/default/")
    assert response.status_code == 302 and response["Location"] == questionnaire.get_absolute_url()
    assert client_for(cast.officer).post("/questionnaires/default/").status_code == 403


def test_the_head_builds_a_questionnaire_on_its_pages_and_publishing_it_without_questions_is_refused(cast):
    head = client_for(cast.head)
    response = head.post(
        "/questionnaires/new/", {"name": "Audit", "description": "", "levels": "No\nPartly\nYes"}
    )
    draft = Questionnaire.objects.get(name="Audit")
    assert response["Location"] == draft.get_absolute_url()
    assert draft.levels == ["No", "Partly", "Yes"]
    head.post(f"/questionnaires/{draft.pk}/areas/new/", {"name": "Planning"})
    area = draft.areas.get()

    refused = head.post(f"/questionnaires/{draft.pk}/publish/", {"version": draft.version}, follow=True)
    assert "Audit v1 has no questions: add at least one question" in refused.content.decode()

    head.post(
        f"/questionnaires/{draft.pk}/questions/new/",
        {"area": area.pk, "text": "Is there a plan?", "required": "on"},
    )
    head.post(f"/questionnaires/{draft.pk}/publish/", {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == "published"
    assert client_for(cast.officer).get(f"/questionnaires/{draft.pk}/").status_code == 200
    assert (
        client_for(cast.officer)
        .post(f"/questionnaires/{draft.pk}/new-version/", {"version": draft.version})
        .status_code
        == 403
    )


def test_the_portfolio_view_lists_the_projects_with_no_recent_check(cast, questionnaire):
    scored_check(cast.project, questionnaire, findings=0)

    page = doc(client_for(cast.head).get("/health-checks/portfolio/"))

    listed = [a.text_content() for a in page.xpath("//*[@data-testid='unchecked']//a")]
    assert "HR" in listed and "WEB" not in listed
    assert "no health check in the last 6 months" in page.text_content()


def test_a_finding_recorded_on_its_page_becomes_an_action_the_check_shows(cast, questionnaire):
    officer = client_for(cast.officer)
    officer.post(
        f"/health-checks/projects/{cast.project.code}/new/",
        {"questionnaire": questionnaire.pk, "planned_on": "2026-12-10", "assessor": ""},
    )
    check = HealthCheck.objects.get(project=cast.project)
    officer.post(f"/health-checks/{check.pk}/start/", {"version": check.version})
    assert officer.get(f"/health-checks/{check.pk}/answers/").status_code == 200
    assert officer.get(f"/health-checks/{check.pk}/findings/new/").status_code == 200

    response = officer.post(
        f"/health-checks/{check.pk}/findings/new/",
        {
            "area": questionnaire.areas.get(name="Finance").pk,
            "severity": "high",
            "text": "No forecast since August.",
            "recommendation": "Forecast monthly with the finance partner",
            "action_owner": cast.project.project_manager.pk,
            "action_due": "2027-01-29",
        },
    )

    assert response.status_code == 302
    page = doc(officer.get(check.get_absolute_url()))
    cells = [
        " ".join(td.text_content().split())
        for td in page.xpath("//*[@data-testid='findings']//tbody/tr[1]/td")
    ]
    assert cells[:4] == [
        "Finance",
        "High",
        "No forecast since August.",
        "Forecast monthly with the finance partner",
    ]
    assert cells[4].startswith("ACT-") and cells[4].endswith(": Open · Pat Manager · due 29 Jan 2027")


def test_a_planned_check_is_moved_and_given_another_assessor_until_it_is_submitted(cast, questionnaire):
    officer = client_for(cast.officer)
    officer.post(
        f"/health-checks/projects/{cast.project.code}/new/",
        {"questionnaire": questionnaire.pk, "planned_on": "2026-12-10", "assessor": ""},
    )
    check = HealthCheck.objects.get(project=cast.project)
    assert "Change date or assessor" in officer.get(check.get_absolute_url()).content.decode()

    moved = officer.post(
        f"/health-checks/{check.pk}/edit/",
        {"version": check.version, "planned_on": "2026-12-17", "assessor": cast.head.pk},
    )
    stale = officer.post(
        f"/health-checks/{check.pk}/edit/",
        {"version": check.version, "planned_on": "2026-12-24", "assessor": ""},
    )

    assert moved.status_code == 302
    check.refresh_from_db()
    assert (str(check.planned_on), check.assessor) == ("2026-12-17", cast.head)
    assert stale.status_code == 409  # an older version: nothing saved, who changed it said
    check = scored_check(cast.other_project, questionnaire)  # another check, submitted
    refused = officer.get(f"/health-checks/{check.pk}/edit/", follow=True)
    assert refused.redirect_chain[-1][0] == check.get_absolute_url()
    assert "can no longer be changed" in refused.content.decode()
    assert "Change date or assessor" not in refused.content.decode()
