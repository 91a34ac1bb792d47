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
    assert_list_and_object_checks_agree,
    make_project,
    project_shapes,
    rolled_back,
    rule_says_sees,
    signed_in,
)
from pmo.raid import selectors
from pmo.raid.models import Dependency, RaidSettings
from pmo.raid.tests.factories import ITEM_FACTORIES, DependencyFactory

pytestmark = pytest.mark.django_db


@PROPERTY
@given(
    model=st.sampled_from(list(ITEM_FACTORIES)),
    home=st.sampled_from(["project", "programme", "portfolio"]),
    shape=project_shapes(),
)
def test_who_sees_an_item_is_the_same_in_the_register_and_on_the_item(visibility_cast, model, home, shape):
    with rolled_back():
        project = make_project(visibility_cast, shape)
        register = {
            "project": project,
            "programme": visibility_cast.programme,
            "portfolio": project.portfolio,
        }
        extra = {"provider": "Supplier"} if model is Dependency else {}
        item = ITEM_FACTORIES[model](**{home: register[home]}, **extra)

        assert_list_and_object_checks_agree(
            model,
            [item],
            visibility_cast,
            selectors=[partial(selectors.item_list, model)],
            seen_by=partial(rule_says_sees, shape=shape) if home == "project" else signed_in,
        )


@PROPERTY
@given(dependent=project_shapes(), provider=project_shapes())
def test_a_dependency_between_projects_is_seen_only_by_who_sees_both(visibility_cast, dependent, provider):
    with rolled_back():
        waits, serves = make_project(visibility_cast, dependent), make_project(visibility_cast, provider)
        dependency = DependencyFactory(project=waits, depends_on=serves, provider="")

        def sees_both(name):
            return rule_says_sees(name, dependent) and rule_says_sees(name, provider)

        assert_list_and_object_checks_agree(
            Dependency,
            [dependency],
            visibility_cast,
            selectors=[partial(selectors.item_list, Dependency), selectors.dependency_edges],
            seen_by=sees_both,
        )
        for name, reader in visibility_cast.readers.items():
            if sees_both(name):
                assert selectors.item_by_reference(dependency.reference, user=reader) == dependency
            else:
                with pytest.raises(ValueError, match="There is no"):
                    selectors.item_by_reference(dependency.reference, user=reader)


def test_the_raid_settings_are_read_by_everyone_signed_in(visibility_cast):
    assert_list_and_object_checks_agree(
        RaidSettings, [selectors.raid_settings()], visibility_cast, seen_by=signed_in
    )
