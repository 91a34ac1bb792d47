"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every RAID item — of each register kind, in a project's, a programme's or a
portfolio's register, confidential projects included, and dependencies between any two
projects — the register's list and the object check agree, and say what the rule says."""

from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.portfolio.tests.visibility import (
    PROPERTY,
    SIGNED_OUT,
    assert_list_and_object_checks_agree,
    make_cast,
    make_project,
    project_shapes,
    rolled_back,
    rule_says_sees,
)
from pmo.raid import selectors
from pmo.raid.models import Action, Assumption, Decision, Dependency, Issue, RaidSettings, Risk
from pmo.raid.tests.factories import (
    ActionFactory,
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    IssueFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    Risk: RiskFactory,
    Assumption: AssumptionFactory,
    Issue: IssueFactory,
    Dependency: DependencyFactory,
    Action: ActionFactory,
    Decision: DecisionFactory,
}


@pytest.fixture
def cast(make_user):
    return make_cast(make_user)


@PROPERTY
@given(
    model=st.sampled_from(list(FACTORIES)),
    home=st.sampled_from(["project", "programme", "portfolio"]),
    shape=project_shapes(),
)
def test_who_sees_an_item_is_the_same_in_the_register_and_on_the_item(cast, model, home, shape):
    with rolled_back():
        project = make_project(cast, shape)
        register = {"project": project, "programme": cast.programme, "portfolio": project.portfolio}[home]
        extra = {"provider": "Supplier"} if model is Dependency else {}
        item = FACTORIES[model](**{home: register}, **extra)

        every_item = partial(selectors.item_list, model)
        assert_list_and_object_checks_agree(model, [item], cast, selectors=[every_item])
        for name, reader in cast.readers.items():
            expected = rule_says_sees(name, shape) if home == "project" else name not in SIGNED_OUT
            assert reader.has_perm(f"raid.view_{model._meta.model_name}", item) == expected, name


@PROPERTY
@given(dependent=project_shapes(), provider=project_shapes())
def test_a_dependency_between_projects_is_seen_only_by_who_sees_both(cast, dependent, provider):
    with rolled_back():
        waits, serves = make_project(cast, dependent), make_project(cast, provider)
        dependency = DependencyFactory(project=waits, depends_on=serves, provider="")

        assert_list_and_object_checks_agree(
            Dependency,
            [dependency],
            cast,
            selectors=[partial(selectors.item_list, Dependency), selectors.dependency_edges],
        )
        for name, reader in cast.readers.items():
            expected = rule_says_sees(name, dependent) and rule_says_sees(name, provider)
            assert reader.has_perm("raid.view_dependency", dependency) == expected, name
            if expected:
                assert selectors.item_by_reference(dependency.reference, user=reader) == dependency
            else:
                with pytest.raises(ValueError, match="There is no"):
                    selectors.item_by_reference(dependency.reference, user=reader)


def test_the_raid_settings_are_read_by_everyone_signed_in(cast):
    assert_list_and_object_checks_agree(RaidSettings, [selectors.raid_settings()], cast)
