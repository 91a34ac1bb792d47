"""Who may do what in assurance. The PMO (head, analyst, officer) plans and assesses health
checks; the project's manager (or the PMO head) responds to one; the PMO head keeps the
questionnaires and the settings. Who sees which checks is declared once, as a restriction
(``pmo.core.restrict``): whoever sees the project."""

from typing import Any

import rules
from django.db.models import Q

from pmo.assurance.models import (
    Answer,
    Area,
    AssuranceSettings,
    ComplianceRule,
    Finding,
    HealthCheck,
    Question,
    Questionnaire,
)
from pmo.core.permissions import is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, restriction, restricts, through
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project


@restricts(HealthCheck)
def health_check_restriction(user: Any, action: str) -> Q:
    """A project's health checks: whoever sees the project."""
    return through("project", restriction(Project, user, "view"))


@restricts(Answer, Finding)
def check_part_restriction(user: Any, action: str) -> Q:
    """A check's answers and findings: whoever sees the check."""
    return through("health_check__project", restriction(Project, user, "view"))


@restricts(Questionnaire, Area, Question, AssuranceSettings, ComplianceRule)
def read_by_all(user: Any, action: str) -> Q:
    """The questionnaires, the compliance rules and the settings: anyone signed in reads them."""
    return EVERYTHING


rules.add_perm("assurance.add_healthcheck", is_pmo)
rules.add_perm("assurance.change_healthcheck", is_pmo)
rules.add_perm("assurance.assess_healthcheck", is_pmo)
rules.add_perm("assurance.respond_healthcheck", manages_project | is_pmo_head)
rules.add_perm("assurance.add_questionnaire", is_pmo_head)
rules.add_perm("assurance.change_questionnaire", is_pmo_head)
rules.add_perm("assurance.change_assurancesettings", is_pmo_head)
rules.add_perm("assurance.change_compliancerule", is_pmo_head)
