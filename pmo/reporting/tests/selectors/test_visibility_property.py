"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every reporting record of a project — highlight report, baseline,
tolerance, tolerance check, exception, confidential projects included — the page's list and
the object check agree, and say what the rule says: whoever sees the project sees its
records. Periods, settings and default tolerances are read by everyone signed in."""

from functools import partial

import pytest
from django.utils import timezone
from hypothesis import given

from pmo.portfolio.tests.visibility import (
    PROPERTY,
    assert_list_and_object_checks_agree,
    make_project,
    project_shapes,
    rolled_back,
    rule_says_sees,
    signed_in,
)
from pmo.reporting import selectors
from pmo.reporting.models import (
    Baseline,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory, ToleranceCheckFactory

pytestmark = pytest.mark.django_db


def make_records(project):
    """One record of each kind on ``project``, with the list each is read through."""
    return {
        HighlightReport: (ReportFactory(project=project), selectors.report_list),
        Baseline: (BaselineFactory(project=project), selectors.baseline_list),
        Tolerance: (
            Tolerance.objects.create(project=project, dimension="time", absolute=10),
            selectors.tolerance_list,
        ),
        ToleranceCheck: (ToleranceCheckFactory(project=project), selectors.tolerance_check_list),
        ProjectException: (
            ProjectException.objects.create(
                project=project, dimensions="time", breach_summary="late", raised_at=timezone.now()
            ),
            selectors.exception_list,
        ),
    }


@PROPERTY
@given(shape=project_shapes())
def test_who_sees_a_projects_reporting_records_is_the_same_in_lists_and_on_records(visibility_cast, shape):
    with rolled_back():
        records = make_records(make_project(visibility_cast, shape))

        for model, (record, selector) in records.items():
            assert_list_and_object_checks_agree(
                model,
                [record],
                visibility_cast,
                selectors=[selector],
                seen_by=partial(rule_says_sees, shape=shape),
            )


@pytest.mark.parametrize(
    ("model", "selector"),
    [(ReportingPeriod, selectors.period_list), (ToleranceDefault, selectors.tolerance_default_list)],
)
def test_periods_and_default_tolerances_are_read_by_everyone_signed_in(visibility_cast, model, selector):
    PeriodFactory()
    records = list(model._default_manager.all())

    assert records
    assert_list_and_object_checks_agree(
        model, records, visibility_cast, selectors=[selector], seen_by=signed_in
    )


def test_the_reporting_settings_are_read_by_everyone_signed_in(visibility_cast):
    row = selectors.reporting_settings()
    assert_list_and_object_checks_agree(type(row), [row], visibility_cast, seen_by=signed_in)
