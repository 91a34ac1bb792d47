"""Permissions on the portfolio register, declared once and used by the UI, API, exports and
admin alike (through ``user.has_perm``)."""

from typing import Any

import rules

from pmo.core.permissions import is_pmo, is_pmo_head, is_staff_member
from pmo.portfolio.selectors import person_id_of


@rules.predicate
def is_project_manager(user: Any, project: Any) -> bool:
    return (
        project is not None
        and project.project_manager_id is not None
        and (project.project_manager_id == person_id_of(user))
    )


@rules.predicate
def is_project_sponsor(user: Any, project: Any) -> bool:
    return (
        project is not None and project.sponsor_id is not None and (project.sponsor_id == person_id_of(user))
    )


@rules.predicate
def is_not_confidential(user: Any, project: Any) -> bool:
    return project is None or not project.confidential


@rules.predicate
def leads_programme(user: Any, programme: Any) -> bool:
    mine = person_id_of(user)
    return programme is not None and mine is not None and mine in (programme.manager_id, programme.sponsor_id)


owns_project = is_project_manager | is_project_sponsor

rules.add_perm("portfolio.view_project", is_pmo | owns_project | (is_staff_member & is_not_confidential))
rules.add_perm("portfolio.add_project", is_pmo)
rules.add_perm("portfolio.change_project", is_pmo | owns_project)
rules.add_perm("portfolio.delete_project", is_pmo_head)
# Who runs a project and who may see it: code, portfolio, sponsor, PM, confidentiality.
rules.add_perm("portfolio.change_project_governance", is_pmo)

rules.add_perm("portfolio.view_programme", is_staff_member)
rules.add_perm("portfolio.add_programme", is_pmo)
rules.add_perm("portfolio.change_programme", is_pmo | leads_programme)
rules.add_perm("portfolio.delete_programme", is_pmo_head)
# Code, portfolio, sponsor and manager of a programme.
rules.add_perm("portfolio.change_programme_governance", is_pmo)

for model in ("portfolio", "orgunit", "strategicobjective", "person"):
    rules.add_perm(f"portfolio.view_{model}", is_staff_member)
    rules.add_perm(f"portfolio.add_{model}", is_pmo)
    rules.add_perm(f"portfolio.change_{model}", is_pmo)
    rules.add_perm(f"portfolio.delete_{model}", is_pmo_head)

rules.add_perm("portfolio.view_lifecyclestage", is_staff_member)
rules.add_perm("portfolio.add_lifecyclestage", is_pmo_head)
rules.add_perm("portfolio.change_lifecyclestage", is_pmo_head)
rules.add_perm("portfolio.delete_lifecyclestage", is_pmo_head)
