"""Dashboards, named ``insights:<name>``."""

from django.urls import path

from pmo.insights import views

app_name = "insights"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("dashboard/early-warnings/", views.early_warnings_page, name="early_warnings"),
]
