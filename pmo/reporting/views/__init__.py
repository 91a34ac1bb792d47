"""The reporting pages (being split by sub-domain)."""

from pmo.reporting.views.periods_reports import *  # noqa: F403
