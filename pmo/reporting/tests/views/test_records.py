"""A report as PDF, and the baseline pages."""

import pytest

from pmo.reporting.models import Baseline
from pmo.reporting.tests.views.helpers import text_of

pytestmark = pytest.mark.django_db


def test_the_report_opens_as_a_pdf(world):
    report = world.breaching_submission()

    response = world.client(world.sponsor).get(f"/reporting/reports/{report.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="DFD-001-2026-11-r1.pdf"'
    assert response.content.startswith(b"%PDF")


def test_a_hidden_report_has_no_pdf(world):
    report = world.draft()
    world.project.confidential = True
    world.project.save()

    assert world.client(world.other_pm).get(f"/reporting/reports/{report.pk}/pdf/").status_code == 404


def test_the_baseline_page_and_its_history(world):
    baseline = Baseline.objects.get(project=world.project)
    client = world.client(world.pm)

    detail = text_of(client.get(baseline.get_absolute_url()))
    history = text_of(client.get(f"/reporting/baselines/{baseline.pk}/history/"))

    assert "18 Dec 2026" in detail and "£250,000" in detail and "Business case approved" in detail
    assert "Go live 1 Dec 2026" in detail
    assert "Created" in history and "Business case approved" in history
