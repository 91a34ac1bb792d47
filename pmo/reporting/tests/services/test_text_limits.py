"""The reporting cycle's free text is bounded: one character over a field's limit is refused by
the service that writes it, naming the field and the limit, and at the limit it is kept; the API
and the forms refuse it too. The fields come from the models, so a new text field is tested (or
fails) here."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from pmo.core.services import record_update
from pmo.core.tests.text_limits import BoundedTextTests
from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision
from pmo.reporting.models import Baseline, HighlightReport, ProjectException
from pmo.reporting.tests.services.steps import BASELINE_FINISH, BUDGET, draft, submitted

pytestmark = pytest.mark.django_db


def _exception(cast, **fields):
    return ProjectException.objects.create(
        project=cast.project, dimensions="time", breach_summary="late", raised_at=timezone.now(), **fields
    )


def _report_submitted(cast, exception, **texts):
    values = dict.fromkeys(("cause", "consequences", "options", "recommendation"), "Stated.")
    values.update(texts)
    return services.exception_report_submit(
        actor=cast.pm, exception=exception, expected_version=exception.version, **values
    )


def _baseline(cast, **fields):
    return services.baseline_approve(
        actor=cast.head, project=cast.project, finish=BASELINE_FINISH, budget_at_completion=BUDGET, **fields
    )


class TestBoundedText(BoundedTextTests):
    app_label = "reporting"
    models_with_text = {HighlightReport, Baseline, ProjectException}

    @pytest.fixture(autouse=True)
    def _cast(self, cast):
        self.cast = cast

    def make(self, model, name):
        """The record as the step that writes ``name`` finds it (approving makes a baseline)."""
        if model is HighlightReport:
            return submitted(self.cast) if name == "review_comments" else draft(self.cast)
        if model is ProjectException:
            exception = _exception(self.cast)
            return _report_submitted(self.cast, exception) if name == "decision_notes" else exception
        return None

    def write(self, model, record, name, value):
        if model is Baseline:
            return _baseline(self.cast, **{"reason": "Business case approved", name: value})
        if name == "review_comments":
            return services.highlight_report_return(
                actor=self.cast.officer, report=record, comments=value, expected_version=record.version
            )
        if model is HighlightReport:
            return services.highlight_report_update(
                actor=self.cast.pm, report=record, fields={name: value}, expected_version=record.version
            )
        if name == "breach_summary":  # written by the system when a forecast breaches tolerance
            return record_update(instance=record, actor=None, fields={name: value}, expected_version=None)
        if name == "decision_notes":
            return services.exception_decide(
                actor=self.cast.sponsor,
                exception=record,
                decision=ExceptionDecision.CORRECTIVE_ACTION,
                notes=value,
                expected_version=record.version,
            )
        return _report_submitted(self.cast, record, **{name: value})


def test_the_api_refuses_a_long_summary_and_long_decision_notes_naming_the_field(cast):
    report = draft(cast)
    exception = _report_submitted(cast, _exception(cast))
    pm, sponsor = APIClient(), APIClient()
    pm.force_login(cast.pm)
    sponsor.force_login(cast.sponsor)

    changed = pm.patch(
        f"/api/v1/highlight-reports/{report.pk}/",
        {"summary": "x" * 10_001, "version": report.version},
        format="json",
    )
    decided = sponsor.post(
        f"/api/v1/exceptions/{exception.pk}/decide/",
        {"decision": "corrective_action", "notes": "x" * 2_001, "version": exception.version},
        format="json",
    )

    assert changed.status_code == 400
    assert changed.json()["fields"] == {
        "summary": ["Status summary is 10,001 characters long; the limit is 10,000."]
    }
    assert decided.status_code == 400
    assert decided.json()["fields"] == {"notes": ["Notes is 2,001 characters long; the limit is 2,000."]}
    exception.refresh_from_db()
    assert exception.decision == ""


def test_the_decision_form_says_the_limit_and_refuses_longer(cast):
    exception = _report_submitted(cast, _exception(cast))
    browser = Client()
    browser.force_login(cast.sponsor)
    url = f"/reporting/exceptions/{exception.pk}/decide/"

    shown = browser.get(url).content.decode()
    refused = browser.post(
        url, {"decision": "corrective_action", "notes": "x" * 2_001, "version": exception.version}
    )

    assert 'maxlength="2000"' in shown and "Up to 2,000 characters." in shown
    assert "Decision notes is 2,001 characters long; the limit is 2,000." in refused.content.decode()
    exception.refresh_from_db()
    assert exception.decision == ""


def _milestones(count):
    return [(f"Milestone {n}", BASELINE_FINISH) for n in range(count)]


def test_a_baseline_or_a_report_lists_at_most_30_milestones(cast):
    baseline = _baseline(cast, reason="Approved")
    assert baseline.milestones.count() == 0
    kept = _baseline(cast, reason="Re-planned", milestones=_milestones(30))
    report = draft(cast)

    with pytest.raises(ValidationError) as too_many_in_baseline:
        _baseline(cast, reason="Re-planned", milestones=_milestones(31))
    with pytest.raises(ValidationError) as too_many_in_report:
        services.highlight_report_update(
            actor=cast.pm,
            report=report,
            fields={},
            expected_version=report.version,
            milestones=[services.MilestoneForecast(name, due, None) for name, due in _milestones(31)],
        )

    message = services.TOO_MANY_MILESTONES.format(limit=30, count=31)
    assert message == "List at most 30 key milestones; this has 31."
    assert too_many_in_baseline.value.message_dict == {"milestones": [message]}
    assert too_many_in_report.value.message_dict == {"milestones": [message]}
    assert kept.milestones.count() == 30
    assert Baseline.objects.filter(project=cast.project).count() == 2


def test_the_api_refuses_31_milestones(cast):
    report = draft(cast)
    api = APIClient()
    api.force_login(cast.pm)
    rows = [{"name": f"M{n}", "forecast": "2026-12-01"} for n in range(31)]

    response = api.patch(
        f"/api/v1/highlight-reports/{report.pk}/",
        {"milestones": rows, "version": report.version},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["milestones"]
    assert not report.milestones.exists()
