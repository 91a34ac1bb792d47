"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every change request, confidential projects included, the change log and
the object check agree, and say what the rule says: whoever sees the project sees its
changes. The delegated limits are read by everyone signed in."""

import datetime as dt
from functools import partial

import pytest
from hypothesis import given

from pmo.change import selectors
from pmo.change.models import ChangeRequest
from pmo.portfolio.tests.visibility import (
    PROPERTY,
    assert_list_and_object_checks_agree,
    make_project,
    project_shapes,
    rolled_back,
    rule_says_sees,
    signed_in,
)

pytestmark = pytest.mark.django_db


@PROPERTY
@given(shape=project_shapes())
def test_who_sees_a_change_request_is_the_same_in_the_log_and_on_the_request(visibility_cast, shape):
    with rolled_back():
        change = ChangeRequest.objects.create(
            project=make_project(visibility_cast, shape),
            title="Move go-live",
            change_type="time",
            description="D",
            reason="R",
            raised_on=dt.date(2026, 11, 1),
            impact_days=10,
        )

        assert_list_and_object_checks_agree(
            ChangeRequest,
            [change],
            visibility_cast,
            selectors=[selectors.change_request_list],
            seen_by=partial(rule_says_sees, shape=shape),
        )


def test_the_delegated_limits_are_read_by_everyone_signed_in(visibility_cast):
    row = selectors.change_settings()
    assert_list_and_object_checks_agree(type(row), [row], visibility_cast, seen_by=signed_in)
