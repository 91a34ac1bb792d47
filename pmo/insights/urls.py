"""Dashboards, named ``insights:<name>``."""

from django.urls import path

from pmo.insights import views, views_packs

app_name = "insights"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("dashboard/early-warnings/", views.early_warnings_page, name="early_warnings"),
    path("dashboard/projects/", views.dashboard_projects, name="dashboard_projects"),
    path("dashboard/at-risk/", views.dashboard_at_risk, name="dashboard_at_risk"),
    path("dashboard/slippage/", views.dashboard_slippage, name="dashboard_slippage"),
    path("dashboard/sponsors/", views.sponsor_search, name="sponsor_search"),
    path("meetings/<int:key>/pack.pdf", views_packs.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("meetings/<int:key>/pack.pptx", views_packs.meeting_pack_pptx, name="meeting_pack_pptx"),
    path("settings/board-pack-template/", views_packs.pack_template_page, name="pack_template"),
]
