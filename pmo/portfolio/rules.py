"""Permissions on the portfolio register, declared once and used by the UI, API, exports and
admin alike (through ``user.has_perm``). Who sees which records is a restriction
(``pmo.core.restrict``): the register's filter and ``portfolio.view_*`` both come from it."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.permissions import is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, NOTHING, any_of, restricts
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    SavedView,
    StrategicObjective,
)
from pmo.portfolio.selectors import person_id_of


@restricts(SavedView, actions=("view", "change", "delete"))
def own_saved_views(user: Any, action: str) -> Q:
    """A saved view is its owner's alone (its link shares the choice, not the record)."""
    return Q(owner_id=user.pk)


@restricts(Project)
def project_restriction(user: Any, action: str) -> Q:
    """The projects ``user`` may see: all for the PMO; for anyone else signed in, those not
    confidential and those they sponsor or manage."""
    if is_pmo(user):
        return EVERYTHING
    return any_of(Q(confidential=False), runs_project(user))


def runs_project(user: Any) -> Q:
    """The projects ``user`` sponsors or manages (none for a login with no person record)."""
    mine = person_id_of(user)
    if mine is None:
        return NOTHING
    return Q(sponsor_id=mine) | Q(project_manager_id=mine)


@restricts(Programme, Portfolio, OrgUnit, StrategicObjective, Person, LifecycleStage)
def seen_by_all_staff(user: Any, action: str) -> Q:
    """Programmes, portfolios and the reference lists: anyone signed in sees them all."""
    return EVERYTHING


def _is_person_of(user: Any, project: Any, role: str) -> bool:
    """Whether ``user`` is the project's ``role`` (``project_manager`` or ``sponsor``): read
    from that person where it was loaded with the project (a person has one login), so a page
    of records asks nothing more; else from the user's own person record (one query per user)."""
    if project is None or getattr(project, f"{role}_id", None) is None:
        return False
    if "_pmo_person_id" not in user.__dict__ and type(project)._meta.get_field(role).is_cached(project):
        return bool(user.pk is not None and getattr(project, role).user_id == user.pk)
    return bool(getattr(project, f"{role}_id") == person_id_of(user))


@rules.predicate
def is_project_manager(user: Any, project: Any) -> bool:
    return _is_person_of(user, project, "project_manager")


@rules.predicate
def is_project_sponsor(user: Any, project: Any) -> bool:
    return _is_person_of(user, project, "sponsor")


def _project(obj: Any) -> Any:
    return getattr(obj, "project", obj)


@rules.predicate
def manages_project(user: Any, obj: Any) -> bool:
    """``user`` manages the project that ``obj`` is (or belongs to, through its ``project``): the
    domain apps' rules for a project's records (reports, RAID items, change requests…)."""
    return obj is not None and is_project_manager(user, _project(obj))


@rules.predicate
def sponsors_project(user: Any, obj: Any) -> bool:
    """``user`` sponsors the project that ``obj`` is (or belongs to)."""
    return obj is not None and is_project_sponsor(user, _project(obj))


@rules.predicate
def leads_programme(user: Any, programme: Any) -> bool:
    mine = person_id_of(user)
    return programme is not None and mine is not None and mine in (programme.manager_id, programme.sponsor_id)


owns_project = is_project_manager | is_project_sponsor

rules.add_perm("portfolio.add_project", is_pmo)
rules.add_perm("portfolio.change_project", is_pmo | owns_project)
rules.add_perm("portfolio.delete_project", is_pmo_head)
# Who runs a project and who may see it: code, portfolio, sponsor, PM, confidentiality.
rules.add_perm("portfolio.change_project_governance", is_pmo)

rules.add_perm("portfolio.add_programme", is_pmo)
rules.add_perm("portfolio.change_programme", is_pmo | leads_programme)
rules.add_perm("portfolio.delete_programme", is_pmo_head)
# Code, portfolio, sponsor and manager of a programme.
rules.add_perm("portfolio.change_programme_governance", is_pmo)

for model in ("portfolio", "orgunit", "strategicobjective", "person"):
    rules.add_perm(f"portfolio.add_{model}", is_pmo)
    rules.add_perm(f"portfolio.change_{model}", is_pmo)
    rules.add_perm(f"portfolio.delete_{model}", is_pmo_head)

rules.add_perm("portfolio.add_lifecyclestage", is_pmo_head)
rules.add_perm("portfolio.change_lifecyclestage", is_pmo_head)
rules.add_perm("portfolio.delete_lifecyclestage", is_pmo_head)
