"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every register record, the register's list and the object check
(``user.has_perm``) agree, and both say what the rule says: the PMO sees every project; anyone
else signed in sees those not confidential and those they manage or sponsor."""

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.portfolio import selectors
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)
from pmo.portfolio.tests.factories import OrgUnitFactory, StrategicObjectiveFactory
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
@given(shapes=st.lists(project_shapes(), min_size=1, max_size=4))
def test_who_sees_a_project_is_the_same_in_the_list_and_on_the_record(visibility_cast, shapes):
    with rolled_back():
        projects = [make_project(visibility_cast, shape) for shape in shapes]

        for project, shape in zip(projects, shapes, strict=True):
            assert_list_and_object_checks_agree(
                Project,
                [project],
                visibility_cast,
                selectors=[selectors.project_list],
                seen_by=partial(rule_says_sees, shape=shape),
            )


@pytest.mark.parametrize(
    ("model", "selector"),
    [
        (Programme, selectors.programme_list),
        (Portfolio, selectors.portfolio_list),
        (OrgUnit, selectors.org_unit_list),
        (StrategicObjective, selectors.strategic_objective_list),
        (Person, selectors.person_list),
        (LifecycleStage, selectors.lifecycle_stage_list),
    ],
)
def test_programmes_portfolios_and_reference_lists_are_seen_by_everyone_signed_in(
    visibility_cast, model, selector
):
    OrgUnitFactory(name="Finance")
    StrategicObjectiveFactory()
    records = list(model._default_manager.all())

    assert records
    assert_list_and_object_checks_agree(
        model, records, visibility_cast, selectors=[selector], seen_by=signed_in
    )
