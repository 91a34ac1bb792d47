"""Who may do what in the reporting cycle. A rule's record is a project or anything with a
``project`` (report, baseline, tolerance, exception); corrective actions are RAID
actions, under ``pmo.raid.rules``.

Who sees which records is declared once, as restrictions (``pmo.core.restrict``): a project's
records are seen by whoever sees the project; the cycle's shared records by anyone signed in."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.permissions import is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, restriction, restricts, through
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project, sponsors_project
from pmo.reporting.models import (
    Baseline,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    ReportingSettings,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)


@restricts(HighlightReport, Baseline, Tolerance, ToleranceCheck, ProjectException)
def project_record_restriction(user: Any, action: str) -> Q:
    """A project's reports, baselines, tolerances, checks and exceptions: whoever sees the
    project."""
    return through("project", restriction(Project, user, "view"))


@restricts(ReportingPeriod, ReportingSettings, ToleranceDefault)
def shared_record_restriction(user: Any, action: str) -> Q:
    """Periods, settings and default tolerances: anyone signed in."""
    return EVERYTHING


# Periods and settings.
rules.add_perm("reporting.add_reportingperiod", is_pmo)
rules.add_perm("reporting.change_reportingperiod", is_pmo)
rules.add_perm("reporting.change_reportingsettings", is_pmo_head)

# Highlight reports: the project's manager writes and submits; the PMO may too, and alone
# quality-checks (returns, accepts, publishes).
rules.add_perm("reporting.add_highlightreport", is_pmo | manages_project)
rules.add_perm("reporting.change_highlightreport", is_pmo | manages_project)
rules.add_perm("reporting.review_highlightreport", is_pmo)

# Baselines are approved plans: only the PMO records them until change control drives them.
rules.add_perm("reporting.add_baseline", is_pmo)

# Tolerances: the PMO sets a project's; the PMO head the defaults.
rules.add_perm("reporting.add_tolerance", is_pmo)
rules.add_perm("reporting.change_tolerance", is_pmo)
rules.add_perm("reporting.delete_tolerance", is_pmo)
rules.add_perm("reporting.add_tolerancedefault", is_pmo_head)
rules.add_perm("reporting.change_tolerancedefault", is_pmo_head)
rules.add_perm("reporting.delete_tolerancedefault", is_pmo_head)

# Exceptions: the project manager writes the exception report; the sponsor (or the PMO head,
# for the board) decides.
rules.add_perm("reporting.change_projectexception", is_pmo | manages_project | sponsors_project)
rules.add_perm("reporting.report_projectexception", is_pmo | manages_project)
rules.add_perm("reporting.decide_projectexception", is_pmo_head | sponsors_project)
