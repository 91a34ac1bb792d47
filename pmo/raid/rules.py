"""Who may do what in the RAID registers. A rule's record is an item, or the register it is
being added to (a project, programme or portfolio).

- A project's items: its manager and sponsor keep them; anyone who may see the project reads them.
- A programme's items (raised there or escalated to it): its manager and sponsor keep them.
- A portfolio's items: its owner keeps them. Programme and portfolio registers are read by all staff.
- The PMO keeps and reads every register; only the PMO head changes the RAID settings."""

from typing import Any

import rules

from pmo.core.permissions import is_pmo, is_pmo_head, is_staff_member
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.portfolio.rules import is_project_manager, is_project_sponsor, leads_programme
from pmo.portfolio.selectors import person_id_of
from pmo.raid.choices import Level


def _register(obj: Any) -> Any:
    """The project, programme or portfolio an item belongs to (or the register itself)."""
    if isinstance(obj, Project | Programme | Portfolio) or obj is None:
        return obj
    return obj.home


def _owns_portfolio(user: Any, portfolio: Any) -> bool:
    mine = person_id_of(user)
    return portfolio is not None and mine is not None and portfolio.owner_id == mine


@rules.predicate
def keeps_register(user: Any, obj: Any) -> bool:
    register = _register(obj)
    if isinstance(register, Project):
        return bool(is_project_manager(user, register) or is_project_sponsor(user, register))
    if isinstance(register, Programme):
        return bool(leads_programme(user, register))
    return _owns_portfolio(user, register)


@rules.predicate
def handles_escalation(user: Any, obj: Any) -> bool:
    """The programme leads of an item escalated to their programme (or through it), and the
    portfolio owner of one escalated to the portfolio."""
    escalated = getattr(obj, "escalated_to", "")
    if not escalated or (obj.project_id is None and obj.programme_id is None):
        return False
    if obj.project_id is not None and not user.has_perm("portfolio.view_project", obj.project):
        return False  # a confidential project's item stays with its team and the PMO
    programme = obj.programme if obj.programme_id else obj.project.programme
    if programme is not None and leads_programme(user, programme):
        return True
    if escalated == Level.PORTFOLIO:
        portfolio = obj.project.portfolio if obj.project_id else obj.programme.portfolio
        return _owns_portfolio(user, portfolio)
    return False


@rules.predicate
def sees_register(user: Any, obj: Any) -> bool:
    register = _register(obj)
    if isinstance(register, Project):
        return bool(user.has_perm("portfolio.view_project", register))
    return bool(is_staff_member(user)) and register is not None


rules.add_perm("raid.view_raidsettings", is_staff_member)
rules.add_perm("raid.change_raidsettings", is_pmo_head)

for name in ("risk", "assumption", "issue", "dependency", "action", "decision"):
    rules.add_perm(f"raid.view_{name}", is_pmo | sees_register)
    rules.add_perm(f"raid.add_{name}", is_pmo | keeps_register)
    rules.add_perm(f"raid.change_{name}", is_pmo | keeps_register | handles_escalation)
    rules.add_perm(f"raid.delete_{name}", is_pmo)
