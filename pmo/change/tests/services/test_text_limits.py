"""A change request's free text is bounded: one character over a field's limit is refused by the
service that writes it, naming the field and the limit, and at the limit it is kept; the API and
the decision form refuse it too. The fields come from the model, so a new text field is tested
(or fails) here."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from pmo.change import services
from pmo.change.choices import ChangeStatus, ChangeType, Decision
from pmo.change.models import ChangeRequest
from pmo.core.tests.text_limits import BoundedTextTests

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


def _decided(cast, change, decision, notes):
    return services.change_request_decide(
        actor=cast.head, change=change, decision=decision, notes=notes, expected_version=change.version
    )


class TestBoundedText(BoundedTextTests):
    app_label = "change"
    models_with_text = {ChangeRequest}

    @pytest.fixture(autouse=True)
    def _cast(self, cast):
        self.cast = cast

    def make(self, model, name):
        """The change as the step that writes ``name`` finds it."""
        if name in RAISED_FIELDS | ASSESSED_FIELDS:
            return _raised(self.cast)
        if name == "decision_notes":
            return _assessed(self.cast)
        return _decided(self.cast, _assessed(self.cast), Decision.APPROVE, "Go")

    def write(self, model, record, name, value):
        """Change one field through the step of the workflow that writes it."""
        step = {"actor": self.cast.pm, "change": record, "expected_version": record.version}
        if name in RAISED_FIELDS:
            return services.change_request_update(fields={name: value}, **step)
        if name in ASSESSED_FIELDS:
            return services.change_request_assess(fields={name: value}, **step)
        if name == "decision_notes":
            return _decided(self.cast, record, Decision.REJECT, value)
        assert name == "implementation_notes", f"no step of the workflow writes {name}: add it here"
        return services.change_request_implement(notes=value, **step)


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
