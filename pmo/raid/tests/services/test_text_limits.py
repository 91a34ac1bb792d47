"""RAID items' free text is bounded: one character over a field's limit is refused by the
services, the API and the forms, naming the field and the limit; at the limit it is kept (the
import: ``excel/test_text_limits.py``). The fields come from the models, so a new text field is
tested (or fails) here."""

import pytest
from rest_framework.test import APIClient

from pmo.core.tests.text_limits import BoundedTextTests
from pmo.raid.choices import Level
from pmo.raid.services import raid_item_escalate, raid_item_update
from pmo.raid.tests.factories import ITEM_FACTORIES, RiskFactory
from pmo.raid.tests.views.helpers import client_for, field_error

pytestmark = pytest.mark.django_db


class TestBoundedText(BoundedTextTests):
    app_label = "raid"
    models_with_text = set(ITEM_FACTORIES)

    @pytest.fixture(autouse=True)
    def _cast(self, cast):
        self.cast = cast

    def make(self, model, name):
        return ITEM_FACTORIES[model](project=self.cast.project)

    def write(self, model, record, name, value):
        """The escalation note is written by escalating, every other field by changing the item."""
        if name == "escalation_note":
            return raid_item_escalate(
                actor=self.cast.head, item=record, to=Level.PROGRAMME, note=value, expected_version=1
            )
        return raid_item_update(actor=self.cast.head, item=record, fields={name: value}, expected_version=1)


def test_the_api_answers_400_naming_the_field_and_the_limit(cast):
    risk = RiskFactory(project=cast.project)
    api = APIClient()
    api.force_login(cast.pm)

    changed = api.patch(
        f"/api/v1/risks/{risk.pk}/", {"description": "x" * 10_001, "version": 1}, format="json"
    )
    escalated = api.post(
        f"/api/v1/risks/{risk.pk}/escalate/",
        {"to": "programme", "note": "x" * 2_001, "version": 1},
        format="json",
    )

    assert changed.status_code == 400
    assert changed.json()["fields"] == {
        "description": ["Description is 10,001 characters long; the limit is 10,000."]
    }
    assert escalated.status_code == 400
    assert escalated.json()["fields"] == {"note": ["Note is 2,001 characters long; the limit is 2,000."]}
    risk.refresh_from_db()
    assert (risk.version, risk.escalated_to) == (1, "")


def test_the_escalation_form_says_the_limit_and_refuses_longer(cast):
    risk = RiskFactory(project=cast.project)
    browser = client_for(cast.pm)

    shown = browser.get(f"/raid/risks/{risk.pk}/escalate/").content.decode()
    refused = browser.post(
        f"/raid/risks/{risk.pk}/escalate/",
        {"escalated_to": "programme", "escalation_note": "x" * 2_001, "version": 1},
    )

    assert 'maxlength="2000"' in shown and "Up to 2,000 characters." in shown
    assert field_error(refused, "escalation_note") == (
        "Why (required) is 2,001 characters long; the limit is 2,000."
    )
    risk.refresh_from_db()
    assert risk.escalated_to == ""
