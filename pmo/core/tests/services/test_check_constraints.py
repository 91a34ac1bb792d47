"""A write's check constraints judged in Python (``pmo.core.constraints``) give the database's
verdict, without asking it: a bad figure refused with the constraint's message, a missing one
(NULL) let through, a constraint reading a field already in error skipped."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.core.constraints import validate_constraints
from pmo.portfolio.models import Project
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.models import HighlightReport, ReportingPeriod

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def _django_verdict(record: models.Model, exclude: set[str]) -> list[str]:
    try:
        record.validate_constraints(exclude=exclude)
    except ValidationError as error:
        return sorted(error.messages)
    return []


def _ours(record: models.Model, exclude: set[str]) -> list[str]:
    try:
        validate_constraints(record, exclude)
    except ValidationError as error:
        return sorted(error.messages)
    return []


CASES: list[tuple[type[models.Model], dict[str, Any]]] = [
    (Project, {"planned_start": DAY, "planned_finish": DAY - dt.timedelta(days=1), "budget": Decimal(1)}),
    (Project, {"planned_start": DAY, "planned_finish": DAY, "budget": Decimal(0)}),
    (Project, {"planned_start": None, "planned_finish": DAY, "budget": Decimal("-0.01")}),
    (Project, {"planned_start": DAY, "planned_finish": None, "budget": None}),
    (ReportingPeriod, {"start": DAY, "end": DAY - dt.timedelta(days=1)}),
    (ReportingPeriod, {"start": DAY, "end": DAY}),
    (ReportingPeriod, {"start": None, "end": DAY}),
    (HighlightReport, {"forecast_cost": Decimal("-5")}),
    (HighlightReport, {"forecast_cost": None}),
    (HighlightReport, {"forecast_cost": 0}),
]


@pytest.mark.parametrize(("model", "values"), CASES)
def test_the_verdict_is_the_databases(model, values):
    record = model(**values)
    assert _ours(record, set()) == _django_verdict(record, set())


@pytest.mark.parametrize(
    ("low", "likely", "high"), [(1, 2, 3), (3, 2, 1), (2, 2, 2), (None, 2, 1), (Decimal("1.5"), 1, 2)]
)
def test_every_model_with_estimates_in_order_agrees(low, likely, high):
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if not {"minimum", "likely", "maximum"} <= names:
            continue
        record = model(minimum=low, likely=likely, maximum=high)
        assert _ours(record, set()) == _django_verdict(record, set()), model


@pytest.mark.parametrize(("centre", "project"), [(None, None), (1, None), (None, 1), (1, 1)])
def test_one_owner_constraints_agree(centre, project):
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if not {"cost_centre", "project"} <= names:
            continue
        record = model(cost_centre_id=centre, project_id=project)
        assert _ours(record, set()) == _django_verdict(record, set()), model


def test_a_constraint_reading_an_excluded_field_is_skipped_as_django_skips_it():
    record = Project(planned_start=DAY, planned_finish=DAY - dt.timedelta(days=3), budget=Decimal(-1))
    assert _ours(record, {"planned_finish"}) == _django_verdict(record, {"planned_finish"})
    assert len(_ours(record, {"planned_finish"})) == 1  # the budget's still judged


def test_a_value_it_does_not_judge_is_left_to_the_database():
    record = ReportingPeriod(start=DAY, end=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))  # a moment, not a day
    assert _ours(record, set()) == _django_verdict(record, set())


def test_an_update_breaking_a_constraint_is_refused_with_its_message_and_no_query_judges_it(make_user):
    ann = make_user(Role.PMO_ANALYST)
    project = ProjectFactory(planned_start=DAY, planned_finish=DAY + dt.timedelta(days=90))
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        project_update(
            actor=ann,
            project=project,
            fields={"planned_finish": DAY - dt.timedelta(days=1)},
            expected_version=project.version,
        )
    assert any("finish" in message.lower() for message in refused.value.messages), refused.value.messages
    assert not [q for q in queries.captured_queries if "_check" in q["sql"]]
    project.refresh_from_db()
    assert project.planned_finish == DAY + dt.timedelta(days=90)
