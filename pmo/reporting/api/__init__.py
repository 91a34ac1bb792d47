"""The reporting cycle over REST (``/api/v1/``), one module per sub-domain: ``periods_reports``
(periods and highlight reports), ``baselines_tolerances`` (baselines, tolerances, their defaults
and verdicts) and ``exceptions``. The signed-in user's notifications are ``pmo.core.api_notifications``.

As for the register: reads go through the selectors (a record of a project you may not see is
not found), writes through ``pmo.reporting.services`` (so the workflow rules, history and
version check are the web pages'), and permissions are the ``rules`` of
``pmo.reporting.rules``, checked before any work is done."""

from typing import Any

from pmo.reporting.models import NEGATIVE_AMOUNT

# The model's own words for a negative amount (DRF would otherwise word it itself).
NEGATIVE: dict[str, Any] = {"min_value": NEGATIVE_AMOUNT}
NOT_NEGATIVE = {"error_messages": NEGATIVE}
