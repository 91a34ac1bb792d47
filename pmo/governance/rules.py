"""Who may do what with gates. The PMO head sets the gates' requirements; a project's manager and
the PMO open and run its reviews; the PMO, executives and the project's sponsor assess them; the
decision needs the authority the gate requires (``pmo.governance.workflows.may_decide``). Who
sees which reviews is declared once, as a restriction (``pmo.core.restrict``)."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.choices import Role
from pmo.core.permissions import has_role, is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, restriction, restricts, through
from pmo.governance.models import (
    Gate,
    GateAssessment,
    GateCondition,
    GateEvidence,
    GateEvidenceConfirmation,
    GateReview,
    StageOverride,
)
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project, sponsors_project


@rules.predicate
def is_executive(user: Any) -> bool:
    return has_role(user, Role.EXECUTIVE)


@restricts(Gate, GateEvidence)
def gate_restriction(user: Any, action: str) -> Q:
    """The gates' requirements: anyone signed in reads them."""
    return EVERYTHING


@restricts(GateReview, StageOverride)
def review_restriction(user: Any, action: str) -> Q:
    """A project's gate reviews and overrides: whoever sees the project."""
    return through("project", restriction(Project, user, "view"))


@restricts(GateEvidenceConfirmation, GateAssessment, GateCondition)
def review_part_restriction(user: Any, action: str) -> Q:
    """What a review holds: whoever sees the review."""
    return through("review__project", restriction(Project, user, "view"))


rules.add_perm("governance.change_gate", is_pmo_head)
rules.add_perm("governance.add_gateevidence", is_pmo_head)
rules.add_perm("governance.change_gateevidence", is_pmo_head)
rules.add_perm("governance.delete_gateevidence", is_pmo_head)
rules.add_perm("governance.add_gatereview", is_pmo | manages_project)
rules.add_perm("governance.change_gatereview", is_pmo | manages_project)
rules.add_perm("governance.assess_gatereview", is_pmo | is_executive | sponsors_project)
rules.add_perm("governance.decide_gatereview", is_pmo_head | sponsors_project)
rules.add_perm("governance.add_stageoverride", is_pmo_head)
