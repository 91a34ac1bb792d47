"""Programmes, portfolios and the reference data: lists, record pages, forms, history, and the
lifecycle that only the PMO head may change."""

from decimal import Decimal

import pytest

from pmo.core.choices import Role
from pmo.portfolio.models import LifecycleStage, OrgUnit, Programme
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
)
from pmo.portfolio.tests.views.conftest import page, row_keys, table_headers, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.PMO_OFFICER, username="olly")


def test_the_programme_list_counts_only_the_projects_the_user_may_see(browser_for, make_user):
    cloud = ProgrammeFactory(code="CLOUD", name="Cloud", manager=PersonFactory(name="Li Wei"))
    ProjectFactory(programme=cloud, portfolio=cloud.portfolio, budget=Decimal(100))
    ProjectFactory(programme=cloud, portfolio=cloud.portfolio, budget=Decimal(50), confidential=True)

    response = browser_for(make_user(Role.EXECUTIVE)).get("/programmes/")

    assert table_headers(response) == [
        "Code", "Name", "Portfolio", "Sponsor", "Programme manager", "Projects", "Approved budget (£)"
    ]
    row = page(response).xpath("//div[@id='record-results']//tbody/tr")[0]
    assert [" ".join(c.text_content().split()) for c in row] == [
        "CLOUD", "Cloud", str(cloud.portfolio), "—", "Li Wei", "1", "£100"
    ]


def test_a_programme_page_lists_its_projects_and_their_total_budget(browser_for, officer):
    cloud = ProgrammeFactory(name="Cloud", sponsor=PersonFactory(name="Priya Shah"))
    ProjectFactory(code="A", programme=cloud, portfolio=cloud.portfolio, budget=Decimal(1000))
    ProjectFactory(code="B", programme=cloud, portfolio=cloud.portfolio, budget=Decimal(2500))
    ProjectFactory(code="C")

    response = browser_for(officer).get(f"/programmes/{cloud.pk}/")

    assert row_keys(response, "//section[@aria-labelledby='projects-heading']//table") == ["A", "B"]
    shown = text_of(response)
    assert "2 projects · £3,500 approved budget" in shown and "Sponsor Priya Shah" in shown
    assert page(response).xpath(f"//a[@href='/projects/?programme={cloud.pk}']")


def test_a_portfolio_page_shows_its_programmes(browser_for, officer):
    portfolio = PortfolioFactory(name="IT")
    ProgrammeFactory(code="CLOUD", portfolio=portfolio)
    ProgrammeFactory(code="OTHER")

    response = browser_for(officer).get(f"/portfolios/{portfolio.pk}/")

    assert row_keys(response, "//section[@aria-labelledby='programmes-heading']//table") == ["CLOUD"]


def test_the_pmo_creates_a_programme(browser_for, officer):
    portfolio = PortfolioFactory()

    response = browser_for(officer).post(
        "/programmes/new/", {"code": "CLOUD", "name": "Cloud", "portfolio": portfolio.pk}
    )

    programme = Programme.objects.get(code="CLOUD")
    assert response["Location"] == f"/programmes/{programme.pk}/"
    assert programme.history.get().history_user.username == "olly"


def test_a_programme_manager_edits_their_programme_but_an_executive_may_not(browser_for, make_user):
    manager = make_user(Role.PROJECT_MANAGER)
    programme = ProgrammeFactory(code="CLOUD", manager=PersonFactory(user=manager))
    data = {"code": "CLOUD", "name": "Cloud first", "portfolio": programme.portfolio_id,
            "manager": programme.manager_id, "version": 1}

    refused = browser_for(make_user(Role.EXECUTIVE)).post(f"/programmes/{programme.pk}/edit/", data)
    saved = browser_for(manager).post(f"/programmes/{programme.pk}/edit/", data)

    assert refused.status_code == 403 and saved.status_code == 302
    assert Programme.objects.get(pk=programme.pk).name == "Cloud first"


def test_a_duplicate_name_is_shown_beside_the_field(browser_for, officer):
    OrgUnitFactory(name="Finance")

    response = browser_for(officer).post("/org-units/new/", {"name": "Finance", "kind": "department"})

    assert "already exists" in page(response).xpath("//*[@id='id_name_error']")[0].text_content()
    assert OrgUnit.objects.filter(name="Finance").count() == 1


def test_an_organisation_unit_in_use_cannot_be_deleted(browser_for, pmo_head):
    unit = OrgUnitFactory(name="Finance")
    ProjectFactory(department=unit)

    response = browser_for(pmo_head).post(f"/org-units/{unit.pk}/delete/", {"version": 1})

    problem = page(response).xpath("//*[@data-testid='problem']")[0].text_content()
    assert problem == "Finance cannot be deleted because other records use it: projects."
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_search_narrows_a_reference_list(browser_for, officer):
    PersonFactory(name="Nora Blake", email="nora@council.example")
    PersonFactory(name="Tom Reed", email="tom@council.example")

    response = browser_for(officer).get("/people/", {"q": "nora"})

    assert row_keys(response) == ["Nora Blake"]


def test_an_objective_page_lists_the_projects_serving_it(browser_for, officer):
    objective = StrategicObjectiveFactory(code="SO1", title="Digital by default")
    ProjectFactory(code="A").strategic_objectives.set([objective])
    ProjectFactory(code="B")

    response = browser_for(officer).get(f"/objectives/{objective.pk}/")

    assert page(response).xpath("//h1")[0].text == "SO1 Digital by default"
    assert row_keys(response, "//section[@aria-labelledby='projects-heading']//table") == ["A"]


def test_a_person_page_has_a_history_tab(browser_for, officer):
    person = PersonFactory(name="Nora Blake")

    response = browser_for(officer).get(f"/people/{person.pk}/history/")

    assert "Created" in text_of(response) and "Nora Blake" in text_of(response)


def test_the_lifecycle_lists_stages_in_order_with_their_gates(browser_for, officer):
    response = browser_for(officer).get("/settings/lifecycle/")

    stages = list(LifecycleStage.objects.order_by("order"))
    cells = page(response).xpath("//div[@id='record-results']//tbody/tr/td[1]")
    assert [c.text_content().strip() for c in cells] == [s.name for s in stages]
    assert "Gate 3: Approval to deliver" in text_of(response)
    assert not page(response).xpath("//a[normalize-space()='New lifecycle stage']")


def test_the_pmo_head_adds_and_edits_lifecycle_stages(browser_for, pmo_head):
    client = browser_for(pmo_head)
    delivery = LifecycleStage.objects.get(name="Delivery")

    listed = client.get("/settings/lifecycle/")
    added = client.post(
        "/settings/lifecycle/new/", {"order": 99, "name": "Benefits review", "gate_name": "Gate 6"}
    )
    edited = client.post(f"/settings/lifecycle/{delivery.pk}/edit/", {
        "order": delivery.order, "name": "Build and deliver", "gate_name": delivery.gate_name,
        "version": delivery.version,
    })

    assert page(listed).xpath("//a[normalize-space()='New lifecycle stage']")
    assert added.status_code == edited.status_code == 302
    assert added["Location"] == "/settings/lifecycle/"
    assert LifecycleStage.objects.filter(name="Benefits review", order=99).exists()
    assert LifecycleStage.objects.get(pk=delivery.pk).name == "Build and deliver"


def test_a_pmo_officer_may_not_change_the_lifecycle(browser_for, officer):
    delivery = LifecycleStage.objects.get(name="Delivery")
    client = browser_for(officer)

    new = client.post("/settings/lifecycle/new/", {"order": 99, "name": "Extra"})
    edit = client.get(f"/settings/lifecycle/{delivery.pk}/edit/")

    assert new.status_code == edit.status_code == 403
    assert not LifecycleStage.objects.filter(name="Extra").exists()


def test_a_directorate_counts_the_projects_of_its_departments(browser_for, officer):
    directorate = OrgUnitFactory(name="Place", kind="directorate")
    housing = OrgUnitFactory(name="Housing", kind="department", parent=directorate)
    repairs = OrgUnitFactory(name="Repairs", kind="service_area", parent=housing)
    own = ProjectFactory(code="PLC-1", department=directorate)
    ProjectFactory(code="HSG-1", department=housing)
    ProjectFactory(code="REP-1", department=repairs)
    ProjectFactory(code="ELSE-1", department=OrgUnitFactory(name="Finance"))
    client = browser_for(officer)

    listed = {
        row.xpath("td|th")[0].text_content().strip(): " ".join(row.xpath("td|th")[3].text_content().split())
        for row in page(client.get("/org-units/")).xpath("//div[@id='record-results']//tbody/tr")
    }
    detail = client.get(directorate.get_absolute_url())
    register = client.get(page(detail).xpath("//a[contains(@href, '?department=')]/@href")[0])

    assert listed == {"Finance": "1", "Housing": "2", "Place": "3", "Repairs": "1"}
    assert "3 projects" in " ".join(text_of(detail).split())
    assert sorted(row_keys(register)) == sorted([own.code, "HSG-1", "REP-1"])
