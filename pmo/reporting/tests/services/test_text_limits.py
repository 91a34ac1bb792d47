"""The reporting cycle's free text is bounded: one character over a field's limit is refused by
the service that writes it, naming the field and the limit, and at the limit it is kept; the API
and the forms refuse it too. The fields come from the models, so a new text field is tested (or
fails) here."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.text import capfirst
from rest_framework.test import APIClient

from pmo.core.services import record_update
from pmo.core.text_limits import TEXT_TOO_LONG, BoundedTextField
from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision
from pmo.reporting.models import Baseline, HighlightReport, ProjectException
from pmo.reporting.tests.services.steps import BASELINE_FINISH, draft, submitted

pytestmark = pytest.mark.django_db

REPORT_TEXT = "x"


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


def write_report(cast, name, value):
    if name == "review_comments":
        report = submitted(cast)
        return services.highlight_report_return(
            actor=cast.officer, report=report, comments=value, expected_version=report.version
        )
    report = draft(cast)
    return services.highlight_report_update(
        actor=cast.pm, report=report, fields={name: value}, expected_version=report.version
    )


def write_baseline(cast, name, value):
    texts = {"reason": "Business case approved", name: value}
    return services.baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=BASELINE_FINISH,
        budget_at_completion=Decimal(250000),
        **texts,
    )


def write_exception(cast, name, value):
    exception = _exception(cast)
    if name == "breach_summary":  # written by the system when a forecast breaches tolerance
        return record_update(instance=exception, actor=None, fields={name: value}, expected_version=None)
    if name == "decision_notes":
        exception = _report_submitted(cast, exception)
        return services.exception_decide(
            actor=cast.sponsor,
            exception=exception,
            decision=ExceptionDecision.CORRECTIVE_ACTION,
            notes=value,
            expected_version=exception.version,
        )
    return _report_submitted(cast, exception, **{name: value})


WRITERS = {HighlightReport: write_report, Baseline: write_baseline, ProjectException: write_exception}
"""The service that writes each model's text (a new model with text must be added)."""

TEXT_FIELDS = [
    pytest.param(model, field, id=f"{model.__name__}.{field.name}")
    for model in apps.get_app_config("reporting").get_models()
    if not model.__name__.startswith("Historical")
    for field in model._meta.concrete_fields
    if isinstance(field, BoundedTextField)
]


def test_every_model_with_text_is_covered():
    assert {p.values[0] for p in TEXT_FIELDS} == set(WRITERS)


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_one_character_over_the_limit_is_refused_by_the_service(cast, model, field):
    limit = field.max_length
    before = model.objects.count()

    with pytest.raises(ValidationError) as refused:
        WRITERS[model](cast, field.name, REPORT_TEXT * (limit + 1))

    message = TEXT_TOO_LONG.format(field=capfirst(field.verbose_name), length=limit + 1, limit=limit)
    assert refused.value.message_dict == {field.name: [message]}
    assert model.objects.filter(**{f"{field.name}__startswith": REPORT_TEXT * 100}).count() == 0
    assert model.objects.count() <= before + 1  # a draft or an exception to write into, no more


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_text_at_the_limit_is_kept(cast, model, field):
    record = WRITERS[model](cast, field.name, REPORT_TEXT * field.max_length)

    record.refresh_from_db()
    assert getattr(record, field.name) == REPORT_TEXT * field.max_length


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
    baseline = write_baseline(cast, "reason", "Approved")
    assert baseline.milestones.count() == 0
    kept = services.baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=BASELINE_FINISH,
        budget_at_completion=Decimal(250000),
        reason="Re-planned",
        milestones=_milestones(30),
    )
    report = draft(cast)

    with pytest.raises(ValidationError) as too_many_in_baseline:
        services.baseline_approve(
            actor=cast.head,
            project=cast.project,
            finish=BASELINE_FINISH,
            budget_at_completion=Decimal(250000),
            reason="Re-planned",
            milestones=_milestones(31),
        )
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
