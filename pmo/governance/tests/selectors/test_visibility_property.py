"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every gate review, confidential projects included, the reviews list and the
object check agree, and say what the rule says: whoever sees the project sees its reviews. The
gates are read by everyone signed in."""

import datetime as dt
from functools import partial

import pytest
from hypothesis import given

from pmo.governance import selectors
from pmo.governance.models import Gate, GateReview
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
def test_who_sees_a_gate_review_is_the_same_in_the_list_and_on_the_review(visibility_cast, shape):
    with rolled_back():
        review = GateReview.objects.create(
            project=make_project(visibility_cast, shape),
            gate=Gate.objects.get(stage__name="Closure"),
            authority="sponsor",
            opened_on=dt.date(2026, 11, 1),
        )

        assert_list_and_object_checks_agree(
            GateReview,
            [review],
            visibility_cast,
            selectors=[selectors.review_list],
            seen_by=partial(rule_says_sees, shape=shape),
        )


def test_the_gates_are_read_by_everyone_signed_in(visibility_cast):
    gates = list(Gate.objects.all())
    assert_list_and_object_checks_agree(
        Gate, gates, visibility_cast, selectors=[selectors.gate_list], seen_by=signed_in
    )
