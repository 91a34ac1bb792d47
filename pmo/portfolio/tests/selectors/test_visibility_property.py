"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every register record, the register's list and the object check
(``user.has_perm``) agree, and both say what the rule says: the PMO sees every project; anyone
else signed in sees those not confidential and those they manage or sponsor."""

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
    make_cast,
    make_project,
    project_shapes,
    rolled_back,
    rule_says_sees,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(make_user):
    return make_cast(make_user)


@PROPERTY
@given(shapes=st.lists(project_shapes(), min_size=1, max_size=4))
def test_who_sees_a_project_is_the_same_in_the_list_and_on_the_record(cast, shapes):
    with rolled_back():
        projects = [make_project(cast, shape) for shape in shapes]

        assert_list_and_object_checks_agree(Project, projects, cast, selectors=[selectors.project_list])
        for name, reader in cast.readers.items():
            for project, shape in zip(projects, shapes, strict=True):
                assert reader.has_perm("portfolio.view_project", project) == rule_says_sees(name, shape), name


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
def test_programmes_portfolios_and_reference_lists_are_seen_by_everyone_signed_in(cast, model, selector):
    OrgUnitFactory(name="Finance")
    StrategicObjectiveFactory()
    records = list(model._default_manager.all())

    assert_list_and_object_checks_agree(model, records, cast, selectors=[selector])
    assert not selector(user=cast.readers["inactive_head"]).exists()
    assert selector(user=cast.readers["finance"]).count() == len(records)
