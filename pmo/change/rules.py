"""Who may do what in change control. The project's manager and sponsor and the PMO raise and
assess changes; a decision needs the authority the change's size calls for (checked by
``pmo.change.services.change_request_decide`` against the delegated limits)."""

import rules

from pmo.core.permissions import is_pmo, is_pmo_head, is_staff_member
from pmo.reporting.rules import manages_project, sees_project, sponsors_project

rules.add_perm("change.view_changerequest", is_pmo | sees_project)
rules.add_perm("change.add_changerequest", is_pmo | manages_project | sponsors_project)
rules.add_perm("change.change_changerequest", is_pmo | manages_project | sponsors_project)
rules.add_perm("change.assess_changerequest", is_pmo | manages_project)
rules.add_perm("change.decide_changerequest", is_pmo_head | sponsors_project | manages_project)
rules.add_perm("change.implement_changerequest", is_pmo | manages_project)
rules.add_perm("change.view_changesettings", is_staff_member)
rules.add_perm("change.change_changesettings", is_pmo_head)
