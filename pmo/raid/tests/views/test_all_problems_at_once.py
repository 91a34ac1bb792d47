"""A RAID item's form with several problems shows them all in one submit: the form's own, the
scores the PMO's matrix refuses and the model's rules across fields; nothing is raised."""

import pytest

from pmo.engine.risk import BAD_BANDS
from pmo.raid.models import Risk
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import RiskFactory
from pmo.raid.tests.views.helpers import client_for, doc
from pmo.raid.tests.views.test_item_pages import edit_data, risk_data
from pmo.raid.tests.views.test_settings_and_map import settings_data

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."
OFF_MATRIX = "Probability must be a whole number from 1 to 5 on this matrix (got 9)."
WRONG_RESPONSE = "Reduce is not a response to an opportunity"


def summary(response) -> str:
    found = doc(response).xpath("//*[@data-testid='error-summary']")
    return " ".join(found[0].text_content().split()) if found else ""


def test_a_risk_raised_with_three_problems_shows_all_three(cast):
    # Given no title, a probability beyond the 5 × 5 matrix, and a threat's response to an opportunity
    data = risk_data(
        owner=cast.project.project_manager.pk,
        title="",
        inherent_probability="9",
        kind="opportunity",
        response="reduce",
    )

    response = client_for(cast.pm).post("/raid/risks/new/?project=WEB", data)

    shown = summary(response)
    assert f"Title: {REQUIRED}" in shown
    assert OFF_MATRIX in shown
    assert WRONG_RESPONSE in shown
    assert not Risk.objects.exists()


def test_a_risk_edited_with_three_problems_shows_all_three(cast):
    risk = RiskFactory(project=cast.project)
    data = edit_data(risk, title="", inherent_probability="9", kind="opportunity", response="reduce")

    response = client_for(cast.pm).post(f"/raid/risks/{risk.pk}/edit/", data)

    shown = summary(response)
    assert f"Title: {REQUIRED}" in shown
    assert OFF_MATRIX in shown
    assert WRONG_RESPONSE in shown
    risk.refresh_from_db()
    assert risk.title != ""


def test_the_raid_settings_with_three_problems_show_all_three(cast):
    # Given a stale threshold that is not a number, no impact levels, and bands the wrong way round
    row = raid_settings()
    data = settings_data(row, stale_days="soon", impact_levels="", medium_from=20, high_from=10)

    response = client_for(cast.head).post("/raid/settings/", data)

    shown = summary(response)
    assert "Enter a whole number." in shown
    assert "This field is required." in shown
    assert BAD_BANDS.format(top=25) in shown
    row.refresh_from_db()
    assert (row.medium_from, row.high_from) != (20, 10)
