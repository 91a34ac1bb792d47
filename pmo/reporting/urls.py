"""Pages of the reporting cycle, named ``reporting:<model>_<action>``."""

from django.urls import path

from pmo.reporting import views

app_name = "reporting"
urlpatterns = [
    path("reporting/settings/", views.settings_page, name="settings"),
    path("reporting/settings/tolerances/", views.tolerance_defaults, name="tolerance_defaults"),
    path("reporting/periods/", views.period_list, name="period_list"),
    path("reporting/periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("reporting/reports/", views.report_list, name="report_list"),
    path("reporting/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reporting/reports/<int:pk>/edit/", views.report_update, name="report_update"),
    path("reporting/reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reporting/reports/<int:pk>/history/", views.report_history, name="report_history"),
    path("reporting/reports/<int:pk>/<str:action>/", views.report_action, name="report_action"),
    path("reporting/projects/<str:code>/", views.project_reporting, name="project_reporting"),
    path(
        "reporting/projects/<str:code>/periods/<int:period>/report/", views.report_start, name="report_start"
    ),
    path("reporting/projects/<str:code>/baselines/new/", views.baseline_create, name="baseline_create"),
    path("reporting/projects/<str:code>/tolerances/", views.project_tolerances, name="project_tolerances"),
    path("reporting/baselines/<int:pk>/", views.baseline_detail, name="baseline_detail"),
    path("reporting/baselines/<int:pk>/history/", views.baseline_history, name="baseline_history"),
    path("reporting/exceptions/", views.exception_list, name="exception_list"),
    path("reporting/exceptions/<int:pk>/", views.exception_detail, name="exception_detail"),
    path("reporting/exceptions/<int:pk>/report/", views.exception_report, name="exception_report"),
    path("reporting/exceptions/<int:pk>/decide/", views.exception_decide, name="exception_decide"),
    path("reporting/exceptions/<int:pk>/history/", views.exception_history, name="exception_history"),
    path(
        "reporting/exceptions/<int:pk>/actions/new/",
        views.exception_action_create,
        name="exception_action_create",
    ),
    path("reporting/actions/", views.action_list, name="action_list"),
]
