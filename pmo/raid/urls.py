"""Pages of the RAID registers, named ``raid:<page>``.

The fixed paths (settings, the dependency map, a project's, programme's or portfolio's RAID)
come before ``raid/<kind>/``, which would otherwise take their first word for a register."""

from django.urls import path

from pmo.raid import urls_excel, views

app_name = "raid"
urlpatterns = [
    path("raid/", views.overview, name="overview"),
    path("raid/settings/", views.settings_page, name="settings"),
    path("raid/dependencies/map/", views.dependency_map, name="dependency_map"),
    path("raid/projects/<str:code>/", views.project_raid, name="project"),
    path("raid/programmes/<int:pk>/", views.programme_raid, name="programme"),
    path("raid/portfolios/<int:pk>/", views.portfolio_raid, name="portfolio"),
    path("raid/<str:kind>/", views.register, name="register"),
    path("raid/<str:kind>/new/", views.item_create, name="item_create"),
    path("raid/<str:kind>/<int:pk>/", views.item_detail, name="item_detail"),
    path("raid/<str:kind>/<int:pk>/edit/", views.item_update, name="item_update"),
    path("raid/<str:kind>/<int:pk>/escalate/", views.item_escalate, name="item_escalate"),
    path("raid/<str:kind>/<int:pk>/deescalate/", views.item_deescalate, name="item_deescalate"),
    path("raid/<str:kind>/<int:pk>/review/", views.item_review, name="item_review"),
    path("raid/<str:kind>/<int:pk>/history/", views.item_history, name="item_history"),
    path("raid/<str:kind>/<int:pk>/delete/", views.item_delete, name="item_delete"),
    *urls_excel.urlpatterns,
]
