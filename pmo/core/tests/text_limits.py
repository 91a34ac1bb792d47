"""What every app's ``tests/services/test_text_limits.py`` shares (ADR 0021): the app's bounded
text fields, read from its models, and the tests each of them gets from ``BoundedTextTests`` — one
character over the limit is refused by the service that writes it, naming the field and the
limit, and nothing is stored; at the limit the text is kept.

An app's test module subclasses it as ``TestBoundedText``: it names its app and its models with
text (a new model with text fails until it is added) and says how its services write each field
(``make`` the record as the writing step finds it, ``write`` the field through that step; a field
no step writes fails there)."""

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from pmo.core.text_limits import TEXT_TOO_LONG, BoundedTextField


def text_fields(app_label: str) -> list[Any]:
    """Every bounded text field of the app's models (history models apart), as test parameters
    ``(model, field)`` named ``Model.field``."""
    return [
        pytest.param(model, field, id=f"{model.__name__}.{field.name}")
        for model in apps.get_app_config(app_label).get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if isinstance(field, BoundedTextField)
    ]


def too_long(field: Any, length: int) -> str:
    """The refusal of ``length`` characters in ``field``, e.g. "Description is 10,001 characters
    long; the limit is 10,000."."""
    return TEXT_TOO_LONG.format(field=capfirst(field.verbose_name), length=length, limit=field.max_length)


class BoundedTextTests(ABC):
    """The tests of every bounded text field of ``app_label``, each written through its service."""

    app_label: ClassVar[str]
    models_with_text: ClassVar[set[type[models.Model]]]

    @abstractmethod
    def make(self, model: type[models.Model], name: str) -> Any:
        """The record the service that writes field ``name`` writes into, as that step finds it;
        None where the service makes the record itself."""

    @abstractmethod
    def write(self, model: type[models.Model], record: Any, name: str, value: str) -> Any:
        """Write ``value`` into field ``name`` of ``record`` (or of a new ``model`` record where
        ``record`` is None) through its service; return the record saved."""

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "field" in metafunc.fixturenames:
            metafunc.parametrize(("model", "field"), text_fields(self.app_label))

    def test_every_model_with_text_is_covered(self) -> None:
        assert {p.values[0] for p in text_fields(self.app_label)} == self.models_with_text

    def test_one_character_over_the_limit_is_refused_by_the_service(
        self, model: type[models.Model], field: Any
    ) -> None:
        limit = field.max_length
        record = self.make(model, field.name)
        version = record and record.version
        rows = model._default_manager.count()

        with pytest.raises(ValidationError) as refused:
            self.write(model, record, field.name, "x" * (limit + 1))

        assert refused.value.message_dict == {field.name: [too_long(field, limit + 1)]}
        assert not model._default_manager.filter(**{f"{field.name}__startswith": "x" * 100}).exists()
        assert model._default_manager.count() == rows
        if record is not None:
            record.refresh_from_db()
            assert record.version == version

    def test_text_at_the_limit_is_kept(self, model: type[models.Model], field: Any) -> None:
        record = self.make(model, field.name)

        saved = self.write(model, record, field.name, "x" * field.max_length)

        saved.refresh_from_db()
        assert getattr(saved, field.name) == "x" * field.max_length
