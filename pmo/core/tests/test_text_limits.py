"""Every free-text field of the product has a length limit, stated in forms and the API schema.

The guard tests read every model of every pmo app (history models included), so a new
unbounded text field, an unbounded JSON or binary field, or a CharField as long as a document
fails here until it is given a limit."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.test import APIClient

from pmo.core.api import BoundedCharField
from pmo.core.choices import Role
from pmo.core.errors import BODY_TOO_BIG
from pmo.core.models import Notification
from pmo.core.services import BODY_LIMIT, notify
from pmo.core.text_limits import (
    DESCRIPTION,
    LIMIT_HELP,
    NOTE,
    SHORTENED,
    SHORTENED_ON_UPGRADE,
    TEXT_TOO_LONG,
    BoundedJSONField,
    BoundedTextField,
    shorten,
    text_limit,
)
from pmo.portfolio.models import Portfolio

PMO_MODELS = [m for m in apps.get_models() if m.__module__.startswith("pmo.")]
TEXT_FIELDS = [
    pytest.param(model, field, id=f"{model._meta.label}.{field.name}")
    for model in PMO_MODELS
    for field in model._meta.get_fields()
    if isinstance(field, models.TextField)
]


def test_the_limits_are_a_note_and_a_description():
    assert settings.PMO_TEXT_LIMITS == {NOTE: 2_000, DESCRIPTION: 10_000}
    assert text_limit(NOTE) == 2_000
    assert text_limit(DESCRIPTION) == 10_000


def test_there_are_text_fields_to_guard():
    assert len(TEXT_FIELDS) > 50  # the domain models and their history models


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_every_text_field_in_pmo_has_a_named_limit(model, field):
    assert isinstance(field, BoundedTextField), f"{model._meta.label}.{field.name} has no length limit"
    assert field.max_length == settings.PMO_TEXT_LIMITS[field.limit]


@pytest.mark.parametrize("model", PMO_MODELS, ids=lambda m: m._meta.label)
def test_no_model_keeps_unbounded_json_binary_or_file_data(model):
    unbounded = [
        f.name
        for f in model._meta.get_fields()
        if (isinstance(f, models.JSONField) and not isinstance(f, BoundedJSONField))
        or isinstance(f, models.FileField)
        or (isinstance(f, models.BinaryField) and f.max_length is None)  # a plan's file has its size limit
    ]

    assert unbounded == []


@pytest.mark.parametrize("model", PMO_MODELS, ids=lambda m: m._meta.label)
def test_a_one_line_field_is_no_longer_than_a_note(model):
    too_long = [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField)
        and not isinstance(f, models.TextField)
        and f.max_length > text_limit(NOTE)
    ]

    assert too_long == []


def test_a_text_field_over_its_limit_is_refused_naming_it_and_the_limit():
    field = Notification._meta.get_field("body")

    with pytest.raises(Exception) as refused:
        field.clean("x" * 10_001, None)

    assert refused.value.messages == [TEXT_TOO_LONG.format(field="Body", length=10_001, limit=10_000)]
    assert refused.value.messages == ["Body is 10,001 characters long; the limit is 10,000."]
    assert field.clean("x" * 10_000, None) == "x" * 10_000


def test_the_form_field_says_the_limit_and_the_textarea_stops_at_it():
    form_field = Notification._meta.get_field("body").formfield()

    assert form_field.widget.attrs["maxlength"] == "10000"
    assert form_field.help_text == LIMIT_HELP.format(limit=10_000) == "Up to 10,000 characters."
    assert form_field.clean("x" * 10_000) == "x" * 10_000
    with pytest.raises(Exception) as refused:
        form_field.clean("x" * 10_001)
    assert refused.value.messages == ["Body is 10,001 characters long; the limit is 10,000."]


def test_a_form_label_names_the_field_in_the_message():
    form_field = Notification._meta.get_field("body").formfield(label="What happened")

    with pytest.raises(Exception) as refused:
        form_field.clean("x" * 10_001)

    assert refused.value.messages == ["What happened is 10,001 characters long; the limit is 10,000."]


def test_migrations_see_a_plain_text_field_so_tuning_a_limit_needs_none():
    _name, path, _args, kwargs = Notification._meta.get_field("body").deconstruct()

    assert path == "django.db.models.TextField"
    assert "max_length" not in kwargs
    assert "limit" not in kwargs


def test_a_long_value_is_shown_shortened_saying_how_much_is_hidden():
    assert shorten("abc", 3) == "abc"
    assert shorten("abcdef", 3) == "abc" + SHORTENED.format(hidden=3)
    assert shorten("a" * 12_345, 10_000) == "a" * 10_000 + "… (2,345 more characters not shown)"


def test_a_notification_quoting_long_text_is_cut_saying_so(make_user):
    user = make_user()

    notify(recipients=[user], key="long", subject="Escalated", body="n" * 50_000)

    body = Notification.objects.get(recipient=user).body
    assert body == "n" * BODY_LIMIT + SHORTENED.format(hidden=50_000 - BODY_LIMIT)
    assert len(body) <= Notification._meta.get_field("body").max_length


def _model_serializers() -> list[type[serializers.ModelSerializer]]:
    import config.api_urls  # noqa: F401  (loads every app's API)

    found, todo = [], list(serializers.ModelSerializer.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is not None and model.__module__.startswith("pmo."):
            found.append(cls)
    return found


@pytest.mark.django_db
def test_the_api_schema_publishes_each_text_fields_limit():
    schema = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    checked, published = 0, 0

    for serializer_class in _model_serializers():
        model = serializer_class.Meta.model
        component = schema.get(serializer_class.__name__.removesuffix("Serializer") + "Request", {})
        fields = serializer_class().fields
        for name, api_field in fields.items():
            if api_field.read_only:
                continue
            source = api_field.source if api_field.source != "*" else name
            try:
                model_field = model._meta.get_field(source)
            except Exception:  # noqa: S112 (a field of the API's own, not the model's)
                continue
            if isinstance(model_field, BoundedTextField):
                assert isinstance(api_field, BoundedCharField), f"{serializer_class.__name__}.{name}"
                assert api_field.max_length == model_field.max_length
                checked += 1
                if name in component.get("properties", {}):
                    assert component["properties"][name]["maxLength"] == model_field.max_length
                    published += 1

    assert checked > 60
    assert published > 30


def test_the_largest_form_within_the_limits_fits_in_a_request_body():
    # Given the model whose text fields hold the most, filled with 4-byte characters that a form
    # sends percent-encoded (12 bytes each)
    largest = max(
        sum(f.max_length for f in m._meta.concrete_fields if isinstance(f, BoundedTextField))
        for m in PMO_MODELS
    )

    # Then it fits in the body a request may have, which is far below 10 MB
    assert largest * 12 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024


@pytest.mark.django_db
def test_a_10_mb_body_is_refused_before_it_reaches_a_text_field(make_user):
    portfolio = Portfolio.objects.create(name="IT Portfolio")
    client = APIClient()
    client.force_login(make_user(Role.PMO_HEAD))
    body = {"description": "x" * (10 * 1024 * 1024), "version": 1}

    response = client.patch(f"/api/v1/portfolios/{portfolio.pk}/", body, format="json")

    assert response.status_code == 413
    assert response.json() == {"message": BODY_TOO_BIG.format(limit=2 * 1024 * 1024), "fields": {}}
    portfolio.refresh_from_db()
    assert (portfolio.version, portfolio.description) == (1, "")


def test_line_breaks_count_once_as_the_browser_counts_them():
    form_field = Notification._meta.get_field("body").formfield()

    text = "line\r\n" * 1_999 + "end"  # 9,998 characters as the browser counts them, 11,997 as sent

    assert form_field.clean(text) == "line\n" * 1_999 + "end"


def test_a_notification_stored_before_the_limits_is_shortened_on_upgrade(make_user):
    migration = importlib.import_module("pmo.core.migrations.0006_shorten_over_long_text")
    user = make_user()
    notify(recipients=[user], key="old", subject="Old", body="short")
    Notification.objects.filter(recipient=user).update(body="n" * 30_000)

    migration.shorten_over_long_text("core", migration.FIELDS)(apps, None)

    body = Notification.objects.get(recipient=user).body
    assert len(body) == 10_000
    assert body.endswith(SHORTENED_ON_UPGRADE.format(limit=10_000, length=30_000))


def test_a_json_document_the_system_keeps_is_refused_beyond_its_limit():
    from pmo.reporting.models import ProjectException

    field = ProjectException._meta.get_field("evm")
    assert field.clean({"cpi": "0.95"}, None) == {"cpi": "0.95"}
    with pytest.raises(
        ValidationError, match=r"Earned value at the breach is 2,011 characters long; the limit is 2,000"
    ):
        field.clean({"why": "x" * 2_000}, None)
