"""Pages of the reporting cycle, named ``reporting:<model>_<action>``."""

from django.urls import path

from pmo.reporting.views import baselines_tolerances as baselines
from pmo.reporting.views import exceptions
from pmo.reporting.views import periods_reports as reports

app_name = "reporting"
urlpatterns = [
    path("reporting/settings/", reports.settings_page, name="settings"),
    path("reporting/settings/tolerances/", baselines.tolerance_defaults, name="tolerance_defaults"),
    path("reporting/periods/", reports.period_list, name="period_list"),
    path("reporting/periods/<int:pk>/", reports.period_detail, name="period_detail"),
    path("reporting/reports/", reports.report_list, name="report_list"),
    path("reporting/reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reporting/reports/<int:pk>/edit/", reports.report_update, name="report_update"),
    path("reporting/reports/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("reporting/reports/<int:pk>/history/", reports.report_history, name="report_history"),
    path("reporting/reports/<int:pk>/<str:action>/", reports.report_action, name="report_action"),
    path("reporting/projects/<str:code>/", reports.project_reporting, name="project_reporting"),
    path(
        "reporting/projects/<str:code>/periods/<int:period>/report/",
        reports.report_start,
        name="report_start",
    ),
    path(
        "reporting/projects/<str:code>/baselines/new/",
        baselines.baseline_create,
        name="baseline_create",
    ),
    path(
        "reporting/projects/<str:code>/tolerances/",
        baselines.project_tolerances,
        name="project_tolerances",
    ),
    path("reporting/baselines/<int:pk>/", baselines.baseline_detail, name="baseline_detail"),
    path(
        "reporting/baselines/<int:pk>/history/",
        baselines.baseline_history,
        name="baseline_history",
    ),
    path("reporting/exceptions/", exceptions.exception_list, name="exception_list"),
    path("reporting/exceptions/<int:pk>/", exceptions.exception_detail, name="exception_detail"),
    path("reporting/exceptions/<int:pk>/report/", exceptions.exception_report, name="exception_report"),
    path("reporting/exceptions/<int:pk>/decide/", exceptions.exception_decide, name="exception_decide"),
    path("reporting/exceptions/<int:pk>/history/", exceptions.exception_history, name="exception_history"),
    path(
        "reporting/exceptions/<int:pk>/actions/new/",
        exceptions.exception_action_create,
        name="exception_action_create",
    ),
    path("reporting/actions/", exceptions.action_list, name="action_list"),
]
