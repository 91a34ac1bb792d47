"""Who may do what in change control. The project's manager and sponsor and the PMO raise and
assess changes; a decision needs the authority the change's size calls for (checked by
``pmo.change.services.change_request_decide`` against the delegated limits). Who sees which
change requests is declared once, as a restriction (``pmo.core.restrict``)."""

from typing import Any

import rules
from django.db.models import Q

from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.core.permissions import is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, restriction, restricts, through
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project, sponsors_project


@restricts(ChangeRequest)
def change_request_restriction(user: Any, action: str) -> Q:
    """A project's change requests: whoever sees the project."""
    return through("project", restriction(Project, user, "view"))


@restricts(ChangeSettings)
def settings_restriction(user: Any, action: str) -> Q:
    """The delegated limits: anyone signed in reads them."""
    return EVERYTHING


rules.add_perm("change.add_changerequest", is_pmo | manages_project | sponsors_project)
rules.add_perm("change.change_changerequest", is_pmo | manages_project | sponsors_project)
rules.add_perm("change.assess_changerequest", is_pmo | manages_project)
rules.add_perm("change.decide_changerequest", is_pmo_head | sponsors_project | manages_project)
rules.add_perm("change.implement_changerequest", is_pmo | manages_project)
rules.add_perm("change.change_changesettings", is_pmo_head)
