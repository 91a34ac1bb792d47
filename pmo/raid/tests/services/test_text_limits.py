"""RAID items' free text is bounded: one character over a field's limit is refused by the
services, the API and the forms, naming the field and the limit; at the limit it is kept (the
import: ``excel/test_text_limits.py``). The fields come from the models, so a new text field is
tested (or fails) here."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from rest_framework.test import APIClient

from pmo.core.text_limits import TEXT_TOO_LONG, BoundedTextField
from pmo.raid.choices import Level
from pmo.raid.models import Action, Assumption, Decision, Dependency, Issue, Risk
from pmo.raid.services import raid_item_escalate, raid_item_update
from pmo.raid.tests.factories import (
    ActionFactory,
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    IssueFactory,
    RiskFactory,
)
from pmo.raid.tests.views.helpers import client_for, field_error

pytestmark = pytest.mark.django_db

FACTORIES = {
    Risk: RiskFactory,
    Assumption: AssumptionFactory,
    Issue: IssueFactory,
    Dependency: DependencyFactory,
    Action: ActionFactory,
    Decision: DecisionFactory,
}
"""How to make an item of each register that has text (a new one must be added)."""

TEXT_FIELDS = [
    pytest.param(model, field, id=f"{model.__name__}.{field.name}")
    for model in apps.get_app_config("raid").get_models()
    if not model.__name__.startswith("Historical")
    for field in model._meta.concrete_fields
    if isinstance(field, BoundedTextField)
]


def write(actor, item, name, value):
    """Change one field through the service that writes it (the escalation note: escalating)."""
    if name == "escalation_note":
        return raid_item_escalate(
            actor=actor, item=item, to=Level.PROGRAMME, note=value, expected_version=item.version
        )
    return raid_item_update(actor=actor, item=item, fields={name: value}, expected_version=item.version)


def too_long(field, limit):
    return TEXT_TOO_LONG.format(field=capfirst(field.verbose_name), length=limit + 1, limit=limit)


def test_every_register_with_text_is_covered():
    assert {p.values[0] for p in TEXT_FIELDS} == set(FACTORIES)


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_one_character_over_the_limit_is_refused_by_the_service(cast, model, field):
    item = FACTORIES[model](project=cast.project)
    limit = field.max_length

    with pytest.raises(ValidationError) as refused:
        write(cast.head, item, field.name, "x" * (limit + 1))

    assert refused.value.message_dict == {field.name: [too_long(field, limit)]}
    item.refresh_from_db()
    assert item.version == 1


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_text_at_the_limit_is_kept(cast, model, field):
    item = FACTORIES[model](project=cast.project)

    write(cast.head, item, field.name, "x" * field.max_length)

    item.refresh_from_db()
    assert getattr(item, field.name) == "x" * field.max_length


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
