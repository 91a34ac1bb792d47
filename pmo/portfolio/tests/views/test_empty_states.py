"""An empty register list says what to do next: the PMO is offered the import and the form, a
reader who may add nothing is told who does, and a search that finds nothing offers to clear it;
on a phone each cell of a list names its column."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory
from pmo.portfolio.tests.views.conftest import page, text_of

pytestmark = pytest.mark.django_db


def empty_state(response):
    found = page(response).xpath("//*[@data-testid='empty-state']")
    assert len(found) == 1, "the list shows one empty state"
    return found[0]


def links(element):
    return {" ".join(a.text_content().split()): a.get("href") for a in element.xpath(".//a")}


def test_the_pmo_head_with_no_projects_is_offered_the_import_and_the_form(browser_for, make_user):
    head = make_user(Role.PMO_HEAD)

    response = browser_for(head).get("/projects/")

    state = empty_state(response)
    assert "No active projects yet" in state.text_content()
    assert "Import your project register from Excel, or add projects one at a time." in state.text_content()
    assert links(state) == {"Import your register": "/projects/import/", "New project": "/projects/new/"}
    assert not page(response).xpath("//div[@id='record-results']//table"), "no empty table beside it"


def test_people_offer_their_own_import(browser_for, make_user):
    response = browser_for(make_user(Role.PMO_OFFICER)).get("/people/")

    state = empty_state(response)
    assert "No people yet" in state.text_content()
    assert links(state) == {"Import people from Excel": "/import/people/", "New person": "/people/new/"}


def test_a_reader_who_may_add_nothing_is_told_who_does(browser_for, make_user):
    response = browser_for(make_user(Role.EXECUTIVE)).get("/people/")

    state = empty_state(response)
    assert "No people yet" in state.text_content()
    assert "The PMO adds people; they will show here." in state.text_content()
    assert links(state) == {}


def test_a_search_finding_nothing_offers_to_clear_it(browser_for, make_user):
    PersonFactory(name="Ada Lovelace")

    response = browser_for(make_user(Role.PMO_HEAD)).get("/people/", {"q": "Nobody"})

    state = empty_state(response)
    assert "No people match" in state.text_content()
    assert links(state) == {"Clear the search and filters": "/people/?q="}


def test_sorting_an_empty_list_is_still_none_yet_not_no_match(browser_for, make_user):
    response = browser_for(make_user(Role.PMO_HEAD)).get("/people/", {"sort": "name", "page": "1"})

    assert "No people yet" in empty_state(response).text_content()


def test_each_cell_of_a_list_names_its_column_for_the_phone_cards(browser_for, make_user):
    PersonFactory(name="Ada Lovelace")

    response = browser_for(make_user(Role.PMO_HEAD)).get("/people/")

    header = [" ".join(th.text_content().split()) for th in page(response).xpath("//table/thead//th")]
    row = page(response).xpath("//table/tbody/tr")[0]
    labels = [cell.get("data-label") for cell in row.xpath("th|td")]
    assert labels[: len(header) - 1] == [h.rstrip("▲▼↕") for h in header[: len(header) - 1]]
    assert "Ada Lovelace" in text_of(response)
