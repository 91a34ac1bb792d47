"""The report form and page say where the open-high-risks figure comes from: the project's risk
register (shown, not typed) or the PM's declaration."""

import pytest

from pmo.raid.tests.factories import RiskFactory
from pmo.reporting.forms import HIGH_RISKS_DECLARED, HIGH_RISKS_FROM_REGISTER
from pmo.reporting.tests.views.helpers import doc, report_data, text_of

pytestmark = pytest.mark.django_db

HIGH = {"residual_probability": 5, "residual_impact": 4}


def helptext(response) -> str:
    return " ".join(doc(response).xpath("//*[@id='id_high_risks_open_helptext']")[0].text_content().split())


def test_with_a_risk_register_the_form_shows_its_figure_and_it_cannot_be_typed_over(world):
    RiskFactory.create_batch(3, project=world.project, **HIGH)
    report = world.draft()
    client = world.client(world.pm)

    page = client.get(f"/reporting/reports/{report.pk}/edit/")

    field = doc(page).xpath("//input[@id='id_high_risks_open']")[0]
    assert field.get("value") == "3" and field.get("disabled") is not None
    assert helptext(page) == HIGH_RISKS_FROM_REGISTER.format(count=3, s="s")

    posted = client.post(f"/reporting/reports/{report.pk}/edit/", report_data(report, high_risks_open=0))
    assert posted.status_code == 302
    report.refresh_from_db()
    assert report.high_risks_open == 3
    shown = client.get(f"/reporting/reports/{report.pk}/")
    assert "Open high risks 3 (from the risk register)" in text_of(shown)


def test_without_a_risk_register_the_pm_declares_the_figure(world):
    report = world.draft()
    client = world.client(world.pm)

    page = client.get(f"/reporting/reports/{report.pk}/edit/")
    assert doc(page).xpath("//input[@id='id_high_risks_open']")[0].get("disabled") is None
    assert helptext(page) == HIGH_RISKS_DECLARED

    client.post(f"/reporting/reports/{report.pk}/edit/", report_data(report, high_risks_open=2))
    report.refresh_from_db()
    assert report.high_risks_open == 2
    assert "Open high risks 2 (declared)" in text_of(client.get(f"/reporting/reports/{report.pk}/"))
