"""A change request's free text is bounded: one character over a field's limit is refused by the
service that writes it, naming the field and the limit, and at the limit it is kept; the API and
the decision form refuse it too. The fields come from the model, so a new text field is tested
(or fails) here."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.text import capfirst
from rest_framework.test import APIClient

from pmo.change import services
from pmo.change.choices import ChangeStatus, ChangeType, Decision
from pmo.change.models import ChangeRequest
from pmo.core.text_limits import TEXT_TOO_LONG, BoundedTextField

pytestmark = pytest.mark.django_db

RAISE = {
    "title": "Add Welsh language",
    "change_type": ChangeType.SCOPE,
    "description": "Welsh pages",
    "reason": "Law",
}
RAISED_FIELDS = {"description", "reason"}
ASSESSED_FIELDS = {"impact_scope", "impact_risks", "options", "recommendation"}


def _raised(cast):
    return services.change_request_raise(actor=cast.pm, project=cast.project, fields=RAISE)


def _assessed(cast):
    change = _raised(cast)
    return services.change_request_assess(actor=cast.pm, change=change, fields={}, expected_version=1)


def write(cast, name, value):
    """Change one field through the step of the workflow that writes it."""
    if name in RAISED_FIELDS:
        change = _raised(cast)
        return services.change_request_update(
            actor=cast.pm, change=change, fields={name: value}, expected_version=change.version
        )
    if name in ASSESSED_FIELDS:
        change = _raised(cast)
        return services.change_request_assess(
            actor=cast.pm, change=change, fields={name: value}, expected_version=change.version
        )
    change = _assessed(cast)
    if name == "decision_notes":
        return services.change_request_decide(
            actor=cast.head,
            change=change,
            decision=Decision.REJECT,
            notes=value,
            expected_version=change.version,
        )
    assert name == "implementation_notes", f"no step of the workflow writes {name}: add it here"
    change = services.change_request_decide(
        actor=cast.head,
        change=change,
        decision=Decision.APPROVE,
        notes="Go",
        expected_version=change.version,
    )
    return services.change_request_implement(
        actor=cast.pm, change=change, notes=value, expected_version=change.version
    )


TEXT_FIELDS = [
    pytest.param(field, id=field.name)
    for model in apps.get_app_config("change").get_models()
    if not model.__name__.startswith("Historical")
    for field in model._meta.concrete_fields
    if isinstance(field, BoundedTextField)
]


def test_only_change_requests_hold_text():
    assert {p.values[0].model for p in TEXT_FIELDS} == {ChangeRequest}


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_one_character_over_the_limit_is_refused_by_the_service(cast, field):
    limit = field.max_length

    with pytest.raises(ValidationError) as refused:
        write(cast, field.name, "x" * (limit + 1))

    message = TEXT_TOO_LONG.format(field=capfirst(field.verbose_name), length=limit + 1, limit=limit)
    assert refused.value.message_dict == {field.name: [message]}
    assert not ChangeRequest.objects.filter(**{f"{field.name}__startswith": "x" * 100}).exists()


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_text_at_the_limit_is_kept(cast, field):
    change = write(cast, field.name, "x" * field.max_length)

    change.refresh_from_db()
    assert getattr(change, field.name) == "x" * field.max_length


def test_the_api_refuses_long_decision_notes_naming_the_field(cast):
    change = _assessed(cast)
    api = APIClient()
    api.force_login(cast.head)

    response = api.post(
        f"/api/v1/change-requests/{change.pk}/decide/",
        {"decision": "reject", "notes": "x" * 2_001, "version": change.version},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"notes": ["Notes is 2,001 characters long; the limit is 2,000."]}
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED


def test_the_decision_form_says_the_limit_and_refuses_longer(cast):
    change = _assessed(cast)
    browser = Client()
    browser.force_login(cast.head)

    shown = browser.get(f"/changes/{change.pk}/decide/").content.decode()
    refused = browser.post(
        f"/changes/{change.pk}/decide/",
        {"decision": "reject", "decision_notes": "x" * 2_001, "version": change.version},
    )

    assert 'maxlength="2000"' in shown and "Up to 2,000 characters." in shown
    assert "Decision notes is 2,001 characters long; the limit is 2,000." in refused.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED
