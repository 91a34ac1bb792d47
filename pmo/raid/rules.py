"""Who may do what in the RAID registers. A rule's record is an item, or the register it is
being added to (a project, programme or portfolio).

- A project's items: its manager and sponsor keep them; anyone who may see the project reads them.
- A programme's items (raised there or escalated to it): its manager and sponsor keep them.
- A portfolio's items: its owner keeps them. Programme and portfolio registers are read by all staff.
- A dependency on another project is as confidential as that project: it is seen only by those
  who see both projects.
- The PMO keeps and reads every register; only the PMO head changes the RAID settings.

Who sees which items is declared once, as restrictions (``pmo.core.restrict``): the registers'
filters and ``raid.view_*`` come from them."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.permissions import is_pmo, is_pmo_head
from pmo.core.restrict import (
    EVERYTHING,
    all_of,
    allows,
    none_or_through,
    restriction,
    restricts,
)
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.portfolio.rules import is_project_manager, is_project_sponsor, leads_programme
from pmo.portfolio.selectors import person_id_of
from pmo.raid.choices import Level
from pmo.raid.models import Action, Assumption, Decision, Dependency, Issue, RaidSettings, Risk


@restricts(Risk, Assumption, Issue, Action, Decision)
def item_restriction(user: Any, action: str) -> Q:
    """A programme's or portfolio's items: anyone signed in; a project's: whoever sees the
    project (the PMO sees them all)."""
    return none_or_through("project", restriction(Project, user, "view"))


@restricts(Dependency)
def dependency_restriction(user: Any, action: str) -> Q:
    """As any item, and the project it depends on must be one the user sees too."""
    return all_of(
        item_restriction(user, action),
        none_or_through("depends_on", restriction(Project, user, "view")),
    )


@restricts(RaidSettings)
def settings_restriction(user: Any, action: str) -> Q:
    """The RAID settings (matrix, staleness): anyone signed in reads them."""
    return EVERYTHING


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
def sees_item(user: Any, obj: Any) -> bool:
    """The item is one the user may see (a confidential project's item stays with its team and
    the PMO, whoever it was escalated to or whichever register keeps it)."""
    return obj is None or allows(user, "view", obj)


@rules.predicate
def handles_escalation(user: Any, obj: Any) -> bool:
    """The programme leads of an item escalated to their programme (or through it), and the
    portfolio owner of one escalated to the portfolio."""
    escalated = getattr(obj, "escalated_to", "")
    if not escalated or (obj.project_id is None and obj.programme_id is None):
        return False
    programme = obj.programme if obj.programme_id else obj.project.programme
    if programme is not None and leads_programme(user, programme):
        return True
    if escalated == Level.PORTFOLIO:
        portfolio = obj.project.portfolio if obj.project_id else obj.programme.portfolio
        return _owns_portfolio(user, portfolio)
    return False


rules.add_perm("raid.change_raidsettings", is_pmo_head)

for name in ("risk", "assumption", "issue", "dependency", "action", "decision"):
    rules.add_perm(f"raid.add_{name}", is_pmo | keeps_register)
    rules.add_perm(f"raid.change_{name}", sees_item & (is_pmo | keeps_register | handles_escalation))
    rules.add_perm(f"raid.delete_{name}", is_pmo)
