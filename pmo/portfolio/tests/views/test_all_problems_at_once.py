"""The project form shows every problem in one submit: a field's own and both rules across
fields (a finish before the start, a programme of another portfolio)."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.models import FINISH_BEFORE_START, Project
from pmo.portfolio.tests.factories import ProgrammeFactory
from pmo.portfolio.tests.views.conftest import page
from pmo.portfolio.tests.views.test_project_forms import new_project_data

pytestmark = pytest.mark.django_db


def test_a_project_with_three_problems_shows_all_three(browser_for, make_user):
    officer = make_user(Role.PMO_OFFICER, username="olly")
    elsewhere = ProgrammeFactory()
    data = new_project_data(name="", planned_finish="2026-01-01", programme=elsewhere.pk)

    response = browser_for(officer).post("/projects/new/", data)

    summary = " ".join(page(response).xpath("//*[@data-testid='error-summary']")[0].text_content().split())
    assert "Name: This field is required." in summary
    assert FINISH_BEFORE_START in summary
    assert f"Programme {elsewhere} belongs to portfolio {elsewhere.portfolio}, not" in summary
    assert not Project.objects.exists()
