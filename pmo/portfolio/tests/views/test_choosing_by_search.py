"""People (and projects, and logins) are chosen by typing, not from a select of everyone: the
search a box asks as you type, and the text a form resolves when it is sent (with or without
JavaScript)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.core.choosers import SEARCH_LIMIT
from pmo.portfolio.forms import ProjectForm
from pmo.portfolio.models import LifecycleStage, Person, Project
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProjectFactory,
)
from pmo.portfolio.tests.views.conftest import form_data, page, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]


@pytest.fixture
def officer(make_user):
    return make_user(Role.PMO_OFFICER, username="olly")


def options(response) -> list[str]:
    return [li.get("data-label") for li in page(response).xpath("//li[@role='option'][@data-label]")]


def new_project(**changes):
    data = {
        "code": "NEW-1",
        "name": "Citizen portal",
        "portfolio": PortfolioFactory().pk,
        "department": OrgUnitFactory().pk,
        "category": "technical",
        "methodology": "agile",
        "priority": "high",
        "stage": LifecycleStage.objects.get(name="Delivery").pk,
        "status": "proposed",
        "budget": "750000",
        "planned_start": "2026-03-01",
        "planned_finish": "2026-09-30",
    }
    return {**data, **changes}


# The search a box asks as you type ---------------------------------------------------------------


def test_typing_part_of_a_name_or_email_lists_the_people_who_match(browser_for, officer):
    PersonFactory(name="Ana Diaz", email="ana.diaz@council.example")
    PersonFactory(name="Dan Diamond", email="dan@council.example")
    PersonFactory(name="Bo Smith", email="bo@diaz-consulting.example")

    client = browser_for(officer)
    by_name = client.get("/search/people/?field=sponsor&sponsor=dia")
    two_words = client.get("/search/people/?field=sponsor&sponsor=ana+diaz")

    assert options(by_name) == [
        "Ana Diaz (ana.diaz@council.example)",
        "Bo Smith (bo@diaz-consulting.example)",
        "Dan Diamond (dan@council.example)",
    ]
    assert options(two_words) == ["Ana Diaz (ana.diaz@council.example)"]


def test_a_search_lists_at_most_twenty_and_says_to_type_more(browser_for, officer):
    Person.objects.bulk_create(
        Person(name=f"Sam Jones {n:02}", email=f"sam{n}@council.example") for n in range(30)
    )

    response = browser_for(officer).get("/search/people/?field=owner&owner=jones")

    assert len(options(response)) == SEARCH_LIMIT == 20
    assert "More than 20 match: type more to narrow the list." in text_of(response)


def test_a_search_that_finds_nobody_says_so(browser_for, officer):
    response = browser_for(officer).get("/search/people/?q=zebedee")

    assert options(response) == []
    assert "No match for “zebedee”." in text_of(response)


def test_searching_needs_a_sign_in(client):
    PersonFactory(name="Ana Diaz")

    response = client.get("/search/people/?q=ana")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_project_search_lists_only_the_projects_the_user_may_see(browser_for, make_user):
    ProjectFactory(code="IT-1", name="Payroll upgrade")
    ProjectFactory(code="IT-2", name="Payroll secrets", confidential=True)
    analyst = make_user(Role.PMO_ANALYST)
    manager = make_user(Role.PROJECT_MANAGER)

    seen_by_the_pmo = options(browser_for(analyst).get("/search/projects/?q=payroll"))
    seen_by_a_manager = options(browser_for(manager).get("/search/projects/?q=payroll"))

    assert seen_by_the_pmo == ["IT-2 Payroll secrets", "IT-1 Payroll upgrade"]
    assert seen_by_a_manager == ["IT-1 Payroll upgrade"]


def test_only_those_who_edit_people_may_search_the_logins(browser_for, officer, make_user):
    make_user(username="ana.login", email="ana@council.example")
    manager = make_user(Role.PROJECT_MANAGER)

    assert "ana.login (ana@council.example)" in options(browser_for(officer).get("/search/logins/?q=ana"))
    assert options(browser_for(manager).get("/search/logins/?q=ana")) == []


# The text a form resolves -------------------------------------------------------------------------


def test_a_project_form_shows_a_search_box_not_a_select_of_everyone(browser_for, officer):
    PersonFactory.create_batch(5)

    response = browser_for(officer).get("/projects/new/")

    doc = page(response)
    for name in ("sponsor", "project_manager", "business_owner"):
        box = doc.xpath(f"//*[@id='id_{name}']")[0]
        assert box.tag == "input" and box.get("type") == "text"
        assert box.get("role") == "combobox" and box.get("aria-controls") == f"id_{name}_options"
        assert box.get("hx-get") == f"/search/people/?field={name}"
    assert not doc.xpath("//option[contains(., 'Person ')]")


def test_a_name_an_email_or_the_label_picked_names_the_person(browser_for, officer):
    ana = PersonFactory(name="Ana Diaz", email="ana.diaz@council.example")
    bo = PersonFactory(name="Bo Smith", email="bo@council.example")
    cy = PersonFactory(name="Cy Young", email="cy@council.example")

    response = browser_for(officer).post(
        "/projects/new/",
        new_project(
            sponsor="ana diaz",
            project_manager="BO@council.example",
            business_owner="Cy Young (cy@council.example)",
        ),
    )

    assert response.status_code == 302
    project = Project.objects.get(code="NEW-1")
    assert (project.sponsor, project.project_manager, project.business_owner) == (ana, bo, cy)


def test_a_name_two_people_share_or_nobody_has_is_refused_saying_why(browser_for, officer):
    PersonFactory(name="Sam Jones", email="sam.jones@council.example")
    PersonFactory(name="Sam Jones", email="sam.jones2@council.example")
    PersonFactory(name="Bo Smith")

    response = browser_for(officer).post(
        "/projects/new/", new_project(sponsor="Sam Jones", project_manager="Bo Smyth")
    )

    assert response.status_code == 400 and not Project.objects.exists()
    errors = page(response)
    sponsor = errors.xpath("//*[@id='id_sponsor_error']")[0].text_content()
    manager = errors.xpath("//*[@id='id_project_manager_error']")[0].text_content()
    assert "2 people are called “Sam Jones”: type the e-mail of the one you mean." in sponsor
    assert "No one in People is called or has the e-mail “Bo Smyth”" in manager
    # what was typed stays in the box, to correct
    assert errors.xpath("//*[@id='id_project_manager']")[0].get("value") == "Bo Smyth"


def test_editing_shows_the_person_chosen_and_saving_it_unchanged_keeps_them(browser_for, officer):
    ana = PersonFactory(name="Ana Diaz", email="ana.diaz@council.example")
    project = ProjectFactory(code="IT-1", sponsor=ana)
    client = browser_for(officer)

    shown = page(client.get("/projects/IT-1/edit/")).xpath("//*[@id='id_sponsor']")[0].get("value")
    saved = client.post("/projects/IT-1/edit/", form_data(ProjectForm(instance=project), name="Renamed"))

    assert shown == "Ana Diaz (ana.diaz@council.example)"
    assert saved.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.sponsor) == ("Renamed", ana)


def test_a_form_page_costs_the_same_with_two_thousand_people(browser_for, officer):
    PersonFactory.create_batch(3)
    client = browser_for(officer)
    client.get("/projects/new/")  # the first read of a page warms what it caches

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/projects/new/")
        assert response.status_code == 200
        return len(queries), len(response.content)

    few_queries, few_bytes = measure()
    Person.objects.bulk_create(
        Person(name=f"Resident {n:04}", email=f"resident{n}@council.example") for n in range(2000)
    )
    many_queries, many_bytes = measure()

    assert many_queries == few_queries
    assert abs(many_bytes - few_bytes) < 100  # only a count or a token may differ, no <option>s


SEARCHES_QUERIES = 4  # the session, the user, their roles and the matches


def test_a_search_costs_the_same_few_queries_with_two_thousand_people(browser_for, officer):
    PersonFactory.create_batch(3, name="Resident")
    client = browser_for(officer)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries("/search/people/?q=resident")
    Person.objects.bulk_create(
        Person(name=f"Resident {n:04}", email=f"resident{n}@council.example") for n in range(2000)
    )
    many = queries("/search/people/?q=resident")

    assert few == many == SEARCHES_QUERIES


def test_a_persons_login_is_typed_by_its_username(browser_for, officer, make_user):
    login = make_user(username="ana.login", email="ana@council.example")

    response = browser_for(officer).post(
        "/people/new/", {"name": "Ana Diaz", "email": "ana.diaz@council.example", "user": "ana.login"}
    )

    assert response.status_code == 302
    assert Person.objects.get(email="ana.diaz@council.example").user == login
