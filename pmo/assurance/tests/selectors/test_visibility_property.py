"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every project, confidential ones included, compliance judges the project for
exactly those who see it (the portfolio page, the API and the work queue all read
``compliance_projects``). The rules are read by everyone signed in."""

import pytest
from hypothesis import given

from pmo.assurance import selectors
from pmo.assurance.models import ComplianceRule
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
def test_who_sees_a_projects_compliance_is_who_sees_the_project(visibility_cast, shape):
    with rolled_back():
        project = make_project(visibility_cast, shape)
        for name, reader in visibility_cast.readers.items():
            judged = selectors.compliance_projects(user=reader).filter(pk=project.pk).exists()
            assert judged == rule_says_sees(name, shape=shape), name


def test_the_rules_are_read_by_everyone_signed_in(visibility_cast):
    rules = list(ComplianceRule.objects.all())
    assert_list_and_object_checks_agree(
        ComplianceRule,
        rules,
        visibility_cast,
        selectors=[selectors.compliance_rule_list],
        seen_by=signed_in,
    )
