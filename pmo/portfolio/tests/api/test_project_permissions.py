"""Who may do what to projects over the API: the role-by-action matrix, including the denials."""

import pytest

from pmo.core.permissions import NOT_ALLOWED
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import OrgUnitFactory, PersonFactory, PortfolioFactory, default_stage

pytestmark = pytest.mark.django_db

ALL = {"OWN-1", "OTH-1", "SEC-1", "SEC-2"}
OPEN = {"OWN-1", "OTH-1"}


def codes(response):
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("pmo_head", ALL),
        ("pmo_analyst", ALL),
        ("pmo_officer", ALL),
        ("pm", OPEN | {"SEC-2"}),
        ("sponsor", OPEN | {"SEC-2"}),
        ("executive", OPEN),
        ("finance_partner", OPEN),
        ("no_role", OPEN),
    ],
)
def test_the_register_lists_only_what_each_person_may_see(client_for, user_in, who, visible):
    # given a register with open and confidential projects
    client = client_for(user_in(who))

    # when they list the projects
    response = client.get("/api/v1/projects/")

    # then confidential projects appear only for the PMO, their sponsor and their PM
    assert response.status_code == 200
    assert codes(response) == visible
    assert response.json()["count"] == len(visible)


def test_a_confidential_project_is_not_found_for_an_executive(client_for, user_in, register):
    client = client_for(user_in("executive"))

    for url in ("/api/v1/projects/SEC-1/", "/api/v1/projects/SEC-1/history/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "fields": {}}
    assert client.get("/api/v1/projects/?q=closure").json()["count"] == 0


@pytest.mark.parametrize("who", ["pmo_head", "pm", "sponsor"])
def test_those_allowed_see_a_confidential_project_in_full(client_for, user_in, register, who):
    response = client_for(user_in(who)).get("/api/v1/projects/SEC-2/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Restructure of IT"
    assert body["confidential"] is True
    assert body["project_manager_name"] == "Pam Manager"


@pytest.mark.parametrize(
    ("who", "code", "expected"),
    [
        ("pmo_head", "OTH-1", 200),
        ("pmo_analyst", "SEC-1", 200),
        ("pmo_officer", "OTH-1", 200),
        ("pm", "OWN-1", 200),
        ("pm", "SEC-2", 200),
        ("pm", "OTH-1", 403),
        ("pm", "SEC-1", 404),
        ("sponsor", "OWN-1", 200),
        ("sponsor", "OTH-1", 403),
        ("executive", "OWN-1", 403),
        ("executive", "SEC-2", 404),
        ("finance_partner", "OTH-1", 403),
        ("no_role", "OWN-1", 403),
    ],
)
def test_who_may_change_a_project(client_for, user_in, register, who, code, expected):
    # given someone with a part (or none) in the project
    client = client_for(user_in(who))

    # when they rename it
    response = client.patch(f"/api/v1/projects/{code}/", {"name": "Renamed", "version": 1}, format="json")

    # then only the PMO and the project's own PM or sponsor succeed; the rest are told why
    assert response.status_code == expected
    project = Project.objects.get(code=code)
    if expected == 200:
        assert project.name == "Renamed"
        assert response.json()["version"] == 2
    else:
        assert project.name != "Renamed"
        assert project.version == 1
    if expected == 403:
        assert response.json() == {
            "message": NOT_ALLOWED.format(action=f"change {project}"),
            "fields": {},
        }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pmo_head", 204),
        ("pmo_analyst", 403),
        ("pmo_officer", 403),
        ("pm", 403),
        ("sponsor", 403),
        ("executive", 403),
    ],
)
def test_only_the_head_of_pmo_deletes_a_project(client_for, user_in, register, who, expected):
    response = client_for(user_in(who)).delete("/api/v1/projects/OWN-1/")

    assert response.status_code == expected
    assert Project.objects.filter(code="OWN-1").exists() is (expected != 204)
    if expected == 403:
        assert response.json()["message"] == NOT_ALLOWED.format(action="delete OWN-1 Libraries Wi-Fi")


def new_project_body():
    return {
        "code": "NEW-1",
        "name": "Council tax online",
        "portfolio": PortfolioFactory(name="IT Portfolio").pk,
        "department": OrgUnitFactory(name="Finance").pk,
        "sponsor": PersonFactory().pk,
        "project_manager": PersonFactory().pk,
        "category": "service_improvement",
        "stage": default_stage().pk,
        "budget": "650000.00",
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pmo_head", 201),
        ("pmo_analyst", 201),
        ("pmo_officer", 201),
        ("pm", 403),
        ("sponsor", 403),
        ("executive", 403),
        ("no_role", 403),
    ],
)
def test_only_the_pmo_adds_projects(client_for, user_in, register, who, expected):
    response = client_for(user_in(who)).post("/api/v1/projects/", new_project_body(), format="json")

    assert response.status_code == expected
    assert Project.objects.filter(code="NEW-1").exists() is (expected == 201)
    if expected == 403:
        assert response.json() == {"message": NOT_ALLOWED.format(action="add projects"), "fields": {}}


def test_a_denied_create_says_so_even_when_the_input_is_also_wrong(client_for, user_in, register):
    response = client_for(user_in("executive")).post("/api/v1/projects/", {"code": ""}, format="json")

    assert response.status_code == 403


def test_nobody_signed_in_gets_401_everywhere(client_for, register):
    client = client_for(None)

    for method, url in [
        ("get", "/api/v1/projects/"),
        ("get", "/api/v1/projects/OWN-1/"),
        ("patch", "/api/v1/projects/OWN-1/"),
        ("post", "/api/v1/projects/"),
        ("delete", "/api/v1/projects/OWN-1/"),
        ("get", "/api/v1/auth/me/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 401, (method, url)
        assert response.json()["message"] == "Authentication credentials were not provided."
    assert Project.objects.count() == 4
