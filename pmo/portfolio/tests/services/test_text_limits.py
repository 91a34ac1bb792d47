"""The register's free text is bounded: one character over a field's limit is refused by the
services, the API and the forms, naming the field and the limit; at the limit it is kept (the
import: ``imports/test_text_limits.py``). The fields come from the models, so a new text field
is tested (or fails) here."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from pmo.core.tests.text_limits import BoundedTextTests
from pmo.portfolio.models import (
    LifecycleStage,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)
from pmo.portfolio.services import project_update, register_entry_update
from pmo.portfolio.tests.factories import (
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

MAKERS = {
    StrategicObjective: StrategicObjectiveFactory,
    LifecycleStage: default_stage,
    Portfolio: PortfolioFactory,
    Programme: ProgrammeFactory,
    Project: ProjectFactory,
}
"""How to make a record of each model that has text (a new model with text must be added; org
units and people hold none)."""


def write(actor, record, name, value):
    """Change one field through the service that writes the record."""
    if isinstance(record, Project):
        return project_update(
            actor=actor, project=record, fields={name: value}, expected_version=record.version
        )
    return register_entry_update(
        actor=actor, entry=record, fields={name: value}, expected_version=record.version
    )


class TestBoundedText(BoundedTextTests):
    app_label = "portfolio"
    models_with_text = set(MAKERS)

    @pytest.fixture(autouse=True)
    def _actor(self, pmo_head):
        self.actor = pmo_head

    def make(self, model, name):
        return MAKERS[model]()

    def write(self, model, record, name, value):
        return write(self.actor, record, name, value)


def test_a_10_mb_description_is_refused_and_history_does_not_grow(pmo_head):
    project = ProjectFactory()
    before = project.history.count()

    with pytest.raises(ValidationError) as refused:
        write(pmo_head, project, "description", "x" * (10 * 1024 * 1024))

    assert refused.value.messages == ["Description is 10,485,760 characters long; the limit is 10,000."]
    assert project.history.count() == before


def test_the_api_answers_400_naming_the_field_and_the_limit(pmo_head):
    project = ProjectFactory(code="IT-145")
    client = APIClient()
    client.force_login(pmo_head)

    response = client.patch(
        "/api/v1/projects/IT-145/", {"description": "x" * 10_001, "version": 1}, format="json"
    )

    assert response.status_code == 400
    message = "Description is 10,001 characters long; the limit is 10,000."
    assert response.json() == {"message": f"description: {message}", "fields": {"description": [message]}}
    project.refresh_from_db()
    assert project.version == 1


def test_the_form_says_the_limit_and_shows_the_refusal_beside_the_field(pmo_head):
    programme = ProgrammeFactory(code="CLOUD", name="Cloud")
    client = Client()
    client.force_login(pmo_head)
    data = {"code": "CLOUD", "name": "Cloud", "portfolio": programme.portfolio_id, "version": 1}

    shown = client.get(f"/programmes/{programme.pk}/edit/").content.decode()
    refused = client.post(f"/programmes/{programme.pk}/edit/", {**data, "description": "x" * 10_001})

    assert 'maxlength="10000"' in shown and "Up to 10,000 characters." in shown
    assert refused.status_code == 400  # shown again, with what to correct
    assert "Description is 10,001 characters long; the limit is 10,000." in refused.content.decode()
    programme.refresh_from_db()
    assert programme.version == 1
