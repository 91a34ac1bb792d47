"""The reporting pages, one module per sub-domain (as ``pmo.reporting.services`` and ``api``):

- ``periods_reports``: the reporting settings, periods and their compliance, highlight reports
  and a project's reporting page;
- ``baselines_tolerances``: baselines, a project's tolerances and the PMO's default tolerances;
- ``exceptions``: exceptions, their report, decision and corrective actions;
- ``common``: what they share (a record's history page, a form with milestone rows).

``pmo.reporting.urls`` names each page from its module."""
